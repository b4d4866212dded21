using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML
{
    /// <summary>The base of prediction engines: single-object predictions through a row-to-row transformer.</summary>
    public abstract class PredictionEngineBase<TSrc, TDst> : IDisposable
        where TSrc : class
        where TDst : class, new()
    {
        private readonly ITransformer transformer;
        private readonly bool ownsTransformer;
        private bool disposed;

        private protected PredictionEngineBase(IHostEnvironment env, ITransformer transformer, bool ignoreMissingColumns,
            SchemaDefinition inputSchemaDefinition, SchemaDefinition outputSchemaDefinition, bool ownsTransformer)
        {
            Contracts.CheckValue(env, nameof(env));
            this.transformer = transformer ?? throw new ArgumentNullException(nameof(transformer));
            this.ownsTransformer = ownsTransformer;
            if (!transformer.IsRowToRowMapper)
                throw new InvalidOperationException("A prediction engine needs a transformer that maps rows one by one (IsRowToRowMapper is false).");
            Input = new InputRow(inputSchemaDefinition ?? SchemaDefinition.Create(typeof(TSrc), SchemaDefinition.Direction.Read));
            var mapper = transformer.GetRowToRowMapper(Input.Schema);
            OutputSchema = mapper.OutputSchema;
            var binding = new RowBinding<TDst>(OutputSchema, ignoreMissingColumns,
                outputSchemaDefinition ?? SchemaDefinition.Create(typeof(TDst), SchemaDefinition.Direction.Write));
            Output = mapper.GetRow(Input, binding.Columns);
            Fill = binding.MakeFiller(Output);
        }

        private protected InputRow Input { get; }

        private protected DataViewRow Output { get; }

        private protected Action<TDst> Fill { get; }

        /// <summary>The schema of the transformer's output.</summary>
        public DataViewSchema OutputSchema { get; }

        /// <summary>Releases the engine (and the transformer when it owns it).</summary>
        public void Dispose()
        {
            if (disposed) return;
            disposed = true;
            Output.Dispose();
            if (ownsTransformer) (transformer as IDisposable)?.Dispose();
        }

        /// <summary>Maps one object.</summary>
        public TDst Predict(TSrc example)
        {
            var result = new TDst();
            Predict(example, ref result);
            return result;
        }

        /// <summary>Maps one object into <paramref name="prediction"/> (reused when not null).</summary>
        public abstract void Predict(TSrc example, ref TDst prediction);

        private protected void CheckNotDisposed()
        {
            if (disposed) throw new ObjectDisposedException(GetType().Name);
        }

        /// <summary>The one-row input: getters read the members of the current example.</summary>
        private protected sealed class InputRow : DataViewRow
        {
            private readonly IReadOnlyList<MemberColumn<TSrc>> columns;
            private readonly Delegate[] getters;
            private long position = -1;

            public InputRow(SchemaDefinition definition)
            {
                columns = MemberColumn<TSrc>.Bind(definition);
                var builder = new DataViewSchema.Builder();
                foreach (var column in columns) builder.AddColumn(column.ColumnName, column.ColumnType, column.Definition.Annotations);
                Schema = builder.ToSchema();
                getters = columns.Select(c => c.MakeGetter(() => Current ?? throw new InvalidOperationException("No example is being predicted."))).ToArray();
            }

            public TSrc Current { get; private set; }

            public void SetExample(TSrc example)
            {
                Current = example ?? throw new ArgumentNullException(nameof(example));
                position++;
            }

            public override DataViewSchema Schema { get; }

            public override long Position => position;

            public override long Batch => 0;

            public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)position, 0);

            public override bool IsColumnActive(DataViewSchema.Column column) => column.Index >= 0 && column.Index < getters.Length;

            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
            {
                if (!IsColumnActive(column)) throw new ArgumentOutOfRangeException(nameof(column), $"Column '{column.Name}' is not an input column.");
                return getters[column.Index] as ValueGetter<TValue>
                    ?? throw new InvalidOperationException(
                        $"Invalid TValue in GetGetter for column '{column.Name}': expected '{columns[column.Index].RawType}', got '{typeof(TValue)}'.");
            }
        }
    }

    /// <summary>Makes predictions one object at a time. Not thread safe: use one engine per thread.</summary>
    public sealed class PredictionEngine<TSrc, TDst> : PredictionEngineBase<TSrc, TDst>
        where TSrc : class
        where TDst : class, new()
    {
        internal PredictionEngine(IHostEnvironment env, ITransformer transformer, bool ignoreMissingColumns,
            SchemaDefinition inputSchemaDefinition = null, SchemaDefinition outputSchemaDefinition = null, bool ownsTransformer = true)
            : base(env, transformer, ignoreMissingColumns, inputSchemaDefinition, outputSchemaDefinition, ownsTransformer)
        {
        }

        /// <summary>Maps one object into <paramref name="prediction"/> (created when null).</summary>
        public override void Predict(TSrc example, ref TDst prediction)
        {
            CheckNotDisposed();
            Contracts.CheckValue(example, nameof(example));
            Input.SetExample(example);
            prediction ??= new TDst();
            Fill(prediction);
        }
    }

    /// <summary>Options of <see cref="ModelOperationsCatalog.CreatePredictionEngine{TSrc, TDst}(ITransformer, PredictionEngineOptions)"/>.</summary>
    public sealed class PredictionEngineOptions
    {
        /// <summary>Whether members of the output type without a matching column are ignored (otherwise they throw).</summary>
        public bool IgnoreMissingColumns = true;

        /// <summary>Overrides the input columns derived from the input type.</summary>
        public SchemaDefinition InputSchemaDefinition = null;

        /// <summary>Overrides the output columns derived from the output type.</summary>
        public SchemaDefinition OutputSchemaDefinition = null;

        /// <summary>Whether disposing the engine disposes the transformer.</summary>
        public bool OwnsTransformer = true;
    }
}
