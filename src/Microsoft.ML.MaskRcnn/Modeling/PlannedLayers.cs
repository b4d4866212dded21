using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Modeling
{
    /// <summary>
    /// The layers whose computation the active <see cref="ComputePlan"/> may change: convolutions (with the batch norm after
    /// them) and the box head's fully connected layers. Without a plan, or for a layer the plan did not prepare, each runs
    /// as its module does. With prepared weights the input is cast to their type and the output stays in it: a bfloat16
    /// network keeps bfloat16 maps from layer to layer, and <see cref="ToFloat32"/> marks where float32 resumes. In
    /// training the casts are part of the autograd graph, so gradients flow back to the float32 weights and maps.
    /// </summary>
    internal static class PlannedLayers
    {
        /// <summary>
        /// <paramref name="input"/> in the layout the active <see cref="ComputePlan"/> asks for (Auto without one: see
        /// <see cref="ComputeOptions.IsChannelsLast"/>), for the first convolution of a chain: the ResNet's stem (the
        /// FPN and RPN head then keep the layout) and the mask head (its input comes from RoIAlign in NCHW). In
        /// channels-last (N, H, W, C in memory) libtorch's oneDNN convolutions read and write the layout directly instead
        /// of reordering every input and output, and every layer after the first keeps it. TorchSharp has no
        /// memory-format argument, so the layout is made by a permuted copy, which libtorch recognises by its strides.
        /// </summary>
        internal static Tensor InPlannedLayout(Tensor input, bool training)
        {
            var layout = ComputePlan.Current?.Layout ?? FeatureMemoryFormat.Auto;
            return ComputeOptions.IsChannelsLast(layout, input.device_type, training)
                ? input.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2)
                : input.alias();
        }

        /// <summary>conv, then norm unless the plan folded it; a frozen norm is applied in place on the convolution's fresh output.</summary>
        internal static Tensor ConvThenNorm(Conv2d conv, nn.IModule<Tensor, Tensor> norm, Tensor input)
        {
            if (ComputePlan.Current is { } plan && plan.TryGet(conv, out var prepared))
            {
                var convolved = Convolve(conv, prepared, input);
                return prepared.FoldsNorm ? convolved : Normalize(norm, convolved);
            }
            return Normalize(norm, conv.call(input));
        }

        /// <summary>The convolution, with the plan's weights when it has them.</summary>
        internal static Tensor Conv(Conv2d conv, Tensor input) =>
            ComputePlan.Current is { } plan && plan.TryGet(conv, out var prepared) ? Convolve(conv, prepared, input) : conv.call(input);

        /// <summary>The fully connected layer, with the plan's weights when it has them.</summary>
        internal static Tensor Linear(Linear linear, Tensor input)
        {
            if (ComputePlan.Current is not { } plan || !plan.TryGet(linear, out var prepared)) return linear.call(input);
            var (weight, bias, owned) = prepared.Current();
            try
            {
                if (input.dtype == prepared.Type) return nn.functional.linear(input, weight, bias);
                using var cast = input.to(prepared.Type);
                return nn.functional.linear(cast, weight, bias);
            }
            finally
            {
                if (owned) Release(weight, bias);
            }
        }

        /// <summary>
        /// <paramref name="tensor"/> in float32: itself when it already is, otherwise a float32 copy, and the original is
        /// disposed. Where a plan's lower precision ends (boxes, scores and pooled regions are computed in float32).
        /// </summary>
        internal static Tensor ToFloat32(Tensor tensor)
        {
            if (tensor.dtype == ScalarType.Float32) return tensor;
            using (tensor) return tensor.to(ScalarType.Float32);
        }

        private static Tensor Convolve(Conv2d conv, PreparedLayer prepared, Tensor input)
        {
            var (weight, bias, owned) = prepared.Current();
            try
            {
                if (input.dtype == prepared.Type)
                    return nn.functional.conv2d(input, weight, bias, conv.stride, conv.padding, conv.dilation, conv.groups);
                using var cast = input.to(prepared.Type);
                return nn.functional.conv2d(cast, weight, bias, conv.stride, conv.padding, conv.dilation, conv.groups);
            }
            finally
            {
                if (owned) Release(weight, bias);
            }
        }

        // A training plan's per-call weight casts: the handles go, the autograd graph keeps its own references.
        private static void Release(Tensor weight, Tensor? bias)
        {
            weight.Dispose();
            bias?.Dispose();
        }

        private static Tensor Normalize(nn.IModule<Tensor, Tensor> norm, Tensor convolved)
        {
            if (norm is FrozenBatchNorm2d frozen) return frozen.ForwardInPlace(convolved);
            using (convolved) return norm.call(convolved);
        }
    }
}
