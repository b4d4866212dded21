using System.Collections.Generic;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Evaluation;

namespace Microsoft.ML.MaskRcnn.Tests.Evaluation
{
    /// <summary>Builds small ground-truth sets and detections by hand for the evaluation tests.</summary>
    internal sealed class GroundTruthBuilder
    {
        private readonly List<CocoImage> images = new();
        private readonly List<CocoCategory> categories = new();
        private readonly List<CocoAnnotation> annotations = new();

        public GroundTruthBuilder Image(long id, int width = 100, int height = 100)
        {
            images.Add(new CocoImage(id, $"{id}.png", width, height));
            return this;
        }

        public GroundTruthBuilder Category(long id, string? name = null)
        {
            categories.Add(new CocoCategory(id, name ?? $"category {id}"));
            return this;
        }

        /// <summary>A box-only object; its area is the box's unless given.</summary>
        public GroundTruthBuilder Box(long image, long category, double x, double y, double w, double h, bool crowd = false, double? area = null)
        {
            annotations.Add(new CocoAnnotation(annotations.Count + 1, image, category, null, new CocoBox(x, y, w, h), area ?? w * h, crowd));
            return this;
        }

        /// <summary>An object with a mask (its area is the mask's pixel count, its box the mask's).</summary>
        public GroundTruthBuilder Mask(long image, long category, RleMask mask, bool crowd = false)
        {
            annotations.Add(new CocoAnnotation(annotations.Count + 1, image, category, CocoSegmentation.FromRle(mask), mask.ToBoundingBox(), mask.Area, crowd));
            return this;
        }

        public CocoAnnotationFile Build() => new(images, categories, annotations, "hand-built ground truth");

        public static CocoDetection Det(long image, long category, double score, double x, double y, double w, double h) =>
            new(image, category, score, new CocoBox(x, y, w, h));

        /// <summary>A mask of rows [rowStart, rowEnd) x all columns of a height x width image.</summary>
        public static RleMask Rows(int height, int width, int rowStart, int rowEnd)
        {
            var dense = new byte[height * width];
            for (int y = rowStart; y < rowEnd; y++) for (int x = 0; x < width; x++) dense[y * width + x] = 1;
            return RleMask.Encode(dense, height, width);
        }
    }
}
