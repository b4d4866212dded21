using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Checkpoints
{
    /// <summary>
    /// torch.save's default format since PyTorch 1.6: a zip archive whose records sit under one top-level folder
    /// (the file's stem in PyTorch 1.x, <c>archive</c> later): <c>data.pkl</c> (the pickled object, protocol 2),
    /// <c>data/&lt;key&gt;</c> (one record of raw little-endian bytes per storage), <c>version</c>, and since
    /// PyTorch 2.1 <c>byteorder</c>. Records are usually stored uncompressed; compressed ones are read as well.
    /// </summary>
    internal static class ZipCheckpointFormat
    {
        /// <summary>The pickle of a state dict is small (tens of kilobytes for Mask R-CNN); this bounds a hostile one.</summary>
        private const long MaxPickleBytes = 1L << 30;

        /// <summary>Whether <paramref name="header"/> (the file's first bytes) starts a zip archive.</summary>
        public static bool IsZip(ReadOnlySpan<byte> header) =>
            header.Length >= 4 && header[0] == (byte)'P' && header[1] == (byte)'K' &&
            ((header[2] == 3 && header[3] == 4) || (header[2] == 5 && header[3] == 6));

        /// <summary>Unpickles the archive's object and builds its tensors.</summary>
        public static (object? root, IReadOnlyList<Tensor> tensors) Read(Stream file, string filePath)
        {
            ZipArchive archive;
            try
            {
                archive = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
            }
            catch (InvalidDataException e)
            {
                throw new CheckpointFormatException(filePath, $"it starts like a zip archive but is not a complete one (the file may be truncated): {e.Message}", e);
            }
            using (archive)
            {
                string prefix = FindRecordPrefix(archive, filePath);
                CheckByteOrder(archive, prefix, filePath);
                var pickle = ReadRecord(archive, prefix + "data.pkl", filePath);

                var table = new StorageTable();
                var root = new RestrictedUnpickler(pickle, filePath, prefix + "data.pkl", table.PersistentLoad).Load();
                if (pickle.Position != pickle.Length)
                    throw new CheckpointFormatException(filePath, $"'{prefix}data.pkl' has {pickle.Length - pickle.Position} bytes after its end.");

                using var materializer = new TensorMaterializer((storage, dtype) => ReadStorage(archive, prefix, storage, dtype, filePath));
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
        }

        /// <summary>The folder holding <c>data.pkl</c>, with its trailing slash.</summary>
        private static string FindRecordPrefix(ZipArchive archive, string filePath)
        {
            var names = archive.Entries.Select(e => e.FullName).ToList();
            // TorchScript archives (torch.jit.save) also hold a data.pkl, next to constants.pkl and the model's code.
            if (names.Any(n => n.EndsWith("/constants.pkl", StringComparison.Ordinal) || n.Contains("/code/", StringComparison.Ordinal)))
                throw new CheckpointFormatException(filePath,
                    "it is a TorchScript archive (torch.jit.save), not a torch.save checkpoint; in Python, save the weights with " +
                    "torch.save(model.state_dict(), path) instead.");
            var pickle = names.FirstOrDefault(n => n.EndsWith("/data.pkl", StringComparison.Ordinal) && n.IndexOf('/') == n.Length - "/data.pkl".Length)
                         ?? names.FirstOrDefault(n => n == "data.pkl");
            if (pickle is not null) return pickle[..^"data.pkl".Length];

            string listing = string.Join(", ", names.Take(8).Select(n => $"'{n}'")) + (names.Count > 8 ? $", ... ({names.Count} entries)" : "");
            throw new CheckpointFormatException(filePath,
                $"it is a zip archive but not a torch.save checkpoint: it has no '<folder>/data.pkl' record (entries: {(names.Count == 0 ? "none" : listing)}).");
        }

        private static void CheckByteOrder(ZipArchive archive, string prefix, string filePath)
        {
            var entry = archive.GetEntry(prefix + "byteorder") ?? archive.GetEntry(prefix + ".data/byteorder");
            if (entry is null) return; // written since PyTorch 2.1; older files are little-endian
            string order = Encoding.ASCII.GetString(ReadRecord(archive, entry.FullName, filePath).ToArray()).Trim();
            if (order == "little") return;
            if (order == "big")
                throw new CheckpointFormatException(filePath,
                    "it was written on a big-endian machine (byteorder 'big'); only little-endian checkpoints are supported. " +
                    "Load it with PyTorch on any machine and save it again to get a little-endian file.");
            throw new CheckpointFormatException(filePath, $"its byteorder record says '{order}', which is neither 'little' nor 'big'.");
        }

        private static MemoryStream ReadRecord(ZipArchive archive, string name, string filePath)
        {
            var entry = archive.GetEntry(name) ?? throw new CheckpointFormatException(filePath, $"the record '{name}' is missing.");
            if (entry.Length > MaxPickleBytes)
                throw new CheckpointFormatException(filePath, $"the record '{name}' claims {entry.Length} bytes; pickles of more than {MaxPickleBytes} are refused.");
            try
            {
                using var stream = entry.Open();
                var buffer = new MemoryStream();
                var chunk = new byte[81920];
                for (int read; (read = stream.Read(chunk)) > 0;)
                {
                    if (buffer.Length + read > MaxPickleBytes)
                        throw new CheckpointFormatException(filePath, $"the record '{name}' expands beyond {MaxPickleBytes} bytes; it is refused.");
                    buffer.Write(chunk, 0, read);
                }
                buffer.Position = 0;
                return buffer;
            }
            catch (InvalidDataException e)
            {
                throw new CheckpointFormatException(filePath, $"the record '{name}' cannot be read (the file may be truncated or corrupt): {e.Message}", e);
            }
        }

        private static Tensor ReadStorage(ZipArchive archive, string prefix, StorageReference storage, ScalarType dtype, string filePath)
        {
            string name = prefix + "data/" + storage.Key;
            var entry = archive.GetEntry(name)
                        ?? throw new CheckpointFormatException(filePath, $"the record '{name}' holding storage '{storage.Key}' is missing.");
            if (entry.Length < storage.ByteCount)
                throw new CheckpointFormatException(filePath, $"the record '{name}' holds {entry.Length} bytes but storage '{storage.Key}' needs {storage.ByteCount}.");
            try
            {
                using var stream = entry.Open();
                return StorageTable.ReadStorage(stream, dtype, storage.ByteCount / ElementSizes.Of(dtype));
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
            {
                throw new CheckpointFormatException(filePath, $"the record '{name}' cannot be read (the file may be truncated or corrupt): {e.Message}", e);
            }
        }
    }
}
