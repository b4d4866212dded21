using System;
using Microsoft.ML.MaskRcnn.Ops;

namespace Microsoft.ML.MaskRcnn.Onnx
{
    /// <summary>
    /// The box arithmetic both stages share, as ONNX nodes, with the operations in the order BoxCoder and DetectionOps
    /// perform them in float32 (so that each rounds the same way): decoding regression offsets, clipping to the image,
    /// the minimum-size test, and ranking kept boxes by score.
    /// </summary>
    internal static class OnnxBoxOps
    {
        /// <summary>
        /// Boxes [N, C, 4] from offsets <paramref name="codes"/> [N, C, 4] relative to <paramref name="reference"/> [N, 4]
        /// (torchvision's BoxCoder.decode: weights divide the offsets, dw and dh are clamped before exp()).
        /// </summary>
        internal static string Decode(OnnxGraphBuilder g, string codes, string reference, BoxCoder coder)
        {
            string Column(string boxes, long i, long axis) => g.Slice(boxes, i, i + 1, axis);
            var (x1, y1, x2, y2) = (Column(reference, 0, 1), Column(reference, 1, 1), Column(reference, 2, 1), Column(reference, 3, 1));
            var half = g.Scalar(0.5f);
            var widths = g.Sub(x2, x1);
            var heights = g.Sub(y2, y1);
            var centreX = g.Unsqueeze(g.Add(x1, g.Mul(widths, half)), 2);
            var centreY = g.Unsqueeze(g.Add(y1, g.Mul(heights, half)), 2);
            widths = g.Unsqueeze(widths, 2);
            heights = g.Unsqueeze(heights, 2);

            var clip = g.Scalar((float)coder.BoxTransformClip);
            var dx = g.Div(Column(codes, 0, 2), g.Scalar((float)coder.Weights.wx));
            var dy = g.Div(Column(codes, 1, 2), g.Scalar((float)coder.Weights.wy));
            var dw = g.Clip(g.Div(Column(codes, 2, 2), g.Scalar((float)coder.Weights.ww)), null, clip);
            var dh = g.Clip(g.Div(Column(codes, 3, 2), g.Scalar((float)coder.Weights.wh)), null, clip);

            var predictedX = g.Add(g.Mul(dx, widths), centreX);
            var predictedY = g.Add(g.Mul(dy, heights), centreY);
            var halfWidth = g.Mul(g.Mul(g.Exp(dw), widths), half);
            var halfHeight = g.Mul(g.Mul(g.Exp(dh), heights), half);
            return g.Concat(2, g.Sub(predictedX, halfWidth), g.Sub(predictedY, halfHeight), g.Add(predictedX, halfWidth), g.Add(predictedY, halfHeight));
        }

        /// <summary>Boxes [..., 4] with x clamped to [0, width] and y to [0, height] (float32 scalars).</summary>
        internal static string ClipToImage(OnnxGraphBuilder g, string boxes, string height, string width)
        {
            var zero = g.Scalar(0f);
            string Clamped(long i, string max) => g.Clip(g.Slice(boxes, i, i + 1, -1), zero, max);
            return g.Concat(-1, Clamped(0, width), Clamped(1, height), Clamped(2, width), Clamped(3, height));
        }

        /// <summary>Whether each box [..., 4] is at least <paramref name="minSize"/> wide and high (bool [...]).</summary>
        internal static string IsLargeEnough(OnnxGraphBuilder g, string boxes, double minSize)
        {
            var min = g.Scalar((float)minSize);
            var widths = g.Sub(g.Slice(boxes, 2, 3, -1), g.Slice(boxes, 0, 1, -1));
            var heights = g.Sub(g.Slice(boxes, 3, 4, -1), g.Slice(boxes, 1, 2, -1));
            return g.Squeeze(g.And(g.GreaterOrEqual(widths, min), g.GreaterOrEqual(heights, min)), -1);
        }

        /// <summary>
        /// Of the kept candidates <paramref name="kept"/> (int64 [S], indices into <paramref name="scores"/>, in any
        /// order), the first <paramref name="limit"/> by decreasing score, equal scores by increasing candidate index
        /// (<paramref name="rank"/>, int64 [S], defaults to the index itself): a stable sort, done as two sorts because
        /// TopK orders equal values by position.
        /// </summary>
        internal static string TopByScore(OnnxGraphBuilder g, string kept, string scores, long limit, string? rank = null)
        {
            rank ??= kept;
            var (_, byRank) = g.TopK(rank, g.Shape(rank), 0, largest: false);
            var ordered = g.Gather(kept, byRank);
            var count = g.Min(g.Shape(ordered), g.Int64s(limit));
            var (_, byScore) = g.TopK(g.Gather(scores, ordered), count, 0, largest: true);
            return g.Gather(ordered, byScore);
        }

        /// <summary>
        /// ONNX NonMaxSuppression over boxes [B, N, 4] and scores [B, G, N], every (B, G) pair suppressed separately, IoU
        /// above <paramref name="iouThreshold"/> suppressing; a candidate scored -1 takes no part. Returns the kept
        /// (batch, group, candidate) triples, int64 [S, 3].
        /// </summary>
        internal static string Nms(OnnxGraphBuilder g, string boxes, string scores, double iouThreshold)
        {
            var candidates = g.Element(g.Shape(boxes), 1);
            return g.Op("NonMaxSuppression", new[] { boxes, scores, candidates, g.Scalar((float)iouThreshold), g.Scalar(-0.5f) });
        }
    }
}
