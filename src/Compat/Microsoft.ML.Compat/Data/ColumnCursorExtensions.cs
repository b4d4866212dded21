using System;
using System.Collections.Generic;
using System.Linq;

namespace Microsoft.ML.Data
{
    /// <summary>Reads one column of a data view as a lazy sequence.</summary>
    public static class ColumnCursorExtensions
    {
        /// <summary>
        /// The values of column <paramref name="columnName"/>. <typeparamref name="T"/> is the column's raw type, or string
        /// for text, or an array for a vector column (T[] for VBuffer&lt;T&gt;, string[] for text vectors).
        /// </summary>
        public static IEnumerable<T> GetColumn<T>(this IDataView data, string columnName)
        {
            if (data == null) throw new ArgumentNullException(nameof(data));
            if (columnName == null) throw new ArgumentNullException(nameof(columnName));
            var column = data.Schema.GetColumnOrNull(columnName)
                ?? throw new ArgumentOutOfRangeException(nameof(columnName), $"Column '{columnName}' not found in the data view.");
            return GetColumn<T>(data, column);
        }

        /// <summary>The values of <paramref name="column"/> (see the overload taking a name).</summary>
        public static IEnumerable<T> GetColumn<T>(this IDataView data, DataViewSchema.Column column)
        {
            if (data == null) throw new ArgumentNullException(nameof(data));
            if (column.Index < 0 || column.Index >= data.Schema.Count || data.Schema[column.Index].Name != column.Name)
                throw new ArgumentOutOfRangeException(nameof(column), $"Column '{column.Name}' is not part of the data view's schema.");
            var raw = column.Type.RawType;
            string method;
            Type[] args;
            if (typeof(T) == raw) (method, args) = (nameof(Raw), new[] { typeof(T) });
            else if (typeof(T) == typeof(string) && raw == typeof(ReadOnlyMemory<char>)) (method, args) = (nameof(Text), Type.EmptyTypes);
            else if (typeof(T) == typeof(string[]) && raw == typeof(VBuffer<ReadOnlyMemory<char>>)) (method, args) = (nameof(TextVector), Type.EmptyTypes);
            else if (typeof(T).IsArray && raw == typeof(VBuffer<>).MakeGenericType(typeof(T).GetElementType()))
                (method, args) = (nameof(Vector), new[] { typeof(T).GetElementType() });
            else
                throw new InvalidOperationException($"Could not map column '{column.Name}' of type {column.Type} to {typeof(T)}.");
            var generic = typeof(ColumnCursorExtensions).GetMethod(method, System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static);
            var made = args.Length == 0 ? generic : generic.MakeGenericMethod(args);
            return (IEnumerable<T>)made.Invoke(null, new object[] { data, column });
        }

        private static IEnumerable<T> Raw<T>(IDataView data, DataViewSchema.Column column)
        {
            using var cursor = data.GetRowCursor(new[] { column });
            var getter = cursor.GetGetter<T>(column);
            while (cursor.MoveNext())
            {
                T value = default;
                getter(ref value);
                yield return value;
            }
        }

        private static IEnumerable<string> Text(IDataView data, DataViewSchema.Column column) =>
            Raw<ReadOnlyMemory<char>>(data, column).Select(m => m.ToString());

        private static IEnumerable<string[]> TextVector(IDataView data, DataViewSchema.Column column) =>
            Raw<VBuffer<ReadOnlyMemory<char>>>(data, column).Select(v => v.DenseValues().Select(m => m.ToString()).ToArray());

        private static IEnumerable<TItem[]> Vector<TItem>(IDataView data, DataViewSchema.Column column) =>
            Raw<VBuffer<TItem>>(data, column).Select(v =>
            {
                var array = new TItem[v.Length];
                v.CopyTo(array);
                return array;
            });
    }
}
