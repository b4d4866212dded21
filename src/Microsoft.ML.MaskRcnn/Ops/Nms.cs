using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Ops
{
    public static partial class DetectionOps
    {
        /// <summary>
        /// Greedy non-maximum suppression. Visits boxes by decreasing score and keeps a box unless a kept box overlaps it
        /// with IoU &gt; <paramref name="iou_threshold"/>. CPU tensors run the native multi-threaded kernel; tensors on
        /// another device (or any tensor when libMaskRcnnOps.so cannot be loaded) run NmsTensorOps, which makes the same
        /// float comparisons and so keeps the same boxes.
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
        /// <param name="boxes">[N, 4] boxes (x1, y1, x2, y2), float32 or float64.</param>
        /// <param name="scores">[N] scores, same dtype as <paramref name="boxes"/>.</param>
        /// <param name="iou_threshold">Boxes overlapping a kept box by more than this are discarded.</param>
        /// <returns>int64 [M]: indices of the kept boxes by decreasing score.</returns>
        public static Tensor nms(Tensor boxes, Tensor scores, double iou_threshold)
        {
            CheckBoxesAndScores(boxes, scores);
            using var scope = NewDisposeScope();
            var keep = UsesNativeKernels(boxes)
                ? NmsNative.Nms(boxes, scores, null, iou_threshold)
                : NmsTensorOps.Nms(boxes, scores, null, iou_threshold);
            return keep.MoveToOuterDisposeScope();
        }

        /// <summary>
        /// Non-maximum suppression per category: a box only suppresses boxes with the same <paramref name="idxs"/> value,
        /// so boxes of different classes never suppress each other. Native on the CPU (categories in parallel), NmsTensorOps
        /// elsewhere, as <see cref="nms"/>.
        /// </summary>
        /// <remarks>
        /// Same ranking, tie and NaN rules as <see cref="nms"/>; the result lists the kept boxes of all categories
        /// together, by decreasing score (ranked as in <see cref="nms"/>). Each category is suppressed separately
        /// (torchvision's per-class strategy), which costs the sum of the squared category sizes instead of the square
        /// of the total that the coordinate-offset strategy pays (measured in docs/benchmarks.md). Above 1000 boxes the
        /// kept boxes are ordered as torchvision 0.14's per-class loop orders them on the CPU: taken in index order, then
        /// sorted by score with libtorch's unstable sort (the same call, so equal scores come out in its order).
        /// </remarks>
        /// <param name="boxes">[N, 4] boxes (x1, y1, x2, y2), float32 or float64.</param>
        /// <param name="scores">[N] scores, same dtype as <paramref name="boxes"/>.</param>
        /// <param name="idxs">[N] integer category of each box.</param>
        /// <param name="iou_threshold">Boxes overlapping a kept box of their category by more than this are discarded.</param>
        /// <returns>int64 [M]: indices of the kept boxes by decreasing score.</returns>
        public static Tensor batched_nms(Tensor boxes, Tensor scores, Tensor idxs, double iou_threshold)
        {
            CheckBoxesAndScores(boxes, scores);
            ArgumentChecks.PerBox(idxs, boxes.Sizes()[0], nameof(idxs), "one category per box");
            var dtype = idxs.dtype;
            if (dtype != ScalarType.Int64 && dtype != ScalarType.Int32 && dtype != ScalarType.Int16 && dtype != ScalarType.Int8 && dtype != ScalarType.Byte)
                throw new ArgumentException($"{nameof(idxs)} must be an integer tensor, got {dtype}.", nameof(idxs));
            if (!ArgumentChecks.SameDevice(idxs, boxes))
                throw new ArgumentException($"{nameof(idxs)} must be on the device of boxes ({boxes.device}), got {idxs.device}.", nameof(idxs));
            using var scope = NewDisposeScope();
            var keep = UsesNativeKernels(boxes)
                ? NmsNative.Nms(boxes, scores, idxs, iou_threshold)
                : NmsTensorOps.Nms(boxes, scores, idxs, iou_threshold);
            if (boxes.Sizes()[0] > TorchvisionPerClassThreshold)
            {
                // torchvision: keep_indices = where(keep_mask)[0]; keep_indices[scores[keep_indices].sort(descending=True)[1]]
                var kept = keep.sort(dim: 0).Values;
                var order = scores.detach().index_select(0, kept).sort(dim: 0, descending: true, stable: false).Indices;
                keep = kept.index_select(0, order);
            }
            return keep.MoveToOuterDisposeScope();
        }

        /// <summary>
        /// Above this many boxes torchvision 0.14's batched_nms on the CPU switches from one NMS over class-offset boxes
        /// to a loop over classes (boxes.numel() &gt; 4000), which orders its result differently.
        /// </summary>
        internal const long TorchvisionPerClassThreshold = 1000;

        private static void CheckBoxesAndScores(Tensor boxes, Tensor scores)
        {
            ArgumentChecks.Boxes(boxes, nameof(boxes));
            ArgumentChecks.Float32Or64(boxes, nameof(boxes));
            ArgumentChecks.PerBox(scores, boxes.Sizes()[0], nameof(scores), "one score per box");
            if (scores.dtype != boxes.dtype)
                throw new ArgumentException($"{nameof(scores)} must have the dtype of boxes ({boxes.dtype}), got {scores.dtype}.", nameof(scores));
            if (!ArgumentChecks.SameDevice(scores, boxes))
                throw new ArgumentException($"{nameof(scores)} must be on the device of boxes ({boxes.device}), got {scores.device}.", nameof(scores));
        }
    }

    /// <summary>NMS on the CPU through libMaskRcnnOps.so: the kernel writes kept indices into an int64 buffer of N entries.</summary>
    internal static class NmsNative
    {
        /// <summary>Kept indices by decreasing score; with <paramref name="categories"/>, suppression within a category only.</summary>
        internal static Tensor Nms(Tensor boxes, Tensor scores, Tensor? categories, double iouThreshold)
        {
            using var scope = NewDisposeScope();
            var b = boxes.detach().contiguous();
            var s = scores.detach().contiguous();
            var c = categories?.to(ScalarType.Int64).contiguous();
            long n = b.Sizes()[0];
            var keep = torch.empty(n, dtype: ScalarType.Int64);
            var (bp, sp, kp) = (OpsNative.Data(b), OpsNative.Data(s), OpsNative.Data(keep));
            bool f32 = b.dtype == ScalarType.Float32;
            long count = c is null
                ? f32 ? OpsNative.mro_nms_f32(bp, sp, n, iouThreshold, kp, OpsNative.Threads)
                      : OpsNative.mro_nms_f64(bp, sp, n, iouThreshold, kp, OpsNative.Threads)
                : f32 ? OpsNative.mro_batched_nms_f32(bp, sp, OpsNative.Data(c), n, iouThreshold, kp, OpsNative.Threads)
                      : OpsNative.mro_batched_nms_f64(bp, sp, OpsNative.Data(c), n, iouThreshold, kp, OpsNative.Threads);
            GC.KeepAlive(b);
            GC.KeepAlive(s);
            GC.KeepAlive(c);
            GC.KeepAlive(keep);
            OpsNative.Check(count, "boxes");
            // A copy of the kept part, so that the N-entry buffer is freed.
            var result = count == n ? keep : keep.narrow(0, 0, count).clone();
            return result.MoveToOuterDisposeScope();
        }
    }
}
