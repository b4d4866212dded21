using System;
using System.Linq;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Data
{
    /// <summary>
    /// The base of transformers that add columns computed from each row alone. Subclasses (inside ML.NET, or friend
    /// assemblies) provide an <see cref="IRowMapper"/> and their saved form.
    /// </summary>
    public abstract class RowToRowTransformerBase : ITransformer
    {
        private protected readonly IHost Host;

        private protected RowToRowTransformerBase(IHost host)
        {
            Host = host ?? throw new ArgumentNullException(nameof(host));
        }

        void ICanSaveModel.Save(ModelSaveContext ctx) => SaveModel(ctx);

        private protected abstract void SaveModel(ModelSaveContext ctx);

        bool ITransformer.IsRowToRowMapper => true;

        IRowToRowMapper ITransformer.GetRowToRowMapper(DataViewSchema inputSchema)
        {
            Host.CheckValue(inputSchema, nameof(inputSchema));
            return new RowToRowMapperTransform(new EmptyDataView(inputSchema), MakeRowMapper(inputSchema));
        }

        private protected abstract IRowMapper MakeRowMapper(DataViewSchema schema);

        /// <summary>The input schema plus the added columns; throws when an input column is missing or of the wrong type.</summary>
        public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
        {
            Host.CheckValue(inputSchema, nameof(inputSchema));
            return RowToRowMapperTransform.GetOutputSchema(inputSchema, MakeRowMapper(inputSchema));
        }

        /// <summary>Applies the transformer lazily.</summary>
        public IDataView Transform(IDataView input) => MakeDataTransform(input);

        private protected IDataView MakeDataTransform(IDataView input)
        {
            Host.CheckValue(input, nameof(input));
            return new RowToRowMapperTransform(input, MakeRowMapper(input.Schema));
        }

        /// <summary>The usual mapper: output columns computed once, one getter per active output.</summary>
        private protected abstract class MapperBase : IRowMapper
        {
            protected readonly IHost Host;
            protected readonly DataViewSchema InputSchema;
            protected readonly Lazy<DataViewSchema.DetachedColumn[]> OutputColumns;
            private readonly RowToRowTransformerBase parent;

            protected MapperBase(IHost host, DataViewSchema inputSchema, RowToRowTransformerBase parent)
            {
                Host = host ?? throw new ArgumentNullException(nameof(host));
                InputSchema = inputSchema ?? throw new ArgumentNullException(nameof(inputSchema));
                this.parent = parent;
                OutputColumns = new Lazy<DataViewSchema.DetachedColumn[]>(GetOutputColumnsCore);
            }

            protected abstract DataViewSchema.DetachedColumn[] GetOutputColumnsCore();

            DataViewSchema.DetachedColumn[] IRowMapper.GetOutputColumns() => OutputColumns.Value;

            public virtual Delegate[] CreateGetters(DataViewRow input, Func<int, bool> activeOutput, out Action disposer)
            {
                int n = OutputColumns.Value.Length;
                var result = new Delegate[n];
                var disposers = new Action[n];
                for (int i = 0; i < n; i++)
                    if (activeOutput(i)) result[i] = MakeGetter(input, i, activeOutput, out disposers[i]);
                var any = disposers.Where(d => d != null).ToArray();
                disposer = any.Length == 0 ? null : () =>
                {
                    foreach (var d in any) d();
                };
                return result;
            }

            protected abstract Delegate MakeGetter(DataViewRow input, int iinfo, Func<int, bool> activeOutput, out Action disposer);

            Func<int, bool> IRowMapper.GetDependencies(Func<int, bool> activeOutput) => GetDependenciesCore(activeOutput);

            private protected abstract Func<int, bool> GetDependenciesCore(Func<int, bool> activeOutput);

            void ICanSaveModel.Save(ModelSaveContext ctx) => SaveModel(ctx);

            private protected abstract void SaveModel(ModelSaveContext ctx);

            public ITransformer GetTransformer() => parent;
        }
    }
}
