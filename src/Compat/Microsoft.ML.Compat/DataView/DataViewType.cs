using System;

namespace Microsoft.ML.Data
{
    /// <summary>The type of a column: its raw .NET representation plus the meaning ML.NET gives it.</summary>
    public abstract class DataViewType : IEquatable<DataViewType>
    {
        private protected DataViewType(Type rawType)
        {
            RawType = rawType ?? throw new ArgumentNullException(nameof(rawType));
        }

        /// <summary>The .NET type of the values (for example <see cref="float"/> or <see cref="VBuffer{T}"/>).</summary>
        public Type RawType { get; }

        /// <summary>Whether <paramref name="other"/> describes the same type.</summary>
        public abstract bool Equals(DataViewType other);
    }

    /// <summary>Types whose values are composite (vectors, images).</summary>
    public abstract class StructuredDataViewType : DataViewType
    {
        /// <summary>Creates a structured type with the given raw type.</summary>
        protected StructuredDataViewType(Type rawType)
            : base(rawType)
        {
        }
    }

    /// <summary>Types whose values are single immutable items (numbers, text, keys, ...).</summary>
    public abstract class PrimitiveDataViewType : DataViewType
    {
        /// <summary>Creates a primitive type; the raw type must not be disposable.</summary>
        protected PrimitiveDataViewType(Type rawType)
            : base(rawType)
        {
            if (typeof(IDisposable).IsAssignableFrom(rawType))
                throw new ArgumentException("A primitive type cannot have a disposable raw type.", nameof(rawType));
        }
    }
}
