using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.ML.MaskRcnn.Imaging;

namespace Microsoft.ML.MaskRcnn.Data
{
    /// <summary>
    /// A COCO instances dataset: a JSON file (see <see cref="CocoAnnotationFile"/>) and a folder of images. The JSON is
    /// parsed and checked once; images are decoded and polygons rasterised only when a sample is loaded. Category ids
    /// become labels 1..K in ascending id order. Recoverable problems are repaired or skipped with a warning when the
    /// dataset is built (or are errors with <see cref="DatasetOptions.Strict"/>): polygon parts with fewer than 3
    /// points are dropped; annotations without a usable mask are skipped; boxes reaching outside the image are clipped
    /// and skipped when nothing is left.
    /// </summary>
    public sealed class CocoDataset : InstanceSegmentationDataset
    {
        private readonly string imageFolder;
        private readonly CocoDatasetOptions options;
        private readonly List<string> warnings = new();
        private readonly CocoImage[] images;
        private readonly UsableAnnotation[][] annotations;

        /// <summary>Reads <paramref name="annotationFile"/>; image file names are relative to <paramref name="imageFolder"/>.</summary>
        public CocoDataset(string annotationFile, string imageFolder, CocoDatasetOptions? options = null)
            : this(CocoAnnotationFile.Load(annotationFile), imageFolder, options)
        {
        }

        /// <summary>Uses an already parsed file.</summary>
        public CocoDataset(CocoAnnotationFile file, string imageFolder, CocoDatasetOptions? options = null)
        {
            File = file ?? throw new ArgumentNullException(nameof(file));
            this.imageFolder = imageFolder ?? throw new ArgumentNullException(nameof(imageFolder));
            this.options = options ?? new CocoDatasetOptions();
            var keptImages = new List<CocoImage>();
            var keptAnnotations = new List<UsableAnnotation[]>();
            foreach (var image in file.Images)
            {
                var usable = new List<UsableAnnotation>();
                foreach (var annotation in file.GetAnnotations(image.Id))
                    if (Check(annotation, image) is { } u) usable.Add(u);
                if (usable.Count == 0 && !this.options.IncludeImagesWithoutAnnotations) continue;
                keptImages.Add(image);
                keptAnnotations.Add(usable.ToArray());
            }
            images = keptImages.ToArray();
            annotations = keptAnnotations.ToArray();
        }

        /// <summary>The parsed annotation file (unrepaired: what COCO evaluation should use as ground truth).</summary>
        public CocoAnnotationFile File { get; }

        /// <inheritdoc/>
        public override int Count => images.Length;

        /// <inheritdoc/>
        public override CategoryMap Categories => File.CategoryMap;

        /// <inheritdoc/>
        public override IReadOnlyList<string> Warnings => warnings;

        /// <inheritdoc/>
        protected override ImageDecodeOptions ImageOptions => options.ImageDecodeOptions;

        /// <inheritdoc/>
        public override ImageDescriptor GetDescriptor(int index)
        {
            CheckIndex(index);
            var image = images[index];
            return new ImageDescriptor(image.Id, Path.Combine(imageFolder, image.FileName), image.Width, image.Height);
        }

        /// <inheritdoc/>
        public override InstanceAnnotations LoadAnnotations(int index)
        {
            CheckIndex(index);
            var image = images[index];
            var usable = annotations[index];
            int n = usable.Length, h = image.Height, w = image.Width;
            // The sizes come from the JSON: check them before allocating one mask per instance.
            long pixels = (long)h * w, maxPixels = ImageOptions.MaxPixels;
            if (maxPixels > 0 && pixels > maxPixels)
                throw new InvalidDataException($"{File.Source}: image {image.Id} is {w}x{h} = {pixels} pixels, more than the limit of {maxPixels}; its masks are not decoded (raise DatasetOptions.MaxPixels if the image is genuine).");
            if (pixels * n > Array.MaxLength)
                throw new InvalidDataException($"{File.Source}: image {image.Id} has {n} instances of {w}x{h} pixels: their masks would take {pixels * n} bytes, more than one array holds.");
            var boxes = new float[4 * n];
            var labels = new int[n];
            var crowd = new bool[n];
            var ids = new long[n];
            var areas = new double[n];
            var masks = new byte[(long)n * h * w];
            for (int i = 0; i < n; i++)
            {
                var u = usable[i];
                var rle = u.Rle ?? PolygonRasterizer.Rasterize(u.Polygons!, h, w);
                rle.Decode(masks.AsSpan((int)(i * pixels), (int)pixels));
                var box = u.Box ?? rle.ToBoundingBox();
                boxes[4 * i] = (float)box.X;
                boxes[4 * i + 1] = (float)box.Y;
                boxes[4 * i + 2] = (float)box.Right;
                boxes[4 * i + 3] = (float)box.Bottom;
                labels[i] = File.CategoryMap.ToLabel(u.Annotation.CategoryId);
                crowd[i] = u.Annotation.IsCrowd;
                ids[i] = u.Annotation.Id;
                areas[i] = u.Annotation.Area ?? rle.Area;
            }
            return new InstanceAnnotations(h, w, boxes, labels, crowd, ids, areas, masks);
        }

        // Applies the recoverable-problem rules to one annotation: null when it is skipped.
        private UsableAnnotation? Check(CocoAnnotation a, CocoImage image)
        {
            string what = $"{File.Source}: annotation {a.Id} (image {image.Id})";
            if (a.IsCrowd && !options.IncludeCrowd) return null;
            IReadOnlyList<double[]>? polygons = null;
            RleMask? rle = a.Segmentation?.Rle;
            if (a.Segmentation?.Polygons is { } parts)
            {
                var kept = new List<double[]>(parts.Count);
                for (int p = 0; p < parts.Count; p++)
                {
                    if (parts[p].Length >= 6) kept.Add(parts[p]);
                    else options.Report(warnings, $"{what}: polygon {p} has {parts[p].Length / 2} point(s), fewer than 3; it is dropped.");
                }
                polygons = kept;
            }
            if (rle is null && (polygons is null || polygons.Count == 0))
            {
                options.Report(warnings, $"{what}: it has no usable segmentation (Mask R-CNN needs a mask); it is skipped.");
                return null;
            }
            CocoBox? box = null;
            if (a.Box is CocoBox b)
            {
                double x0 = Math.Clamp(b.X, 0, image.Width), y0 = Math.Clamp(b.Y, 0, image.Height);
                double x1 = Math.Clamp(b.Right, 0, image.Width), y1 = Math.Clamp(b.Bottom, 0, image.Height);
                double overshoot = Math.Max(Math.Max(x0 - b.X, y0 - b.Y), Math.Max(b.Right - x1, b.Bottom - y1));
                if (x1 - x0 <= 0 || y1 - y0 <= 0)
                {
                    options.Report(warnings, $"{what}: its box {b} is empty or outside the {image.Width}x{image.Height} image; it is skipped.");
                    return null;
                }
                if (overshoot > options.BoxTolerance)
                    options.Report(warnings, $"{what}: its box {b} reaches {overshoot:0.##} px outside the {image.Width}x{image.Height} image; it is clipped.");
                box = CocoBox.FromCorners(x0, y0, x1, y1);
            }
            return new UsableAnnotation(a, box, polygons, rle);
        }

        private sealed record UsableAnnotation(CocoAnnotation Annotation, CocoBox? Box, IReadOnlyList<double[]>? Polygons, RleMask? Rle);
    }
}
