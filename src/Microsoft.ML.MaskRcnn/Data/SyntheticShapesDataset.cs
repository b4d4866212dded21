using System;
using System.Collections.Generic;
using Microsoft.ML.MaskRcnn.Imaging;

namespace Microsoft.ML.MaskRcnn.Data
{
    /// <summary>Settings of <see cref="SyntheticShapesDataset"/>.</summary>
    public sealed class SyntheticShapesOptions
    {
        /// <summary>Image width in pixels.</summary>
        public int Width { get; set; } = 160;

        /// <summary>Image height in pixels.</summary>
        public int Height { get; set; } = 128;

        /// <summary>Fewest shapes per image (0 allows empty images).</summary>
        public int MinShapes { get; set; } = 1;

        /// <summary>Most shapes per image.</summary>
        public int MaxShapes { get; set; } = 4;

        /// <summary>Smallest shape size (diameter or side) in pixels.</summary>
        public int MinShapeSize { get; set; } = 18;

        /// <summary>Largest shape size in pixels.</summary>
        public int MaxShapeSize { get; set; } = 56;

        /// <summary>Smallest visible fraction of a shape partly hidden by shapes drawn after it.</summary>
        public double MinVisibleFraction { get; set; } = 0.6;

        internal void Validate()
        {
            if (Width < 32 || Height < 32) throw new ArgumentException($"SyntheticShapesOptions: the image must be at least 32x32, got {Width}x{Height}.");
            if (MinShapes < 0 || MaxShapes < MinShapes) throw new ArgumentException($"SyntheticShapesOptions: need 0 <= MinShapes ({MinShapes}) <= MaxShapes ({MaxShapes}).");
            if (MinShapeSize < 4 || MaxShapeSize < MinShapeSize || MaxShapeSize > Math.Min(Width, Height))
                throw new ArgumentException($"SyntheticShapesOptions: need 4 <= MinShapeSize ({MinShapeSize}) <= MaxShapeSize ({MaxShapeSize}) <= the image's smaller side.");
            if (MinVisibleFraction is <= 0 or > 1) throw new ArgumentException($"SyntheticShapesOptions: MinVisibleFraction must be in (0, 1], got {MinVisibleFraction}.");
        }
    }

    /// <summary>
    /// The product's own dataset, generated on demand: images of circles, squares and triangles (labels 1, 2, 3) of
    /// random sizes, rotations, colours and textures, overlapping, on varied backgrounds, with exact instance masks
    /// (a pixel belongs to a shape when its centre is inside; occluded parts belong to the shape in front).
    /// Image i depends only on (seed, i), so the dataset is deterministic, lazy and needs no files.
    /// </summary>
    public sealed class SyntheticShapesDataset : InstanceSegmentationDataset
    {
        /// <summary>The three shape classes, in label order 1..3.</summary>
        public static readonly IReadOnlyList<string> ClassNames = new[] { "circle", "square", "triangle" };

        private static readonly CategoryMap categories = new(new[] { (1L, "circle"), (2L, "square"), (3L, "triangle") });

        private readonly int count;
        private readonly ulong seed;
        private readonly SyntheticShapesOptions options;

        /// <summary>A dataset of <paramref name="count"/> images drawn from <paramref name="seed"/>.</summary>
        public SyntheticShapesDataset(int count, int seed, SyntheticShapesOptions? options = null)
        {
            if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "must not be negative");
            this.count = count;
            this.seed = (ulong)seed;
            this.options = options ?? new SyntheticShapesOptions();
            this.options.Validate();
        }

        public override int Count => count;

        public override CategoryMap Categories => categories;

        public override IReadOnlyList<string> Warnings => Array.Empty<string>();

        public override ImageDescriptor GetDescriptor(int index)
        {
            Check(index);
            return new ImageDescriptor(index, $"synthetic://shapes/{seed}/{index}", options.Width, options.Height);
        }

        public override ImageBuffer LoadImage(int index) => Render(index).image;

        public override InstanceAnnotations LoadAnnotations(int index) => Render(index).annotations;

        public override InstanceSegmentationSample Load(int index)
        {
            var (image, annotations) = Render(index);
            return new InstanceSegmentationSample(GetDescriptor(index), image, annotations);
        }

        private void Check(int index)
        {
            if ((uint)index >= (uint)count) throw new ArgumentOutOfRangeException(nameof(index), index, $"The dataset has {count} images.");
        }

        private (ImageBuffer image, InstanceAnnotations annotations) Render(int index)
        {
            Check(index);
            var random = new ShapeRandom(seed, (ulong)index);
            int w = options.Width, h = options.Height;
            var canvas = new byte[w * h * 3];
            var background = Texture.Random(random);
            background.Paint(canvas, w, h, null);

            var owner = new int[w * h];           // which shape (1-based) owns each pixel; 0 = background
            var shapes = new List<Shape>();
            int wanted = random.Next(options.MinShapes, options.MaxShapes + 1);
            for (int attempt = 0; shapes.Count < wanted && attempt < 50 * Math.Max(wanted, 1); attempt++)
            {
                var shape = Shape.Random(random, w, h, options.MinShapeSize, options.MaxShapeSize, shapes.Count + 1);
                var inside = shape.Rasterize(w, h);
                if (!LeavesEarlierShapesVisible(owner, inside, shapes)) continue;
                foreach (var p in inside) owner[p] = shape.Id;
                shape.Texture = Texture.RandomContrasting(random, background);
                shapes.Add(shape);
            }

            var boxes = new float[shapes.Count * 4];
            var labels = new int[shapes.Count];
            var areas = new double[shapes.Count];
            var masks = new byte[(long)shapes.Count * w * h];
            for (int s = 0; s < shapes.Count; s++)
            {
                int id = shapes[s].Id;
                int x0 = w, y0 = h, x1 = -1, y1 = -1, area = 0;
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++)
                    {
                        if (owner[y * w + x] != id) continue;
                        masks[(long)s * w * h + y * w + x] = 1;
                        area++;
                        x0 = Math.Min(x0, x); x1 = Math.Max(x1, x);
                        y0 = Math.Min(y0, y); y1 = Math.Max(y1, y);
                    }
                // Boxes enclose the visible pixels (x1, y1 exclusive), as COCO and torchvision expect.
                boxes[4 * s] = x0; boxes[4 * s + 1] = y0; boxes[4 * s + 2] = x1 + 1; boxes[4 * s + 3] = y1 + 1;
                labels[s] = (int)shapes[s].Kind;
                areas[s] = area;
                shapes[s].Texture!.Paint(canvas, w, h, i => owner[i] == id);
            }
            var ids = new long[shapes.Count];
            for (int s = 0; s < shapes.Count; s++) ids[s] = (long)index * 100 + s + 1;
            var annotations = new InstanceAnnotations(h, w, boxes, labels, new bool[shapes.Count], ids, areas, masks);
            return (new ImageBuffer(canvas, w, h, 3), annotations);
        }

        // A new shape may cover earlier ones only partly: each must keep MinVisibleFraction of its pixels.
        private bool LeavesEarlierShapesVisible(int[] owner, List<int> newPixels, List<Shape> earlier)
        {
            if (newPixels.Count < 16) return false;
            var covered = new Dictionary<int, int>();
            foreach (var p in newPixels)
                if (owner[p] != 0) covered[owner[p]] = covered.TryGetValue(owner[p], out var c) ? c + 1 : 1;
            foreach (var shape in earlier)
            {
                if (!covered.TryGetValue(shape.Id, out var hidden)) continue;
                int visible = 0;
                foreach (var o in owner) if (o == shape.Id) visible++;
                if (visible - hidden < options.MinVisibleFraction * shape.FullArea) return false;
            }
            return true;
        }
    }
}
