using System;
using System.Collections.Generic;
using Microsoft.ML.MaskRcnn.Data;

namespace Microsoft.ML.MaskRcnn.Evaluation
{
    /// <summary>One detection in COCO's results format: image, category, score, box and (for segm) mask.</summary>
    public sealed class CocoDetection
    {
        /// <summary>Creates a detection with its own box. <paramref name="mask"/> is required for segm evaluation.</summary>
        public CocoDetection(long imageId, long categoryId, double score, CocoBox box, RleMask? mask = null)
            : this(imageId, categoryId, score, box, mask, hasBox: true)
        {
        }

        /// <summary>
        /// Creates a detection that has a mask and no box of its own (a results entry without "bbox"): its
        /// <see cref="Box"/> is the mask's bounding box, and its area in evaluation is the mask's (see <see cref="HasBox"/>).
        /// </summary>
        public CocoDetection(long imageId, long categoryId, double score, RleMask mask)
            : this(imageId, categoryId, score, (mask ?? throw new ArgumentNullException(nameof(mask))).ToBoundingBox(), mask, hasBox: false)
        {
        }

        private CocoDetection(long imageId, long categoryId, double score, CocoBox box, RleMask? mask, bool hasBox)
        {
            if (double.IsNaN(score)) throw new ArgumentException("A detection score cannot be NaN.", nameof(score));
            ImageId = imageId;
            CategoryId = categoryId;
            Score = score;
            Box = box;
            Mask = mask;
            HasBox = hasBox;
        }

        /// <summary>"image_id".</summary>
        public long ImageId { get; }

        /// <summary>"category_id" (the dataset's id, not the model's label).</summary>
        public long CategoryId { get; }

        /// <summary>"score".</summary>
        public double Score { get; }

        /// <summary>"bbox" [x, y, width, height].</summary>
        public CocoBox Box { get; }

        /// <summary>"segmentation" as a run-length mask, or null.</summary>
        public RleMask? Mask { get; }

        /// <summary>
        /// True when the detection carries its own "bbox"; false when <see cref="Box"/> was derived from the mask. Like
        /// pycocotools' loadRes, the evaluator takes every detection's area from its box when the first detection has
        /// one, and from its mask otherwise; the area decides which area ranges (small, medium, large) a detection counts in.
        /// </summary>
        public bool HasBox { get; }

        /// <summary>
        /// Converts a model's output for one image: boxes x0, y0, x1, y1 (N x 4), labels 1..K (mapped back to category ids
        /// with <paramref name="categories"/>), scores, and optionally binary masks (N x H x W bytes, non-zero = inside).
        /// </summary>
        public static List<CocoDetection> FromInstances(long imageId, CategoryMap categories, float[] boxes, int[] labels, float[] scores,
                                                        byte[]? masks = null, int height = 0, int width = 0)
        {
            if (categories is null) throw new ArgumentNullException(nameof(categories));
            int n = labels.Length;
            if (boxes.Length != 4 * n || scores.Length != n) throw new ArgumentException($"{n} labels need {4 * n} box values and {n} scores.");
            if (masks != null && masks.LongLength != (long)n * height * width)
                throw new ArgumentException($"{n} masks of {height}x{width} need {(long)n * height * width} bytes, not {masks.LongLength}.", nameof(masks));
            var result = new List<CocoDetection>(n);
            for (int i = 0; i < n; i++)
            {
                var box = CocoBox.FromCorners(boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3]);
                RleMask? mask = masks is null ? null : RleMask.Encode(masks.AsSpan(i * height * width, height * width), height, width);
                result.Add(new CocoDetection(imageId, categories.ToCategoryId(labels[i]), scores[i], box, mask));
            }
            return result;
        }
    }
}
