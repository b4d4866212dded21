using System;
using System.Collections.Generic;
using System.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Checkpoints
{
    /// <summary>
    /// The storages a checkpoint's pickle refers to through persistent ids, and the reading of their bytes into 1-D
    /// tensors. Both formats write the same persistent id: <c>('storage', torch.XStorage, key, location, numel)</c>, the
    /// legacy format with a sixth item (a storage view, None since PyTorch 0.4).
    /// </summary>
    internal sealed class StorageTable
    {
        /// <summary>Storages are filled in pieces of at most this many bytes (tests lower it to exercise the loop).</summary>
        internal static long MaxChunkBytes = 1L << 30;

        private readonly Dictionary<string, StorageReference> storages = new(StringComparer.Ordinal);

        public IReadOnlyDictionary<string, StorageReference> Storages => storages;

        /// <summary>The unpickler's persistent_load: one <see cref="StorageReference"/> per key.</summary>
        public object? PersistentLoad(object? persistentId)
        {
            var id = persistentId as object?[] ?? throw new InvalidDataException($"A persistent id is {PythonValues.Describe(persistentId)}, not a tuple.");
            string? kind = id.Length > 0 ? AsText(id[0]) : null;
            if (kind != "storage")
                throw new InvalidDataException($"A persistent id of kind '{kind}' is not a storage; only tensors and storages can be read.");
            if (id.Length is not (5 or 6))
                throw new InvalidDataException($"A storage persistent id has {id.Length} items; expected 5 (or 6 in the legacy format).");
            if (id[1] is not StorageType type)
                throw new InvalidDataException($"A storage persistent id names {PythonValues.Describe(id[1])} instead of a storage class.");
            string key = AsText(id[2]) ?? throw new InvalidDataException("A storage key is not a string.");
            string location = AsText(id[3]) ?? throw new InvalidDataException("A storage location is not a string.");
            long count = PythonValues.ToLong(id[4], "storage size");
            if (count < 0) throw new InvalidDataException($"Storage '{key}' has a negative size.");
            if (id.Length == 6 && id[5] is not null)
                throw new InvalidDataException("The checkpoint uses storage views (PyTorch before 0.4); re-save it with a recent PyTorch.");

            if (storages.TryGetValue(key, out var known))
            {
                if (known.Dtype != type.Dtype)
                    throw new InvalidDataException($"Storage '{key}' is used both as {known.Dtype} and as {type.Dtype}.");
                return known;
            }
            var storage = new StorageReference(key, type.Dtype, count, location);
            if (storage.ByteCount < 0) throw new InvalidDataException($"Storage '{key}' is too large.");
            storages.Add(key, storage);
            return storage;
        }

        /// <summary>
        /// Reads <paramref name="elementCount"/> little-endian elements of <paramref name="dtype"/> from
        /// <paramref name="source"/> into a new 1-D CPU tensor. A short read is an <see cref="EndOfStreamException"/>.
        /// </summary>
        public static Tensor ReadStorage(Stream source, ScalarType dtype, long elementCount)
        {
            if (!BitConverter.IsLittleEndian)
                throw new PlatformNotSupportedException("Reading PyTorch checkpoints needs a little-endian machine.");
            var storage = torch.empty(new[] { elementCount }, dtype);
            try
            {
                long elementSize = ElementSizes.Of(dtype);
                long perChunk = Math.Max(1, MaxChunkBytes / elementSize);
                for (long start = 0; start < elementCount; start += perChunk)
                {
                    using var piece = storage.narrow(0, start, Math.Min(perChunk, elementCount - start));
                    source.ReadExactly(piece.bytes);
                }
                return storage;
            }
            catch
            {
                storage.Dispose();
                throw;
            }
        }

        private static string? AsText(object? value) => value switch
        {
            string s => s,
            byte[] b => System.Text.Encoding.ASCII.GetString(b), // Python 2 pickles hold byte strings
            _ => null,
        };
    }
}
