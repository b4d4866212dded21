using System;
using System.Collections.Generic;

namespace Microsoft.ML.Data
{
    /// <summary>Text, represented as <see cref="ReadOnlyMemory{T}"/> of <see cref="char"/>.</summary>
    public sealed class TextDataViewType : PrimitiveDataViewType
    {
        private static readonly TextDataViewType instance = new TextDataViewType();

        private TextDataViewType()
            : base(typeof(ReadOnlyMemory<char>))
        {
        }

        /// <summary>The single text type.</summary>
        public static TextDataViewType Instance => instance;

        /// <summary>Whether <paramref name="other"/> is the text type.</summary>
        public override bool Equals(DataViewType other) => other is TextDataViewType;

        /// <summary>"String", as in ML.NET.</summary>
        public override string ToString() => "String";
    }

    /// <summary>The numeric types; all instances are the singletons exposed as static properties.</summary>
    public sealed class NumberDataViewType : PrimitiveDataViewType
    {
        private static readonly NumberDataViewType sbyteType = new NumberDataViewType(typeof(sbyte));
        private static readonly NumberDataViewType byteType = new NumberDataViewType(typeof(byte));
        private static readonly NumberDataViewType int16Type = new NumberDataViewType(typeof(short));
        private static readonly NumberDataViewType uint16Type = new NumberDataViewType(typeof(ushort));
        private static readonly NumberDataViewType int32Type = new NumberDataViewType(typeof(int));
        private static readonly NumberDataViewType uint32Type = new NumberDataViewType(typeof(uint));
        private static readonly NumberDataViewType int64Type = new NumberDataViewType(typeof(long));
        private static readonly NumberDataViewType uint64Type = new NumberDataViewType(typeof(ulong));
        private static readonly NumberDataViewType singleType = new NumberDataViewType(typeof(float));
        private static readonly NumberDataViewType doubleType = new NumberDataViewType(typeof(double));

        private NumberDataViewType(Type rawType)
            : base(rawType)
        {
        }

        /// <summary>Signed 8-bit integers.</summary>
        public static NumberDataViewType SByte => sbyteType;

        /// <summary>Unsigned 8-bit integers.</summary>
        public static NumberDataViewType Byte => byteType;

        /// <summary>Signed 16-bit integers.</summary>
        public static NumberDataViewType Int16 => int16Type;

        /// <summary>Unsigned 16-bit integers.</summary>
        public static NumberDataViewType UInt16 => uint16Type;

        /// <summary>Signed 32-bit integers.</summary>
        public static NumberDataViewType Int32 => int32Type;

        /// <summary>Unsigned 32-bit integers.</summary>
        public static NumberDataViewType UInt32 => uint32Type;

        /// <summary>Signed 64-bit integers.</summary>
        public static NumberDataViewType Int64 => int64Type;

        /// <summary>Unsigned 64-bit integers.</summary>
        public static NumberDataViewType UInt64 => uint64Type;

        /// <summary>32-bit floating point numbers.</summary>
        public static NumberDataViewType Single => singleType;

        /// <summary>64-bit floating point numbers.</summary>
        public static NumberDataViewType Double => doubleType;

        /// <summary>The number type with the given raw type, or null when it is not numeric.</summary>
        internal static NumberDataViewType FromRawType(Type rawType)
        {
            foreach (var type in All)
                if (type.RawType == rawType) return type;
            return null;
        }

        internal static IEnumerable<NumberDataViewType> All => new[]
        {
            sbyteType, byteType, int16Type, uint16Type, int32Type, uint32Type, int64Type, uint64Type, singleType, doubleType,
        };

        /// <summary>Reference equality: the instances are singletons.</summary>
        public override bool Equals(DataViewType other) => ReferenceEquals(this, other);

        /// <summary>The raw type's name, for example "Single".</summary>
        public override string ToString() => RawType.Name;
    }

    /// <summary>Booleans.</summary>
    public sealed class BooleanDataViewType : PrimitiveDataViewType
    {
        private static readonly BooleanDataViewType instance = new BooleanDataViewType();

        private BooleanDataViewType()
            : base(typeof(bool))
        {
        }

        /// <summary>The single Boolean type.</summary>
        public static BooleanDataViewType Instance => instance;

        /// <summary>Whether <paramref name="other"/> is the Boolean type.</summary>
        public override bool Equals(DataViewType other) => other is BooleanDataViewType;

        /// <summary>"Boolean".</summary>
        public override string ToString() => "Boolean";
    }

    /// <summary>Row identifiers (<see cref="DataViewRowId"/>).</summary>
    public sealed class RowIdDataViewType : PrimitiveDataViewType
    {
        private static readonly RowIdDataViewType instance = new RowIdDataViewType();

        private RowIdDataViewType()
            : base(typeof(DataViewRowId))
        {
        }

        /// <summary>The single row-id type.</summary>
        public static RowIdDataViewType Instance => instance;

        /// <summary>Whether <paramref name="other"/> is the row-id type.</summary>
        public override bool Equals(DataViewType other) => other is RowIdDataViewType;

        /// <summary>"DataViewRowId".</summary>
        public override string ToString() => "DataViewRowId";
    }

    /// <summary>Dates and times (<see cref="System.DateTime"/>).</summary>
    public sealed class DateTimeDataViewType : PrimitiveDataViewType
    {
        private static readonly DateTimeDataViewType instance = new DateTimeDataViewType();

        private DateTimeDataViewType()
            : base(typeof(DateTime))
        {
        }

        /// <summary>The single date-time type.</summary>
        public static DateTimeDataViewType Instance => instance;

        /// <summary>Whether <paramref name="other"/> is the date-time type.</summary>
        public override bool Equals(DataViewType other) => other is DateTimeDataViewType;

        /// <summary>"DateTime".</summary>
        public override string ToString() => "DateTime";
    }

    /// <summary>Dates and times with an offset (<see cref="System.DateTimeOffset"/>).</summary>
    public sealed class DateTimeOffsetDataViewType : PrimitiveDataViewType
    {
        private static readonly DateTimeOffsetDataViewType instance = new DateTimeOffsetDataViewType();

        private DateTimeOffsetDataViewType()
            : base(typeof(DateTimeOffset))
        {
        }

        /// <summary>The single date-time-offset type.</summary>
        public static DateTimeOffsetDataViewType Instance => instance;

        /// <summary>Whether <paramref name="other"/> is the date-time-offset type.</summary>
        public override bool Equals(DataViewType other) => other is DateTimeOffsetDataViewType;

        /// <summary>"DateTimeOffset".</summary>
        public override string ToString() => "DateTimeOffset";
    }

    /// <summary>Durations (<see cref="System.TimeSpan"/>).</summary>
    public sealed class TimeSpanDataViewType : PrimitiveDataViewType
    {
        private static readonly TimeSpanDataViewType instance = new TimeSpanDataViewType();

        private TimeSpanDataViewType()
            : base(typeof(TimeSpan))
        {
        }

        /// <summary>The single time-span type.</summary>
        public static TimeSpanDataViewType Instance => instance;

        /// <summary>Whether <paramref name="other"/> is the time-span type.</summary>
        public override bool Equals(DataViewType other) => other is TimeSpanDataViewType;

        /// <summary>"TimeSpan".</summary>
        public override string ToString() => "TimeSpan";
    }
}
