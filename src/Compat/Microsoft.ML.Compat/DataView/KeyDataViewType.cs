using System;

namespace Microsoft.ML.Data
{
    /// <summary>
    /// Categorical values stored as unsigned integers 1..<see cref="Count"/>, 0 meaning missing.
    /// The raw type is <see cref="byte"/>, <see cref="ushort"/>, <see cref="uint"/> or <see cref="ulong"/>.
    /// </summary>
    public sealed class KeyDataViewType : PrimitiveDataViewType
    {
        /// <summary>Creates a key type of the given raw type and cardinality.</summary>
        public KeyDataViewType(Type type, ulong count)
            : base(type)
        {
            if (!IsValidDataType(type))
                throw new ArgumentException($"Type is not valid, it must be Byte, UInt16, UInt32, or UInt64.", nameof(type));
            if (count == 0 || MaxValue(type) < count)
                throw new ArgumentException(
                    $"The cardinality of a {nameof(KeyDataViewType)} must not exceed {type.Name}.MaxValue and must be strictly positive, but got {count}.",
                    nameof(count));
            Count = count;
        }

        /// <summary>Creates a key type of the given raw type and cardinality.</summary>
        public KeyDataViewType(Type type, int count)
            : this(type, count > 0 ? (ulong)count : throw new ArgumentException(
                $"The cardinality of a {nameof(KeyDataViewType)} must be strictly positive.", nameof(count)))
        {
        }

        /// <summary>Whether <paramref name="type"/> can be the raw type of a key.</summary>
        public static bool IsValidDataType(Type type) =>
            type == typeof(uint) || type == typeof(ulong) || type == typeof(ushort) || type == typeof(byte);

        /// <summary>The largest value of an unsigned raw type (0 for other types).</summary>
        internal static ulong MaxValue(Type type) =>
            type == typeof(uint) ? uint.MaxValue :
            type == typeof(ulong) ? ulong.MaxValue :
            type == typeof(ushort) ? ushort.MaxValue :
            type == typeof(byte) ? byte.MaxValue : 0UL;

        /// <summary>The number of distinct key values.</summary>
        public ulong Count { get; }

        /// <summary>Equal raw types and counts.</summary>
        public override bool Equals(DataViewType other) =>
            ReferenceEquals(other, this) || (other is KeyDataViewType key && key.RawType == RawType && key.Count == Count);

        /// <summary>Whether <paramref name="other"/> is an equal key type.</summary>
        public override bool Equals(object other) => other is DataViewType type && Equals(type);

        /// <summary>A hash of the raw type and count.</summary>
        public override int GetHashCode() => HashCode.Combine(RawType, Count);

        /// <summary>For example "Key&lt;UInt32, 0-9&gt;".</summary>
        public override string ToString() =>
            string.Format("Key<{0}, {1}-{2}>", NumberDataViewType.FromRawType(RawType), 0, Count - 1);
    }
}
