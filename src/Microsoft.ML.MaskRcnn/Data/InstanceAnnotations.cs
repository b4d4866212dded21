using System;

namespace Microsoft.ML.MaskRcnn.Data
{
    /// <summary>
    /// The instances of one image as plain arrays a trainer turns into tensors: N boxes (x0, y0, x1, y1 in pixel-edge
    /// coordinates, float), labels 1..K, crowd flags, annotation ids, areas and N binary masks (N x H x W bytes, 0 or 1,
    /// row-major).
    /// </summary>
    public sealed class InstanceAnnotations
    {
        /// <summary>Creates the annotations, checking that the arrays agree.</summary>
        public InstanceAnnotations(int height, int width, float[] boxes, int[] labels, bool[] isCrowd, long[] annotationIds, double[] areas, byte[] masks)
        {
            if (height <= 0 || width <= 0) throw new ArgumentOutOfRangeException(nameof(height), $"The image size {width}x{height} is invalid.");
            Labels = labels ?? throw new ArgumentNullException(nameof(labels));
            int n = labels.Length;
            Boxes = boxes ?? throw new ArgumentNullException(nameof(boxes));
            IsCrowd = isCrowd ?? throw new ArgumentNullException(nameof(isCrowd));
            AnnotationIds = annotationIds ?? throw new ArgumentNullException(nameof(annotationIds));
            Areas = areas ?? throw new ArgumentNullException(nameof(areas));
            Masks = masks ?? throw new ArgumentNullException(nameof(masks));
            if (boxes.Length != 4 * n) throw new ArgumentException($"{n} instances need {4 * n} box values, not {boxes.Length}.", nameof(boxes));
            if (isCrowd.Length != n || annotationIds.Length != n || areas.Length != n)
                throw new ArgumentException($"The crowd flags, ids and areas must have one entry per instance ({n}).");
            if (masks.LongLength != (long)n * height * width)
                throw new ArgumentException($"{n} masks of {height}x{width} need {(long)n * height * width} bytes, not {masks.LongLength}.", nameof(masks));
            Height = height;
            Width = width;
        }

        /// <summary>An image without instances.</summary>
        public static InstanceAnnotations Empty(int height, int width) =>
            new(height, width, Array.Empty<float>(), Array.Empty<int>(), Array.Empty<bool>(), Array.Empty<long>(), Array.Empty<double>(), Array.Empty<byte>());

        /// <summary>Image height (the masks' height).</summary>
        public int Height { get; }

        /// <summary>Image width (the masks' width).</summary>
        public int Width { get; }

        /// <summary>N, the number of instances.</summary>
        public int Count => Labels.Length;

        /// <summary>N x 4: x0, y0, x1, y1 (x1 = x0 + width).</summary>
        public float[] Boxes { get; }

        /// <summary>Labels 1..K (see <see cref="CategoryMap"/>).</summary>
        public int[] Labels { get; }

        /// <summary>COCO's iscrowd: the region holds a crowd (trainers usually skip it; evaluation ignores matches to it).</summary>
        public bool[] IsCrowd { get; }

        /// <summary>The dataset's annotation ids (COCO's "id"; image id x 65536 + instance value for mask folders).</summary>
        public long[] AnnotationIds { get; }

        /// <summary>Areas: COCO's "area" when given, else the mask's pixel count. COCO evaluation sorts objects by it.</summary>
        public double[] Areas { get; }

        /// <summary>N x H x W bytes, 0 or 1.</summary>
        public byte[] Masks { get; }

        /// <summary>The mask of instance <paramref name="index"/> (H x W, row-major).</summary>
        public Span<byte> GetMask(int index)
        {
            if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"There are {Count} instances.");
            int size = Height * Width;
            return Masks.AsSpan(index * size, size);
        }

        /// <summary>The box of instance <paramref name="index"/> in COCO's x, y, width, height form.</summary>
        public CocoBox GetBox(int index)
        {
            if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"There are {Count} instances.");
            return CocoBox.FromCorners(Boxes[4 * index], Boxes[4 * index + 1], Boxes[4 * index + 2], Boxes[4 * index + 3]);
        }
    }
}
