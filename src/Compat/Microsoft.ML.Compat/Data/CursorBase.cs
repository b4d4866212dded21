using System;
using System.Collections.Generic;
using System.Linq;

namespace Microsoft.ML.Data
{
    /// <summary>
    /// The bookkeeping every cursor shares: position, batch, row ids from the position, active columns, and a getter
    /// lookup that names the column and the expected type when a caller asks for the wrong one.
    /// </summary>
    internal abstract class CursorBase : DataViewRowCursor
    {
        private readonly bool[] active;
        private long position = -1;
        private bool disposed;

        protected CursorBase(DataViewSchema schema, IEnumerable<DataViewSchema.Column> columnsNeeded)
        {
            Schema = schema;
            active = new bool[schema.Count];
            foreach (var column in columnsNeeded ?? Enumerable.Empty<DataViewSchema.Column>())
                if (column.Index >= 0 && column.Index < active.Length) active[column.Index] = true;
        }

        public override DataViewSchema Schema { get; }

        public override long Position => position;

        public override long Batch => 0;

        protected bool Disposed => disposed;

        public override ValueGetter<DataViewRowId> GetIdGetter() =>
            (ref DataViewRowId value) => value = new DataViewRowId((ulong)position, 0);

        public override bool IsColumnActive(DataViewSchema.Column column) =>
            column.Index >= 0 && column.Index < active.Length && active[column.Index];

        public sealed override bool MoveNext()
        {
            if (disposed) return false;
            if (MoveNextCore())
            {
                position++;
                return true;
            }
            Dispose();
            return false;
        }

        protected abstract bool MoveNextCore();

        /// <summary>Checks that <paramref name="column"/> belongs to this schema, is active and has raw type <typeparamref name="TValue"/>.</summary>
        protected void CheckGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Index < 0 || column.Index >= Schema.Count || Schema[column.Index].Name != column.Name)
                throw new ArgumentOutOfRangeException(nameof(column), $"Column '{column.Name}' is not part of this row's schema.");
            if (!active[column.Index])
                throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was created (it is inactive).");
            var type = Schema[column.Index].Type;
            if (type.RawType != typeof(TValue))
                throw new InvalidOperationException(
                    $"Invalid TValue in GetGetter for column '{column.Name}': expected type '{type.RawType}' ({type}), got '{typeof(TValue)}'.");
        }

        protected override void Dispose(bool disposing)
        {
            if (disposed) return;
            disposed = true;
            if (disposing) DisposeCore();
            position = -1;
        }

        protected virtual void DisposeCore()
        {
        }
    }

    /// <summary>A data view with a schema and no rows.</summary>
    internal sealed class EmptyDataView : IDataView
    {
        public EmptyDataView(DataViewSchema schema) => Schema = schema ?? throw new ArgumentNullException(nameof(schema));

        public bool CanShuffle => true;

        public DataViewSchema Schema { get; }

        public long? GetRowCount() => 0;

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random rand = null) => new Cursor(Schema, columnsNeeded);

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random rand = null) =>
            new[] { GetRowCursor(columnsNeeded, rand) };

        private sealed class Cursor : CursorBase
        {
            public Cursor(DataViewSchema schema, IEnumerable<DataViewSchema.Column> columnsNeeded)
                : base(schema, columnsNeeded)
            {
            }

            protected override bool MoveNextCore() => false;

            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
            {
                CheckGetter<TValue>(column);
                return (ref TValue value) => throw new InvalidOperationException("An empty data view has no rows.");
            }
        }
    }
}
