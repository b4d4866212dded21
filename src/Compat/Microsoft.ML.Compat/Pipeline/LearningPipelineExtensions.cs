using System;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML
{
    /// <summary>Builds pipelines by appending estimators and transformers.</summary>
    public static class LearningPipelineExtensions
    {
        /// <summary>A chain of <paramref name="start"/> followed by <paramref name="estimator"/>.</summary>
        public static EstimatorChain<TTrans> Append<TTrans>(this IEstimator<ITransformer> start, IEstimator<TTrans> estimator,
            TransformerScope scope = TransformerScope.Everything)
            where TTrans : class, ITransformer
        {
            Contracts.CheckValue(start, nameof(start));
            Contracts.CheckValue(estimator, nameof(estimator));
            return new EstimatorChain<ITransformer>().Append(start).Append(estimator, scope);
        }

        /// <summary>A chain of <paramref name="start"/> followed by <paramref name="transformer"/>.</summary>
        public static TransformerChain<TTrans> Append<TTrans>(this ITransformer start, TTrans transformer)
            where TTrans : class, ITransformer
        {
            Contracts.CheckValue(start, nameof(start));
            Contracts.CheckValue(transformer, nameof(transformer));
            return new TransformerChain<TTrans>(start, transformer);
        }

        /// <summary>A chain of <paramref name="start"/> with a caching point after it (no cache is kept in this subset).</summary>
        public static EstimatorChain<TTrans> AppendCacheCheckpoint<TTrans>(this IEstimator<TTrans> start, IHostEnvironment env)
            where TTrans : class, ITransformer
        {
            Contracts.CheckValue(start, nameof(start));
            return new EstimatorChain<TTrans>().Append(start).AppendCacheCheckpoint(env);
        }

        /// <summary>An estimator that calls <paramref name="onFit"/> with each transformer it fits.</summary>
        public static IEstimator<TTransformer> WithOnFitDelegate<TTransformer>(this IEstimator<TTransformer> estimator, Action<TTransformer> onFit)
            where TTransformer : class, ITransformer
        {
            Contracts.CheckValue(estimator, nameof(estimator));
            Contracts.CheckValue(onFit, nameof(onFit));
            return new DelegateEstimator<TTransformer>(estimator, onFit);
        }

        private sealed class DelegateEstimator<TTransformer> : IEstimator<TTransformer>
            where TTransformer : class, ITransformer
        {
            private readonly IEstimator<TTransformer> inner;
            private readonly Action<TTransformer> onFit;

            public DelegateEstimator(IEstimator<TTransformer> inner, Action<TTransformer> onFit)
            {
                this.inner = inner;
                this.onFit = onFit;
            }

            public TTransformer Fit(IDataView input)
            {
                var transformer = inner.Fit(input);
                onFit(transformer);
                return transformer;
            }

            public SchemaShape GetOutputSchema(SchemaShape inputSchema) => inner.GetOutputSchema(inputSchema);
        }
    }
}
