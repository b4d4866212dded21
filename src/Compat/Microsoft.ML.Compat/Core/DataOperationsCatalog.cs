using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML
{
    /// <summary>Data operations: views over .NET objects and back, and train/test splits. Everything streams lazily.</summary>
    public sealed class DataOperationsCatalog : IInternalCatalog
    {
        private readonly IHostEnvironment env;

        internal DataOperationsCatalog(IHostEnvironment env)
        {
            this.env = env;
        }

        IHostEnvironment IInternalCatalog.Environment => env;

        /// <summary>A train set and a test set.</summary>
        public struct TrainTestData
        {
            /// <summary>The rows for training.</summary>
            public readonly IDataView TrainSet;

            /// <summary>The rows for testing.</summary>
            public readonly IDataView TestSet;

            internal TrainTestData(IDataView trainSet, IDataView testSet)
            {
                TrainSet = trainSet;
                TestSet = testSet;
            }
        }

        /// <summary>
        /// A data view over <paramref name="data"/>: one column per public field or property of <typeparamref name="TRow"/>
        /// (see <see cref="SchemaDefinition"/>). The objects are read only when a cursor reaches them.
        /// </summary>
        public IDataView LoadFromEnumerable<TRow>(IEnumerable<TRow> data, SchemaDefinition schemaDefinition = null)
            where TRow : class
        {
            Contracts.CheckValue(data, nameof(data));
            return new EnumerableDataView<TRow>(data, schemaDefinition ?? SchemaDefinition.Create(typeof(TRow), SchemaDefinition.Direction.Read));
        }

        /// <summary>A data view over <paramref name="data"/> whose columns take their types and annotations from <paramref name="schema"/>.</summary>
        public IDataView LoadFromEnumerable<TRow>(IEnumerable<TRow> data, DataViewSchema schema)
            where TRow : class
        {
            Contracts.CheckValue(data, nameof(data));
            Contracts.CheckValue(schema, nameof(schema));
            var definition = SchemaDefinition.Create(typeof(TRow), SchemaDefinition.Direction.Read);
            foreach (var column in definition)
            {
                var match = schema.GetColumnOrNull(column.ColumnName)
                    ?? throw new ArgumentOutOfRangeException(nameof(schema), $"Column '{column.ColumnName}' of {typeof(TRow).Name} is not in the schema.");
                column.ColumnType = match.Type;
            }
            return new EnumerableDataView<TRow>(data, definition, schema);
        }

        /// <summary>
        /// The rows of <paramref name="data"/> as objects, enumerated lazily. With <paramref name="reuseRowObject"/> the
        /// same object is filled for every row. A member whose column is missing throws unless
        /// <paramref name="ignoreMissingColumns"/>; a column of an incompatible type always throws.
        /// </summary>
        public IEnumerable<TRow> CreateEnumerable<TRow>(IDataView data, bool reuseRowObject, bool ignoreMissingColumns = false,
            SchemaDefinition schemaDefinition = null)
            where TRow : class, new()
        {
            Contracts.CheckValue(data, nameof(data));
            var binding = new RowBinding<TRow>(data.Schema, ignoreMissingColumns,
                schemaDefinition ?? SchemaDefinition.Create(typeof(TRow), SchemaDefinition.Direction.Write));
            return Enumerate(data, binding, reuseRowObject);
        }

        private static IEnumerable<TRow> Enumerate<TRow>(IDataView data, RowBinding<TRow> binding, bool reuseRowObject)
            where TRow : class, new()
        {
            using var cursor = data.GetRowCursor(binding.Columns);
            var fill = binding.MakeFiller(cursor);
            TRow reused = reuseRowObject ? new TRow() : null;
            while (cursor.MoveNext())
            {
                var row = reused ?? new TRow();
                fill(row);
                yield return row;
            }
        }

        /// <summary>
        /// Splits <paramref name="data"/> lazily: each row goes to the test set with probability <paramref name="testFraction"/>.
        /// Rows with equal values in <paramref name="samplingKeyColumnName"/> go to the same set. The split depends only on
        /// the seed (the context's when not given) and the row position or key.
        /// </summary>
        public TrainTestData TrainTestSplit(IDataView data, double testFraction = 0.1, string samplingKeyColumnName = null, int? seed = null)
        {
            Contracts.CheckValue(data, nameof(data));
            Contracts.CheckParam(0 < testFraction && testFraction < 1, nameof(testFraction), "Must be between 0 and 1 exclusive");
            DataViewSchema.Column? key = null;
            if (samplingKeyColumnName != null)
            {
                key = data.Schema.GetColumnOrNull(samplingKeyColumnName)
                    ?? throw Contracts.ExceptSchemaMismatch(nameof(samplingKeyColumnName), "SamplingKeyColumn", samplingKeyColumnName);
            }
            int splitSeed = seed ?? env.Register("TrainTestSplit").Rand.Next();
            Func<DataViewRow, Func<bool>> inTest = row => MakeTestPredicate(row, key, splitSeed, testFraction);
            var needed = key.HasValue ? new[] { key.Value } : Array.Empty<DataViewSchema.Column>();
            return new TrainTestData(
                new FilterDataView(data, row => { var test = inTest(row); return () => !test(); }, needed),
                new FilterDataView(data, inTest, needed));
        }

        private static Func<bool> MakeTestPredicate(DataViewRow row, DataViewSchema.Column? key, int seed, double testFraction)
        {
            if (!key.HasValue)
                return () => Unit(Mix((ulong)(uint)seed, (ulong)row.Position)) < testFraction;
            var text = KeyText(row, key.Value);
            return () => Unit(Mix((ulong)(uint)seed, StableHash(text()))) < testFraction;
        }

        private static Func<string> KeyText(DataViewRow row, DataViewSchema.Column column)
        {
            var method = typeof(DataOperationsCatalog).GetMethod(nameof(KeyTextCore), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)
                .MakeGenericMethod(column.Type.RawType);
            return (Func<string>)method.Invoke(null, new object[] { row, column });
        }

        private static Func<string> KeyTextCore<T>(DataViewRow row, DataViewSchema.Column column)
        {
            var getter = row.GetGetter<T>(column);
            return () =>
            {
                T value = default;
                getter(ref value);
                return value switch
                {
                    ReadOnlyMemory<char> m => m.ToString(),
                    IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                    VBuffer<float> v => string.Join(",", v.DenseValues().Select(x => x.ToString("R", CultureInfo.InvariantCulture))),
                    _ => value?.ToString() ?? "",
                };
            };
        }

        private static ulong StableHash(string s)
        {
            ulong hash = 14695981039346656037UL;
            foreach (char c in s)
            {
                hash ^= c;
                hash *= 1099511628211UL;
            }
            return hash;
        }

        private static ulong Mix(ulong a, ulong b)
        {
            ulong x = a * 0x9E3779B97F4A7C15UL ^ (b + 0x632BE59BD9B4E019UL);
            x ^= x >> 30;
            x *= 0xBF58476D1CE4E5B9UL;
            x ^= x >> 27;
            x *= 0x94D049BB133111EBUL;
            return x ^ (x >> 31);
        }

        private static double Unit(ulong x) => (x >> 11) * (1.0 / (1UL << 53));

        /// <summary>The first <paramref name="count"/> rows of <paramref name="input"/>.</summary>
        public IDataView TakeRows(IDataView input, long count)
        {
            Contracts.CheckValue(input, nameof(input));
            Contracts.CheckParam(count >= 0, nameof(count), "must be non-negative");
            return new FilterDataView(input, row => () => row.Position < count, Array.Empty<DataViewSchema.Column>(), stopAfter: count);
        }

        /// <summary>The rows of <paramref name="input"/> after the first <paramref name="count"/>.</summary>
        public IDataView SkipRows(IDataView input, long count)
        {
            Contracts.CheckValue(input, nameof(input));
            Contracts.CheckParam(count >= 0, nameof(count), "must be non-negative");
            return new FilterDataView(input, row => () => row.Position >= count, Array.Empty<DataViewSchema.Column>());
        }
    }
}
