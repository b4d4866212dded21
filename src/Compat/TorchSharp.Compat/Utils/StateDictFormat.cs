using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using static TorchSharp.torch;

namespace TorchSharp.Utils
{
    /// <summary>
    /// TorchSharp's .dat state-dict format: ULEB128 entry count, then per entry the key (BinaryWriter string) and a
    /// tensor record (ULEB128 dtype, ULEB128 rank, ULEB128 dims, raw little-endian elements). No header or checksum.
    /// </summary>
    internal static class StateDictFormat
    {
        public static void Write(BinaryWriter writer, Dictionary<string, Tensor> stateDict, IList<string>? skip)
        {
            var entries = stateDict.Where(kv => skip is null || !skip.Contains(kv.Key)).ToList();
            WriteLeb128(writer, (ulong)entries.Count);
            foreach (var (key, value) in entries)
            {
                writer.Write(key);
                WriteTensor(writer, value);
            }
        }

        public static void Read(BinaryReader reader, Dictionary<string, Tensor> target, bool strict, IList<string>? skip,
                                Dictionary<string, bool>? loadedParameters)
        {
            long count = (long)ReadLeb128(reader);
            if (strict && count != target.Count)
                throw new ArgumentException($"The file holds {count} entries but the module has {target.Count}; use strict: false to load a subset.");
            for (long i = 0; i < count; i++)
            {
                string key = reader.ReadString();
                bool wanted = target.TryGetValue(key, out var destination) && (skip is null || !skip.Contains(key));
                if (!wanted && strict && (skip is null || !skip.Contains(key)))
                    throw new ArgumentException($"Unexpected entry '{key}' in the state dict file.");
                if (wanted) ReadTensorInto(reader, destination!, key);
                else SkipTensor(reader);
                if (loadedParameters is not null) loadedParameters[key] = wanted;
            }
        }

        public static void WriteTensor(BinaryWriter writer, Tensor tensor)
        {
            using var scope = NewDisposeScope();
            var cpu = tensor.detach().cpu().contiguous();
            var shape = cpu.shape;
            WriteLeb128(writer, (ulong)(sbyte)cpu.dtype);
            WriteLeb128(writer, (ulong)shape.Length);
            foreach (var d in shape) WriteLeb128(writer, (ulong)d);
            writer.Write(TensorBytes(cpu));
        }

        public static Tensor ReadTensor(BinaryReader reader)
        {
            var (dtype, shape) = ReadHeader(reader);
            return Tensor.FromBytes(ReadPayload(reader, dtype, shape), dtype, shape);
        }

        public static void ReadTensorInto(BinaryReader reader, Tensor destination, string key)
        {
            var (dtype, shape) = ReadHeader(reader);
            if (dtype != destination.dtype)
                throw new ArgumentException($"Entry '{key}' has element type {dtype} but the module expects {destination.dtype}.");
            if (!shape.SequenceEqual(destination.shape))
                throw new ArgumentException($"Entry '{key}' has shape [{string.Join(", ", shape)}] but the module expects [{string.Join(", ", destination.shape)}].");
            var bytes = ReadPayload(reader, dtype, shape);
            using (no_grad()) destination.CopyFromBytes(bytes);
        }

        public static void SkipTensor(BinaryReader reader)
        {
            var (dtype, shape) = ReadHeader(reader);
            ReadPayload(reader, dtype, shape);
        }

        private static (ScalarType dtype, long[] shape) ReadHeader(BinaryReader reader)
        {
            var dtype = (ScalarType)(sbyte)ReadLeb128(reader);
            if (!Enum.IsDefined(typeof(ScalarType), dtype)) throw new InvalidDataException($"Unknown element type code {(int)dtype}.");
            ulong rank = ReadLeb128(reader);
            if (rank > 64) throw new InvalidDataException($"Implausible tensor rank {rank}.");
            var shape = new long[rank];
            for (ulong d = 0; d < rank; d++) shape[d] = checked((long)ReadLeb128(reader));
            return (dtype, shape);
        }

        private static byte[] ReadPayload(BinaryReader reader, ScalarType dtype, long[] shape)
        {
            long bytes = checked(shape.Aggregate(1L, (a, b) => checked(a * b)) * dtype.ElementSize());
            var payload = reader.ReadBytes(checked((int)bytes));
            if (payload.Length != bytes) throw new EndOfStreamException($"The tensor data ends after {payload.Length} of {bytes} bytes.");
            return payload;
        }

        private static byte[] TensorBytes(Tensor cpuContiguous)
        {
            var bytes = new byte[cpuContiguous.numel() * cpuContiguous.ElementSize];
            cpuContiguous.CopyToBytes(bytes);
            return bytes;
        }

        public static void WriteLeb128(BinaryWriter writer, ulong value)
        {
            do
            {
                byte b = (byte)(value & 0x7F);
                value >>= 7;
                if (value != 0) b |= 0x80;
                writer.Write(b);
            } while (value != 0);
        }

        public static ulong ReadLeb128(BinaryReader reader)
        {
            ulong result = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                byte b = reader.ReadByte();
                result |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0) return result;
            }
            throw new InvalidDataException("Malformed LEB128 number.");
        }
    }
}
