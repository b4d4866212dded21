using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;

namespace Microsoft.ML
{
    /// <summary>
    /// The columns of a data view: names, types and annotations. A column is hidden when a later column has the same
    /// name; looking a column up by name finds the visible one. Build one with <see cref="Builder"/>.
    /// </summary>
    public sealed partial class DataViewSchema : IReadOnlyList<DataViewSchema.Column>
    {
        private readonly Column[] columns;
        private readonly Dictionary<string, int> nameToIndex;

        internal DataViewSchema(IEnumerable<DetachedColumn> detached)
        {
            var list = detached.ToList();
            columns = new Column[list.Count];
            nameToIndex = new Dictionary<string, int>();
            for (int i = 0; i < list.Count; i++) nameToIndex[list[i].Name] = i;
            for (int i = 0; i < list.Count; i++)
            {
                var c = list[i];
                columns[i] = new Column(c.Name, i, nameToIndex[c.Name] != i, c.Type, c.Annotations);
            }
        }

        /// <summary>The number of columns, hidden ones included.</summary>
        public int Count => columns.Length;

        /// <summary>The visible column named <paramref name="name"/>; throws when there is none.</summary>
        public Column this[string name]
        {
            get
            {
                if (name == null) throw new ArgumentNullException(nameof(name));
                if (!nameToIndex.TryGetValue(name, out int index))
                    throw new ArgumentOutOfRangeException(nameof(name), $"Column '{name}' not found");
                return columns[index];
            }
        }

        /// <summary>The column at <paramref name="columnIndex"/>.</summary>
        public Column this[int columnIndex]
        {
            get
            {
                if (columnIndex < 0 || columnIndex >= columns.Length)
                    throw new ArgumentOutOfRangeException(nameof(columnIndex), $"Column index must be between 0 inclusive and {columns.Length} exclusive but got {columnIndex}.");
                return columns[columnIndex];
            }
        }

        /// <summary>The visible column named <paramref name="name"/>, or null.</summary>
        public Column? GetColumnOrNull(string name)
        {
            if (name == null) throw new ArgumentNullException(nameof(name));
            return nameToIndex.TryGetValue(name, out int index) ? columns[index] : (Column?)null;
        }

        /// <summary>Enumerates every column in index order.</summary>
        public IEnumerator<Column> GetEnumerator() => ((IEnumerable<Column>)columns).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        /// <summary>"{Count} columns".</summary>
        public override string ToString() => $"{Count} columns";

        internal bool TryGetColumnIndex(string name, out int index) => nameToIndex.TryGetValue(name, out index);

        /// <summary>A column of a schema.</summary>
        public struct Column
        {
            /// <summary>The name.</summary>
            public string Name { get; }

            /// <summary>The position in the schema.</summary>
            public int Index { get; }

            /// <summary>Whether a later column has the same name.</summary>
            public bool IsHidden { get; }

            /// <summary>The type of the values.</summary>
            public DataViewType Type { get; }

            /// <summary>The annotations (never null for a column of a schema).</summary>
            public Annotations Annotations { get; }

            internal Column(string name, int index, bool isHidden, DataViewType type, Annotations annotations)
            {
                Name = name ?? throw new ArgumentNullException(nameof(name));
                Index = index;
                IsHidden = isHidden;
                Type = type ?? throw new ArgumentNullException(nameof(type));
                Annotations = annotations ?? Annotations.Empty;
            }

            /// <summary>"Name: Type" plus the annotation kinds in braces.</summary>
            public override string ToString()
            {
                string annotations = Annotations == null || Annotations.Schema.Count == 0
                    ? null : $" {{{string.Join(", ", Annotations.Schema.Select(x => x.Name))}}}";
                return $"{Name}: {Type}{annotations}";
            }
        }

        /// <summary>A column description that belongs to no schema: name, type and annotations.</summary>
        public struct DetachedColumn
        {
            /// <summary>The name.</summary>
            public string Name { get; }

            /// <summary>The type.</summary>
            public DataViewType Type { get; }

            /// <summary>The annotations.</summary>
            public Annotations Annotations { get; }

            /// <summary>Describes a column.</summary>
            public DetachedColumn(string name, DataViewType type, Annotations annotations = null)
            {
                Name = name ?? throw new ArgumentNullException(nameof(name));
                Type = type ?? throw new ArgumentNullException(nameof(type));
                Annotations = annotations ?? Annotations.Empty;
            }

            /// <summary>Copies the description of a schema's column.</summary>
            public DetachedColumn(Column column)
            {
                Name = column.Name;
                Type = column.Type;
                Annotations = column.Annotations;
            }
        }

        /// <summary>Builds a schema column by column.</summary>
        public sealed class Builder
        {
            private readonly List<DetachedColumn> items = new List<DetachedColumn>();

            /// <summary>An empty builder.</summary>
            public Builder()
            {
            }

            /// <summary>Adds a column.</summary>
            public void AddColumn(string name, DataViewType type, Annotations annotations = null)
            {
                if (string.IsNullOrEmpty(name)) throw new ArgumentException("A column needs a non-empty name.", nameof(name));
                items.Add(new DetachedColumn(name, type, annotations));
            }

            /// <summary>Adds copies of schema columns.</summary>
            public void AddColumns(IEnumerable<Column> source)
            {
                if (source == null) throw new ArgumentNullException(nameof(source));
                foreach (var column in source) AddColumn(column.Name, column.Type, column.Annotations);
            }

            /// <summary>Adds detached columns.</summary>
            public void AddColumns(IEnumerable<DetachedColumn> source)
            {
                if (source == null) throw new ArgumentNullException(nameof(source));
                foreach (var column in source) AddColumn(column.Name, column.Type, column.Annotations);
            }

            /// <summary>The schema of the added columns.</summary>
            public DataViewSchema ToSchema() => new DataViewSchema(items);
        }
    }
}
