using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.MaskRcnn.Modeling
{
    /// <summary>
    /// Prepares images for the network and maps results back (torchvision's GeneralizedRCNNTransform): normalises
    /// with the ImageNet mean and standard deviation, resizes so that the short side is the minimum size (the long
    /// side at most the maximum size), scaling boxes and masks alike, and pads the batch to a multiple of 32.
    /// </summary>
    public sealed class ImageTransform
    {
        /// <summary>ImageNet channel means (RGB, images in [0, 1]).</summary>
        public static readonly double[] ImageNetMean = { 0.485, 0.456, 0.406 };

        /// <summary>ImageNet channel standard deviations.</summary>
        public static readonly double[] ImageNetStd = { 0.229, 0.224, 0.225 };

        private readonly int[] trainingMinSizes;

        public ImageTransform(int minSize = 800, int maxSize = 1333, IReadOnlyList<int>? trainingMinSizes = null,
                              IReadOnlyList<double>? mean = null, IReadOnlyList<double>? std = null, int sizeDivisible = 32)
        {
            if (minSize <= 0 || maxSize < minSize)
                throw new ArgumentException($"Image sizes must satisfy 0 < min_size ({minSize}) <= max_size ({maxSize}).");
            if (sizeDivisible <= 0) throw new ArgumentOutOfRangeException(nameof(sizeDivisible), sizeDivisible, "must be positive");
            MinSize = minSize;
            MaxSize = maxSize;
            this.trainingMinSizes = (trainingMinSizes ?? new[] { minSize }).ToArray();
            if (this.trainingMinSizes.Length == 0 || this.trainingMinSizes.Any(s => s <= 0))
                throw new ArgumentException("Training sizes must be positive.", nameof(trainingMinSizes));
            Mean = (mean ?? ImageNetMean).ToArray();
            Std = (std ?? ImageNetStd).ToArray();
            if (Mean.Length != 3 || Std.Length != 3 || Std.Any(s => !(s > 0)))
                throw new ArgumentException("Mean and std need three values each, std positive.");
            SizeDivisible = sizeDivisible;
        }

        public int MinSize { get; }
        public int MaxSize { get; }
        public IReadOnlyList<int> TrainingMinSizes => trainingMinSizes;
        public double[] Mean { get; }
        public double[] Std { get; }
        public int SizeDivisible { get; }

        /// <summary>
        /// Normalises, resizes and batches <paramref name="images"/> (each [3, H, W], float in [0, 1]); resizes the
        /// targets' boxes and masks the same way (new target tensors owned by the caller's scope). In training the short
        /// side is drawn from the training sizes with <paramref name="generator"/>.
        /// </summary>
        public (Tensor batch, (long height, long width)[] imageSizes, DetectionTarget[]? targets) Transform(
            IReadOnlyList<Tensor> images, IReadOnlyList<DetectionTarget>? targets, bool training, Generator? generator = null)
        {
            if (images.Count == 0) throw new ArgumentException("The batch is empty: at least one image is needed.", nameof(images));
            if (targets != null && targets.Count != images.Count)
                throw new ArgumentException($"{images.Count} images but {targets.Count} targets.", nameof(targets));
            var resized = new Tensor[images.Count];
            var sizes = new (long, long)[images.Count];
            var newTargets = targets is null ? null : new DetectionTarget[images.Count];
            for (int i = 0; i < images.Count; i++)
            {
                ValidateImage(images[i], i);
                if (targets != null) ValidateTarget(targets[i], images[i], i);
                int shortSide = training ? trainingMinSizes[(int)(torch.rand(1, generator: generator).item<float>() * trainingMinSizes.Length) % trainingMinSizes.Length] : MinSize;
                using var normalized = Normalize(images[i]);
                var (image, target) = Resize(normalized, targets?[i], shortSide);
                resized[i] = image;
                sizes[i] = (image.shape[1], image.shape[2]);
                if (newTargets != null) newTargets[i] = target!;
            }
            var batch = Batch(resized);
            foreach (var r in resized) r.Dispose();
            return (batch, sizes, newTargets);
        }

        /// <summary>(image - mean) / std per channel.</summary>
        public Tensor Normalize(Tensor image)
        {
            using var scope = NewDisposeScope();
            var mean = torch.tensor(Mean, image.dtype, image.device).view(-1, 1, 1);
            var std = torch.tensor(Std, image.dtype, image.device).view(-1, 1, 1);
            return ((image - mean) / std).MoveToOuterDisposeScope();
        }

        /// <summary>
        /// The scale torchvision applies, min(short / min side, long / max side), with its float32 arithmetic: a Python
        /// number divided by a tensor is computed as reciprocal(tensor) * number (so 320 / 200 gives 1.5999999, not 1.6,
        /// and the resized side is 319, as torchvision's).
        /// </summary>
        public static double ResizeScale(long height, long width, int shortSide, int maxSize) =>
            Scoring.ImagePreparation.ResizeScale(checked((int)height), checked((int)width), shortSide, maxSize);

        private (Tensor image, DetectionTarget? target) Resize(Tensor image, DetectionTarget? target, int shortSide)
        {
            using var scope = NewDisposeScope();
            long h = image.shape[1], w = image.shape[2];
            double scale = ResizeScale(h, w, shortSide, MaxSize);
            var resized = F.interpolate(image.unsqueeze(0), scale_factor: new[] { scale, scale }, mode: InterpolationMode.Bilinear,
                                        align_corners: false, recompute_scale_factor: true).squeeze(0);
            if (target is null) return (resized.MoveToOuterDisposeScope(), null);
            var boxes = ResizeBoxes(target.Boxes, (h, w), (resized.shape[1], resized.shape[2]));
            Tensor? masks = null;
            if (target.Masks is not null)
            {
                masks = target.Masks.shape[0] == 0
                    ? torch.zeros(new[] { 0, resized.shape[1], resized.shape[2] }, ScalarType.Byte, target.Masks.device)
                    : F.interpolate(target.Masks.unsqueeze(1).to(ScalarType.Float32), scale_factor: new[] { scale, scale },
                                    recompute_scale_factor: true).squeeze(1).to(ScalarType.Byte);
                masks.MoveToOuterDisposeScope();
            }
            return (resized.MoveToOuterDisposeScope(), new DetectionTarget(boxes.MoveToOuterDisposeScope(), target.Labels.detach().MoveToOuterDisposeScope(), masks));
        }

        /// <summary>Scales boxes from one image size to another (ratios in float32, as torchvision).</summary>
        public static Tensor ResizeBoxes(Tensor boxes, (long height, long width) from, (long height, long width) to)
        {
            using var scope = NewDisposeScope();
            float ratioHeight = (float)to.height / from.height, ratioWidth = (float)to.width / from.width;
            var ratios = torch.tensor(new[] { ratioWidth, ratioHeight, ratioWidth, ratioHeight }, boxes.dtype, boxes.device);
            return (boxes * ratios).MoveToOuterDisposeScope();
        }

        /// <summary>Zero-pads images to a common size, each dimension rounded up to a multiple of <see cref="SizeDivisible"/>.</summary>
        public Tensor Batch(IReadOnlyList<Tensor> images)
        {
            long maxHeight = images.Max(i => i.shape[1]), maxWidth = images.Max(i => i.shape[2]);
            long height = (long)Math.Ceiling((double)maxHeight / SizeDivisible) * SizeDivisible;
            long width = (long)Math.Ceiling((double)maxWidth / SizeDivisible) * SizeDivisible;
            var batch = torch.zeros(new[] { images.Count, 3, height, width }, images[0].dtype, images[0].device);
            using var noGrad = no_grad();
            for (int i = 0; i < images.Count; i++)
                batch[i, TensorIndex.Colon, TensorIndex.Slice(0, images[i].shape[1]), TensorIndex.Slice(0, images[i].shape[2])] = images[i];
            return batch;
        }

        private static void ValidateImage(Tensor image, int index)
        {
            if (image.dim() != 3)
                throw new ArgumentException($"Image {index} must be a [3, H, W] tensor; got rank {image.dim()} [{string.Join(", ", image.shape)}].");
            if (image.shape[0] != 3)
                throw new ArgumentException($"Image {index} must have 3 (RGB) channels; got {image.shape[0]}.");
            if (image.shape[1] == 0 || image.shape[2] == 0)
                throw new ArgumentException($"Image {index} is empty ({image.shape[1]}x{image.shape[2]}).");
            if (!(image.dtype is ScalarType.Float32 or ScalarType.Float64 or ScalarType.Float16 or ScalarType.BFloat16))
                throw new ArgumentException($"Image {index} must be a floating-point tensor in [0, 1]; got {image.dtype}.");
        }

        private static void ValidateTarget(DetectionTarget target, Tensor image, int index)
        {
            var boxes = target.Boxes;
            if (boxes.dim() != 2 || boxes.shape[1] != 4)
                throw new ArgumentException($"The boxes of image {index} must be [N, 4]; got [{string.Join(", ", boxes.shape)}].");
            if (target.Labels.dim() != 1 || target.Labels.shape[0] != boxes.shape[0])
                throw new ArgumentException($"Image {index} has {boxes.shape[0]} boxes but labels of shape [{string.Join(", ", target.Labels.shape)}].");
            if (target.Labels.dtype != ScalarType.Int64)
                throw new ArgumentException($"The labels of image {index} must be int64; got {target.Labels.dtype}.");
            if (boxes.shape[0] > 0)
            {
                using var scope = NewDisposeScope();
                var degenerate = (boxes[TensorIndex.Colon, 2] <= boxes[TensorIndex.Colon, 0]) | (boxes[TensorIndex.Colon, 3] <= boxes[TensorIndex.Colon, 1]);
                if (degenerate.any().item<bool>())
                {
                    long which = degenerate.nonzero()[0, 0].item<long>();
                    throw new ArgumentException($"Box {which} of image {index} has x1 <= x0 or y1 <= y0: every box needs a positive width and height.");
                }
            }
            if (target.Masks is { } masks)
            {
                if (masks.dim() != 3 || masks.shape[0] != boxes.shape[0] || masks.shape[1] != image.shape[1] || masks.shape[2] != image.shape[2])
                    throw new ArgumentException($"The masks of image {index} must be [{boxes.shape[0]}, {image.shape[1]}, {image.shape[2]}] (one per box, the image's size); got [{string.Join(", ", masks.shape)}].");
            }
        }
    }
}
