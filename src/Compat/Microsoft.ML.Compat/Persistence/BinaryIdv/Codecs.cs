using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Data.IO
{
    /// <summary>
    /// The value codecs of ML.NET's binary IDV format, as far as the Schema entry of a model needs them: every column
    /// type's description (codec name plus parameters) and the encoding of annotation values. Descriptions are
    /// "name" (a length-prefixed UTF-8 string), the LEB128 length of the parameters, then the parameters.
    /// </summary>
    internal abstract class ValueCodec
    {
        protected ValueCodec(string loadName, DataViewType type)
        {
            LoadName = loadName;
            Type = type;
        }

        public string LoadName { get; }

        public DataViewType Type { get; }

        /// <summary>Whether values of this type can be written and read (type descriptions always can).</summary>
        public virtual bool SupportsValues => true;

        public virtual void WriteParameters(BinaryWriter writer)
        {
        }

        /// <summary>Writes a block of values (an array of the raw type).</summary>
        public abstract void WriteValues(BinaryWriter writer, Array values);

        /// <summary>Reads a block of <paramref name="count"/> values.</summary>
        public abstract Array ReadValues(BinaryReader reader, int count);

        public static void WriteLeb128(BinaryWriter writer, ulong value)
        {
            while (value >= 0x80)
            {
                writer.Write((byte)(value | 0x80));
                value >>= 7;
            }
            writer.Write((byte)value);
        }

        public static ulong ReadLeb128(BinaryReader reader)
        {
            ulong result = 0;
            for (int shift = 0; ; shift += 7)
            {
                Contracts.CheckDecode(shift < 64, "LEB128 value too long");
                byte b = reader.ReadByte();
                result |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0) return result;
            }
        }
    }

    /// <summary>Fixed-size values stored as their little-endian bytes (numbers, TimeSpan ticks, row ids).</summary>
    internal sealed class FixedSizeCodec : ValueCodec
    {
        public FixedSizeCodec(DataViewType type, string loadName)
            : base(loadName, type)
        {
        }

        public override void WriteValues(BinaryWriter writer, Array values)
        {
            foreach (object v in values)
            {
                switch (v)
                {
                    case sbyte x: writer.Write(x); break;
                    case byte x: writer.Write(x); break;
                    case short x: writer.Write(x); break;
                    case ushort x: writer.Write(x); break;
                    case int x: writer.Write(x); break;
                    case uint x: writer.Write(x); break;
                    case long x: writer.Write(x); break;
                    case ulong x: writer.Write(x); break;
                    case float x: writer.Write(x); break;
                    case double x: writer.Write(x); break;
                    case TimeSpan x: writer.Write(x.Ticks); break;
                    case DataViewRowId x: writer.Write(x.Low); writer.Write(x.High); break;
                    default: throw new InvalidOperationException($"Unexpected value {v} for {Type}.");
                }
            }
        }

        public override Array ReadValues(BinaryReader reader, int count)
        {
            var result = Array.CreateInstance(Type.RawType, count);
            for (int i = 0; i < count; i++)
            {
                object v = Type.RawType switch
                {
                    var t when t == typeof(sbyte) => reader.ReadSByte(),
                    var t when t == typeof(byte) => reader.ReadByte(),
                    var t when t == typeof(short) => reader.ReadInt16(),
                    var t when t == typeof(ushort) => reader.ReadUInt16(),
                    var t when t == typeof(int) => reader.ReadInt32(),
                    var t when t == typeof(uint) => reader.ReadUInt32(),
                    var t when t == typeof(long) => reader.ReadInt64(),
                    var t when t == typeof(ulong) => reader.ReadUInt64(),
                    var t when t == typeof(float) => reader.ReadSingle(),
                    var t when t == typeof(double) => reader.ReadDouble(),
                    var t when t == typeof(TimeSpan) => new TimeSpan(reader.ReadInt64()),
                    var t when t == typeof(DataViewRowId) => new DataViewRowId(reader.ReadUInt64(), reader.ReadUInt64()),
                    _ => throw new InvalidOperationException($"Unexpected type {Type}."),
                };
                result.SetValue(v, i);
            }
            return result;
        }
    }

    /// <summary>Text: the count, the cumulative end of each value in characters, then all characters as one string.</summary>
    internal sealed class TextCodec : ValueCodec
    {
        public TextCodec()
            : base("TextSpan", TextDataViewType.Instance)
        {
        }

        public override void WriteValues(BinaryWriter writer, Array values)
        {
            var all = new StringBuilder();
            var ends = new List<int>();
            foreach (ReadOnlyMemory<char> v in values)
            {
                all.Append(v.Span);
                ends.Add(all.Length);
            }
            writer.Write(ends.Count);
            foreach (int end in ends) writer.Write(end);
            writer.Write(all.ToString());
        }

        public override Array ReadValues(BinaryReader reader, int count)
        {
            int entries = reader.ReadInt32();
            Contracts.CheckDecode(entries == count, "text block has the wrong number of values");
            var ends = new int[entries];
            for (int i = 0; i < entries; i++) ends[i] = reader.ReadInt32();
            string text = reader.ReadString();
            var result = new ReadOnlyMemory<char>[entries];
            int start = 0;
            for (int i = 0; i < entries; i++)
            {
                int end = ends[i] & 0x7FFFFFFF;
                Contracts.CheckDecode(start <= end && end <= text.Length, "corrupt text block");
                result[i] = ends[i] >= 0 ? text.AsMemory(start, end - start) : ReadOnlyMemory<char>.Empty;
                start = end;
            }
            return result;
        }
    }

    /// <summary>Booleans packed eight to a byte, least significant bit first.</summary>
    internal sealed class BoolCodec : ValueCodec
    {
        public BoolCodec()
            : base("Boolean", BooleanDataViewType.Instance)
        {
        }

        public override void WriteValues(BinaryWriter writer, Array values)
        {
            var bits = (bool[])values;
            for (int i = 0; i < bits.Length; i += 8)
            {
                byte b = 0;
                for (int k = 0; k < 8 && i + k < bits.Length; k++)
                    if (bits[i + k]) b |= (byte)(1 << k);
                writer.Write(b);
            }
        }

        public override Array ReadValues(BinaryReader reader, int count)
        {
            var result = new bool[count];
            byte b = 0;
            for (int i = 0; i < count; i++)
            {
                if (i % 8 == 0) b = reader.ReadByte();
                result[i] = (b >> (i % 8) & 1) != 0;
            }
            return result;
        }
    }

    /// <summary>Date-time types: their descriptions are supported, their values (rare in annotations) are not.</summary>
    internal sealed class DescriptionOnlyCodec : ValueCodec
    {
        public DescriptionOnlyCodec(DataViewType type, string loadName)
            : base(loadName, type)
        {
        }

        public override bool SupportsValues => false;

        public override void WriteValues(BinaryWriter writer, Array values) => throw new NotSupportedException($"Values of type {Type} are not supported.");

        public override Array ReadValues(BinaryReader reader, int count) => throw new NotSupportedException($"Values of type {Type} are not supported.");
    }

    /// <summary>Keys ("Key2"): the raw number codec plus the key count; values are the raw numbers.</summary>
    internal sealed class KeyCodec : ValueCodec
    {
        private readonly ValueCodec inner;

        public KeyCodec(KeyDataViewType type, ValueCodec inner)
            : base("Key2", type)
        {
            this.inner = inner;
        }

        public override void WriteParameters(BinaryWriter writer)
        {
            CodecFactory.WriteCodec(writer, inner);
            writer.Write(((KeyDataViewType)Type).Count);
        }

        public override void WriteValues(BinaryWriter writer, Array values) => inner.WriteValues(writer, values);

        public override Array ReadValues(BinaryReader reader, int count) => inner.ReadValues(reader, count);
    }

    /// <summary>
    /// Vectors ("VBuffer"): the item codec plus the dimensions. A block of vectors is: the vector count, the common
    /// length (0 then a length per vector when they differ), a count per vector (-1 = dense), the indices, the values.
    /// </summary>
    internal sealed class VectorCodec : ValueCodec
    {
        private readonly ValueCodec inner;

        public VectorCodec(VectorDataViewType type, ValueCodec inner)
            : base("VBuffer", type)
        {
            this.inner = inner;
        }

        public override bool SupportsValues => inner.SupportsValues;

        public override void WriteParameters(BinaryWriter writer)
        {
            CodecFactory.WriteCodec(writer, inner);
            var dims = ((VectorDataViewType)Type).Dimensions;
            writer.Write(dims.Length);
            foreach (int d in dims) writer.Write(d);
        }

        public override void WriteValues(BinaryWriter writer, Array values)
        {
            var method = typeof(VectorCodec).GetMethod(nameof(WriteVectors), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)
                .MakeGenericMethod(inner.Type.RawType);
            method.Invoke(this, new object[] { writer, values });
        }

        private void WriteVectors<T>(BinaryWriter writer, Array values)
        {
            var vectors = (VBuffer<T>[])values;
            int size = ((VectorDataViewType)Type).Size;
            writer.Write(vectors.Length);
            if (size > 0) writer.Write(size);
            else
            {
                int common = vectors.Length == 0 ? 0 : vectors[0].Length;
                if (vectors.Any(v => v.Length != common)) common = 0;
                writer.Write(common);
                if (common == 0)
                    foreach (var v in vectors) writer.Write(v.Length);
            }
            var indices = new List<int>();
            var items = new List<T>();
            foreach (var v in vectors)
            {
                if (size > 0 && v.Length != size) throw new InvalidOperationException($"Length mismatch: expected {size} slots but got {v.Length}");
                writer.Write(v.IsDense ? -1 : v.GetValues().Length);
                if (!v.IsDense) indices.AddRange(v.GetIndices().ToArray());
                items.AddRange(v.GetValues().ToArray());
            }
            writer.Write(indices.Count);
            foreach (int i in indices) writer.Write(i);
            inner.WriteValues(writer, items.ToArray());
        }

        public override Array ReadValues(BinaryReader reader, int count)
        {
            var method = typeof(VectorCodec).GetMethod(nameof(ReadVectors), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)
                .MakeGenericMethod(inner.Type.RawType);
            return (Array)method.Invoke(this, new object[] { reader, count });
        }

        private Array ReadVectors<T>(BinaryReader reader, int count)
        {
            int vectors = reader.ReadInt32();
            Contracts.CheckDecode(vectors == count, "vector block has the wrong number of vectors");
            int size = reader.ReadInt32();
            Contracts.CheckDecode(size >= 0, "negative vector size");
            var lengths = new int[vectors];
            for (int i = 0; i < vectors; i++) lengths[i] = size > 0 ? size : -1;
            if (size == 0)
                for (int i = 0; i < vectors; i++) lengths[i] = reader.ReadInt32();
            var counts = new int[vectors];
            for (int i = 0; i < vectors; i++) counts[i] = reader.ReadInt32();
            int indexCount = reader.ReadInt32();
            Contracts.CheckDecode(indexCount >= 0, "negative index count");
            var indices = new int[indexCount];
            for (int i = 0; i < indexCount; i++) indices[i] = reader.ReadInt32();
            int total = 0;
            for (int i = 0; i < vectors; i++) total += counts[i] < 0 ? lengths[i] : counts[i];
            var items = (T[])inner.ReadValues(reader, total);
            var result = new VBuffer<T>[vectors];
            int itemOffset = 0, indexOffset = 0;
            for (int i = 0; i < vectors; i++)
            {
                int explicitCount = counts[i] < 0 ? lengths[i] : counts[i];
                var values = items.AsSpan(itemOffset, explicitCount).ToArray();
                if (counts[i] < 0) result[i] = new VBuffer<T>(lengths[i], values);
                else
                {
                    var ix = indices.AsSpan(indexOffset, explicitCount).ToArray();
                    indexOffset += explicitCount;
                    result[i] = new VBuffer<T>(lengths[i], explicitCount, values, ix);
                }
                itemOffset += explicitCount;
            }
            return result;
        }
    }

    /// <summary>Finds the codec of a type, and writes and reads codec descriptions.</summary>
    internal static class CodecFactory
    {
        /// <summary>The codec of <paramref name="type"/>, or null when ML.NET's binary format cannot store it (images).</summary>
        public static ValueCodec GetCodec(DataViewType type)
        {
            switch (type)
            {
                case KeyDataViewType key:
                    return new KeyCodec(key, GetCodec(NumberDataViewType.FromRawType(key.RawType)));
                case VectorDataViewType vector:
                    var item = GetCodec(vector.ItemType);
                    return item == null ? null : new VectorCodec(vector, item);
                case NumberDataViewType number:
                    return new FixedSizeCodec(number, number.RawType.Name);
                case TextDataViewType _:
                    return new TextCodec();
                case BooleanDataViewType _:
                    return new BoolCodec();
                case TimeSpanDataViewType _:
                    return new FixedSizeCodec(type, "TimeSpan");
                case RowIdDataViewType _:
                    return new FixedSizeCodec(type, "DataViewRowId");
                case DateTimeDataViewType _:
                    return new DescriptionOnlyCodec(type, "DateTime");
                case DateTimeOffsetDataViewType _:
                    return new DescriptionOnlyCodec(type, "DateTimeOffset");
                default:
                    return null;
            }
        }

        public static void WriteCodec(BinaryWriter writer, ValueCodec codec)
        {
            writer.Write(codec.LoadName);
            using var parameters = new MemoryStream();
            using (var pw = new BinaryWriter(parameters, Encoding.UTF8, leaveOpen: true)) codec.WriteParameters(pw);
            ValueCodec.WriteLeb128(writer, (ulong)parameters.Length);
            writer.Write(parameters.ToArray());
        }

        /// <summary>Reads a codec description; returns null (having skipped it) when the codec is unknown.</summary>
        public static ValueCodec ReadCodec(BinaryReader reader)
        {
            string name = reader.ReadString();
            Contracts.CheckDecode(!string.IsNullOrEmpty(name), "Non-empty codec signature expected");
            ulong length = ValueCodec.ReadLeb128(reader);
            Contracts.CheckDecode(length <= int.MaxValue, "Codec description too large");
            long start = reader.BaseStream.Position;
            ValueCodec codec = ReadKnownCodec(name, reader);
            if (codec == null)
            {
                reader.BaseStream.Position = start + (long)length;
                return null;
            }
            Contracts.CheckDecode(reader.BaseStream.Position - start == (long)length,
                $"Codec '{name}' description has {length} bytes but {reader.BaseStream.Position - start} were used");
            return codec;
        }

        private static ValueCodec ReadKnownCodec(string name, BinaryReader reader)
        {
            foreach (var number in NumberDataViewType.All)
                if (name == number.RawType.Name) return new FixedSizeCodec(number, name);
            switch (name)
            {
                case "TextSpan": return new TextCodec();
                case "Boolean": return new BoolCodec();
                case "TimeSpan": return new FixedSizeCodec(TimeSpanDataViewType.Instance, name);
                case "DataViewRowId": return new FixedSizeCodec(RowIdDataViewType.Instance, name);
                case "DateTime": return new DescriptionOnlyCodec(DateTimeDataViewType.Instance, name);
                case "DateTimeOffset": return new DescriptionOnlyCodec(DateTimeOffsetDataViewType.Instance, name);
                case "Key2":
                {
                    var inner = ReadCodec(reader);
                    Contracts.CheckDecode(inner != null && KeyDataViewType.IsValidDataType(inner.Type.RawType), "Bad key item type");
                    ulong count = reader.ReadUInt64();
                    Contracts.CheckDecode(count > 0 && count <= KeyDataViewType.MaxValue(inner.Type.RawType), "Bad key count");
                    return new KeyCodec(new KeyDataViewType(inner.Type.RawType, count), inner);
                }
                case "Key":
                {
                    var inner = ReadCodec(reader);
                    Contracts.CheckDecode(inner != null && KeyDataViewType.IsValidDataType(inner.Type.RawType), "Bad key item type");
                    reader.ReadByte(); // contiguous
                    ulong min = reader.ReadUInt64();
                    int count = reader.ReadInt32();
                    Contracts.CheckDecode(min == 0 && count >= 0, "Bad legacy key type");
                    ulong keyCount = count == 0 ? KeyDataViewType.MaxValue(inner.Type.RawType) : (ulong)count;
                    return new KeyCodec(new KeyDataViewType(inner.Type.RawType, keyCount), inner);
                }
                case "VBuffer":
                {
                    var inner = ReadCodec(reader);
                    if (inner == null) return null;
                    Contracts.CheckDecode(inner.Type is PrimitiveDataViewType, "Bad vector item type");
                    int dimCount = reader.ReadInt32();
                    Contracts.CheckDecode(dimCount >= 0, "Bad vector dimensions");
                    var dims = new int[dimCount];
                    for (int i = 0; i < dimCount; i++)
                    {
                        dims[i] = reader.ReadInt32();
                        Contracts.CheckDecode(dims[i] >= 0, "Negative vector dimension");
                    }
                    var itemType = (PrimitiveDataViewType)inner.Type;
                    var type = dimCount > 0 ? new VectorDataViewType(itemType, dims) : new VectorDataViewType(itemType);
                    return new VectorCodec(type, inner);
                }
                default:
                    return null;
            }
        }
    }
}
