using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Modeling
{
    /// <summary>
    /// Anchors for every position of every feature level: for level l, <c>sizes[l].Length * aspectRatios[l].Length</c>
    /// boxes centred on each cell (torchvision's AnchorGenerator). A ratio r gives height/width = r at constant area;
    /// the zero-centred cell anchors are rounded to integers, then shifted by the level's stride.
    /// </summary>
    public sealed class AnchorGenerator
    {
        private readonly double[][] sizes;
        private readonly double[][] aspectRatios;

        /// <summary>Creates the generator; <paramref name="sizes"/> and <paramref name="aspectRatios"/> have one entry per level.</summary>
        public AnchorGenerator(IReadOnlyList<double[]> sizes, IReadOnlyList<double[]> aspectRatios)
        {
            if (sizes.Count == 0 || sizes.Count != aspectRatios.Count)
                throw new ArgumentException($"Anchor sizes ({sizes.Count} levels) and aspect ratios ({aspectRatios.Count} levels) must have the same, non-zero number of levels.");
            if (sizes.Any(s => s.Length == 0 || s.Any(v => !(v > 0))) || aspectRatios.Any(r => r.Length == 0 || r.Any(v => !(v > 0))))
                throw new ArgumentException("Anchor sizes and aspect ratios must be positive, with at least one per level.");
            this.sizes = sizes.Select(s => s.ToArray()).ToArray();
            this.aspectRatios = aspectRatios.Select(r => r.ToArray()).ToArray();
        }

        /// <summary>Anchors per position, for each level.</summary>
        public int[] AnchorsPerLocation => sizes.Select((s, l) => s.Length * aspectRatios[l].Length).ToArray();

        /// <summary>
        /// The anchors of one image of the batch, levels concatenated in order: [sum over levels of H*W*A, 4] (x0, y0, x1, y1).
        /// Every image of a padded batch has the same anchors. <paramref name="batchHeight"/>/<paramref name="batchWidth"/>
        /// is the padded batch size; strides are its integer ratio to each feature size.
        /// </summary>
        public Tensor Generate(long batchHeight, long batchWidth, IReadOnlyList<Tensor> features)
        {
            if (features.Count != sizes.Length)
                throw new ArgumentException($"The generator has {sizes.Length} levels but received {features.Count} feature maps.", nameof(features));
            using var scope = NewDisposeScope();
            var dtype = features[0].dtype;
            var device = features[0].device;
            var perLevel = new List<Tensor>();
            for (int level = 0; level < features.Count; level++)
            {
                long gridHeight = features[level].shape[^2], gridWidth = features[level].shape[^1];
                long strideHeight = batchHeight / gridHeight, strideWidth = batchWidth / gridWidth;
                var cell = CellAnchors(level, dtype, device);
                var shiftsX = torch.arange(0, gridWidth, dtype: ScalarType.Int64, device: device) * strideWidth;
                var shiftsY = torch.arange(0, gridHeight, dtype: ScalarType.Int64, device: device) * strideHeight;
                var grid = torch.meshgrid(new[] { shiftsY, shiftsX }, "ij");
                var shiftY = grid[0].reshape(-1);
                var shiftX = grid[1].reshape(-1);
                var shifts = torch.stack(new[] { shiftX, shiftY, shiftX, shiftY }, 1);
                perLevel.Add((shifts.view(-1, 1, 4) + cell.view(1, -1, 4)).reshape(-1, 4));
            }
            return torch.cat(perLevel, 0).MoveToOuterDisposeScope();
        }

        /// <summary>The zero-centred anchors [A, 4] of one cell of <paramref name="level"/>, rounded to integers.</summary>
        internal Tensor CellAnchors(int level, ScalarType dtype, Device device)
        {
            using var scope = NewDisposeScope();
            var scales = torch.tensor(sizes[level], dtype, device);
            var ratios = torch.tensor(aspectRatios[level], dtype, device);
            var heightRatios = ratios.sqrt();
            var widthRatios = 1 / heightRatios;
            var ws = (widthRatios.unsqueeze(1) * scales.unsqueeze(0)).view(-1);
            var hs = (heightRatios.unsqueeze(1) * scales.unsqueeze(0)).view(-1);
            return (torch.stack(new[] { -ws, -hs, ws, hs }, 1) / 2).round().MoveToOuterDisposeScope();
        }
    }
}
