using System;
using System.Linq;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Data
{
    /// <summary>A sequence of estimators: fitting fits each on the output of the previous transformers.</summary>
    public sealed class EstimatorChain<TLastTransformer> : IEstimator<TransformerChain<TLastTransformer>>
        where TLastTransformer : class, ITransformer
    {
        private readonly IEstimator<ITransformer>[] estimators;
        private readonly TransformerScope[] scopes;

        /// <summary>The last estimator (null for an empty chain).</summary>
        public readonly IEstimator<TLastTransformer> LastEstimator;

        private EstimatorChain(IEstimator<ITransformer>[] estimators, TransformerScope[] scopes)
        {
            this.estimators = estimators;
            this.scopes = scopes;
            LastEstimator = estimators.LastOrDefault() as IEstimator<TLastTransformer>;
        }

        /// <summary>An empty chain.</summary>
        public EstimatorChain()
            : this(Array.Empty<IEstimator<ITransformer>>(), Array.Empty<TransformerScope>())
        {
        }

        /// <summary>Checks the whole chain against the input schema, then fits the estimators in order.</summary>
        public TransformerChain<TLastTransformer> Fit(IDataView input)
        {
            Contracts.CheckValue(input, nameof(input));
            GetOutputSchema(SchemaShape.Create(input.Schema));
            var current = input;
            var transformers = new ITransformer[estimators.Length];
            for (int i = 0; i < estimators.Length; i++)
            {
                transformers[i] = estimators[i].Fit(current);
                if (i < estimators.Length - 1) current = transformers[i].Transform(current);
            }
            return new TransformerChain<TLastTransformer>(transformers, scopes);
        }

        /// <summary>The output shape of the whole chain.</summary>
        public SchemaShape GetOutputSchema(SchemaShape inputSchema)
        {
            Contracts.CheckValue(inputSchema, nameof(inputSchema));
            var shape = inputSchema;
            foreach (var estimator in estimators) shape = estimator.GetOutputSchema(shape);
            return shape;
        }

        /// <summary>A new chain with <paramref name="estimator"/> appended.</summary>
        public EstimatorChain<TNewTrans> Append<TNewTrans>(IEstimator<TNewTrans> estimator, TransformerScope scope = TransformerScope.Everything)
            where TNewTrans : class, ITransformer
        {
            Contracts.CheckValue(estimator, nameof(estimator));
            return new EstimatorChain<TNewTrans>(estimators.Append((IEstimator<ITransformer>)estimator).ToArray(), scopes.Append(scope).ToArray());
        }

        /// <summary>
        /// Marks a caching point. This subset keeps no cache (the data are read again by each estimator), so the chain is
        /// returned unchanged.
        /// </summary>
        public EstimatorChain<TLastTransformer> AppendCacheCheckpoint(IHostEnvironment env)
        {
            Contracts.CheckValue(env, nameof(env));
            return this;
        }
    }
}
