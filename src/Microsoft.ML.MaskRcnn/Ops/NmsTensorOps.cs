using System;
using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Ops
{
    /// <summary>
    /// NMS in ordinary TorchSharp tensor operations: the implementation for tensors on other devices than the CPU (CUDA)
    /// and for when libMaskRcnnOps.so cannot be loaded. Same decisions as the native kernel: the same rank order (NaN
    /// scores dropped, decreasing score, equal scores by increasing index), IoU computed with the same float operations
    /// in the boxes' dtype (including std::max/std::min's treatment of NaN) and compared with the same threshold, so the
    /// kept indices are identical.
    /// </summary>
    /// <remarks>
    /// The greedy pass runs block by block over the ranked boxes, as the native kernel does: the suppression matrix of a
    /// block is computed on the device and resolved on the host, then the block's kept boxes suppress all later boxes in
    /// one device computation (in column chunks, to bound memory). Batched NMS runs the same pass over all boxes with
    /// suppression restricted to pairs of the same category, which gives each category's own greedy result.
    /// </remarks>
    internal static class NmsTensorOps
    {
        private const long Block = 256;

        /// <summary>Elements of one [kept, columns] suppression computation.</summary>
        internal static long SweepElements = 1L << 20;

        /// <summary>Kept indices (int64, on the boxes' device) by decreasing score; with <paramref name="categories"/>,
        /// a box only suppresses boxes of its own category.</summary>
        internal static Tensor Nms(Tensor boxes, Tensor scores, Tensor? categories, double iouThreshold)
        {
            using var scope = NewDisposeScope();
            var device = boxes.device;
            var ranked = RankOrder(scores.detach());
            long m = ranked.Sizes()[0];
            if (m == 0) return torch.empty(0, dtype: ScalarType.Int64, device: device).MoveToOuterDisposeScope();

            var b = boxes.detach().index_select(0, ranked);
            var set = new BoxSet(b.select(1, 0).contiguous(), b.select(1, 1).contiguous(), b.select(1, 2).contiguous(),
                                 b.select(1, 3).contiguous(), categories?.to(ScalarType.Int64).index_select(0, ranked));
            using Scalar t = StrictThreshold(iouThreshold, boxes.dtype);

            var removed = new bool[m];
            var keptRanks = new List<long>();
            var keptInBlock = new List<long>();
            for (long begin = 0; begin < m; begin += Block)
            {
                using var blockScope = NewDisposeScope();
                long end = Math.Min(m, begin + Block), size = end - begin;
                var block = set.Narrow(begin, size);
                bool[] inBlock = ToHost(Suppression(block, block, t));
                keptInBlock.Clear();
                for (long i = 0; i < size; i++)
                {
                    if (removed[begin + i]) continue;
                    keptRanks.Add(begin + i);
                    keptInBlock.Add(begin + i);
                    for (long j = i + 1; j < size; j++)
                        if (inBlock[i * size + j]) removed[begin + j] = true;
                }
                if (end == m || keptInBlock.Count == 0) continue;
                var kept = set.Select(torch.tensor(keptInBlock.ToArray(), device: device));
                long columns = Math.Max(1, SweepElements / keptInBlock.Count);
                for (long c0 = end; c0 < m; c0 += columns)
                {
                    using var sweepScope = NewDisposeScope();
                    long width = Math.Min(columns, m - c0);
                    bool[] suppressed = ToHost(Suppression(kept, set.Narrow(c0, width), t).any(0));
                    for (long j = 0; j < width; j++)
                        if (suppressed[j]) removed[c0 + j] = true;
                }
            }
            var result = ranked.index_select(0, torch.tensor(keptRanks.ToArray(), device: device));
            return result.MoveToOuterDisposeScope();
        }

        /// <summary>Indices of the non-NaN scores by decreasing score, equal scores by increasing index (a stable sort).</summary>
        private static Tensor RankOrder(Tensor scores)
        {
            var candidates = scores.isnan().logical_not().nonzero().view(-1);
            var order = scores.index_select(0, candidates).sort(dim: 0, descending: true, stable: true).Indices;
            return candidates.index_select(0, order);
        }

        /// <summary>The largest value t of the boxes' dtype for which "iou &gt; t" decides as "(double)iou &gt; threshold".</summary>
        internal static Scalar StrictThreshold(double threshold, ScalarType dtype)
        {
            if (dtype == ScalarType.Float64) return threshold;
            float t = (float)threshold;
            if ((double)t > threshold) t = MathF.BitDecrement(t);
            return t;
        }

        private static bool[] ToHost(Tensor mask)
        {
            using var cpu = mask.cpu();
            return cpu.data<bool>().ToArray();
        }

        /// <summary>[rows, columns]: row box suppresses column box (IoU &gt; t, and the same category if any).</summary>
        private static Tensor Suppression(BoxSet rows, BoxSet columns, Scalar t)
        {
            // The native kernel's operations: xx1 = std::max(ix1, x1[j]) = ix1 < x1[j] ? x1[j] : ix1, and so on, with the
            // row (higher-ranked) box as the first operand; w = std::max(0, xx2 - xx1).
            static Tensor Max(Tensor a, Tensor b) => torch.where(a.lt(b), b, a);
            static Tensor Min(Tensor a, Tensor b) => torch.where(b.lt(a), b, a);
            static Tensor PositivePart(Tensor d)
            {
                var zero = torch.zeros_like(d);
                return torch.where(d.gt(zero), d, zero);
            }
            Tensor R(Tensor v) => v.unsqueeze(1);
            Tensor C(Tensor v) => v.unsqueeze(0);
            var xx1 = Max(R(rows.X1), C(columns.X1));
            var yy1 = Max(R(rows.Y1), C(columns.Y1));
            var xx2 = Min(R(rows.X2), C(columns.X2));
            var yy2 = Min(R(rows.Y2), C(columns.Y2));
            var inter = PositivePart(xx2 - xx1) * PositivePart(yy2 - yy1);
            var iou = inter / (R(rows.Area) + C(columns.Area) - inter);
            var suppressed = iou.gt(t);
            if (rows.Category is not null && columns.Category is not null)
                suppressed = suppressed.logical_and(R(rows.Category).eq(C(columns.Category)));
            return suppressed;
        }

        /// <summary>Boxes in rank order, one contiguous column per coordinate (and the area, computed once).</summary>
        private sealed class BoxSet
        {
            public BoxSet(Tensor x1, Tensor y1, Tensor x2, Tensor y2, Tensor? category, Tensor? area = null)
            {
                (X1, Y1, X2, Y2, Category) = (x1, y1, x2, y2, category);
                Area = area ?? (x2 - x1) * (y2 - y1);
            }

            public Tensor X1 { get; }
            public Tensor Y1 { get; }
            public Tensor X2 { get; }
            public Tensor Y2 { get; }
            public Tensor Area { get; }
            public Tensor? Category { get; }

            public BoxSet Narrow(long start, long length) =>
                new(X1.narrow(0, start, length), Y1.narrow(0, start, length), X2.narrow(0, start, length), Y2.narrow(0, start, length),
                    Category?.narrow(0, start, length), Area.narrow(0, start, length));

            public BoxSet Select(Tensor ranks) =>
                new(X1.index_select(0, ranks), Y1.index_select(0, ranks), X2.index_select(0, ranks), Y2.index_select(0, ranks),
                    Category?.index_select(0, ranks), Area.index_select(0, ranks));
        }
    }
}
