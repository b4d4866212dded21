namespace Microsoft.ML.Transforms
{
    /// <summary>The base class of transform option classes (ML.NET's command-line arguments).</summary>
    public class TransformInputBase
    {
        private protected TransformInputBase()
        {
        }

        /// <summary>The input data, set by ML.NET's entry points only.</summary>
        internal IDataView Data;
    }
}
