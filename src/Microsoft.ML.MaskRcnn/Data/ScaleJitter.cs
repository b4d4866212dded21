using System;
using Microsoft.ML.MaskRcnn.Imaging;

namespace Microsoft.ML.MaskRcnn.Data
{
    /// <summary>
    /// Rescales a sample by a factor drawn uniformly from [MinScale, MaxScale]: the image bilinearly, the masks by
    /// nearest neighbour (so they stay binary), boxes and areas by the same factors. The new size is
    /// round(W x s) x round(H x s), at least 1 x 1; boxes scale by the exact new/old size ratios.
    /// </summary>
    public sealed class ScaleJitter : ISampleAugmentation
    {
        /// <summary>Creates the augmentation.</summary>
        public ScaleJitter(double minScale, double maxScale)
        {
            if (!(minScale > 0) || !(maxScale >= minScale))
                throw new ArgumentOutOfRangeException(nameof(minScale), $"The scales must satisfy 0 < min <= max, not {minScale}, {maxScale}.");
            MinScale = minScale;
            MaxScale = maxScale;
        }

        /// <summary>The smallest factor.</summary>
        public double MinScale { get; }

        /// <summary>The largest factor.</summary>
        public double MaxScale { get; }

        /// <inheritdoc/>
        public InstanceSegmentationSample Apply(InstanceSegmentationSample sample, SeededRandom random)
        {
            double scale = MinScale + (MaxScale - MinScale) * random.NextDouble();
            int width = Math.Max(1, (int)Math.Round(sample.Width * scale, MidpointRounding.AwayFromZero));
            int height = Math.Max(1, (int)Math.Round(sample.Height * scale, MidpointRounding.AwayFromZero));
            return Resize(sample, width, height);
        }

        /// <summary>The sample resized to <paramref name="width"/> x <paramref name="height"/>.</summary>
        public static InstanceSegmentationSample Resize(InstanceSegmentationSample sample, int width, int height)
        {
            var a = sample.Annotations;
            int w = sample.Width, h = sample.Height;
            var image = ImageCodec.Resize(sample.Image, width, height, ImageInterpolation.Bilinear);
            int plane = width * height;
            var masks = new byte[(long)a.Count * plane];
            for (int i = 0; i < a.Count; i++)
            {
                var source = new ImageBuffer(a.GetMask(i).ToArray(), w, h, 1);
                ImageCodec.Resize(source, width, height, ImageInterpolation.Nearest).Data.CopyTo(masks, (long)i * plane);
            }
            float sx = (float)width / w, sy = (float)height / h;
            var boxes = new float[a.Boxes.Length];
            for (int i = 0; i < a.Count; i++)
            {
                boxes[4 * i] = a.Boxes[4 * i] * sx;
                boxes[4 * i + 1] = a.Boxes[4 * i + 1] * sy;
                boxes[4 * i + 2] = a.Boxes[4 * i + 2] * sx;
                boxes[4 * i + 3] = a.Boxes[4 * i + 3] * sy;
            }
            var areas = new double[a.Count];
            for (int i = 0; i < a.Count; i++) areas[i] = a.Areas[i] * sx * sy;
            var annotations = new InstanceAnnotations(height, width, boxes, (int[])a.Labels.Clone(), (bool[])a.IsCrowd.Clone(),
                                                      (long[])a.AnnotationIds.Clone(), areas, masks);
            return new InstanceSegmentationSample(sample.Descriptor, image, annotations);
        }
    }
}
