using System;
using System.Collections.Generic;
using System.Linq;

namespace Microsoft.ML.Data
{
    /// <summary>
    /// A data view over an <see cref="IEnumerable{T}"/> of objects: each cursor enumerates the source again and reads
    /// the members of the current object only when a getter is called, so nothing is materialised. Lists can be
    /// shuffled and report their row count.
    /// </summary>
    internal sealed class EnumerableDataView<TRow> : IDataView
        where TRow : class
    {
        private readonly IEnumerable<TRow> data;
        private readonly IReadOnlyList<MemberColumn<TRow>> columns;

        /// <summary>A view of <paramref name="data"/>; annotations come from <paramref name="annotationSource"/> when given.</summary>
        public EnumerableDataView(IEnumerable<TRow> data, SchemaDefinition definition, DataViewSchema annotationSource = null)
        {
            this.data = data ?? throw new ArgumentNullException(nameof(data));
            columns = MemberColumn<TRow>.Bind(definition);
            var builder = new DataViewSchema.Builder();
            foreach (var column in columns)
                builder.AddColumn(column.ColumnName, column.ColumnType,
                    annotationSource?.GetColumnOrNull(column.ColumnName)?.Annotations ?? column.Definition.Annotations);
            Schema = builder.ToSchema();
        }

        public DataViewSchema Schema { get; }

        public bool CanShuffle => data is IList<TRow>;

        public long? GetRowCount() => data is ICollection<TRow> collection ? collection.Count : (long?)null;

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random rand = null)
        {
            IEnumerable<TRow> rows = data;
            if (rand != null && data is IList<TRow> list)
            {
                var order = Enumerable.Range(0, list.Count).ToArray();
                for (int i = order.Length - 1; i > 0; i--)
                {
                    int j = rand.Next(i + 1);
                    (order[i], order[j]) = (order[j], order[i]);
                }
                rows = order.Select(i => list[i]);
            }
            return new Cursor(this, rows.GetEnumerator(), columnsNeeded);
        }

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random rand = null) =>
            new[] { GetRowCursor(columnsNeeded, rand) };

        private sealed class Cursor : CursorBase
        {
            private readonly IEnumerator<TRow> enumerator;
            private readonly Delegate[] getters;
            private TRow current;

            public Cursor(EnumerableDataView<TRow> parent, IEnumerator<TRow> enumerator, IEnumerable<DataViewSchema.Column> columnsNeeded)
                : base(parent.Schema, columnsNeeded)
            {
                this.enumerator = enumerator;
                getters = new Delegate[parent.columns.Count];
                for (int i = 0; i < getters.Length; i++)
                    if (IsColumnActive(Schema[i])) getters[i] = parent.columns[i].MakeGetter(Current);
            }

            private TRow Current()
            {
                if (Position < 0) throw new InvalidOperationException("The cursor is not on a row: call MoveNext first.");
                return current ?? throw new InvalidOperationException($"Row {Position} of the enumerable is null.");
            }

            protected override bool MoveNextCore()
            {
                if (!enumerator.MoveNext())
                {
                    current = null;
                    return false;
                }
                current = enumerator.Current;
                return true;
            }

            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
            {
                CheckGetter<TValue>(column);
                return (ValueGetter<TValue>)getters[column.Index];
            }

            protected override void DisposeCore() => enumerator.Dispose();
        }
    }
}
