using System;
using Microsoft.ML.Data;

namespace Microsoft.ML
{
    /// <summary>One row of a data view: typed getters for its active columns.</summary>
    public abstract class DataViewRow : IDisposable
    {
        /// <summary>The position of the row in its cursor (-1 before the first row).</summary>
        public abstract long Position { get; }

        /// <summary>The batch of the row when cursors are split; rows of one batch are contiguous.</summary>
        public abstract long Batch { get; }

        /// <summary>A getter for a unique, stable identifier of the current row.</summary>
        public abstract ValueGetter<DataViewRowId> GetIdGetter();

        /// <summary>Whether the cursor was asked to make <paramref name="column"/> available.</summary>
        public abstract bool IsColumnActive(DataViewSchema.Column column);

        /// <summary>A getter for the value of <paramref name="column"/>; <typeparamref name="TValue"/> must be its raw type.</summary>
        public abstract ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column);

        /// <summary>The schema of the row.</summary>
        public abstract DataViewSchema Schema { get; }

        /// <summary>Releases the row's resources.</summary>
        public void Dispose()
        {
            Dispose(true);
            GC.SuppressFinalize(this);
        }

        /// <summary>Releases resources; <paramref name="disposing"/> is false when called from a finalizer.</summary>
        protected virtual void Dispose(bool disposing)
        {
        }
    }

    /// <summary>A row that moves forward over the rows of a data view.</summary>
    public abstract class DataViewRowCursor : DataViewRow
    {
        /// <summary>Advances to the next row; false when there is none.</summary>
        public abstract bool MoveNext();
    }
}
