using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.TestUtilities
{
    /// <summary>
    /// Reads the named tensors a reference script wrote with reference_io.py (TorchSharp's .dat layout).
    /// A reader of its own, so that tests do not trust the code under test to read their expectations.
    /// </summary>
    public sealed class ReferenceTensors : IDisposable
    {
        private readonly Dictionary<string, Tensor> tensors = new();

        public ReferenceTensors(string path)
        {
            using var reader = new BinaryReader(File.OpenRead(path));
            ulong count = ReadLeb128(reader);
            for (ulong i = 0; i < count; i++)
            {
                string key = reader.ReadString();
                var dtype = (ScalarType)(sbyte)ReadLeb128(reader);
                var shape = new long[ReadLeb128(reader)];
                for (int d = 0; d < shape.Length; d++) shape[d] = (long)ReadLeb128(reader);
                long count1 = shape.Aggregate(1L, (a, b) => a * b);
                var bytes = reader.ReadBytes(checked((int)(count1 * ElementSize(dtype))));
                var tensor = Create(bytes, dtype, shape);
                tensor.DetachFromDisposeScope();
                tensors[key] = tensor;
            }
        }

        /// <summary>The tensor stored under <paramref name="key"/>.</summary>
        public Tensor this[string key] =>
            tensors.TryGetValue(key, out var t) ? t : throw new KeyNotFoundException($"The reference data has no tensor '{key}'.");

        public bool Contains(string key) => tensors.ContainsKey(key);

        public IEnumerable<string> Keys => tensors.Keys;

        public void Dispose()
        {
            foreach (var t in tensors.Values) t.Dispose();
            tensors.Clear();
        }

        private static Tensor Create(byte[] bytes, ScalarType dtype, long[] shape) => dtype switch
        {
            ScalarType.Float32 => tensor(MemoryMarshal.Cast<byte, float>(bytes).ToArray(), shape),
            ScalarType.Float64 => tensor(MemoryMarshal.Cast<byte, double>(bytes).ToArray(), shape),
            ScalarType.Int64 => tensor(MemoryMarshal.Cast<byte, long>(bytes).ToArray(), shape),
            ScalarType.Int32 => tensor(MemoryMarshal.Cast<byte, int>(bytes).ToArray(), shape),
            ScalarType.Int16 => tensor(MemoryMarshal.Cast<byte, short>(bytes).ToArray(), shape),
            ScalarType.Byte => tensor(bytes, shape),
            ScalarType.Bool => tensor(bytes.Select(b => b != 0).ToArray(), shape),
            _ => throw new NotSupportedException($"Reference tensors of type {dtype} are not supported."),
        };

        private static int ElementSize(ScalarType dtype) => dtype switch
        {
            ScalarType.Byte or ScalarType.Int8 or ScalarType.Bool => 1,
            ScalarType.Int16 or ScalarType.Float16 => 2,
            ScalarType.Int32 or ScalarType.Float32 => 4,
            _ => 8,
        };

        private static ulong ReadLeb128(BinaryReader reader)
        {
            ulong result = 0;
            for (int shift = 0; ; shift += 7)
            {
                byte b = reader.ReadByte();
                result |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0) return result;
            }
        }
    }
}
