using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Checkpoints
{
    /// <summary>The two layouts torch.save writes.</summary>
    public enum CheckpointFormat
    {
        /// <summary>The zip archive written by default since PyTorch 1.6.</summary>
        Zip,

        /// <summary>The older sequential format (PyTorch before 1.6, or <c>_use_new_zipfile_serialization=False</c>).</summary>
        Legacy,
    }

    /// <summary>
    /// Everything a checkpoint file holds, as plain .NET values (see <see cref="PyTorchCheckpoint.Read"/> for the
    /// mapping from Python types). It owns every tensor in <see cref="Root"/>: dispose it when done, or read inside a
    /// <c>torch.NewDisposeScope()</c>.
    /// </summary>
    public sealed class CheckpointContents : IDisposable
    {
        private readonly List<Tensor> tensors;

        internal CheckpointContents(string filePath, CheckpointFormat format, object? root, IEnumerable<Tensor> tensors)
        {
            FilePath = filePath;
            Format = format;
            Root = root;
            this.tensors = tensors.ToList();
        }

        /// <summary>The file that was read.</summary>
        public string FilePath { get; }

        /// <summary>The layout of the file.</summary>
        public CheckpointFormat Format { get; }

        /// <summary>
        /// The unpickled object: for a state dict an <c>OrderedDictionary&lt;object, object?&gt;</c> of names to tensors;
        /// for a training checkpoint a dictionary with entries such as <c>model</c>, <c>optimizer</c>, <c>epoch</c>.
        /// </summary>
        public object? Root { get; }

        /// <summary>Every tensor in <see cref="Root"/>, each once, in the order first met.</summary>
        public IReadOnlyList<Tensor> Tensors => tensors;

        /// <summary>
        /// The state dict in the checkpoint: the top-level dictionary when all its values are tensors, otherwise the
        /// first of the entries <see cref="PyTorchCheckpoint.StateDictEntryNames"/> (<c>model</c>, <c>state_dict</c>,
        /// <c>model_state_dict</c>) that is a dictionary of tensors. The tensors stay owned by this object.
        /// </summary>
        /// <exception cref="CheckpointFormatException">No state dict is found; the message lists the top-level entries.</exception>
        public IReadOnlyDictionary<string, Tensor> FindStateDict()
        {
            var found = Locate();
            var result = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var (key, value) in found) result.Add((string)key, (Tensor)value!);
            return result;
        }

        /// <summary>Moves the state dict's tensors into a <see cref="StateDict"/> and disposes every other tensor.</summary>
        internal StateDict TakeStateDict()
        {
            var stateDict = FindStateDict();
            var kept = new HashSet<Tensor>(stateDict.Values, ReferenceEqualityComparer.Instance);
            foreach (var tensor in tensors)
                if (!kept.Contains(tensor)) tensor.Dispose();
            tensors.Clear();
            return new StateDict(FilePath, stateDict);
        }

        /// <summary>Disposes every tensor read from the file.</summary>
        public void Dispose()
        {
            foreach (var tensor in tensors) tensor.Dispose();
            tensors.Clear();
        }

        private OrderedDictionary<object, object?> Locate()
        {
            if (Root is not OrderedDictionary<object, object?> top)
                throw new CheckpointFormatException(FilePath, $"it holds {PythonValues.Describe(Root)}, not a dictionary, so it has no state dict.");
            if (top.Count > 0 && TensorDictionaryProblem(top) is null) return top;

            var notes = new List<string>();
            foreach (var name in PyTorchCheckpoint.StateDictEntryNames)
            {
                if (!top.TryGetValue(name, out var entry)) continue;
                if (entry is OrderedDictionary<object, object?> inner)
                {
                    var problem = TensorDictionaryProblem(inner);
                    if (problem is null) return inner;
                    notes.Add($"the '{name}' entry is a dictionary but {problem}");
                }
                else notes.Add($"the '{name}' entry is {PythonValues.Describe(entry)}");
            }
            string entries = string.Join(", ", top.Take(20).Select(kv => $"'{kv.Key}' ({PythonValues.Describe(kv.Value)})")) +
                             (top.Count > 20 ? $", ... ({top.Count} entries)" : "");
            throw new CheckpointFormatException(FilePath,
                "no state dict was found: neither the top-level dictionary nor an entry named " +
                string.Join(", ", PyTorchCheckpoint.StateDictEntryNames.Select(n => $"'{n}'")) + " maps names to tensors" +
                (notes.Count > 0 ? " (" + string.Join("; ", notes) + ")" : "") +
                $". Top-level entries: {(top.Count == 0 ? "none" : entries)}.");
        }

        /// <summary>Null when every key is a string and every value a tensor; otherwise what is wrong.</summary>
        private static string? TensorDictionaryProblem(OrderedDictionary<object, object?> dictionary)
        {
            var bad = dictionary.Where(kv => kv.Key is not string || kv.Value is not Tensor).Take(5).ToList();
            if (bad.Count == 0) return null;
            return "not every entry is a named tensor: " +
                   string.Join(", ", bad.Select(kv => $"'{kv.Key}' is {PythonValues.Describe(kv.Value)}")) +
                   (bad.Count == 5 ? ", ..." : "");
        }
    }
}
