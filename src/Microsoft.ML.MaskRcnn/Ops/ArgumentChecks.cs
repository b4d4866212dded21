using System;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Ops
{
    /// <summary>Checks on user input that stay on in release builds and name the argument at fault.</summary>
    internal static class ArgumentChecks
    {
        internal static void NotNull(object? value, string name)
        {
            if (value is null) throw new ArgumentNullException(name);
        }

        /// <summary>A [N, 4] tensor of boxes.</summary>
        internal static void Boxes(Tensor boxes, string name)
        {
            NotNull(boxes, name);
            var shape = boxes.Sizes();
            if (shape.Length != 2 || shape[1] != 4)
                throw new ArgumentException($"{name} must have shape [N, 4] (x1, y1, x2, y2), got {Format(shape)}.", name);
        }

        /// <summary>A floating-point tensor (float32 or float64, as the native kernels take).</summary>
        internal static void Float32Or64(Tensor tensor, string name)
        {
            var dtype = tensor.dtype;
            if (dtype != ScalarType.Float32 && dtype != ScalarType.Float64)
                throw new ArgumentException($"{name} must be float32 or float64, got {dtype}.", name);
        }

        /// <summary>A 1-D tensor with one element per box.</summary>
        internal static void PerBox(Tensor tensor, long count, string name, string what)
        {
            NotNull(tensor, name);
            var shape = tensor.Sizes();
            if (shape.Length != 1 || shape[0] != count)
                throw new ArgumentException($"{name} must have shape [{count}] ({what}), got {Format(shape)}.", name);
        }

        /// <summary>True when both tensors live on the same device (type and index).</summary>
        internal static bool SameDevice(Tensor a, Tensor b) => a.device_type == b.device_type && a.device_index == b.device_index;

        /// <summary>
        /// The tensor's sizes, read one dimension at a time. (TorchSharp 0.107's <c>Tensor.shape</c> marshals a new delegate per
        /// call, whose native thunk is only freed when the garbage collector collects the delegate: the C heap grows between
        /// collections.)
        /// </summary>
        internal static long[] Sizes(this Tensor tensor)
        {
            var sizes = new long[tensor.dim()];
            for (int i = 0; i < sizes.Length; i++) sizes[i] = tensor.size(i);
            return sizes;
        }

        internal static string Format(long[] shape) => "[" + string.Join(", ", shape) + "]";
    }
}
