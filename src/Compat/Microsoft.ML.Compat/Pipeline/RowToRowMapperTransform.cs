using System;
using System.Collections.Generic;
using System.Linq;

namespace Microsoft.ML.Data
{
    /// <summary>
    /// The data view a row-to-row transformer returns: the input's columns plus those its <see cref="IRowMapper"/> adds.
    /// Cursors wrap an input cursor and compute added values only when their getters are called.
    /// </summary>
    internal sealed class RowToRowMapperTransform : IDataView, IRowToRowMapper
    {
        private readonly IDataView source;
        private readonly IRowMapper mapper;
        private readonly ColumnBindings bindings;

        public RowToRowMapperTransform(IDataView input, IRowMapper mapper)
        {
            source = input ?? throw new ArgumentNullException(nameof(input));
            this.mapper = mapper ?? throw new ArgumentNullException(nameof(mapper));
            bindings = new ColumnBindings(input.Schema, mapper.GetOutputColumns());
        }

        public static DataViewSchema GetOutputSchema(DataViewSchema inputSchema, IRowMapper mapper) =>
            new ColumnBindings(inputSchema, mapper.GetOutputColumns()).Schema;

        public DataViewSchema Schema => bindings.Schema;

        public DataViewSchema InputSchema => source.Schema;

        public DataViewSchema OutputSchema => bindings.Schema;

        public bool CanShuffle => source.CanShuffle;

        public long? GetRowCount() => source.GetRowCount();

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random rand = null)
        {
            var active = ActiveSet(columnsNeeded);
            var input = source.GetRowCursor(bindings.GetActiveInput(i => active[i], mapper), rand);
            return new Cursor(this, input, active);
        }

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random rand = null)
        {
            var active = ActiveSet(columnsNeeded);
            return source.GetRowCursorSet(bindings.GetActiveInput(i => active[i], mapper), n, rand)
                .Select(input => (DataViewRowCursor)new Cursor(this, input, active)).ToArray();
        }

        public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
        {
            var active = ActiveSet(dependingColumns);
            return bindings.GetActiveInput(i => active[i], mapper);
        }

        public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
        {
            if (input == null) throw new ArgumentNullException(nameof(input));
            return new Row(this, input, ActiveSet(activeColumns));
        }

        private bool[] ActiveSet(IEnumerable<DataViewSchema.Column> columns)
        {
            var active = new bool[bindings.Schema.Count];
            foreach (var column in columns ?? Enumerable.Empty<DataViewSchema.Column>())
            {
                if (column.Index < 0 || column.Index >= active.Length || bindings.Schema[column.Index].Name != column.Name)
                    throw new ArgumentOutOfRangeException(nameof(columns), $"Column '{column.Name}' is not part of this data view's schema.");
                active[column.Index] = true;
            }
            return active;
        }

        /// <summary>Getters of one output row: pass-through columns from the input, added ones from the mapper.</summary>
        private sealed class Getters
        {
            private readonly RowToRowMapperTransform parent;
            private readonly DataViewRow input;
            private readonly bool[] active;
            private readonly Delegate[] added;

            public Getters(RowToRowMapperTransform parent, DataViewRow input, bool[] active)
            {
                this.parent = parent;
                this.input = input;
                this.active = active;
                int inputCount = parent.bindings.InputSchema.Count;
                added = parent.mapper.CreateGetters(input, i => active[inputCount + i], out var disposer);
                Disposer = disposer;
            }

            public Action Disposer { get; }

            public ValueGetter<TValue> Get<TValue>(DataViewSchema.Column column)
            {
                var schema = parent.bindings.Schema;
                if (column.Index < 0 || column.Index >= schema.Count || schema[column.Index].Name != column.Name)
                    throw new ArgumentOutOfRangeException(nameof(column), $"Column '{column.Name}' is not part of this row's schema.");
                if (!active[column.Index])
                    throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was created (it is inactive).");
                var type = schema[column.Index].Type;
                if (type.RawType != typeof(TValue))
                    throw new InvalidOperationException(
                        $"Invalid TValue in GetGetter for column '{column.Name}': expected type '{type.RawType}' ({type}), got '{typeof(TValue)}'.");
                if (!parent.bindings.IsAdded(column.Index, out int addedIndex)) return input.GetGetter<TValue>(input.Schema[column.Index]);
                return added[addedIndex] as ValueGetter<TValue>
                    ?? throw new InvalidOperationException($"The mapper made no getter of type {typeof(TValue)} for column '{column.Name}'.");
            }
        }

        private sealed class Cursor : CursorBase
        {
            private readonly DataViewRowCursor input;
            private readonly Getters getters;

            public Cursor(RowToRowMapperTransform parent, DataViewRowCursor input, bool[] active)
                : base(parent.bindings.Schema, parent.bindings.Schema.Where(c => active[c.Index]))
            {
                this.input = input;
                getters = new Getters(parent, input, active);
            }

            public override long Batch => input.Batch;

            public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();

            protected override bool MoveNextCore() => input.MoveNext();

            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => getters.Get<TValue>(column);

            protected override void DisposeCore()
            {
                getters.Disposer?.Invoke();
                input.Dispose();
            }
        }

        private sealed class Row : DataViewRow
        {
            private readonly DataViewRow input;
            private readonly bool[] active;
            private readonly Getters getters;
            private bool disposed;

            public Row(RowToRowMapperTransform parent, DataViewRow input, bool[] active)
            {
                this.input = input;
                this.active = active;
                Schema = parent.bindings.Schema;
                getters = new Getters(parent, input, active);
            }

            public override DataViewSchema Schema { get; }

            public override long Position => input.Position;

            public override long Batch => input.Batch;

            public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();

            public override bool IsColumnActive(DataViewSchema.Column column) =>
                column.Index >= 0 && column.Index < active.Length && active[column.Index];

            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => getters.Get<TValue>(column);

            protected override void Dispose(bool disposing)
            {
                if (disposed) return;
                disposed = true;
                if (disposing) getters.Disposer?.Invoke();
            }
        }
    }
}
