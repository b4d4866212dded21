using System;
using System.Collections.Generic;
using System.Linq;

namespace Microsoft.ML.Data
{
    /// <summary>
    /// The output schema of a transform that appends columns to its input: the input columns first (those an added
    /// column of the same name replaces become hidden), then the added columns.
    /// </summary>
    internal sealed class ColumnBindings
    {
        public ColumnBindings(DataViewSchema input, DataViewSchema.DetachedColumn[] added)
        {
            InputSchema = input ?? throw new ArgumentNullException(nameof(input));
            Added = added ?? throw new ArgumentNullException(nameof(added));
            var names = new HashSet<string>();
            foreach (var column in added)
                if (!names.Add(column.Name))
                    throw new ArgumentOutOfRangeException(nameof(added), $"Output column '{column.Name}' is produced more than once.");
            var builder = new DataViewSchema.Builder();
            builder.AddColumns(input.Select(c => new DataViewSchema.DetachedColumn(c)));
            builder.AddColumns(added);
            Schema = builder.ToSchema();
        }

        public DataViewSchema InputSchema { get; }

        public DataViewSchema.DetachedColumn[] Added { get; }

        public DataViewSchema Schema { get; }

        /// <summary>Whether output column <paramref name="index"/> is an added one (then its index among them is returned).</summary>
        public bool IsAdded(int index, out int addedIndex)
        {
            addedIndex = index - InputSchema.Count;
            return addedIndex >= 0;
        }

        /// <summary>The input columns needed: active pass-through columns plus what the active added columns depend on.</summary>
        public IEnumerable<DataViewSchema.Column> GetActiveInput(Func<int, bool> activeOutput, IRowMapper mapper)
        {
            var dependencies = mapper.GetDependencies(i => activeOutput(InputSchema.Count + i));
            return InputSchema.Where(c => activeOutput(c.Index) || dependencies(c.Index));
        }
    }
}
