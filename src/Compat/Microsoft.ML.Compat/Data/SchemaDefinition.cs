using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.Data
{
    /// <summary>
    /// How the public fields and properties of a class map to columns: one <see cref="Column"/> per member (name and
    /// type), which can be edited before the definition is used to load or read data.
    /// </summary>
    public sealed class SchemaDefinition : List<SchemaDefinition.Column>
    {
        /// <summary>Which way data flows through the members: read from objects, written into them, or both.</summary>
        [Flags]
        public enum Direction
        {
            /// <summary>Members that can be read (have a public getter).</summary>
            Read = 1,

            /// <summary>Members that can be written (have a public setter).</summary>
            Write = 2,

            /// <summary>Members that can be read or written.</summary>
            Both = Read | Write,
        }

        private SchemaDefinition()
        {
        }

        /// <summary>The column named <paramref name="columnName"/>.</summary>
        public Column this[string columnName]
        {
            get => this.FirstOrDefault(c => c.ColumnName == columnName)
                ?? throw new KeyNotFoundException($"No column named '{columnName}' in the schema definition.");
            set
            {
                int index = FindIndex(c => c.ColumnName == columnName);
                if (index < 0) throw new KeyNotFoundException($"No column named '{columnName}' in the schema definition.");
                this[index] = value;
            }
        }

        /// <summary>The definition of <paramref name="userType"/>'s columns, from its members and their attributes.</summary>
        public static SchemaDefinition Create(Type userType, Direction direction = Direction.Both)
        {
            if (userType == null) throw new ArgumentNullException(nameof(userType));
            var result = new SchemaDefinition();
            var names = new HashSet<string>();
            foreach (var member in GetMembers(userType, direction))
            {
                if (member.GetCustomAttribute<NoColumnAttribute>() != null) continue;
                var attributes = member.GetCustomAttributes().ToList();
                var typeAttributes = attributes.OfType<DataViewTypeAttribute>().ToList();
                if (typeAttributes.Count > 1)
                    throw new ArgumentOutOfRangeException(nameof(userType), $"Member {member.Name} cannot be marked with multiple attributes derived from {nameof(DataViewTypeAttribute)}.");
                typeAttributes.FirstOrDefault()?.Register();
                string name = member.GetCustomAttribute<ColumnNameAttribute>()?.Name ?? member.Name;
                if (!names.Add(name))
                    throw new ArgumentOutOfRangeException(nameof(userType), $"Duplicate column name '{name}' detected, this is disallowed");
                result.Add(new Column(member.Name, ColumnTypeOf(userType, member, attributes), name));
            }
            return result;
        }

        internal static IEnumerable<MemberInfo> GetMembers(Type userType, Direction direction)
        {
            var fields = userType.GetFields(BindingFlags.Public | BindingFlags.Instance);
            var properties = userType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.GetIndexParameters().Length == 0
                    && (((direction & Direction.Read) != 0 && p.GetGetMethod() != null) || ((direction & Direction.Write) != 0 && p.GetSetMethod() != null)));
            return fields.Cast<MemberInfo>().Concat(properties);
        }

        internal static Type MemberType(MemberInfo member) => member is FieldInfo f ? f.FieldType : ((PropertyInfo)member).PropertyType;

        /// <summary>Splits a member type into "is a vector" and its item type (T[] and VBuffer&lt;T&gt; are vectors).</summary>
        internal static bool IsVector(Type memberType, out Type itemType)
        {
            if (memberType.IsArray && memberType.GetArrayRank() == 1)
            {
                itemType = memberType.GetElementType();
                return true;
            }
            if (memberType.IsGenericType && memberType.GetGenericTypeDefinition() == typeof(VBuffer<>))
            {
                itemType = memberType.GetGenericArguments()[0];
                return true;
            }
            itemType = memberType;
            return false;
        }

        private static DataViewType ColumnTypeOf(Type userType, MemberInfo member, List<Attribute> attributes)
        {
            bool isVector = IsVector(MemberType(member), out Type itemType);
            var registered = DataViewTypeManager.GetDataViewTypeOrNull(MemberType(member), attributes);
            if (registered != null) return registered;
            if (itemType == typeof(MLImage))
                throw new ArgumentOutOfRangeException(nameof(userType),
                    $"Member {member.Name} of type {nameof(MLImage)} needs an [{nameof(ImageTypeAttribute)}] attribute to become an image column.");

            PrimitiveDataViewType primitive;
            var key = member.GetCustomAttribute<KeyTypeAttribute>();
            if (key != null)
            {
                if (!KeyDataViewType.IsValidDataType(itemType))
                    throw new ArgumentOutOfRangeException(nameof(userType),
                        $"Member {member.Name} marked with KeyType attribute, but does not appear to be a valid kind of data for a key type");
                primitive = new KeyDataViewType(itemType, key.Count);
            }
            else
                primitive = PrimitiveTypeOf(itemType)
                    ?? throw new ArgumentOutOfRangeException(nameof(userType),
                        $"Could not determine an IDataView type for member {member.Name} of type {MemberType(member)}.");

            var vectorAttribute = member.GetCustomAttribute<VectorTypeAttribute>();
            if (vectorAttribute != null && !isVector)
                throw new ArgumentOutOfRangeException(nameof(userType), $"Member {member.Name} marked with {nameof(VectorTypeAttribute)}, but does not appear to be a vector type");
            if (!isVector) return primitive;
            int[] dims = vectorAttribute?.Dims;
            if (dims != null && dims.Any(d => d < 0))
                throw new ArgumentOutOfRangeException(nameof(userType), $"Some of member {member.Name}'s dimension lengths are negative");
            return dims == null || dims.Length == 0 ? new VectorDataViewType(primitive, 0) : new VectorDataViewType(primitive, dims);
        }

        /// <summary>The primitive type of a .NET item type (string is text), or null.</summary>
        internal static PrimitiveDataViewType PrimitiveTypeOf(Type type)
        {
            if (type == typeof(string) || type == typeof(ReadOnlyMemory<char>)) return TextDataViewType.Instance;
            if (type == typeof(bool)) return BooleanDataViewType.Instance;
            if (type == typeof(DateTime)) return DateTimeDataViewType.Instance;
            if (type == typeof(DateTimeOffset)) return DateTimeOffsetDataViewType.Instance;
            if (type == typeof(TimeSpan)) return TimeSpanDataViewType.Instance;
            if (type == typeof(DataViewRowId)) return RowIdDataViewType.Instance;
            return NumberDataViewType.FromRawType(type);
        }

        /// <summary>One member's column: its name and type, and annotations to attach.</summary>
        public sealed class Column
        {
            private readonly List<(string Kind, DataViewType Type, object Value)> annotations = new();

            internal Column(string memberName, DataViewType columnType, string columnName = null)
            {
                MemberName = memberName ?? throw new ArgumentNullException(nameof(memberName));
                ColumnType = columnType;
                ColumnName = columnName ?? memberName;
            }

            /// <summary>The field or property.</summary>
            public string MemberName { get; }

            /// <summary>The column name.</summary>
            public string ColumnName { get; set; }

            /// <summary>The column type.</summary>
            public DataViewType ColumnType { get; set; }

            /// <summary>Attaches an annotation of kind <paramref name="kind"/> to the column.</summary>
            public void AddAnnotation<T>(string kind, T value, DataViewType annotationType)
            {
                if (string.IsNullOrEmpty(kind)) throw new ArgumentException("An annotation needs a kind.", nameof(kind));
                if (annotationType == null) throw new ArgumentNullException(nameof(annotationType));
                if (annotationType.RawType != typeof(T))
                    throw new ArgumentException($"The raw type of {annotationType} is {annotationType.RawType}, not {typeof(T)}.", nameof(value));
                if (annotations.Any(a => a.Kind == kind))
                    throw new ArgumentOutOfRangeException(nameof(kind), $"Column {ColumnName} already contains an annotation of kind {kind}.");
                annotations.Add((kind, annotationType, value));
            }

            /// <summary>The annotations added with <see cref="AddAnnotation{T}"/>.</summary>
            public DataViewSchema.Annotations Annotations
            {
                get
                {
                    var builder = new DataViewSchema.Annotations.Builder();
                    foreach (var (kind, type, value) in annotations)
                        builder.Add(kind, type, ConstantGetters.Make(type.RawType, value));
                    return builder.ToAnnotations();
                }
            }
        }
    }
}
