using System;
using System.Collections.Generic;
using System.Linq;

namespace Microsoft.ML.Data
{
    /// <summary>Several row-to-row mappers applied in sequence (the mapper of a transformer chain).</summary>
    internal sealed class CompositeRowToRowMapper : IRowToRowMapper
    {
        private readonly IRowToRowMapper[] mappers;

        public CompositeRowToRowMapper(DataViewSchema inputSchema, IRowToRowMapper[] mappers)
        {
            InputSchema = inputSchema ?? throw new ArgumentNullException(nameof(inputSchema));
            this.mappers = mappers ?? Array.Empty<IRowToRowMapper>();
            OutputSchema = this.mappers.Length == 0 ? inputSchema : this.mappers[this.mappers.Length - 1].OutputSchema;
        }

        public DataViewSchema InputSchema { get; }

        public DataViewSchema OutputSchema { get; }

        public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
        {
            var columns = dependingColumns;
            for (int i = mappers.Length - 1; i >= 0; i--) columns = mappers[i].GetDependencies(columns).ToList();
            return columns;
        }

        public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
        {
            if (input == null) throw new ArgumentNullException(nameof(input));
            if (mappers.Length == 0) return input;
            // Work out, from the last mapper back, which columns each intermediate row must provide.
            var needed = new List<DataViewSchema.Column>[mappers.Length];
            IEnumerable<DataViewSchema.Column> columns = activeColumns;
            for (int i = mappers.Length - 1; i >= 0; i--)
            {
                needed[i] = columns.ToList();
                columns = mappers[i].GetDependencies(needed[i]);
            }
            var rows = new List<DataViewRow>();
            DataViewRow current = input;
            for (int i = 0; i < mappers.Length; i++)
            {
                current = mappers[i].GetRow(current, needed[i]);
                rows.Add(current);
            }
            return new ChainedRow(rows);
        }

        /// <summary>The last row of a chain; disposing it disposes every intermediate row.</summary>
        private sealed class ChainedRow : DataViewRow
        {
            private readonly List<DataViewRow> rows;
            private readonly DataViewRow last;

            public ChainedRow(List<DataViewRow> rows)
            {
                this.rows = rows;
                last = rows[rows.Count - 1];
            }

            public override DataViewSchema Schema => last.Schema;

            public override long Position => last.Position;

            public override long Batch => last.Batch;

            public override ValueGetter<DataViewRowId> GetIdGetter() => last.GetIdGetter();

            public override bool IsColumnActive(DataViewSchema.Column column) => last.IsColumnActive(column);

            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => last.GetGetter<TValue>(column);

            protected override void Dispose(bool disposing)
            {
                if (!disposing) return;
                for (int i = rows.Count - 1; i >= 0; i--) rows[i].Dispose();
            }
        }
    }
}
