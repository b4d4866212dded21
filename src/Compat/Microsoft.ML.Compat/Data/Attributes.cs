using System;

namespace Microsoft.ML.Data
{
    /// <summary>Names the column a field or property maps to (the member name by default).</summary>
    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
    public sealed class ColumnNameAttribute : Attribute
    {
        /// <summary>Maps the member to column <paramref name="name"/>.</summary>
        public ColumnNameAttribute(string name)
        {
            Name = name;
        }

        internal string Name { get; }
    }

    /// <summary>Marks an array or <see cref="VBuffer{T}"/> member as a vector column of known dimensions.</summary>
    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
    public sealed class VectorTypeAttribute : Attribute
    {
        /// <summary>A vector whose size varies.</summary>
        public VectorTypeAttribute()
        {
        }

        /// <summary>A vector of <paramref name="size"/> items.</summary>
        public VectorTypeAttribute(int size)
        {
            Dims = new[] { size };
        }

        /// <summary>A tensor with the given dimensions (row-major).</summary>
        public VectorTypeAttribute(params int[] dimensions)
        {
            Dims = dimensions;
        }

        internal int[] Dims { get; }
    }

    /// <summary>Marks an unsigned integer member (or array) as a key column with a cardinality.</summary>
    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
    public sealed class KeyTypeAttribute : Attribute
    {
        /// <summary>Not supported: a key type needs its count (as in ML.NET).</summary>
        public KeyTypeAttribute()
        {
            throw new NotSupportedException("Using KeyType without the Count parameter is not supported");
        }

        /// <summary>A key type with <paramref name="count"/> values.</summary>
        public KeyTypeAttribute(ulong count)
        {
            Count = count;
        }

        internal ulong Count { get; }
    }

    /// <summary>Excludes a member from the columns of its type.</summary>
    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
    public sealed class NoColumnAttribute : Attribute
    {
    }

    /// <summary>
    /// Maps the members it decorates to a custom <see cref="DataViewType"/>: <see cref="Register"/> tells
    /// <see cref="DataViewTypeManager"/> which type a member of the decorated .NET type gets.
    /// </summary>
    public abstract class DataViewTypeAttribute : Attribute, IEquatable<DataViewTypeAttribute>
    {
        /// <summary>Registers the data view type this attribute describes.</summary>
        public abstract void Register();

        /// <summary>Whether <paramref name="other"/> describes the same type.</summary>
        public abstract bool Equals(DataViewTypeAttribute other);
    }
}
