using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.Native.NativeMethods;

namespace TorchSharp
{
    public static partial class torch
    {
        public partial class Tensor
        {
            /// <summary>Whether operations on this tensor are recorded for differentiation.</summary>
            public unsafe bool requires_grad
            {
                get
                {
                    sbyte value;
                    Check(tsb_tensor_requires_grad(Handle, &value));
                    return value != 0;
                }
                set => Check(tsb_tensor_set_requires_grad(Handle, value));
            }

            /// <summary>Sets <see cref="requires_grad"/> in place and returns this tensor.</summary>
            public Tensor requires_grad_(bool requires_grad = true)
            {
                this.requires_grad = requires_grad;
                return this;
            }

            /// <summary>Whether the tensor is a leaf of the autograd graph (created by the user, not by an operation).</summary>
            public unsafe bool is_leaf
            {
                get
                {
                    sbyte value;
                    Check(tsb_tensor_is_leaf(Handle, &value));
                    return value != 0;
                }
            }

            /// <summary>
            /// The accumulated gradient, or null. Each read returns a new handle to the same gradient storage
            /// (registered on the current dispose scope like any other tensor).
            /// </summary>
            public unsafe Tensor? grad
            {
                get
                {
                    IntPtr result;
                    Check(tsb_tensor_grad(Handle, &result));
                    return result == IntPtr.Zero ? null : new Tensor(result);
                }
                set => Check(tsb_tensor_set_grad(Handle, HandleOrZero(value)), value);
            }

            /// <summary>Replaces this tensor's data, keeping its identity (PyTorch's <c>t.data = data</c>).</summary>
            internal void set_data(Tensor data) => Check(tsb_tensor_set_data(Handle, data.Handle), data);

            /// <summary>Keeps the gradient of a non-leaf tensor after backward.</summary>
            public void retain_grad() => Check(tsb_tensor_retain_grad(Handle));

            /// <summary>Computes the gradient of this (scalar) tensor with respect to the graph's leaves.</summary>
            public void backward() => backward(null);

            /// <summary>Computes gradients of this tensor, seeded by <paramref name="grad_tensors"/> for non-scalar outputs.</summary>
            public void backward(IList<Tensor>? grad_tensors = null, bool retain_graph = false, bool create_graph = false, IList<Tensor>? inputs = null) =>
                autograd.backward(new[] { this }, grad_tensors, retain_graph, create_graph, inputs);
        }

        /// <summary>Reverse-mode differentiation entry points.</summary>
        public static class autograd
        {
            /// <summary>Accumulates into the leaves' .grad the gradients of <paramref name="tensors"/>.</summary>
            public static unsafe void backward(IList<Tensor> tensors, IList<Tensor> grad_tensors = null, bool? retain_graph = null, bool create_graph = false, IList<Tensor> inputs = null)
            {
                var roots = tensors.Select(t => t.Handle).ToArray();
                var grads = grad_tensors?.Select(g => g is null ? IntPtr.Zero : g.Handle).ToArray() ?? Array.Empty<IntPtr>();
                var inputHandles = inputs?.Select(i => i.Handle).ToArray() ?? Array.Empty<IntPtr>();
                if (grads.Length != 0 && grads.Length != roots.Length)
                    throw new ArgumentException($"Expected {roots.Length} gradient tensors, got {grads.Length}.", nameof(grad_tensors));
                int status;
                fixed (IntPtr* r = roots)
                fixed (IntPtr* g = grads)
                fixed (IntPtr* i = inputHandles)
                    status = tsb_backward(r, roots.Length, g, grads.Length, retain_graph ?? create_graph, create_graph, i, inputHandles.Length);
                GC.KeepAlive(tensors);
                GC.KeepAlive(grad_tensors);
                GC.KeepAlive(inputs);
                CheckStatus(status);
            }

            /// <summary>Accumulates into the leaves' .grad the gradient of <paramref name="tensor"/>.</summary>
            public static void backward(Tensor tensor, IList<Tensor> grad_tensors = null, bool? retain_graph = null, bool create_graph = false, IList<Tensor> inputs = null) =>
                backward(new[] { tensor }, grad_tensors, retain_graph, create_graph, inputs);

            /// <summary>Accumulates into the leaves' .grad the gradient of <paramref name="tensor"/> seeded by <paramref name="grad_tensor"/>.</summary>
            public static void backward(Tensor tensor, Tensor grad_tensor, bool? retain_graph = null, bool create_graph = false, IList<Tensor> inputs = null) =>
                backward(new[] { tensor }, new[] { grad_tensor }, retain_graph, create_graph, inputs);
        }
    }
}
