using System;
using System.Collections.Generic;

namespace Microsoft.ML.MaskRcnn.Data
{
    /// <summary>An entry of a COCO file's "images" array.</summary>
    public sealed class CocoImage
    {
        /// <summary>Creates an image entry.</summary>
        public CocoImage(long id, string fileName, int width, int height)
        {
            Id = id;
            FileName = fileName ?? throw new ArgumentNullException(nameof(fileName));
            Width = width;
            Height = height;
        }

        /// <summary>"id".</summary>
        public long Id { get; }

        /// <summary>"file_name", relative to the image folder.</summary>
        public string FileName { get; }

        /// <summary>"width" in pixels.</summary>
        public int Width { get; }

        /// <summary>"height" in pixels.</summary>
        public int Height { get; }
    }

    /// <summary>An entry of a COCO file's "categories" array.</summary>
    public sealed class CocoCategory
    {
        /// <summary>Creates a category entry.</summary>
        public CocoCategory(long id, string name, string? supercategory = null)
        {
            Id = id;
            Name = name ?? throw new ArgumentNullException(nameof(name));
            Supercategory = supercategory;
        }

        /// <summary>"id" (any integers: they need not start at 1 or be contiguous).</summary>
        public long Id { get; }

        /// <summary>"name".</summary>
        public string Name { get; }

        /// <summary>"supercategory", if given.</summary>
        public string? Supercategory { get; }
    }

    /// <summary>
    /// An annotation's "segmentation": polygons (each a flat x0, y0, x1, y1, ... list, parts of one object) or a
    /// run-length mask (COCO's compressed or uncompressed RLE, both held as an <see cref="RleMask"/>).
    /// </summary>
    public sealed class CocoSegmentation
    {
        private CocoSegmentation(IReadOnlyList<double[]>? polygons, RleMask? rle)
        {
            Polygons = polygons;
            Rle = rle;
        }

        /// <summary>The polygons, or null for an RLE segmentation.</summary>
        public IReadOnlyList<double[]>? Polygons { get; }

        /// <summary>The run-length mask, or null for polygons.</summary>
        public RleMask? Rle { get; }

        /// <summary>A polygon segmentation.</summary>
        public static CocoSegmentation FromPolygons(IReadOnlyList<double[]> polygons) =>
            new(polygons ?? throw new ArgumentNullException(nameof(polygons)), null);

        /// <summary>A run-length segmentation.</summary>
        public static CocoSegmentation FromRle(RleMask rle) => new(null, rle ?? throw new ArgumentNullException(nameof(rle)));

        /// <summary>
        /// The mask on a <paramref name="height"/> x <paramref name="width"/> image: polygons rasterised as pycocotools does
        /// (parts with fewer than 3 points contribute nothing) and merged; an RLE as it is.
        /// </summary>
        public RleMask ToRle(int height, int width)
        {
            if (Rle != null)
            {
                if (Rle.Height != height || Rle.Width != width)
                    throw new InvalidOperationException($"The RLE is {Rle.Height}x{Rle.Width}, not {height}x{width}.");
                return Rle;
            }
            var parts = new List<double[]>(Polygons!.Count);
            foreach (var polygon in Polygons) if (polygon.Length >= 6) parts.Add(polygon);
            return PolygonRasterizer.Rasterize(parts, height, width);
        }
    }

    /// <summary>An entry of a COCO file's "annotations" array, as written (no clipping or repair).</summary>
    public sealed class CocoAnnotation
    {
        /// <summary>Creates an annotation entry.</summary>
        public CocoAnnotation(long id, long imageId, long categoryId, CocoSegmentation? segmentation, CocoBox? box, double? area, bool isCrowd)
        {
            Id = id;
            ImageId = imageId;
            CategoryId = categoryId;
            Segmentation = segmentation;
            Box = box;
            Area = area;
            IsCrowd = isCrowd;
        }

        /// <summary>"id".</summary>
        public long Id { get; }

        /// <summary>"image_id".</summary>
        public long ImageId { get; }

        /// <summary>"category_id".</summary>
        public long CategoryId { get; }

        /// <summary>"segmentation", or null when absent or an empty list.</summary>
        public CocoSegmentation? Segmentation { get; }

        /// <summary>"bbox" [x, y, width, height], or null when absent.</summary>
        public CocoBox? Box { get; }

        /// <summary>"area", or null when absent.</summary>
        public double? Area { get; }

        /// <summary>"iscrowd" (absent: false).</summary>
        public bool IsCrowd { get; }
    }
}
