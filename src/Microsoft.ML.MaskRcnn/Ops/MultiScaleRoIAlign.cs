using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Ops
{
    /// <summary>
    /// RoIAlign over a feature pyramid (FPN): each box is pooled from the level that suits its size,
    /// k = floor(canonical_level + log2(sqrt(w·h) / canonical_scale) + 1e-6), clamped to the levels given
    /// (FPN paper, eq. 1). Same semantics as torchvision's <c>MultiScaleRoIAlign</c>; no parameters.
    /// </summary>
    /// <remarks>
    /// The scale of each level is inferred on the first call, as torchvision does, from the feature height over
    /// the largest image height, rounded to a power of two: 2^round(log2(feature / image)). Levels are taken in
    /// the order of the feature-map names and must go from the finest to the coarsest. RoIAlign runs with
    /// aligned = false, as in torchvision's Mask R-CNN. One difference: a level that no box maps to is not pooled, so it
    /// takes no part in backward (its gradient stays unset where torchvision's would be all zeros, and no full-size zero
    /// gradient is allocated for it).
    /// </remarks>
    public sealed class MultiScaleRoIAlign : nn.Module<IDictionary<string, Tensor>, IList<Tensor>, IList<(long height, long width)>, Tensor>
    {
        private readonly string[] featmapNames;
        private double[]? scales;
        private int levelMin;
        private int levelMax;

        /// <param name="featmap_names">Names of the feature maps to pool from, finest first (e.g. "0".."3" of an FPN).</param>
        /// <param name="output_size">Output height and width.</param>
        /// <param name="sampling_ratio">RoIAlign samples per bin and axis (&lt;= 0: adaptive).</param>
        /// <param name="canonical_scale">Box size (sqrt of the area) that maps to <paramref name="canonical_level"/>.</param>
        /// <param name="canonical_level">Pyramid level of a box of <paramref name="canonical_scale"/>.</param>
        public MultiScaleRoIAlign(IList<string> featmap_names, (long height, long width) output_size, long sampling_ratio,
                                  long canonical_scale = 224, long canonical_level = 4)
            : base(nameof(MultiScaleRoIAlign))
        {
            ArgumentChecks.NotNull(featmap_names, nameof(featmap_names));
            if (featmap_names.Count == 0 || featmap_names.Any(string.IsNullOrEmpty))
                throw new ArgumentException("Give at least one feature-map name, none empty.", nameof(featmap_names));
            if (output_size.height <= 0 || output_size.width <= 0)
                throw new ArgumentOutOfRangeException(nameof(output_size), $"The output size must be positive, got {output_size}.");
            if (canonical_scale <= 0)
                throw new ArgumentOutOfRangeException(nameof(canonical_scale), $"Must be positive, got {canonical_scale}.");
            featmapNames = featmap_names.ToArray();
            OutputSize = output_size;
            SamplingRatio = sampling_ratio;
            CanonicalScale = canonical_scale;
            CanonicalLevel = canonical_level;
        }

        /// <param name="featmap_names">Names of the feature maps to pool from, finest first.</param>
        /// <param name="output_size">Output height and width (square).</param>
        /// <param name="sampling_ratio">RoIAlign samples per bin and axis (&lt;= 0: adaptive).</param>
        /// <param name="canonical_scale">Box size (sqrt of the area) that maps to <paramref name="canonical_level"/>.</param>
        /// <param name="canonical_level">Pyramid level of a box of <paramref name="canonical_scale"/>.</param>
        public MultiScaleRoIAlign(IList<string> featmap_names, long output_size, long sampling_ratio, long canonical_scale = 224, long canonical_level = 4)
            : this(featmap_names, (output_size, output_size), sampling_ratio, canonical_scale, canonical_level)
        {
        }

        /// <summary>Names of the feature maps pooled from, finest first.</summary>
        public IReadOnlyList<string> FeatmapNames => featmapNames;

        public (long height, long width) OutputSize { get; }

        public long SamplingRatio { get; }

        public long CanonicalScale { get; }

        public long CanonicalLevel { get; }

        /// <summary>Spatial scale of each level (1 / stride), inferred on the first call; null before.</summary>
        public IReadOnlyList<double>? Scales => scales;

        /// <summary>Pools every box from its pyramid level.</summary>
        /// <param name="x">Feature maps by name, each [N, C, H_l, W_l]; other names are ignored.</param>
        /// <param name="boxes">Per image, [L_i, 4] boxes (x1, y1, x2, y2) in image coordinates.</param>
        /// <param name="image_shapes">Per image, its (height, width) before the backbone (after resizing).</param>
        /// <returns>[sum L_i, C, output height, output width], boxes in the order given.</returns>
        public override Tensor forward(IDictionary<string, Tensor> x, IList<Tensor> boxes, IList<(long height, long width)> image_shapes)
        {
            ArgumentChecks.NotNull(x, nameof(x));
            ArgumentChecks.NotNull(image_shapes, nameof(image_shapes));
            var features = new Tensor[featmapNames.Length];
            for (int i = 0; i < features.Length; i++)
                if (!x.TryGetValue(featmapNames[i], out features[i]!) || features[i] is null)
                    throw new ArgumentException($"{nameof(x)} has no feature map named '{featmapNames[i]}'.", nameof(x));
            long batch = features[0].size(0);
            ArgumentChecks.NotNull(boxes, nameof(boxes));
            if (boxes.Count != batch)
                throw new ArgumentException($"{nameof(boxes)} must hold one [L, 4] tensor per image: the features have {batch} images, {nameof(boxes)} has {boxes.Count}.", nameof(boxes));
            if (scales is null) SetupScales(features, image_shapes);

            using var scope = NewDisposeScope();
            var rois = DetectionOps.BoxesToRois(boxes, nameof(boxes));
            if (features.Length == 1)
                return DetectionOps.roi_align(features[0], rois, OutputSize, scales![0], SamplingRatio).MoveToOuterDisposeScope();

            var levels = MapLevels(boxes);
            var first = features[0];
            var result = torch.zeros(new[] { rois.Sizes()[0], first.Sizes()[1], OutputSize.height, OutputSize.width }, dtype: first.dtype, device: first.device);
            for (int level = 0; level < features.Length; level++)
            {
                var inLevel = torch.where(levels == level)[0];
                // A level without boxes adds nothing to the result, but its RoIAlign would still cost a full-size zero
                // gradient for that feature map in backward (111 MiB for P2 at 800x1088, batch 2); torchvision pays it.
                if (inLevel.Sizes()[0] == 0) continue;
                var pooled = DetectionOps.roi_align(features[level], rois[inLevel], OutputSize, scales![level], SamplingRatio);
                result.index_put_(pooled.to(result.dtype), TensorIndex.Tensor(inLevel));
            }
            return result.MoveToOuterDisposeScope();
        }

        // Level index (0 = first feature map) of each box, FPN eq. 1, in the dtype of the boxes as torchvision computes it.
        private Tensor MapLevels(IList<Tensor> boxes)
        {
            var size = torch.cat(boxes.Select(DetectionOps.box_area).ToArray(), 0).sqrt();
            var eps = torch.tensor(1e-6, dtype: size.dtype);
            var target = ((size / CanonicalScale).log2() + CanonicalLevel + eps).floor();
            target = target.clamp(levelMin, levelMax);
            return target.to(ScalarType.Int64) - levelMin;
        }

        private void SetupScales(Tensor[] features, IList<(long height, long width)> imageShapes)
        {
            if (imageShapes.Count == 0) throw new ArgumentException("Give the size of every image; the list is empty.", nameof(imageShapes));
            long maxHeight = imageShapes.Max(s => s.height), maxWidth = imageShapes.Max(s => s.width);
            if (maxHeight <= 0 || maxWidth <= 0) throw new ArgumentException("Image sizes must be positive.", "image_shapes");
            var inferred = features.Select(f => InferScale(f, maxHeight)).ToArray();
            levelMin = (int)-Log2OfFloat(inferred[0]);
            levelMax = (int)-Log2OfFloat(inferred[^1]);
            scales = inferred;
        }

        // 2^round(log2(feature height / image height)), rounded in float32 as torchvision does.
        private static double InferScale(Tensor feature, long imageHeight)
        {
            var shape = feature.Sizes();
            if (shape.Length != 4) throw new ArgumentException($"Feature maps must have shape [N, C, H, W], got {ArgumentChecks.Format(shape)}.", "x");
            double approx = (double)shape[^2] / imageHeight;
            using var t = torch.tensor((float)approx);
            using var log2 = t.log2();
            using var rounded = log2.round();
            return Math.Pow(2, rounded.item<float>());
        }

        private static float Log2OfFloat(double value)
        {
            using var t = torch.tensor((float)value);
            using var log2 = t.log2();
            return log2.item<float>();
        }
    }
}
