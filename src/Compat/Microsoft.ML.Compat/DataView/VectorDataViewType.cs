using System;
using System.Collections.Immutable;
using System.Linq;
using System.Text;

namespace Microsoft.ML.Data
{
    /// <summary>
    /// Vectors of a primitive item type, represented as <see cref="VBuffer{T}"/>. A size of 0 means the length varies
    /// from row to row; several dimensions describe a tensor laid out in row-major order.
    /// </summary>
    public sealed class VectorDataViewType : StructuredDataViewType
    {
        /// <summary>The dimensions; their product is <see cref="Size"/> (a 0 dimension makes the size unknown).</summary>
        public ImmutableArray<int> Dimensions { get; }

        /// <summary>A one-dimensional vector type of the given size (0 = variable).</summary>
        public VectorDataViewType(PrimitiveDataViewType itemType, int size = 0)
            : base(RawTypeOf(itemType))
        {
            if (size < 0) throw new ArgumentOutOfRangeException(nameof(size), "The size of a vector cannot be negative.");
            ItemType = itemType;
            Size = size;
            Dimensions = ImmutableArray.Create(size);
        }

        /// <summary>A vector type with the given dimensions.</summary>
        public VectorDataViewType(PrimitiveDataViewType itemType, params int[] dimensions)
            : this(itemType, dimensions == null ? default : dimensions.ToImmutableArray())
        {
        }

        /// <summary>A vector type with the given dimensions.</summary>
        public VectorDataViewType(PrimitiveDataViewType itemType, ImmutableArray<int> dimensions)
            : base(RawTypeOf(itemType))
        {
            if (dimensions.IsDefaultOrEmpty) throw new ArgumentOutOfRangeException(nameof(dimensions), "A vector needs at least one dimension.");
            if (dimensions.Any(d => d < 0)) throw new ArgumentOutOfRangeException(nameof(dimensions), "Dimensions cannot be negative.");
            ItemType = itemType;
            Dimensions = dimensions;
            int size = 1;
            foreach (int d in dimensions) size = checked(size * d);
            Size = size;
        }

        private static Type RawTypeOf(PrimitiveDataViewType itemType)
        {
            if (itemType == null) throw new ArgumentNullException(nameof(itemType));
            return typeof(VBuffer<>).MakeGenericType(itemType.RawType);
        }

        /// <summary>Whether every row has <see cref="Size"/> items.</summary>
        public bool IsKnownSize => Size > 0;

        /// <summary>The type of the items.</summary>
        public PrimitiveDataViewType ItemType { get; }

        /// <summary>The number of items, 0 when it varies.</summary>
        public int Size { get; }

        /// <summary>Equal item types and dimensions.</summary>
        public override bool Equals(DataViewType other)
        {
            if (ReferenceEquals(other, this)) return true;
            return other is VectorDataViewType v && ItemType.Equals(v.ItemType) && Size == v.Size && Dimensions.SequenceEqual(v.Dimensions);
        }

        /// <summary>Whether <paramref name="other"/> is an equal vector type.</summary>
        public override bool Equals(object other) => other is DataViewType type && Equals(type);

        /// <summary>A hash of the item type and dimensions.</summary>
        public override int GetHashCode()
        {
            var hash = new HashCode();
            hash.Add(ItemType);
            hash.Add(Size);
            foreach (int d in Dimensions) hash.Add(d);
            return hash.ToHashCode();
        }

        /// <summary>For example "Vector&lt;Single, 3, 224, 224&gt;" or "Vector&lt;Single&gt;".</summary>
        public override string ToString()
        {
            var sb = new StringBuilder("Vector<").Append(ItemType);
            if (Dimensions.Length == 1)
            {
                if (Size > 0) sb.Append(", ").Append(Size);
            }
            else
            {
                foreach (int d in Dimensions) sb.Append(", ").Append(d > 0 ? d.ToString() : "*");
            }
            return sb.Append('>').ToString();
        }
    }
}
