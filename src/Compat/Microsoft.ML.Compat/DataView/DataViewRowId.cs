using System;

namespace Microsoft.ML.Data
{
    /// <summary>A 128-bit row identifier, unique within a data view.</summary>
    public readonly struct DataViewRowId : IComparable<DataViewRowId>, IEquatable<DataViewRowId>
    {
        /// <summary>The low 64 bits.</summary>
        public readonly ulong Low;

        /// <summary>The high 64 bits.</summary>
        public readonly ulong High;

        /// <summary>Creates an identifier from its two halves.</summary>
        public DataViewRowId(ulong low, ulong high)
        {
            Low = low;
            High = high;
        }

        /// <summary>The identifier as 32 hexadecimal digits, high half first.</summary>
        public override string ToString() => string.Format("{0:x16}{1:x16}", High, Low);

        /// <summary>Orders by the high half, then the low half.</summary>
        public int CompareTo(DataViewRowId other)
        {
            int result = High.CompareTo(other.High);
            return result == 0 ? Low.CompareTo(other.Low) : result;
        }

        /// <summary>Whether both halves are equal.</summary>
        public bool Equals(DataViewRowId other) => Low == other.Low && High == other.High;

        /// <summary>Whether <paramref name="obj"/> is an equal identifier.</summary>
        public override bool Equals(object obj) => obj is DataViewRowId other && Equals(other);

        /// <summary>A hash of both halves.</summary>
        public override int GetHashCode() => HashCode.Combine(Low, High);

        /// <summary>An identifier derived from this one, distinct from those made by <see cref="Next"/>.</summary>
        public DataViewRowId Fork() => Mix(Low ^ 0x9E3779B97F4A7C15UL, High + 0xD1B54A32D192ED03UL);

        /// <summary>The identifier of a following row derived from this one.</summary>
        public DataViewRowId Next() => Mix(Low + 0x632BE59BD9B4E019UL, High ^ 0x8CB92BA72F3D8DD7UL);

        /// <summary>An identifier combining this one with <paramref name="other"/>.</summary>
        public DataViewRowId Combine(DataViewRowId other) =>
            Mix(Low ^ (other.Low * 0xFF51AFD7ED558CCDUL), High ^ (other.High * 0xC4CEB9FE1A85EC53UL) ^ other.Low);

        private static DataViewRowId Mix(ulong low, ulong high)
        {
            static ulong Finalise(ulong x)
            {
                x ^= x >> 33;
                x *= 0xFF51AFD7ED558CCDUL;
                x ^= x >> 33;
                x *= 0xC4CEB9FE1A85EC53UL;
                x ^= x >> 33;
                return x;
            }
            ulong l = Finalise(low ^ Finalise(high));
            ulong h = Finalise(high ^ l);
            return new DataViewRowId(l, h);
        }
    }
}
