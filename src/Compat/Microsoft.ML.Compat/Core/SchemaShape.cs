using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;

namespace Microsoft.ML
{
    /// <summary>
    /// What an estimator knows about a schema before seeing data: each column's name, vector kind, item type and whether
    /// it is a key. Columns can only be made inside ML.NET (the column constructor is internal, as in ML.NET).
    /// </summary>
    public sealed class SchemaShape : IReadOnlyList<SchemaShape.Column>
    {
        private static readonly SchemaShape empty = new SchemaShape(Enumerable.Empty<Column>());
        private readonly Column[] columns;

        /// <summary>A shape made of <paramref name="columns"/>; each must be a real column (not default).</summary>
        public SchemaShape(IEnumerable<Column> columns)
        {
            if (columns == null) throw new ArgumentNullException(nameof(columns));
            this.columns = columns.ToArray();
            if (this.columns.Any(c => !c.IsValid))
                throw new ArgumentOutOfRangeException(nameof(columns), "Some items are not initialized properly.");
        }

        /// <summary>The number of columns.</summary>
        public int Count => columns.Length;

        /// <summary>The column at <paramref name="index"/>.</summary>
        public Column this[int index] => columns[index];

        /// <summary>Enumerates the columns.</summary>
        public IEnumerator<Column> GetEnumerator() => ((IEnumerable<Column>)columns).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        /// <summary>The shape of the visible columns of <paramref name="schema"/>.</summary>
        internal static SchemaShape Create(DataViewSchema schema)
        {
            if (schema == null) throw new ArgumentNullException(nameof(schema));
            var result = new List<Column>();
            foreach (var column in schema)
            {
                if (column.IsHidden) continue;
                var annotationColumns = column.Annotations.Schema.Select(a => FromType(a.Name, a.Type, null)).ToList();
                result.Add(FromType(column.Name, column.Type, annotationColumns.Count > 0 ? new SchemaShape(annotationColumns) : empty));
            }
            return new SchemaShape(result);
        }

        /// <summary>The shape of a column of the given type.</summary>
        internal static Column FromType(string name, DataViewType type, SchemaShape annotations)
        {
            GetColumnTypeShape(type, out var kind, out var itemType, out bool isKey);
            return new Column(name, kind, itemType, isKey, annotations);
        }

        internal static void GetColumnTypeShape(DataViewType type, out Column.VectorKind vecKind, out DataViewType itemType, out bool isKey)
        {
            if (type is VectorDataViewType vector)
            {
                vecKind = vector.IsKnownSize ? Column.VectorKind.Vector : Column.VectorKind.VariableVector;
                itemType = vector.ItemType;
            }
            else
            {
                vecKind = Column.VectorKind.Scalar;
                itemType = type;
            }
            isKey = itemType is KeyDataViewType;
            if (isKey) itemType = NumberDataViewType.FromRawType(itemType.RawType);
        }

        /// <summary>Finds the column named <paramref name="name"/>.</summary>
        internal bool TryFindColumn(string name, out Column column)
        {
            if (name == null) throw new ArgumentNullException(nameof(name));
            column = columns.FirstOrDefault(x => x.Name == name);
            return column.IsValid;
        }

        /// <summary>One column of a <see cref="SchemaShape"/>.</summary>
        public struct Column
        {
            /// <summary>Whether a column holds one value, a vector of known size, or a vector whose size varies.</summary>
            public enum VectorKind
            {
                /// <summary>One value per row.</summary>
                Scalar,

                /// <summary>A vector of known size.</summary>
                Vector,

                /// <summary>A vector whose size varies from row to row.</summary>
                VariableVector,
            }

            /// <summary>The column name.</summary>
            public readonly string Name;

            /// <summary>Scalar, vector or variable vector.</summary>
            public readonly VectorKind Kind;

            /// <summary>The item type (never a vector; for keys, the key's raw number type).</summary>
            public readonly DataViewType ItemType;

            /// <summary>Whether the items are keys.</summary>
            public readonly bool IsKey;

            /// <summary>The shapes of the column's annotations.</summary>
            public readonly SchemaShape Annotations;

            internal Column(string name, VectorKind vecKind, DataViewType itemType, bool isKey, SchemaShape annotations = null)
            {
                if (string.IsNullOrEmpty(name)) throw new ArgumentOutOfRangeException(nameof(name), "must be non-empty");
                if (itemType == null) throw new ArgumentNullException(nameof(itemType));
                if (itemType is KeyDataViewType) throw new ArgumentOutOfRangeException(nameof(itemType), "Item type cannot be a key");
                if (itemType is VectorDataViewType) throw new ArgumentOutOfRangeException(nameof(itemType), "Item type cannot be a vector");
                if (isKey && !KeyDataViewType.IsValidDataType(itemType.RawType))
                    throw new ArgumentOutOfRangeException(nameof(itemType), "The item type must be valid for a key");
                Name = name;
                Kind = vecKind;
                ItemType = itemType;
                IsKey = isKey;
                Annotations = annotations ?? empty;
            }

            internal bool IsValid => Name != null;

            /// <summary>For messages: "Vector&lt;Single&gt;", "VarVector&lt;Key&lt;UInt32&gt;&gt;", "String".</summary>
            internal string GetTypeString()
            {
                string result = ItemType.ToString();
                if (IsKey) result = $"Key<{result}>";
                if (Kind == VectorKind.Vector) result = $"Vector<{result}>";
                else if (Kind == VectorKind.VariableVector) result = $"VarVector<{result}>";
                return result;
            }

            internal bool IsCompatibleWith(Column source)
            {
                if (Name != source.Name || Kind != source.Kind || !ItemType.Equals(source.ItemType) || IsKey != source.IsKey) return false;
                foreach (var annotation in Annotations)
                    if (!source.Annotations.TryFindColumn(annotation.Name, out var other) || !annotation.IsCompatibleWith(other)) return false;
                return true;
            }
        }
    }
}
