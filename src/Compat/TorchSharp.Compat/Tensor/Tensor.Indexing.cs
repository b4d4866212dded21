using System;
using System.Linq;
using static TorchSharp.Native.NativeMethods;

namespace TorchSharp
{
    public static partial class torch
    {
        public partial class Tensor
        {
            /// <summary>Python-style indexing: t[0, ..., TensorIndex.Slice(1, null, 2), mask] reads, assignment writes.</summary>
            [System.Runtime.CompilerServices.IndexerName("TensorItems")]
            public Tensor this[params TensorIndex[] indices]
            {
                get => index(indices);
                set => index_put_(value, indices);
            }

            /// <summary>Advanced indexing with index (or mask) tensors, one per leading dimension.</summary>
            [System.Runtime.CompilerServices.IndexerName("TensorItems")]
            public Tensor this[params Tensor[] indices]
            {
                get => index(indices);
                set => index_put_(value, indices);
            }

            [System.Runtime.CompilerServices.IndexerName("TensorItems")]
            public Tensor this[long i1]
            {
                get => index(new TensorIndex[] { i1 });
                set => index_put_(value, new TensorIndex[] { i1 });
            }

            [System.Runtime.CompilerServices.IndexerName("TensorItems")]
            public Tensor this[long i1, long i2]
            {
                get => index(new TensorIndex[] { i1, i2 });
                set => index_put_(value, new TensorIndex[] { i1, i2 });
            }

            [System.Runtime.CompilerServices.IndexerName("TensorItems")]
            public Tensor this[long i1, long i2, long i3]
            {
                get => index(new TensorIndex[] { i1, i2, i3 });
                set => index_put_(value, new TensorIndex[] { i1, i2, i3 });
            }

            [System.Runtime.CompilerServices.IndexerName("TensorItems")]
            public Tensor this[long i1, long i2, long i3, long i4]
            {
                get => index(new TensorIndex[] { i1, i2, i3, i4 });
                set => index_put_(value, new TensorIndex[] { i1, i2, i3, i4 });
            }

            [System.Runtime.CompilerServices.IndexerName("TensorItems")]
            public Tensor this[params long[] indices]
            {
                get => index(indices.Select(i => (TensorIndex)i).ToArray());
                set => index_put_(value, indices.Select(i => (TensorIndex)i).ToArray());
            }

            /// <summary>Reads the elements selected by a Python-style index.</summary>
            public unsafe Tensor index(params TensorIndex[] indices)
            {
                var encoded = new EncodedIndices(indices);
                fixed (int* kinds = encoded.Kinds)
                fixed (long* values = encoded.Values)
                fixed (int* flags = encoded.Flags)
                fixed (IntPtr* tensors = encoded.Tensors)
                {
                    var result = tsb_index(Handle, kinds, values, flags, tensors, indices.Length);
                    GC.KeepAlive(indices);
                    return Wrap(result);
                }
            }

            /// <summary>Reads the elements selected by index (or mask) tensors.</summary>
            public Tensor index(params Tensor[] indices) => index(indices.Select(TensorIndex.Tensor).ToArray());

            /// <summary>Writes <paramref name="value"/> (broadcast) into the elements selected by a Python-style index.</summary>
            public Tensor index_put_(Tensor value, params TensorIndex[] indices) => index_put_(value, indices, false);

            /// <summary>
            /// Writes <paramref name="value"/> into the selected elements; with <paramref name="accumulate"/> (tensor indices only)
            /// repeated positions add up instead of overwriting.
            /// </summary>
            public unsafe Tensor index_put_(Tensor value, TensorIndex[] indices, bool accumulate = false)
            {
                var encoded = new EncodedIndices(indices);
                fixed (int* kinds = encoded.Kinds)
                fixed (long* values = encoded.Values)
                fixed (int* flags = encoded.Flags)
                fixed (IntPtr* tensors = encoded.Tensors)
                    Check(tsb_index_put_(Handle, kinds, values, flags, tensors, indices.Length, value.Handle, accumulate), value);
                GC.KeepAlive(indices);
                return this;
            }

            public Tensor index_put_(Tensor value, params Tensor[] indices) => index_put_(value, indices, false);

            public Tensor index_put_(Tensor value, Tensor[] indices, bool accumulate = false) =>
                index_put_(value, indices.Select(TensorIndex.Tensor).ToArray(), accumulate);

            /// <summary>Writes a scalar into the elements selected by a Python-style index.</summary>
            public unsafe Tensor index_put_(Scalar value, params TensorIndex[] indices)
            {
                var encoded = new EncodedIndices(indices);
                fixed (int* kinds = encoded.Kinds)
                fixed (long* values = encoded.Values)
                fixed (int* flags = encoded.Flags)
                fixed (IntPtr* tensors = encoded.Tensors)
                    Check(tsb_index_put_scalar_(Handle, kinds, values, flags, tensors, indices.Length, value.Native));
                GC.KeepAlive(indices);
                return this;
            }

            public Tensor index_put_(Scalar value, params Tensor[] indices) => index_put_(value, indices.Select(TensorIndex.Tensor).ToArray());

            /// <summary>The flat arrays the bridge decodes into at::indexing::TensorIndex values.</summary>
            private readonly struct EncodedIndices
            {
                public readonly int[] Kinds;
                public readonly long[] Values;
                public readonly int[] Flags;
                public readonly IntPtr[] Tensors;

                public EncodedIndices(TensorIndex[] indices)
                {
                    int n = indices.Length;
                    Kinds = new int[Math.Max(n, 1)];
                    Values = new long[Math.Max(3 * n, 1)];
                    Flags = new int[Math.Max(n, 1)];
                    Tensors = new IntPtr[Math.Max(n, 1)];
                    for (int i = 0; i < n; i++)
                    {
                        var index = indices[i];
                        Kinds[i] = (int)index.kind;
                        switch (index.kind)
                        {
                            case TensorIndex.Kind.Single:
                                Values[3 * i] = index.startIndexOrBoolOrSingle
                                    ?? throw new ArgumentException($"TensorIndex.Single at position {i} has no index.", nameof(indices));
                                break;
                            case TensorIndex.Kind.Bool:
                                Values[3 * i] = index.startIndexOrBoolOrSingle ?? 0;
                                break;
                            case TensorIndex.Kind.Slice:
                                if (index.startIndexOrBoolOrSingle.HasValue) { Values[3 * i] = index.startIndexOrBoolOrSingle.Value; Flags[i] |= 1; }
                                if (index.stopIndex.HasValue) { Values[3 * i + 1] = index.stopIndex.Value; Flags[i] |= 2; }
                                if (index.step.HasValue) { Values[3 * i + 2] = index.step.Value; Flags[i] |= 4; }
                                break;
                            case TensorIndex.Kind.Tensor:
                                Tensors[i] = index.tensor?.Handle
                                    ?? throw new ArgumentException($"TensorIndex.Tensor at position {i} has no tensor.", nameof(indices));
                                break;
                        }
                    }
                }
            }
        }
    }
}
