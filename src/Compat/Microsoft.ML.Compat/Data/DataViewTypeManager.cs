using System;
using System.Collections.Generic;
using System.Linq;

namespace Microsoft.ML.Data
{
    /// <summary>
    /// Associates .NET types (with an optional <see cref="DataViewTypeAttribute"/>) with custom data view types, such as
    /// <see cref="MLImage"/> with an image type. Built-in types cannot be registered.
    /// </summary>
    public static class DataViewTypeManager
    {
        private static readonly HashSet<Type> builtIn = new HashSet<Type>
        {
            typeof(bool), typeof(sbyte), typeof(byte), typeof(short), typeof(ushort), typeof(int), typeof(uint),
            typeof(long), typeof(ulong), typeof(float), typeof(double), typeof(string), typeof(ReadOnlyMemory<char>),
            typeof(VBuffer<>), typeof(Nullable<>), typeof(DateTime), typeof(DateTimeOffset), typeof(TimeSpan), typeof(DataViewRowId),
        };

        private static readonly object gate = new object();
        private static readonly Dictionary<(Type Type, DataViewTypeAttribute Attribute), DataViewType> rawToDataView = new();

        /// <summary>Registers that members of <paramref name="type"/> decorated with <paramref name="typeAttribute"/> have type <paramref name="dataViewType"/>.</summary>
        public static void Register(DataViewType dataViewType, Type type, DataViewTypeAttribute typeAttribute = null)
        {
            if (dataViewType == null) throw new ArgumentNullException(nameof(dataViewType));
            if (type == null) throw new ArgumentNullException(nameof(type));
            if (builtIn.Contains(type) || (type.IsGenericType && builtIn.Contains(type.GetGenericTypeDefinition())))
                throw new ArgumentOutOfRangeException(nameof(type),
                    $"Type {type} has been registered as ML.NET's default supported type, so it can't not be registered again.");
            lock (gate)
            {
                var key = (type, typeAttribute);
                var match = rawToDataView.Keys.FirstOrDefault(k => KeyEquals(k, key));
                if (match.Type != null)
                {
                    if (rawToDataView[match].Equals(dataViewType)) return;
                    throw new ArgumentOutOfRangeException(nameof(type),
                        $"Repeated type register. The raw type {type} has been associated with {rawToDataView[match]} so it cannot be associated with {dataViewType}.");
                }
                rawToDataView.Add(key, dataViewType);
            }
        }

        /// <summary>The registered type of members of <paramref name="type"/> with the given attributes, or null.</summary>
        internal static DataViewType GetDataViewTypeOrNull(Type type, IEnumerable<Attribute> attributes)
        {
            var typeAttributes = (attributes ?? Enumerable.Empty<Attribute>()).OfType<DataViewTypeAttribute>().ToList();
            if (typeAttributes.Count > 1)
                throw new ArgumentOutOfRangeException(nameof(type), $"Type {type.Name} cannot be marked with multiple attributes derived from {nameof(DataViewTypeAttribute)}.");
            var key = (type, typeAttributes.FirstOrDefault());
            lock (gate)
            {
                var match = rawToDataView.Keys.FirstOrDefault(k => KeyEquals(k, key));
                return match.Type == null ? null : rawToDataView[match];
            }
        }

        private static bool KeyEquals((Type Type, DataViewTypeAttribute Attribute) a, (Type Type, DataViewTypeAttribute Attribute) b) =>
            a.Type == b.Type && (a.Attribute == null ? b.Attribute == null : b.Attribute != null && a.Attribute.Equals(b.Attribute));
    }
}
