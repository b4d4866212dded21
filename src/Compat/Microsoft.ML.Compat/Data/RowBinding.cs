using System;
using System.Collections.Generic;
using System.Linq;

namespace Microsoft.ML.Data
{
    /// <summary>
    /// Binds the members of <typeparamref name="TRow"/> to the columns of a schema for filling objects from rows
    /// (CreateEnumerable, prediction engines). Missing columns throw (naming the column) unless ignored; columns of
    /// an incompatible type always throw.
    /// </summary>
    internal sealed class RowBinding<TRow>
        where TRow : class
    {
        private readonly List<(MemberColumn<TRow> Member, DataViewSchema.Column Column)> bound = new();

        public RowBinding(DataViewSchema schema, bool ignoreMissingColumns, SchemaDefinition definition)
        {
            foreach (var member in MemberColumn<TRow>.Bind(definition))
            {
                var column = schema.GetColumnOrNull(member.ColumnName);
                if (!column.HasValue)
                {
                    if (ignoreMissingColumns) continue;
                    throw new ArgumentOutOfRangeException(nameof(schema),
                        $"Column '{member.ColumnName}' not found in the data view (needed by member '{member.Member.Name}' of {typeof(TRow).Name}).");
                }
                member.CheckCompatible(column.Value);
                bound.Add((member, column.Value));
            }
        }

        /// <summary>The columns the binding reads.</summary>
        public IEnumerable<DataViewSchema.Column> Columns => bound.Select(b => b.Column);

        /// <summary>An action filling an object from the current values of <paramref name="row"/>.</summary>
        public Action<TRow> MakeFiller(DataViewRow row)
        {
            var fillers = bound.Select(b => b.Member.MakeFiller(row, row.Schema[b.Column.Index])).ToArray();
            return obj =>
            {
                foreach (var fill in fillers) fill(obj);
            };
        }
    }
}
