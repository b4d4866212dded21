using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Numerics;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Checkpoints
{
    /// <summary>
    /// torch.save's format before PyTorch 1.6 (and with <c>_use_new_zipfile_serialization=False</c> since): five
    /// pickles in a row (a magic number, the protocol version 1001, system information, the object, the sorted list
    /// of storage keys), then each storage in key order as a little-endian int64 element count followed by its raw
    /// little-endian elements. torchvision's older pretrained weights (for example the COCO Mask R-CNN file) are in
    /// this format.
    /// </summary>
    internal static class LegacyCheckpointFormat
    {
        private static readonly BigInteger MagicNumber = BigInteger.Parse("119547037146038801333356");
        private const long ProtocolVersion = 1001;

        /// <summary>Whether <paramref name="header"/> starts the legacy format: PROTO 2 then a LONG1 of 10 bytes.</summary>
        public static bool IsLegacy(ReadOnlySpan<byte> header) =>
            header.Length >= 4 && header[0] == 0x80 && header[1] == 2 && header[2] == 0x8a && header[3] == 10;

        /// <summary>Whether the file is the tar-based format of PyTorch before 0.4 (the ustar magic at byte 257).</summary>
        public static bool IsTar(ReadOnlySpan<byte> header) =>
            header.Length >= 262 && header.Slice(257, 5).SequenceEqual("ustar"u8);

        public static (object? root, IReadOnlyList<Tensor> tensors) Read(Stream file, string filePath)
        {
            var magic = new RestrictedUnpickler(file, filePath, "magic number").Load();
            if (!(magic is BigInteger big && big == MagicNumber))
                throw new CheckpointFormatException(filePath, "it does not start with PyTorch's magic number: it is not a legacy torch.save file.");
            var protocol = new RestrictedUnpickler(file, filePath, "protocol version").Load();
            if (protocol is not long version || version != ProtocolVersion)
                throw new CheckpointFormatException(filePath, $"its legacy protocol version is {PythonValues.Describe(protocol)}; only {ProtocolVersion} is supported.");
            var systemInfo = new RestrictedUnpickler(file, filePath, "system information").Load() as OrderedDictionary<object, object?>;
            if (systemInfo is null) throw new CheckpointFormatException(filePath, "its system information record is not a dictionary.");
            if (systemInfo.TryGetValue("little_endian", out var little) && little is false)
                throw new CheckpointFormatException(filePath,
                    "it was written on a big-endian machine; only little-endian checkpoints are supported. Load it with PyTorch and save it again.");

            var table = new StorageTable();
            var root = new RestrictedUnpickler(file, filePath, "object", table.PersistentLoad).Load();
            var keyList = new RestrictedUnpickler(file, filePath, "storage keys").Load() as List<object?>;
            if (keyList is null || keyList.Any(k => k is not string))
                throw new CheckpointFormatException(filePath, "its storage key list is not a list of strings.");

            var storages = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            try
            {
                foreach (string key in keyList.Cast<string>())
                    storages[key] = ReadNextStorage(file, filePath, key, table);
                var missing = table.Storages.Keys.Where(k => !storages.ContainsKey(k)).ToList();
                if (missing.Count > 0)
                    throw new CheckpointFormatException(filePath, $"storages {string.Join(", ", missing.Select(k => $"'{k}'"))} are used but not stored.");

                using var materializer = new TensorMaterializer((storage, dtype) =>
                {
                    if (dtype != storage.Dtype)
                        throw new InvalidDataException($"Storage '{storage.Key}' is {storage.Dtype} but is read as {dtype}.");
                    // The materializer disposes it when done; the finally below disposes the storages no tensor used.
                    return storages[storage.Key];
                });
                try
                {
                    root = materializer.Materialize(root);
                    return (root, materializer.Tensors);
                }
                catch
                {
                    foreach (var t in materializer.Tensors) t.Dispose();
                    throw;
                }
            }
            finally
            {
                foreach (var storage in storages.Values) storage.Dispose();
            }
        }

        private static Tensor ReadNextStorage(Stream file, string filePath, string key, StorageTable table)
        {
            if (!table.Storages.TryGetValue(key, out var storage))
                throw new CheckpointFormatException(filePath, $"it stores storage '{key}', which no tensor uses.");
            Span<byte> countBytes = stackalloc byte[8];
            try
            {
                file.ReadExactly(countBytes);
                long count = BitConverter.ToInt64(countBytes);
                if (count != storage.ElementCount)
                    throw new CheckpointFormatException(filePath, $"storage '{key}' is stored with {count} elements but used with {storage.ElementCount}.");
                long remaining = file.Length - file.Position;
                if (storage.ByteCount > remaining)
                    throw new CheckpointFormatException(filePath,
                        $"storage '{key}' needs {storage.ByteCount} bytes but only {remaining} remain (the file is truncated).");
                return StorageTable.ReadStorage(file, storage.Dtype, count);
            }
            catch (EndOfStreamException e)
            {
                throw new CheckpointFormatException(filePath, $"the file ends inside storage '{key}' (it is truncated).", e);
            }
        }
    }
}
