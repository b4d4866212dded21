using System;
using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Ops
{
    /// <summary>
    /// Samples training examples per image with a fixed share of positives, as torchvision's
    /// <c>BalancedPositiveNegativeSampler</c>: up to batch_size_per_image · positive_fraction positives, the rest
    /// negatives, each drawn uniformly by <c>randperm</c>.
    /// </summary>
    /// <remarks>
    /// Deterministic: the draws come from <see cref="Generator"/> (libtorch's CPU generator), or from the default
    /// generator when none is given. A sampler whose generator is seeded with s draws exactly what torchvision draws
    /// after <c>torch.manual_seed(s)</c>: the same randperm calls in the same order (positives, then negatives, image by image).
    /// </remarks>
    public sealed class BalancedPositiveNegativeSampler
    {
        /// <param name="batch_size_per_image">Examples selected per image.</param>
        /// <param name="positive_fraction">Share of positives in a full batch.</param>
        /// <param name="generator">Source of the random draws; null uses libtorch's default generator (torch.manual_seed).</param>
        public BalancedPositiveNegativeSampler(int batch_size_per_image, double positive_fraction, Generator? generator = null)
        {
            if (batch_size_per_image < 0)
                throw new ArgumentOutOfRangeException(nameof(batch_size_per_image), $"Must not be negative, got {batch_size_per_image}.");
            if (!(positive_fraction >= 0 && positive_fraction <= 1))
                throw new ArgumentOutOfRangeException(nameof(positive_fraction), $"Must lie in [0, 1], got {positive_fraction}.");
            BatchSizePerImage = batch_size_per_image;
            PositiveFraction = positive_fraction;
            Generator = generator;
        }

        public int BatchSizePerImage { get; }

        public double PositiveFraction { get; }

        /// <summary>The generator the draws come from (null: libtorch's default generator).</summary>
        public Generator? Generator { get; }

        /// <summary>
        /// Selects examples in each image (torchvision's <c>__call__</c>).
        /// </summary>
        /// <param name="matched_idxs">Per image, [N] labels or match codes: &gt;= 1 positive, 0 negative, &lt; 0 ignored.</param>
        /// <returns>Per image, bool [N] masks of the selected positives and of the selected negatives. (torchvision's are
        /// uint8, a relic of PyTorch before bool tensors; TorchSharp 0.107's <c>torch.where(condition)</c> takes bool only.)</returns>
        public (Tensor[] positive, Tensor[] negative) call(IList<Tensor> matched_idxs)
        {
            ArgumentChecks.NotNull(matched_idxs, nameof(matched_idxs));
            var positives = new Tensor[matched_idxs.Count];
            var negatives = new Tensor[matched_idxs.Count];
            for (int i = 0; i < matched_idxs.Count; i++)
            {
                var matched = matched_idxs[i] ?? throw new ArgumentException($"{nameof(matched_idxs)}[{i}] is null.", nameof(matched_idxs));
                if (matched.dim() != 1)
                    throw new ArgumentException($"{nameof(matched_idxs)}[{i}] must be 1-D, got {ArgumentChecks.Format(matched.Sizes())}.", nameof(matched_idxs));
                using var scope = NewDisposeScope();
                var positive = torch.where(matched >= 1)[0];
                var negative = torch.where(matched == 0)[0];
                long numPositive = Math.Min(positive.numel(), (long)(BatchSizePerImage * PositiveFraction));
                long numNegative = Math.Min(negative.numel(), BatchSizePerImage - numPositive);
                var chosenPositive = positive[torch.randperm(positive.numel(), generator: Generator).narrow(0, 0, numPositive)];
                var chosenNegative = negative[torch.randperm(negative.numel(), generator: Generator).narrow(0, 0, numNegative)];
                positives[i] = Mask(matched, chosenPositive).MoveToOuterDisposeScope();
                negatives[i] = Mask(matched, chosenNegative).MoveToOuterDisposeScope();
            }
            return (positives, negatives);
        }

        private static Tensor Mask(Tensor like, Tensor indices)
        {
            var mask = torch.zeros_like(like, dtype: ScalarType.Bool);
            mask.index_put_(true, TensorIndex.Tensor(indices));
            return mask;
        }
    }
}
