using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Checkpoints
{
    /// <summary>
    /// A state dict read from a checkpoint: parameter and buffer names (PyTorch's, such as <c>layer1.0.conv1.weight</c>)
    /// mapped to CPU tensors, in the file's order. It owns the tensors: dispose it when done (or read it inside a
    /// <c>torch.NewDisposeScope()</c>, which owns them as well). Tensors that shared a storage in PyTorch share it here.
    /// </summary>
    public sealed class StateDict : IReadOnlyDictionary<string, Tensor>, IDisposable
    {
        private readonly OrderedDictionary<string, Tensor> entries;
        private bool disposed;

        internal StateDict(string filePath, IEnumerable<KeyValuePair<string, Tensor>> items)
        {
            FilePath = filePath;
            entries = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var (key, value) in items) entries.Add(key, value);
        }

        /// <summary>The checkpoint the entries were read from.</summary>
        public string FilePath { get; }

        /// <inheritdoc/>
        public Tensor this[string key]
        {
            get
            {
                ThrowIfDisposed();
                return entries.TryGetValue(key, out var value)
                    ? value
                    : throw new KeyNotFoundException($"The state dict read from '{FilePath}' has no entry '{key}'.");
            }
        }

        /// <summary>The names, in the file's order.</summary>
        public IEnumerable<string> Keys => entries.Keys;

        /// <inheritdoc/>
        public IEnumerable<Tensor> Values => entries.Values;

        /// <inheritdoc/>
        public int Count => entries.Count;

        /// <inheritdoc/>
        public bool ContainsKey(string key) => entries.ContainsKey(key);

        /// <inheritdoc/>
        public bool TryGetValue(string key, [MaybeNullWhen(false)] out Tensor value) => entries.TryGetValue(key, out value);

        /// <inheritdoc/>
        public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator() => entries.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        /// <summary>Disposes every tensor of the state dict.</summary>
        public void Dispose()
        {
            if (disposed) return;
            disposed = true;
            foreach (var tensor in entries.Values.Distinct(ReferenceEqualityComparer.Instance).Cast<Tensor>()) tensor.Dispose();
        }

        private void ThrowIfDisposed()
        {
            if (disposed) throw new ObjectDisposedException(nameof(StateDict), $"The state dict read from '{FilePath}' has been disposed.");
        }
    }
}
