using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Microsoft.ML.MaskRcnn.Data
{
    /// <summary>
    /// A COCO instances file ("images", "annotations", "categories"), parsed and cross-checked but not repaired: what
    /// <see cref="CocoDataset"/> trains on and what COCO evaluation takes as ground truth. Structural faults are errors
    /// (<see cref="InvalidDataException"/> naming the file and the annotation, image or category id): a missing or
    /// mistyped field, duplicate ids, an annotation naming an unknown image or category, a polygon with an odd number
    /// of coordinates, an RLE whose size is not its image's, a negative box size.
    /// </summary>
    public sealed class CocoAnnotationFile
    {
        private readonly Dictionary<long, CocoImage> imagesById;
        private readonly Dictionary<long, List<CocoAnnotation>> annotationsByImage;

        /// <summary>Builds and cross-checks a file's content; <paramref name="source"/> names it in errors.</summary>
        public CocoAnnotationFile(IEnumerable<CocoImage> images, IEnumerable<CocoCategory> categories, IEnumerable<CocoAnnotation> annotations, string source = "COCO annotations")
        {
            Source = source;
            Images = images.ToList();
            Categories = categories.ToList();
            Annotations = annotations.ToList();
            imagesById = new Dictionary<long, CocoImage>(Images.Count);
            foreach (var image in Images)
                if (!imagesById.TryAdd(image.Id, image)) throw new InvalidDataException($"{source}: image id {image.Id} appears twice.");
            var categoryIds = new HashSet<long>();
            foreach (var category in Categories)
                if (!categoryIds.Add(category.Id)) throw new InvalidDataException($"{source}: category id {category.Id} appears twice.");
            var annotationIds = new HashSet<long>();
            annotationsByImage = new Dictionary<long, List<CocoAnnotation>>();
            foreach (var a in Annotations)
            {
                string what = $"{source}: annotation {a.Id}";
                if (!annotationIds.Add(a.Id)) throw new InvalidDataException($"{what}: the id appears twice.");
                if (!imagesById.TryGetValue(a.ImageId, out var image)) throw new InvalidDataException($"{what}: \"image_id\" {a.ImageId} names no image.");
                if (!categoryIds.Contains(a.CategoryId)) throw new InvalidDataException($"{what}: \"category_id\" {a.CategoryId} names no category.");
                if (a.Segmentation?.Rle is RleMask rle && (rle.Height != image.Height || rle.Width != image.Width))
                    throw new InvalidDataException($"{what}: its RLE is {rle.Height}x{rle.Width} but image {image.Id} is {image.Height}x{image.Width}.");
                if (a.Segmentation?.Polygons is { } polygons && polygons.Any(p => p.Length % 2 != 0))
                    throw new InvalidDataException($"{what}: a polygon has an odd number of coordinates.");
                if (!annotationsByImage.TryGetValue(a.ImageId, out var list)) annotationsByImage[a.ImageId] = list = new List<CocoAnnotation>();
                list.Add(a);
            }
            CategoryMap = new CategoryMap(Categories.Select(c => (c.Id, c.Name)));
        }

        /// <summary>The file (or description) the content came from.</summary>
        public string Source { get; }

        /// <summary>"images", in file order.</summary>
        public IReadOnlyList<CocoImage> Images { get; }

        /// <summary>"categories", in file order.</summary>
        public IReadOnlyList<CocoCategory> Categories { get; }

        /// <summary>"annotations", in file order.</summary>
        public IReadOnlyList<CocoAnnotation> Annotations { get; }

        /// <summary>Category ids mapped to contiguous labels 1..K in ascending id order.</summary>
        public CategoryMap CategoryMap { get; }

        /// <summary>Reads and checks the COCO instances file at <paramref name="path"/>.</summary>
        public static CocoAnnotationFile Load(string path)
        {
            if (path is null) throw new ArgumentNullException(nameof(path));
            if (!File.Exists(path)) throw new FileNotFoundException($"The COCO annotation file '{path}' does not exist.", path);
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
            return Load(stream, path);
        }

        /// <summary>
        /// Reads and checks COCO JSON (UTF-8) from <paramref name="utf8Json"/> to its end; <paramref name="source"/> names it
        /// in errors. The text is streamed, never held whole: memory is what the file describes (images, categories,
        /// annotations with their polygons or runs), and a file that claims more (an annotation of more than 2^22 numbers,
        /// a string over 64 MB, nesting deeper than 64) is refused as it is reached.
        /// </summary>
        public static CocoAnnotationFile Load(Stream utf8Json, string source = "COCO JSON")
        {
            ArgumentNullException.ThrowIfNull(utf8Json);
            var (images, categories, annotations) = CocoJsonReader.Read(utf8Json, source);
            return new CocoAnnotationFile(images, categories, annotations, source);
        }

        /// <summary>Parses COCO JSON held in memory (UTF-8); <paramref name="source"/> names it in errors.</summary>
        public static CocoAnnotationFile Parse(byte[] utf8Json, string source = "COCO JSON")
        {
            ArgumentNullException.ThrowIfNull(utf8Json);
            return Load(new MemoryStream(utf8Json, writable: false), source);
        }

        /// <summary>The image with id <paramref name="imageId"/>.</summary>
        public CocoImage GetImage(long imageId) =>
            imagesById.TryGetValue(imageId, out var image) ? image : throw new KeyNotFoundException($"{Source}: there is no image {imageId}.");

        /// <summary>True when an image has id <paramref name="imageId"/>.</summary>
        public bool ContainsImage(long imageId) => imagesById.ContainsKey(imageId);

        /// <summary>The annotations of one image, in file order (empty when it has none).</summary>
        public IReadOnlyList<CocoAnnotation> GetAnnotations(long imageId) =>
            annotationsByImage.TryGetValue(imageId, out var list) ? list : Array.Empty<CocoAnnotation>();
    }
}
