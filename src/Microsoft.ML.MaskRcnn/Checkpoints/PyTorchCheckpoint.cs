using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Checkpoints
{
    /// <summary>
    /// Reads files written by PyTorch's <c>torch.save</c> (<c>.pth</c>, <c>.pt</c>, <c>.ckpt</c>) without Python: the zip
    /// format (PyTorch 1.6 and later) and the legacy format (older files, including torchvision's original COCO
    /// weights). The pickle inside is run by a restricted reader that builds only plain values and tensors from an
    /// allowlist of Python globals (<see cref="AllowedGlobals"/>); it never executes code from the file.
    /// </summary>
    /// <remarks>
    /// Python values become plain .NET values: None is <c>null</c>; bool <see cref="bool"/>; int <see cref="long"/>
    /// (<see cref="System.Numerics.BigInteger"/> beyond 64 bits); float <see cref="double"/>; complex
    /// <see cref="System.Numerics.Complex"/>; str <see cref="string"/>; bytes and bytearray <c>byte[]</c>; tuple and
    /// torch.Size <c>object?[]</c>; list <c>List&lt;object?&gt;</c>; dict, OrderedDict, Counter and argparse.Namespace
    /// (its attributes) <c>OrderedDictionary&lt;object, object?&gt;</c> in insertion order; set and frozenset
    /// <c>HashSet&lt;object?&gt;</c>; torch.dtype <see cref="ScalarType"/>; torch.device its string (<c>"cuda:0"</c>);
    /// tensors and parameters <see cref="Tensor"/> on the CPU, with the saved size, strides, storage offset, element
    /// type and requires_grad. Attributes of an OrderedDict (a state dict's <c>_metadata</c>) are not kept.
    /// </remarks>
    public static class PyTorchCheckpoint
    {
        /// <summary>
        /// Entries of a training checkpoint that may hold the model's state dict, in the order they are tried:
        /// <c>model</c> (torchvision's reference training scripts), <c>state_dict</c>, <c>model_state_dict</c>.
        /// </summary>
        public static IReadOnlyList<string> StateDictEntryNames { get; } = new[] { "model", "state_dict", "model_state_dict" };

        /// <summary>The Python globals (<c>module.name</c>) a checkpoint's pickle may refer to; any other is refused.</summary>
        public static IReadOnlyList<string> AllowedGlobals { get; } = PickleGlobals.Names.ToArray();

        /// <summary>
        /// Reads the whole object saved in <paramref name="path"/> (see the remarks of <see cref="PyTorchCheckpoint"/> for
        /// how Python values are represented). The result owns the tensors; dispose it.
        /// </summary>
        /// <exception cref="FileNotFoundException">The file does not exist.</exception>
        /// <exception cref="DisallowedGlobalException">The pickle refers to a Python global outside the allowlist.</exception>
        /// <exception cref="CheckpointFormatException">The file is not a readable checkpoint; the message says why.</exception>
        public static CheckpointContents Read(string path)
        {
            ArgumentNullException.ThrowIfNull(path);
            if (!File.Exists(path)) throw new FileNotFoundException($"The PyTorch checkpoint '{path}' does not exist.", path);

            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
            var header = new byte[512];
            int headerLength = file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            file.Position = 0;
            var start = header.AsSpan(0, headerLength);

            using var scope = torch.NewDisposeScope();
            try
            {
                CheckpointFormat format;
                object? root;
                IReadOnlyList<Tensor> tensors;
                if (ZipCheckpointFormat.IsZip(start))
                {
                    format = CheckpointFormat.Zip;
                    (root, tensors) = ZipCheckpointFormat.Read(file, path);
                }
                else if (LegacyCheckpointFormat.IsLegacy(start))
                {
                    format = CheckpointFormat.Legacy;
                    (root, tensors) = LegacyCheckpointFormat.Read(file, path);
                }
                else if (LegacyCheckpointFormat.IsTar(start))
                {
                    throw new CheckpointFormatException(path,
                        "it is in the tar-based format of PyTorch before 0.4, which is not supported; load it with PyTorch and save it again.");
                }
                else
                {
                    throw new CheckpointFormatException(path, headerLength == 0
                        ? "the file is empty."
                        : "it is neither a zip archive (torch.save's format since PyTorch 1.6) nor the legacy torch.save format.");
                }
                scope.MoveToOuter(tensors);
                return new CheckpointContents(path, format, root, tensors);
            }
            catch (CheckpointFormatException)
            {
                throw;
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException or ExternalException or InvalidCastException
                                          or ArgumentException or OverflowException or KeyNotFoundException or NotSupportedException)
            {
                throw new CheckpointFormatException(path, e.Message, e);
            }
        }

        /// <summary>
        /// Reads the state dict saved in <paramref name="path"/>: a plain state dict (<c>torch.save(model.state_dict())</c>),
        /// or the model's state dict inside a training checkpoint (see <see cref="StateDictEntryNames"/>). Everything else
        /// in the file (optimizer state, ...) is read and released. The result owns its tensors; dispose it.
        /// </summary>
        /// <exception cref="FileNotFoundException">The file does not exist.</exception>
        /// <exception cref="DisallowedGlobalException">The pickle refers to a Python global outside the allowlist.</exception>
        /// <exception cref="CheckpointFormatException">
        /// The file is not a readable checkpoint, or holds no state dict (the message then lists its top-level entries).
        /// </exception>
        public static StateDict ReadStateDict(string path)
        {
            using var contents = Read(path);
            return contents.TakeStateDict();
        }
    }
}
