using System;
using System.Collections.Generic;

namespace Microsoft.ML
{
    /// <summary>
    /// The input and output of ML.NET's transforms: a lazily evaluated table whose rows are visited by cursors.
    /// Nothing is materialised until a cursor asks for a value.
    /// </summary>
    public interface IDataView
    {
        /// <summary>Whether <see cref="GetRowCursor"/> honours a non-null random generator (shuffles).</summary>
        bool CanShuffle { get; }

        /// <summary>The number of rows when it is known cheaply, otherwise <see langword="null"/>.</summary>
        long? GetRowCount();

        /// <summary>A cursor over the rows that makes the given columns available.</summary>
        DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random rand = null);

        /// <summary>Up to <paramref name="n"/> cursors that together visit every row once.</summary>
        DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random rand = null);

        /// <summary>The columns of this view.</summary>
        DataViewSchema Schema { get; }
    }

    /// <summary>Fetches the current value of a column into <paramref name="value"/> (reusing its buffers where possible).</summary>
    public delegate void ValueGetter<TValue>(ref TValue value);
}
