using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Ops
{
    /// <summary>
    /// Assigns to each prediction (anchor or proposal) the ground-truth box it overlaps most, or a negative code when
    /// that overlap is too low, as torchvision's <c>Matcher</c>. Each prediction gets at most one ground truth; a
    /// ground truth may be matched by many predictions.
    /// </summary>
    public sealed class Matcher
    {
        /// <summary>Code of predictions whose best quality is below the low threshold (negatives).</summary>
        public const long BELOW_LOW_THRESHOLD = -1;

        /// <summary>Code of predictions whose best quality lies in [low, high) (ignored in training).</summary>
        public const long BETWEEN_THRESHOLDS = -2;

        /// <param name="high_threshold">Qualities &gt;= this are matches.</param>
        /// <param name="low_threshold">Qualities in [low, high) give <see cref="BETWEEN_THRESHOLDS"/>, below give <see cref="BELOW_LOW_THRESHOLD"/>.</param>
        /// <param name="allow_low_quality_matches">Also match every prediction that is the best one for some ground truth
        /// (ties included), even below the thresholds, so that each ground truth gets at least one prediction.</param>
        public Matcher(double high_threshold, double low_threshold, bool allow_low_quality_matches = false)
        {
            if (!(low_threshold <= high_threshold))
                throw new ArgumentException($"low_threshold ({low_threshold}) must be <= high_threshold ({high_threshold}).", nameof(low_threshold));
            HighThreshold = high_threshold;
            LowThreshold = low_threshold;
            AllowLowQualityMatches = allow_low_quality_matches;
        }

        public double HighThreshold { get; }

        public double LowThreshold { get; }

        public bool AllowLowQualityMatches { get; }

        /// <summary>
        /// Matches predictions to ground truths (torchvision's <c>__call__</c>).
        /// </summary>
        /// <param name="match_quality_matrix">[M, N] quality (usually IoU) of ground truth m with prediction n.</param>
        /// <returns>int64 [N]: the matched ground-truth index in [0, M), or <see cref="BELOW_LOW_THRESHOLD"/> or <see cref="BETWEEN_THRESHOLDS"/>.</returns>
        public Tensor call(Tensor match_quality_matrix)
        {
            ArgumentChecks.NotNull(match_quality_matrix, nameof(match_quality_matrix));
            var shape = match_quality_matrix.Sizes();
            if (shape.Length != 2)
                throw new ArgumentException($"{nameof(match_quality_matrix)} must have shape [M ground truths, N predictions], got {ArgumentChecks.Format(shape)}.", nameof(match_quality_matrix));
            if (shape[0] == 0)
                throw new ArgumentException("No ground-truth boxes available for one of the images during training.", nameof(match_quality_matrix));
            if (shape[1] == 0)
                throw new ArgumentException("No proposal boxes available for one of the images during training.", nameof(match_quality_matrix));

            using var scope = NewDisposeScope();
            var (matchedValues, matches) = match_quality_matrix.max(0);
            var allMatches = AllowLowQualityMatches ? matches.clone() : null;
            var below = matchedValues < LowThreshold;
            var between = (matchedValues >= LowThreshold) & (matchedValues < HighThreshold);
            matches.index_put_(BELOW_LOW_THRESHOLD, TensorIndex.Tensor(below));
            matches.index_put_(BETWEEN_THRESHOLDS, TensorIndex.Tensor(between));
            if (allMatches is not null) SetLowQualityMatches(matches, allMatches, match_quality_matrix);
            return matches.MoveToOuterDisposeScope();
        }

        // For each ground truth, the predictions of highest quality with it (ties included) get back their best match.
        private static void SetLowQualityMatches(Tensor matches, Tensor allMatches, Tensor quality)
        {
            var (highestForEachGt, _) = quality.max(1);
            var pairs = torch.where(quality == highestForEachGt.unsqueeze(1));
            var predictions = pairs[1];
            matches.index_put_(allMatches[predictions], TensorIndex.Tensor(predictions));
        }
    }
}
