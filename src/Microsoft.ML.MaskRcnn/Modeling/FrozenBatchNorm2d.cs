using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Modeling
{
    /// <summary>
    /// Batch normalisation with fixed statistics and affine parameters: y = (x - mean) / sqrt(var + eps) * weight + bias.
    /// All four are buffers (never trained), named as torchvision's FrozenBatchNorm2d so its checkpoints load.
    /// Detection trains with a few images per batch, too few for batch statistics; the paper freezes them.
    /// </summary>
    public sealed class FrozenBatchNorm2d : nn.Module<Tensor, Tensor>
    {
        private readonly Tensor weight;
        private readonly Tensor bias;
        private readonly Tensor running_mean;
        private readonly Tensor running_var;
        private readonly double eps;

        /// <summary>Creates the identity normalisation over <paramref name="numFeatures"/> channels.</summary>
        public FrozenBatchNorm2d(long numFeatures, double eps = 1e-5) : base(nameof(FrozenBatchNorm2d))
        {
            if (numFeatures <= 0) throw new ArgumentOutOfRangeException(nameof(numFeatures), numFeatures, "must be positive");
            this.eps = eps;
            weight = torch.ones(numFeatures);
            bias = torch.zeros(numFeatures);
            running_mean = torch.zeros(numFeatures);
            running_var = torch.ones(numFeatures);
            RegisterComponents();
        }

        /// <summary>The number of channels.</summary>
        public long NumFeatures => weight.shape[0];

        public override Tensor forward(Tensor input)
        {
            ValidateRank(input);
            using var scope = NewDisposeScope();
            var (scale, shift) = ScaleAndShift(input.dtype);
            return (input * scale + shift).MoveToOuterDisposeScope();
        }

        /// <summary>
        /// The same normalisation written over <paramref name="input"/>, which is returned. For a tensor nobody else reads,
        /// such as a convolution's fresh output (convolutions keep their input for backward, not their output): it saves
        /// the two full-size temporaries the out-of-place form allocates, with bit-identical results.
        /// </summary>
        internal Tensor ForwardInPlace(Tensor input)
        {
            ValidateRank(input);
            using var scope = NewDisposeScope();
            var (scale, shift) = ScaleAndShift(input.dtype);
            return input.mul_(scale).add_(shift);
        }

        // Folds the four buffers into one scale and one shift, shaped to broadcast over (N, C, H, W). The multiply and the
        // add stay separate operations, as in torchvision, so that results agree to the last bit (a fused multiply-add
        // rounds differently, and through a 50-layer backbone that moves boxes by thousandths of a pixel). A reduced-precision
        // input (a bfloat16 plan's convolution output) gets them in its own type: in float32 they would make every product
        // and its gradient a float32 tensor cast back (a quarter of a bfloat16 training step), for a rounding of the per-channel
        // factors that folding into bfloat16 weights makes too.
        private (Tensor scale, Tensor shift) ScaleAndShift(ScalarType inputType)
        {
            var (scale, shift) = ScaleAndShiftPerChannel();
            if (inputType is ScalarType.BFloat16 or ScalarType.Float16)
                (scale, shift) = (scale.to(inputType), shift.to(inputType));
            return (scale.view(1, -1, 1, 1), shift.view(1, -1, 1, 1));
        }

        /// <summary>The normalisation as x * scale + shift, one value of each per channel (for folding into a convolution).</summary>
        internal (Tensor scale, Tensor shift) ScaleAndShiftPerChannel()
        {
            var scale = weight * (running_var + eps).rsqrt();
            var shift = bias - running_mean * scale;
            return (scale, shift);
        }

        private static void ValidateRank(Tensor input)
        {
            if (input.dim() != 4)
                throw new ArgumentException($"FrozenBatchNorm2d expects a 4-D (N,C,H,W) input; got [{string.Join(", ", input.shape)}].", nameof(input));
        }
    }
}
