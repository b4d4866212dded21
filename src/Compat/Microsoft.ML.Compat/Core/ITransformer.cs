using Microsoft.ML.Data;

namespace Microsoft.ML
{
    /// <summary>Something that can save itself into a model file.</summary>
    public interface ICanSaveModel
    {
        /// <summary>Writes the object into <paramref name="ctx"/>.</summary>
        void Save(ModelSaveContext ctx);
    }

    /// <summary>A trained component that maps an input data view to an output data view.</summary>
    public interface ITransformer : ICanSaveModel
    {
        /// <summary>Whether each output row depends on its input row only (then <see cref="GetRowToRowMapper"/> works).</summary>
        bool IsRowToRowMapper { get; }

        /// <summary>The schema <see cref="Transform"/> would produce for <paramref name="inputSchema"/>; validates the input.</summary>
        DataViewSchema GetOutputSchema(DataViewSchema inputSchema);

        /// <summary>Applies the transformer lazily: nothing is computed until a cursor reads the result.</summary>
        IDataView Transform(IDataView input);

        /// <summary>A row-by-row mapper for inputs of the given schema.</summary>
        IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema);
    }

    /// <summary>Something that learns a transformer from data.</summary>
    public interface IEstimator<out TTransformer>
        where TTransformer : ITransformer
    {
        /// <summary>Trains on <paramref name="input"/> and returns the transformer.</summary>
        TTransformer Fit(IDataView input);

        /// <summary>The shape of the output given the shape of the input; validates the input without data.</summary>
        SchemaShape GetOutputSchema(SchemaShape inputSchema);
    }
}
