using System.Collections.Generic;

namespace Microsoft.ML.Data
{
    /// <summary>Maps one input row to one output row (used by prediction engines).</summary>
    public interface IRowToRowMapper
    {
        /// <summary>The schema of the input rows.</summary>
        DataViewSchema InputSchema { get; }

        /// <summary>The schema of the output rows.</summary>
        DataViewSchema OutputSchema { get; }

        /// <summary>The input columns needed to compute <paramref name="dependingColumns"/> of the output.</summary>
        IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns);

        /// <summary>An output row computed from <paramref name="input"/> whose <paramref name="activeColumns"/> are available.</summary>
        DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns);
    }
}
