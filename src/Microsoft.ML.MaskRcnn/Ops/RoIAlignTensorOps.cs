using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Ops
{
    /// <summary>
    /// RoIAlign in ordinary TorchSharp tensor operations: the implementation for tensors on other devices than the CPU
    /// (CUDA) and for when libMaskRcnnOps.so cannot be loaded. Autograd differentiates it like any other tensor code
    /// (to every order). Same sampling rules as the native kernels and torchvision 0.14: per-RoI adaptive grids, samples
    /// more than one pixel outside the map contribute nothing, negative coordinates clamp to 0, at the last row or column
    /// both taps are that row or column. Results equal the native kernels' up to the order of float additions.
    /// </summary>
    /// <remarks>
    /// Each output bin is a weighted sum of 4 x (samples per bin) pixels of the map. The map is laid out as a table of
    /// pixels [N*H*W + 1, C] (the extra row is zero: the target of samples outside the map); for a chunk of RoIs the
    /// tap indices and weights are computed per axis and combined, then one index_select gathers the taps and one
    /// batched matrix product weighs and sums them. With an adaptive sampling ratio the RoIs of a chunk share the
    /// largest grid of the chunk; samples beyond a RoI's own grid get weight 0. RoIs are sorted by grid size before
    /// chunking, so that a chunk's RoIs have similar grids, and chunks are sized to bound the gathered taps.
    /// </remarks>
    internal static class RoIAlignTensorOps
    {
        /// <summary>Gathered tap values (elements) per chunk of RoIs: bounds the memory of the forward pass.</summary>
        internal static long ChunkElements = 1L << 24;

        private const long MaxGrid = 1L << 20;  // as the native kernels: bounds the adaptive grid of absurd boxes

        /// <summary>roi_align on checked arguments (any device). Gradients flow to input only.</summary>
        internal static Tensor Apply(Tensor input, Tensor boxes, RoIAlignParameters p)
        {
            long n = input.size(0), c = input.size(1), h = input.size(2), w = input.size(3), k = boxes.size(0);
            DetectionOps.CheckBatchIndices(boxes, n);
            using var scope = NewDisposeScope();
            using var s = new ScalarCache();
            var rois = boxes.detach();  // constants: no gradient reaches the boxes (as in torchvision)
            var dtype = input.dtype;
            var device = input.device;

            // The pixel table [N*H*W + 1, C]: the map in NHWC order plus a zero row for samples outside the map.
            long pixels = n * h * w;
            var table = torch.zeros(new[] { pixels + 1, c }, dtype: dtype, device: device);
            if (pixels > 0) table.narrow(0, 0, pixels).view(n, h, w, c).copy_(input.permute(0, 2, 3, 1));

            long bins = p.PooledHeight * p.PooledWidth;
            if (k == 0 || c == 0)
            {
                // Empty, but still computed from the table, so that the result is connected to input for autograd.
                var none = table.index_select(0, torch.full(new[] { k * bins }, s.I(pixels), dtype: ScalarType.Int64, device: device));
                return ToOutput(none, k, c, p).contiguous().MoveToOuterDisposeScope();
            }

            var geometry = new Geometry(rois, p, s);
            var (gridH, gridW) = (geometry.GridH.cpu(), geometry.GridW.cpu());
            long[] gh = gridH.data<long>().ToArray(), gw = gridW.data<long>().ToArray();

            // Order RoIs by grid size, so that chunks pad little; a fixed sampling ratio needs no reordering.
            long[] order = Enumerable.Range(0, (int)k).Select(i => (long)i).ToArray();
            if (p.SamplingRatio <= 0)
                order = order.OrderBy(i => gh[i] * gw[i]).ThenBy(i => gh[i]).ThenBy(i => i).ToArray();

            var pieces = new List<Tensor>();
            int start = 0;
            while (start < order.Length)
            {
                // Grow the chunk while the gathered taps of the padded grid stay within the budget (one RoI at least).
                long maxH = 0, maxW = 0;
                int end = start;
                while (end < order.Length)
                {
                    long nextH = Math.Max(maxH, gh[order[end]]), nextW = Math.Max(maxW, gw[order[end]]);
                    long elements = (end - start + 1) * bins * 4 * Math.Max(1, nextH * nextW) * c;
                    if (end > start && elements > ChunkElements) break;
                    (maxH, maxW) = (nextH, nextW);
                    end++;
                }
                var ids = torch.tensor(order[start..end], device: device);
                pieces.Add(Chunk(table, geometry.Select(ids), maxH, maxW, n, h, w, c, p, s));
                start = end;
            }
            var output = pieces.Count == 1 ? pieces[0] : torch.cat(pieces, 0);
            if (p.SamplingRatio <= 0)
            {
                var inverse = new long[k];
                for (int i = 0; i < order.Length; i++) inverse[order[i]] = i;
                output = output.index_select(0, torch.tensor(inverse, device: device));
            }
            return output.contiguous().MoveToOuterDisposeScope();
        }

        /// <summary>[k, C, PH, PW] from rows [k * PH * PW, C] ordered (RoI, ph, pw).</summary>
        private static Tensor ToOutput(Tensor rows, long k, long c, RoIAlignParameters p) =>
            rows.view(k, p.PooledHeight, p.PooledWidth, c).permute(0, 3, 1, 2);

        /// <summary>The RoIAlign of one chunk of RoIs whose grids fit in maxH x maxW samples per bin.</summary>
        private static Tensor Chunk(Tensor table, Geometry g, long maxH, long maxW, long n, long h, long w, long c, RoIAlignParameters p,
                                    ScalarCache s)
        {
            long k = g.Batch.Sizes()[0];
            long ph = p.PooledHeight, pw = p.PooledWidth;
            if (maxH == 0 || maxW == 0)  // no RoI of the chunk has samples: zeros (still connected to the table)
                return ToOutput(table.index_select(0, torch.full(new[] { k * ph * pw }, s.I(n * h * w), dtype: ScalarType.Int64, device: table.device)),
                                k, c, p);

            // Per axis: [k, bins, grid] sample positions, their two pixels and weights, and whether they count.
            var y = AxisSamples(g.StartH, g.BinH, g.GridH, ph, maxH, h, s);
            var x = AxisSamples(g.StartW, g.BinW, g.GridW, pw, maxW, w, s);
            bool emptyMap = n * h * w == 0;

            // Taps [k, PH, PW, gridH, gridW, 4] (low-low, low-high, high-low, high-high), as torchvision orders them.
            Tensor Rows(Tensor t) => t.view(k, ph, 1, maxH, 1);
            Tensor Cols(Tensor t) => t.view(k, 1, pw, 1, maxW);
            var valid = Rows(y.Valid).logical_and(Cols(x.Valid));
            if (emptyMap) valid = valid.logical_and(torch.zeros(1, dtype: ScalarType.Bool, device: table.device));
            var imageOffset = (g.Batch * s.I(h * w)).view(k, 1, 1, 1, 1);
            var rowLow = Rows(y.Low) * s.I(w) + imageOffset;
            var rowHigh = Rows(y.High) * s.I(w) + imageOffset;
            var index = torch.stack(new[]
            {
                rowLow + Cols(x.Low), rowLow + Cols(x.High), rowHigh + Cols(x.Low), rowHigh + Cols(x.High),
            }, -1);
            var weight = torch.stack(new[]
            {
                Rows(y.WeightLow) * Cols(x.WeightLow), Rows(y.WeightLow) * Cols(x.WeightHigh),
                Rows(y.WeightHigh) * Cols(x.WeightLow), Rows(y.WeightHigh) * Cols(x.WeightHigh),
            }, -1);
            var taps = valid.unsqueeze(-1);
            index = index.masked_fill(taps.logical_not(), s.I(n * h * w));  // the zero row
            weight = weight.masked_fill(taps.logical_not(), s.F(0));

            long perBin = maxH * maxW * 4;
            var values = table.index_select(0, index.flatten()).view(k * ph * pw, perBin, c);
            var sums = weight.view(k * ph * pw, 1, perBin).bmm(values).view(k, ph * pw, c);
            var average = sums / g.Count.view(k, 1, 1);
            return ToOutput(average.view(k * ph * pw, c), k, c, p);
        }

        private sealed record Axis(Tensor Low, Tensor High, Tensor WeightLow, Tensor WeightHigh, Tensor Valid);

        /// <summary>
        /// The samples of every bin along one axis, [k, bins, maxGrid]: position start + bin * binSize + (i + 0.5) *
        /// binSize / grid, computed in the tensors' dtype in torchvision's order of operations, then clamped as
        /// torchvision's bilinear_interpolate does.
        /// </summary>
        private static Axis AxisSamples(Tensor start, Tensor binSize, Tensor grid, long bins, long maxGrid, long size, ScalarCache s)
        {
            long k = start.Sizes()[0];
            var dtype = start.dtype;
            var device = start.device;
            var bin = torch.arange(bins, dtype: dtype, device: device).view(1, bins, 1);
            var i = torch.arange(maxGrid, device: device);
            var offset = (i.to(dtype) + s.F(0.5)).view(1, 1, maxGrid);
            var gridT = grid.to(dtype).view(k, 1, 1);
            var v = start.view(k, 1, 1) + bin * binSize.view(k, 1, 1) + offset * binSize.view(k, 1, 1) / gridT;
            var valid = v.ge(s.F(-1.0)).logical_and(v.le(s.F(size))).logical_and(i.view(1, 1, maxGrid).lt(grid.view(k, 1, 1)));
            v = v.masked_fill(valid.logical_not(), s.F(0));
            v = v.masked_fill(v.le(s.F(0)), s.F(0));
            var low = v.to(ScalarType.Int64);  // v >= 0: truncation is floor
            var atEnd = low.ge(s.I(size - 1));
            low = low.masked_fill(atEnd, s.I(size - 1));
            var high = (low + s.I(1)).masked_fill(atEnd, s.I(size - 1));
            v = torch.where(atEnd, low.to(dtype), v);
            var l = v - low.to(dtype);
            var hWeight = s.F(1.0) - l;
            // Positions of samples that do not count are never read (their taps go to the zero row); keep them in range.
            low = low.clamp(s.I(0), s.I(Math.Max(0, size - 1)));
            high = high.clamp(s.I(0), s.I(Math.Max(0, size - 1)));
            return new Axis(low, high, hWeight, l, valid);
        }

        /// <summary>Per-RoI geometry in feature-map coordinates, as the native kernels' make_roi computes it.</summary>
        private sealed class Geometry
        {
            public Tensor Batch = null!, StartH = null!, StartW = null!, BinH = null!, BinW = null!, GridH = null!, GridW = null!, Count = null!;

            private Geometry() { }

            public Geometry(Tensor rois, RoIAlignParameters p, ScalarCache s)
            {
                var dtype = rois.dtype;
                double offset = p.Aligned ? 0.5 : 0.0;
                Tensor Scaled(int column) => rois.select(1, column) * s.F(p.SpatialScale) - s.F(offset);
                Batch = rois.select(1, 0).to(ScalarType.Int64);
                StartW = Scaled(1);
                StartH = Scaled(2);
                var width = Scaled(3) - StartW;
                var height = Scaled(4) - StartH;
                if (!p.Aligned)
                {
                    // Legacy behaviour: malformed RoIs become 1x1 (std::max(x, 1): NaN stays NaN).
                    width = torch.where(width.lt(s.F(1.0)), torch.ones_like(width), width);
                    height = torch.where(height.lt(s.F(1.0)), torch.ones_like(height), height);
                }
                BinH = height / s.F(p.PooledHeight);
                BinW = width / s.F(p.PooledWidth);
                GridH = GridSize(height, p.PooledHeight, p.SamplingRatio, s);
                GridW = GridSize(width, p.PooledWidth, p.SamplingRatio, s);
                Count = (GridH * GridW).clamp_min(s.I(1)).to(dtype);
            }

            private static Tensor GridSize(Tensor extent, long pooled, long samplingRatio, ScalarCache s)
            {
                if (samplingRatio > 0) return torch.full(extent.Sizes(), s.I(samplingRatio), dtype: ScalarType.Int64, device: extent.device);
                // ceil(extent / pooled); NaN, empty and negative RoIs sample nothing (their bins are 0).
                var g = (extent / s.F(pooled)).ceil();
                g = g.masked_fill(g.gt(s.F(0)).logical_not(), s.F(0)).clamp_max(s.F(MaxGrid));
                return g.to(ScalarType.Int64);
            }

            public Geometry Select(Tensor ids) => new()
            {
                Batch = Batch.index_select(0, ids),
                StartH = StartH.index_select(0, ids),
                StartW = StartW.index_select(0, ids),
                BinH = BinH.index_select(0, ids),
                BinW = BinW.index_select(0, ids),
                GridH = GridH.index_select(0, ids),
                GridW = GridW.index_select(0, ids),
                Count = Count.index_select(0, ids),
            };
        }
    }
}
