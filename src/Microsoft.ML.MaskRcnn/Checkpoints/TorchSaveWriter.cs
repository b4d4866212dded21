using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Checkpoints
{
    /// <summary>
    /// Writes a state dict as <c>torch.save</c> does (the zip format <see cref="ZipCheckpointFormat"/> reads): under one
    /// top-level folder, <c>data.pkl</c> (a protocol-2 pickle of an <c>OrderedDict</c> of tensors rebuilt by
    /// <c>torch._utils._rebuild_tensor_v2</c> from persistent storage ids), one stored record <c>data/&lt;key&gt;</c> of raw
    /// little-endian bytes per tensor, <c>version</c> and <c>byteorder</c>. <c>torch.load</c> reads it back in PyTorch 1.6
    /// and later, so torchvision's <c>load_state_dict</c> takes it. The pickle names only the globals our own reader allows.
    /// </summary>
    internal static class TorchSaveWriter
    {
        /// <summary>The top-level folder of the records (<c>torch.save</c> writes <c>archive</c> since PyTorch 2.0).</summary>
        public const string ArchiveName = "archive";

        /// <summary>Writes <paramref name="entries"/> (CPU or not, any layout: each is copied as a contiguous CPU tensor) to <paramref name="output"/>.</summary>
        public static void Write(Stream output, IReadOnlyList<KeyValuePair<string, Tensor>> entries)
        {
            using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
            var pickle = new PickleWriter();
            pickle.OrderedDictStart();
            for (int i = 0; i < entries.Count; i++)
            {
                var (name, tensor) = entries[i];
                string storage = StorageName(tensor.dtype, name);
                pickle.Text(name);
                pickle.Tensor(storage, i.ToString(System.Globalization.CultureInfo.InvariantCulture), tensor.shape);
                using var scope = NewDisposeScope();
                var data = tensor.detach().cpu().contiguous();
                using var record = zip.CreateEntry($"{ArchiveName}/data/{i}", CompressionLevel.NoCompression).Open();
                if (data.numel() > 0) record.Write(data.bytes);
            }
            pickle.OrderedDictEnd();
            WriteEntry(zip, "data.pkl", pickle.ToArray());
            WriteEntry(zip, "version", Encoding.ASCII.GetBytes("3\n"));
            WriteEntry(zip, "byteorder", Encoding.ASCII.GetBytes("little"));
        }

        private static void WriteEntry(ZipArchive zip, string name, byte[] bytes)
        {
            using var stream = zip.CreateEntry($"{ArchiveName}/{name}", CompressionLevel.NoCompression).Open();
            stream.Write(bytes);
        }

        /// <summary>PyTorch's typed-storage class of an element type.</summary>
        private static string StorageName(ScalarType dtype, string name) => dtype switch
        {
            ScalarType.Float32 => "FloatStorage",
            ScalarType.Float64 => "DoubleStorage",
            ScalarType.Float16 => "HalfStorage",
            ScalarType.BFloat16 => "BFloat16Storage",
            ScalarType.Int64 => "LongStorage",
            ScalarType.Int32 => "IntStorage",
            ScalarType.Int16 => "ShortStorage",
            ScalarType.Int8 => "CharStorage",
            ScalarType.Byte => "ByteStorage",
            ScalarType.Bool => "BoolStorage",
            _ => throw new ArgumentException($"Tensor '{name}' has element type {dtype}, which a PyTorch state dict cannot hold here."),
        };

        /// <summary>The few pickle opcodes a state dict needs (protocol 2), no memo: every value is written once.</summary>
        private sealed class PickleWriter
        {
            private readonly MemoryStream buffer = new();

            public PickleWriter()
            {
                buffer.WriteByte(0x80);  // PROTO
                buffer.WriteByte(2);
            }

            /// <summary>collections.OrderedDict() then MARK, ready for key, value pairs.</summary>
            public void OrderedDictStart()
            {
                EmptyOrderedDict();
                buffer.WriteByte((byte)'(');  // MARK
            }

            /// <summary>SETITEMS for the pairs since the mark, then STOP.</summary>
            public void OrderedDictEnd()
            {
                buffer.WriteByte((byte)'u');  // SETITEMS
                buffer.WriteByte((byte)'.');  // STOP
            }

            public void Text(string value)
            {
                var bytes = Encoding.UTF8.GetBytes(value);
                buffer.WriteByte((byte)'X');  // BINUNICODE
                Span<byte> length = stackalloc byte[4];
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)bytes.Length);
                buffer.Write(length);
                buffer.Write(bytes);
            }

            /// <summary>
            /// torch._utils._rebuild_tensor_v2((persistent storage), offset 0, size, contiguous stride, requires_grad
            /// False, OrderedDict()): the storage is ('storage', torch.&lt;storage&gt;, key, 'cpu', element count).
            /// </summary>
            public void Tensor(string storage, string key, long[] shape)
            {
                Global("torch._utils", "_rebuild_tensor_v2");
                buffer.WriteByte((byte)'(');  // MARK: the arguments
                buffer.WriteByte((byte)'(');  // MARK: the persistent id
                Text("storage");
                Global("torch", storage);
                Text(key);
                Text("cpu");
                Integer(shape.Aggregate(1L, (a, b) => checked(a * b)));
                buffer.WriteByte((byte)'t');  // TUPLE
                buffer.WriteByte((byte)'Q');  // BINPERSID
                Integer(0);
                Tuple(shape);
                // Contiguous strides, as the record is written (a size-0 dimension counts as 1, as PyTorch's do).
                var stride = new long[shape.Length];
                long step = 1;
                for (int d = shape.Length - 1; d >= 0; d--)
                {
                    stride[d] = step;
                    step = checked(step * Math.Max(shape[d], 1));
                }
                Tuple(stride);
                buffer.WriteByte(0x89);  // NEWFALSE: requires_grad
                EmptyOrderedDict();      // backward hooks
                buffer.WriteByte((byte)'t');  // TUPLE
                buffer.WriteByte((byte)'R');  // REDUCE
            }

            public byte[] ToArray() => buffer.ToArray();

            private void EmptyOrderedDict()
            {
                Global("collections", "OrderedDict");
                buffer.WriteByte((byte)')');  // EMPTY_TUPLE
                buffer.WriteByte((byte)'R');  // REDUCE
            }

            private void Global(string module, string name)
            {
                buffer.WriteByte((byte)'c');  // GLOBAL
                buffer.Write(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));
            }

            private void Tuple(long[] values)
            {
                if (values.Length == 0)
                {
                    buffer.WriteByte((byte)')');  // EMPTY_TUPLE
                    return;
                }
                buffer.WriteByte((byte)'(');
                foreach (long v in values) Integer(v);
                buffer.WriteByte((byte)'t');
            }

            private void Integer(long value)
            {
                if (value >= int.MinValue && value <= int.MaxValue)
                {
                    buffer.WriteByte((byte)'J');  // BININT
                    Span<byte> bytes = stackalloc byte[4];
                    System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes, (int)value);
                    buffer.Write(bytes);
                }
                else
                {
                    buffer.WriteByte(0x8a);  // LONG1: 8 little-endian two's-complement bytes
                    buffer.WriteByte(8);
                    Span<byte> bytes = stackalloc byte[8];
                    System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
                    buffer.Write(bytes);
                }
            }
        }
    }
}
