using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Checkpoints
{
    /// <summary>
    /// Replaces the <see cref="TensorReference"/>s of an unpickled object graph by tensors: each storage is read once
    /// into a 1-D tensor and every tensor on it becomes a strided view (<c>as_strided</c>), so tensors that shared a
    /// storage in PyTorch share it here too, with the same sizes, strides and storage offsets. The same reference met
    /// twice gives the same <see cref="Tensor"/> object.
    /// </summary>
    internal sealed class TensorMaterializer : IDisposable
    {
        /// <summary>Python cannot pickle containers nested deeper than its recursion limit (1000); neither do we walk them.</summary>
        private const int MaxDepth = 1000;

        private readonly Func<StorageReference, ScalarType, Tensor> readStorage;
        private readonly Dictionary<(StorageReference, ScalarType), Tensor> storages = new();
        private readonly Dictionary<object, Tensor> tensors = new(ReferenceEqualityComparer.Instance);
        private readonly HashSet<object> visited = new(ReferenceEqualityComparer.Instance);
        private readonly List<Tensor> created = new();

        /// <param name="readStorage">
        /// Reads a storage's bytes into a new 1-D tensor of the given element type (the storage's own, or the one a
        /// <c>_rebuild_tensor_v3</c> call gives); the materializer owns and disposes what it returns.
        /// </param>
        public TensorMaterializer(Func<StorageReference, ScalarType, Tensor> readStorage) => this.readStorage = readStorage;

        /// <summary>Every tensor of the result, each once, in the order first met. The caller owns them.</summary>
        public IReadOnlyList<Tensor> Tensors => created;

        /// <summary>Rebuilds the tensors of <paramref name="root"/> in place (containers are updated) and returns the root.</summary>
        public object? Materialize(object? root) => Convert(root, 0);

        private object? Convert(object? value, int depth)
        {
            switch (value)
            {
                case TensorReference reference:
                    return GetTensor(reference);
                case StorageReference storage:
                    // A bare storage (rare in checkpoints) becomes a 1-D tensor over all of it.
                    return GetTensor(new TensorReference(storage, storage.Dtype, 0, new[] { storage.ElementCount }, new[] { 1L }, false), storage);
                case List<object?> or object?[] or OrderedDictionary<object, object?> or HashSet<object?>:
                    if (depth > MaxDepth) throw new InvalidDataException($"The pickled containers are nested more than {MaxDepth} deep.");
                    if (visited.Add(value)) ConvertContainer(value, depth + 1);
                    return value;
                default:
                    return value;
            }
        }

        private void ConvertContainer(object container, int depth)
        {
            switch (container)
            {
                case List<object?> list:
                    for (int i = 0; i < list.Count; i++) list[i] = Convert(list[i], depth);
                    break;
                case object?[] tuple:
                    for (int i = 0; i < tuple.Length; i++) tuple[i] = Convert(tuple[i], depth);
                    break;
                case OrderedDictionary<object, object?> dictionary:
                    for (int i = 0; i < dictionary.Count; i++) dictionary.SetAt(i, Convert(dictionary.GetAt(i).Value, depth));
                    break;
                case HashSet<object?> set:
                    var items = set.ToList();
                    set.Clear();
                    foreach (var item in items) set.Add(Convert(item, depth));
                    break;
            }
        }

        private Tensor GetTensor(TensorReference reference, object? identity = null)
        {
            identity ??= reference;
            if (tensors.TryGetValue(identity, out var known)) return known;
            var tensor = Build(reference);
            tensors.Add(identity, tensor);
            created.Add(tensor);
            return tensor;
        }

        private Tensor Build(TensorReference r)
        {
            long elementSize = ElementSizes.Of(r.Dtype);
            if (r.Storage.ByteCount % elementSize != 0)
                throw new InvalidDataException($"Storage '{r.Storage.Key}' holds {r.Storage.ByteCount} bytes, not a whole number of {r.Dtype} elements.");
            long available = r.Storage.ByteCount / elementSize;
            long count = CheckLayout(r, available);

            Tensor result;
            if (count == 0)
            {
                result = torch.empty(r.Size, r.Dtype);
            }
            else
            {
                if (!storages.TryGetValue((r.Storage, r.Dtype), out var storage))
                {
                    storage = readStorage(r.Storage, r.Dtype);
                    storages.Add((r.Storage, r.Dtype), storage);
                }
                result = storage.as_strided(r.Size, r.Stride, r.StorageOffset);
            }
            if (r.RequiresGrad)
            {
                // A detached alias, so that the tensor is a leaf rather than a view of the storage tensor.
                using var view = result;
                result = view.detach().requires_grad_(true);
            }
            return result;
        }

        /// <summary>Checks that the strided view lies inside the storage; returns its element count.</summary>
        private static long CheckLayout(TensorReference r, long available)
        {
            string key = r.Storage.Key;
            if (r.Size.Length != r.Stride.Length)
                throw new InvalidDataException($"A tensor on storage '{key}' has {r.Size.Length} sizes but {r.Stride.Length} strides.");
            if (r.StorageOffset < 0 || r.Size.Any(s => s < 0) || r.Stride.Any(s => s < 0))
                throw new InvalidDataException($"A tensor on storage '{key}' has a negative size, stride or offset.");
            long count = 1;
            long lastIndex = r.StorageOffset;
            try
            {
                checked
                {
                    for (int d = 0; d < r.Size.Length; d++) count *= r.Size[d];
                    if (count > 0)
                        for (int d = 0; d < r.Size.Length; d++) lastIndex += (r.Size[d] - 1) * r.Stride[d];
                }
            }
            catch (OverflowException)
            {
                throw new InvalidDataException($"A tensor on storage '{key}' has sizes and strides that overflow.");
            }
            if (count > 0 && lastIndex >= available)
                throw new InvalidDataException(
                    $"A tensor of size [{string.Join(", ", r.Size)}] with strides [{string.Join(", ", r.Stride)}] at offset {r.StorageOffset} " +
                    $"reaches element {lastIndex} of storage '{key}', which has only {available}.");
            return count;
        }

        /// <summary>Disposes the storage tensors; the views built on them keep the memory they use alive.</summary>
        public void Dispose()
        {
            foreach (var storage in storages.Values) storage.Dispose();
            storages.Clear();
        }
    }
}
