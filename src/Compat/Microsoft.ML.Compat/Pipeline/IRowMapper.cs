using System;

namespace Microsoft.ML.Data
{
    /// <summary>
    /// The per-row logic of a row-to-row transformer (friend-only, as in ML.NET): which output columns it adds, which
    /// input columns an output needs, and getters computing the outputs from an input row.
    /// </summary>
    internal interface IRowMapper : ICanSaveModel
    {
        /// <summary>The input columns (by index) needed to compute the output columns that <paramref name="activeOutput"/> selects.</summary>
        Func<int, bool> GetDependencies(Func<int, bool> activeOutput);

        /// <summary>Getters (ValueGetter of each output's raw type) for the active outputs; null for inactive ones.</summary>
        Delegate[] CreateGetters(DataViewRow input, Func<int, bool> activeOutput, out Action disposer);

        /// <summary>The added columns.</summary>
        DataViewSchema.DetachedColumn[] GetOutputColumns();

        /// <summary>The transformer this mapper belongs to.</summary>
        ITransformer GetTransformer();
    }
}
