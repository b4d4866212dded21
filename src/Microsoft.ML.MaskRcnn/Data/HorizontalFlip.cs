using System;
using Microsoft.ML.MaskRcnn.Imaging;

namespace Microsoft.ML.MaskRcnn.Data
{
    /// <summary>Mirrors image, masks and boxes left to right with a given probability (x' = W - x).</summary>
    public sealed class HorizontalFlip : ISampleAugmentation
    {
        /// <summary>Creates the augmentation.</summary>
        public HorizontalFlip(double probability = 0.5)
        {
            if (!(probability >= 0 && probability <= 1)) throw new ArgumentOutOfRangeException(nameof(probability), probability, "A probability is between 0 and 1.");
            Probability = probability;
        }

        /// <summary>The chance that a sample is flipped.</summary>
        public double Probability { get; }

        /// <inheritdoc/>
        public InstanceSegmentationSample Apply(InstanceSegmentationSample sample, SeededRandom random) =>
            random.NextDouble() < Probability ? Flip(sample) : sample;

        /// <summary>The mirrored sample: box (x0, x1) becomes (W - x1, W - x0).</summary>
        public static InstanceSegmentationSample Flip(InstanceSegmentationSample sample)
        {
            var image = sample.Image;
            int w = image.Width, h = image.Height;
            var flipped = new ImageBuffer(w, h, image.Channels, image.BitDepth);
            int pixel = image.Channels * image.BytesPerSample;
            for (int y = 0; y < h; y++)
            {
                var source = image.Data.AsSpan(y * image.RowBytes, image.RowBytes);
                var target = flipped.Data.AsSpan(y * image.RowBytes, image.RowBytes);
                for (int x = 0; x < w; x++) source.Slice(x * pixel, pixel).CopyTo(target.Slice((w - 1 - x) * pixel, pixel));
            }
            var a = sample.Annotations;
            var masks = new byte[a.Masks.Length];
            for (int row = 0; row < a.Count * h; row++)
            {
                var source = a.Masks.AsSpan(row * w, w);
                var target = masks.AsSpan(row * w, w);
                for (int x = 0; x < w; x++) target[w - 1 - x] = source[x];
            }
            var boxes = new float[a.Boxes.Length];
            for (int i = 0; i < a.Count; i++)
            {
                boxes[4 * i] = w - a.Boxes[4 * i + 2];
                boxes[4 * i + 1] = a.Boxes[4 * i + 1];
                boxes[4 * i + 2] = w - a.Boxes[4 * i];
                boxes[4 * i + 3] = a.Boxes[4 * i + 3];
            }
            var annotations = new InstanceAnnotations(h, w, boxes, (int[])a.Labels.Clone(), (bool[])a.IsCrowd.Clone(),
                                                      (long[])a.AnnotationIds.Clone(), (double[])a.Areas.Clone(), masks);
            return new InstanceSegmentationSample(sample.Descriptor, flipped, annotations);
        }
    }
}
