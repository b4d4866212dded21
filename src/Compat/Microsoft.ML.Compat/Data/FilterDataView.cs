using System;
using System.Collections.Generic;
using System.Linq;

namespace Microsoft.ML.Data
{
    /// <summary>
    /// The rows of a source view that a predicate keeps, streamed. The predicate factory receives the source cursor
    /// and returns a test of its current row; <c>stopAfter</c> ends the cursor early (TakeRows).
    /// </summary>
    internal sealed class FilterDataView : IDataView
    {
        private readonly IDataView source;
        private readonly Func<DataViewRow, Func<bool>> predicate;
        private readonly DataViewSchema.Column[] needed;
        private readonly long? stopAfter;

        public FilterDataView(IDataView source, Func<DataViewRow, Func<bool>> predicate, DataViewSchema.Column[] needed, long? stopAfter = null)
        {
            this.source = source;
            this.predicate = predicate;
            this.needed = needed;
            this.stopAfter = stopAfter;
        }

        public DataViewSchema Schema => source.Schema;

        public bool CanShuffle => false;

        public long? GetRowCount() => null;

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random rand = null)
        {
            var columns = (columnsNeeded ?? Enumerable.Empty<DataViewSchema.Column>()).ToList();
            var input = source.GetRowCursor(columns.Concat(needed).GroupBy(c => c.Index).Select(g => g.First()));
            return new Cursor(this, input, columns);
        }

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random rand = null) =>
            new[] { GetRowCursor(columnsNeeded, rand) };

        private sealed class Cursor : CursorBase
        {
            private readonly FilterDataView parent;
            private readonly DataViewRowCursor input;
            private readonly Func<bool> keep;

            public Cursor(FilterDataView parent, DataViewRowCursor input, IEnumerable<DataViewSchema.Column> columns)
                : base(parent.Schema, columns)
            {
                this.parent = parent;
                this.input = input;
                keep = parent.predicate(input);
            }

            protected override bool MoveNextCore()
            {
                if (parent.stopAfter.HasValue && Position + 1 >= parent.stopAfter.Value) return false;
                while (input.MoveNext())
                    if (keep()) return true;
                return false;
            }

            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
            {
                CheckGetter<TValue>(column);
                return input.GetGetter<TValue>(column);
            }

            protected override void DisposeCore() => input.Dispose();
        }
    }
}
