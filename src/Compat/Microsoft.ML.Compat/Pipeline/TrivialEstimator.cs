using System;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Data
{
    /// <summary>An estimator whose transformer needs no training: <see cref="Fit"/> validates the input and returns it.</summary>
    public abstract class TrivialEstimator<TTransformer> : IEstimator<TTransformer>
        where TTransformer : class, ITransformer
    {
        private protected readonly IHost Host;
        private protected readonly TTransformer Transformer;

        private protected TrivialEstimator(IHost host, TTransformer transformer)
        {
            Host = host ?? throw new ArgumentNullException(nameof(host));
            Host.CheckValue(transformer, nameof(transformer));
            Transformer = transformer;
        }

        /// <summary>Checks the input schema and returns the transformer.</summary>
        public TTransformer Fit(IDataView input)
        {
            Host.CheckValue(input, nameof(input));
            Transformer.GetOutputSchema(input.Schema);
            return Transformer;
        }

        /// <summary>The output shape for <paramref name="inputSchema"/>; throws when an input column is missing or of the wrong type.</summary>
        public abstract SchemaShape GetOutputSchema(SchemaShape inputSchema);
    }
}
