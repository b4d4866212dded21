using Microsoft.ML.Runtime;

namespace Microsoft.ML
{
    /// <summary>
    /// The entry point for transforms: <c>mlContext.Transforms.LoadImages(...)</c> and the other extension methods
    /// (this subset provides the image ones in <see cref="ImageEstimatorsCatalog"/>).
    /// </summary>
    public sealed class TransformsCatalog : IInternalCatalog
    {
        private readonly IHostEnvironment environment;

        internal TransformsCatalog(IHostEnvironment env)
        {
            environment = env;
        }

        IHostEnvironment IInternalCatalog.Environment => environment;
    }
}
