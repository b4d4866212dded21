using System;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Ops
{
    public static partial class DetectionOps
    {
        /// <summary>
        /// Greedy non-maximum suppression, native and multi-threaded. Visits boxes by decreasing score and keeps a box
        /// unless a kept box overlaps it with IoU &gt; <paramref name="iou_threshold"/>.
        /// </summary>
        /// <remarks>
        /// <para>Equal scores: the box with the lower index ranks first (a stable sort by decreasing score). This is what
        /// torchvision 0.14's CPU kernel does, so the kept indices are identical to torchvision's, ties included.</para>
        /// <para>NaN scores: such boxes are dropped. They are never kept and never suppress another box; the other
        /// boxes are processed as if they were absent. (torchvision ranks NaN above every number, so it keeps NaN-scored
        /// boxes first and lets them suppress real detections.)</para>
        /// <para>Degenerate boxes follow torchvision's arithmetic: a zero-area box has IoU 0 with any box of positive
        /// area, and two zero-area boxes have IoU NaN, which suppresses nothing.</para>
        /// </remarks>
        /// <param name="boxes">[N, 4] boxes (x1, y1, x2, y2), float32 or float64, on the CPU.</param>
        /// <param name="scores">[N] scores, same dtype as <paramref name="boxes"/>.</param>
        /// <param name="iou_threshold">Boxes overlapping a kept box by more than this are discarded.</param>
        /// <returns>int64 [M]: indices of the kept boxes by decreasing score.</returns>
        public static Tensor nms(Tensor boxes, Tensor scores, double iou_threshold)
        {
            CheckBoxesAndScores(boxes, scores);
            return OpsNative.Result(OpsNative.mro_nms(boxes.Handle, scores.Handle, iou_threshold), boxes, scores);
        }

        /// <summary>
        /// Non-maximum suppression per category: a box only suppresses boxes with the same <paramref name="idxs"/> value,
        /// so boxes of different classes never suppress each other. Native; categories run in parallel.
        /// </summary>
        /// <remarks>
        /// Same ranking, tie and NaN rules as <see cref="nms"/>; the result lists the kept boxes of all categories
        /// together, by decreasing score (ranked as in <see cref="nms"/>). Each category is suppressed separately
        /// (torchvision's per-class strategy), which costs the sum of the squared category sizes instead of the square
        /// of the total that the coordinate-offset strategy pays (measured in docs/benchmarks.md).
        /// </remarks>
        /// <param name="boxes">[N, 4] boxes (x1, y1, x2, y2), float32 or float64.</param>
        /// <param name="scores">[N] scores, same dtype as <paramref name="boxes"/>.</param>
        /// <param name="idxs">[N] integer category of each box.</param>
        /// <param name="iou_threshold">Boxes overlapping a kept box of their category by more than this are discarded.</param>
        /// <returns>int64 [M]: indices of the kept boxes by decreasing score.</returns>
        public static Tensor batched_nms(Tensor boxes, Tensor scores, Tensor idxs, double iou_threshold)
        {
            CheckBoxesAndScores(boxes, scores);
            ArgumentChecks.PerBox(idxs, boxes.shape[0], nameof(idxs), "one category per box");
            var dtype = idxs.dtype;
            if (dtype != ScalarType.Int64 && dtype != ScalarType.Int32 && dtype != ScalarType.Int16 && dtype != ScalarType.Int8 && dtype != ScalarType.Byte)
                throw new ArgumentException($"{nameof(idxs)} must be an integer tensor, got {dtype}.", nameof(idxs));
            return OpsNative.Result(OpsNative.mro_batched_nms(boxes.Handle, scores.Handle, idxs.Handle, iou_threshold), boxes, scores, idxs);
        }

        private static void CheckBoxesAndScores(Tensor boxes, Tensor scores)
        {
            ArgumentChecks.Boxes(boxes, nameof(boxes));
            ArgumentChecks.Float32Or64(boxes, nameof(boxes));
            ArgumentChecks.PerBox(scores, boxes.shape[0], nameof(scores), "one score per box");
            if (scores.dtype != boxes.dtype)
                throw new ArgumentException($"{nameof(scores)} must have the dtype of boxes ({boxes.dtype}), got {scores.dtype}.", nameof(scores));
        }
    }
}
