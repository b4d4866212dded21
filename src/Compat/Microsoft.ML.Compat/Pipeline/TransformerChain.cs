using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

[assembly: LoadableClass(typeof(TransformerChain<ITransformer>), typeof(TransformerChain), null, typeof(SignatureLoadModel),
    "Transformer chain", TransformerChain.LoaderSignature)]

namespace Microsoft.ML.Data
{
    /// <summary>What ML.NET's components read from a chain without knowing its last transformer's type (friend-only).</summary>
    internal interface ITransformerChainAccessor
    {
        ITransformer[] Transformers { get; }

        TransformerScope[] Scopes { get; }
    }

    /// <summary>
    /// A sequence of transformers applied one after another, each with a scope. Saved as a Model.key holding the count
    /// and scopes, with each transformer in a sub-directory Transform_000, Transform_001, ...
    /// </summary>
    public sealed class TransformerChain<TLastTransformer> : ITransformer, IEnumerable<ITransformer>, ITransformerChainAccessor, IDisposable
        where TLastTransformer : class, ITransformer
    {
        private const string TransformDirTemplate = "Transform_{0:000}";
        private readonly ITransformer[] transformers;
        private readonly TransformerScope[] scopes;
        private bool disposed;

        /// <summary>The last transformer (null for an empty chain).</summary>
        public readonly TLastTransformer LastTransformer;

        ITransformer[] ITransformerChainAccessor.Transformers => transformers;

        TransformerScope[] ITransformerChainAccessor.Scopes => scopes;

        internal static VersionInfo GetVersionInfo() => new VersionInfo(
            modelSignature: "XF CHAIN",
            verWrittenCur: 0x00010001,
            verReadableCur: 0x00010001,
            verWeCanReadBack: 0x00010001,
            loaderSignature: TransformerChain.LoaderSignature,
            loaderAssemblyName: typeof(TransformerChain<>).Assembly.FullName);

        /// <summary>A chain of <paramref name="transformers"/> with their <paramref name="scopes"/>.</summary>
        public TransformerChain(IEnumerable<ITransformer> transformers, IEnumerable<TransformerScope> scopes)
        {
            this.transformers = transformers?.ToArray() ?? Array.Empty<ITransformer>();
            this.scopes = scopes?.ToArray() ?? Array.Empty<TransformerScope>();
            LastTransformer = this.transformers.LastOrDefault() as TLastTransformer;
            Contracts.Check((this.transformers.Length > 0) == (LastTransformer != null),
                $"The last transformer of the chain must be a {typeof(TLastTransformer).Name}.");
            Contracts.Check(this.transformers.Length == this.scopes.Length, "A chain needs one scope per transformer.");
        }

        /// <summary>A chain of <paramref name="transformers"/>, all with scope <see cref="TransformerScope.Everything"/>.</summary>
        public TransformerChain(params ITransformer[] transformers)
        {
            this.transformers = transformers?.ToArray() ?? Array.Empty<ITransformer>();
            scopes = this.transformers.Select(_ => TransformerScope.Everything).ToArray();
            LastTransformer = this.transformers.LastOrDefault() as TLastTransformer;
            Contracts.Check(this.transformers.Length == 0 || LastTransformer != null,
                $"The last transformer of the chain must be a {typeof(TLastTransformer).Name}.");
        }

        internal TransformerChain(IHostEnvironment env, ModelLoadContext ctx)
        {
            int count = ctx.Reader.ReadInt32();
            // The block is the count and one scope per transformer: a damaged count is caught before anything is allocated.
            if (count < 0 || sizeof(int) * (1L + count) != ctx.Header.CbModel)
                throw ctx.Decorate(new FormatException($"a chain of {count} transformers does not fit its {ctx.Header.CbModel}-byte model block"));
            transformers = new ITransformer[count];
            scopes = new TransformerScope[count];
            for (int i = 0; i < count; i++)
            {
                scopes[i] = (TransformerScope)ctx.Reader.ReadInt32();
                ctx.LoadModel<ITransformer, SignatureLoadModel>(env, out transformers[i], string.Format(TransformDirTemplate, i));
            }
            LastTransformer = count > 0 ? transformers[count - 1] as TLastTransformer : null;
        }

        /// <summary>The output schema in the scoring scope.</summary>
        public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => GetOutputSchema(inputSchema, TransformerScope.Scoring);

        /// <summary>The output schema of the transformers of <paramref name="scope"/>.</summary>
        public DataViewSchema GetOutputSchema(DataViewSchema inputSchema, TransformerScope scope)
        {
            Contracts.CheckValue(inputSchema, nameof(inputSchema));
            var schema = inputSchema;
            foreach (var transformer in GetModelFor(scope)) schema = transformer.GetOutputSchema(schema);
            return schema;
        }

        /// <summary>Applies the scoring-scope transformers lazily.</summary>
        public IDataView Transform(IDataView input) => Transform(input, TransformerScope.Scoring);

        /// <summary>Applies the transformers of <paramref name="scope"/> lazily, after checking the schemas.</summary>
        public IDataView Transform(IDataView input, TransformerScope scope)
        {
            Contracts.CheckValue(input, nameof(input));
            var chain = GetModelFor(scope);
            chain.GetOutputSchema(input.Schema);
            var data = input;
            foreach (var transformer in chain) data = transformer.Transform(data);
            return data;
        }

        /// <summary>The sub-chain of transformers whose scope intersects <paramref name="scopeFilter"/>.</summary>
        public TransformerChain<ITransformer> GetModelFor(TransformerScope scopeFilter)
        {
            var kept = Enumerable.Range(0, transformers.Length).Where(i => (scopes[i] & scopeFilter) != TransformerScope.None).ToArray();
            return new TransformerChain<ITransformer>(kept.Select(i => transformers[i]).ToArray(), kept.Select(i => scopes[i]).ToArray());
        }

        /// <summary>A new chain with <paramref name="transformer"/> appended.</summary>
        public TransformerChain<TNewLast> Append<TNewLast>(TNewLast transformer, TransformerScope scope = TransformerScope.Everything)
            where TNewLast : class, ITransformer
        {
            Contracts.CheckValue(transformer, nameof(transformer));
            return new TransformerChain<TNewLast>(transformers.Append(transformer).ToArray(), scopes.Append(scope).ToArray());
        }

        void ICanSaveModel.Save(ModelSaveContext ctx)
        {
            ctx.CheckAtModel();
            ctx.SetVersionInfo(GetVersionInfo());
            ctx.Writer.Write(transformers.Length);
            for (int i = 0; i < transformers.Length; i++)
            {
                ctx.Writer.Write((int)scopes[i]);
                ctx.SaveModel(transformers[i], string.Format(TransformDirTemplate, i));
            }
        }

        /// <summary>Enumerates the transformers.</summary>
        public IEnumerator<ITransformer> GetEnumerator() => ((IEnumerable<ITransformer>)transformers).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        bool ITransformer.IsRowToRowMapper => transformers.All(t => t.IsRowToRowMapper);

        IRowToRowMapper ITransformer.GetRowToRowMapper(DataViewSchema inputSchema)
        {
            Contracts.CheckValue(inputSchema, nameof(inputSchema));
            Contracts.Check(((ITransformer)this).IsRowToRowMapper, "GetRowToRowMapper called although IsRowToRowMapper is false.");
            var mappers = new IRowToRowMapper[transformers.Length];
            var schema = inputSchema;
            for (int i = 0; i < mappers.Length; i++)
            {
                mappers[i] = transformers[i].GetRowToRowMapper(schema);
                schema = mappers[i].OutputSchema;
            }
            return new CompositeRowToRowMapper(inputSchema, mappers);
        }

        /// <summary>Disposes the transformers that are disposable.</summary>
        public void Dispose()
        {
            if (disposed) return;
            disposed = true;
            foreach (var transformer in transformers) (transformer as IDisposable)?.Dispose();
        }
    }

    /// <summary>The loader of saved chains.</summary>
    internal static class TransformerChain
    {
        public const string LoaderSignature = "TransformerChain";

        private static TransformerChain<ITransformer> Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            ctx.CheckAtModel(TransformerChain<ITransformer>.GetVersionInfo());
            return new TransformerChain<ITransformer>(env, ctx);
        }
    }
}
