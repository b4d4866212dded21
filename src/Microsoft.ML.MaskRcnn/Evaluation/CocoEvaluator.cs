using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.MaskRcnn.Data;

namespace Microsoft.ML.MaskRcnn.Evaluation
{
    /// <summary>
    /// COCO evaluation of detections against ground truth, for boxes or masks, with pycocotools' COCOeval semantics:
    /// per image and category, detections ranked by score (stable) and capped at the largest maxDets are matched
    /// greedily to the best-IoU unmatched ground truth at each threshold; crowd and out-of-range objects are tried last
    /// and a match to them is ignored rather than counted; unmatched detections outside an area range are ignored
    /// in it. Precision is made monotone and read at the recall points; categories without counted ground truth give
    /// -1. See docs/data-and-evaluation.md for the definition and the few documented departures.
    /// </summary>
    public sealed class CocoEvaluator
    {
        private readonly CocoAnnotationFile groundTruth;
        private readonly CocoEvaluationParameters parameters;
        private readonly long[] imageIds;
        private readonly long[] categoryIds;
        private readonly Dictionary<long, int> imageIndex = new();
        private readonly Dictionary<long, int> categoryIndex = new();
        private readonly List<CocoAnnotation>[,] objects;  // [image, category], file order

        /// <summary>Prepares evaluation against <paramref name="groundTruth"/>.</summary>
        public CocoEvaluator(CocoAnnotationFile groundTruth, CocoIouType iouType, CocoEvaluationParameters? parameters = null)
        {
            this.groundTruth = groundTruth ?? throw new ArgumentNullException(nameof(groundTruth));
            IouType = iouType;
            this.parameters = (parameters ?? new CocoEvaluationParameters()).Normalized();
            imageIds = (this.parameters.ImageIds ?? groundTruth.Images.Select(i => i.Id).ToArray()).Distinct().OrderBy(i => i).ToArray();
            categoryIds = (this.parameters.CategoryIds ?? groundTruth.Categories.Select(c => c.Id).ToArray()).Distinct().OrderBy(i => i).ToArray();
            for (int i = 0; i < imageIds.Length; i++)
            {
                if (!groundTruth.ContainsImage(imageIds[i])) throw new ArgumentException($"Image {imageIds[i]} is not in the ground truth.", nameof(parameters));
                imageIndex[imageIds[i]] = i;
            }
            var known = groundTruth.Categories.Select(c => c.Id).ToHashSet();
            for (int k = 0; k < categoryIds.Length; k++)
            {
                if (!known.Contains(categoryIds[k])) throw new ArgumentException($"Category {categoryIds[k]} is not in the ground truth.", nameof(parameters));
                categoryIndex[categoryIds[k]] = k;
            }
            objects = new List<CocoAnnotation>[imageIds.Length, categoryIds.Length];
            foreach (long imageId in imageIds)
                foreach (var a in groundTruth.GetAnnotations(imageId))
                    if (categoryIndex.TryGetValue(a.CategoryId, out int k))
                        (objects[imageIndex[imageId], k] ??= new List<CocoAnnotation>()).Add(a);
        }

        /// <summary>Boxes or masks.</summary>
        public CocoIouType IouType { get; }

        /// <summary>Evaluates the detections of a COCO results file (see <see cref="CocoResultsFile"/>).</summary>
        public CocoEvaluationResult Evaluate(string resultsFile) => Evaluate(CocoResultsFile.Read(resultsFile));

        /// <summary>
        /// Evaluates <paramref name="detections"/>. A detection on an image that is not in the ground truth is an error (as
        /// in pycocotools' loadRes); one of a category that is not evaluated is dropped and counted in
        /// <see cref="CocoEvaluationResult.DroppedDetections"/>. Segm evaluation needs every detection's mask.
        /// </summary>
        public CocoEvaluationResult Evaluate(IEnumerable<CocoDetection> detections)
        {
            if (detections is null) throw new ArgumentNullException(nameof(detections));
            var p = parameters;
            int I = imageIds.Length, K = categoryIds.Length, A = p.AreaRanges.Length, M = p.MaxDetections.Length;
            int T = p.IouThresholds.Length, R = p.RecallThresholds.Length;

            // Group detections by (image, category), keeping their input order for ties.
            var grouped = new List<CocoDetection>?[I, K];
            int dropped = 0, position = 0;
            bool boxAreas = true;
            foreach (var d in detections)
            {
                string what = $"detection #{position} (image {d.ImageId}, category {d.CategoryId})";
                // pycocotools' loadRes reads every result the way it reads the first: with its "bbox" (area w x h,
                // whatever the IoU type) when the first has one, else from its mask (area = pixels).
                if (position == 0) boxAreas = d.HasBox;
                else if (boxAreas && !d.HasBox)
                    throw new InvalidDataException($"{what} has no box while the first detection has one; areas are taken from the boxes when the first detection has a box (as pycocotools' loadRes does), so every detection needs one.");
                else if (!boxAreas && d.Mask is null)
                    throw new InvalidDataException($"{what} has no mask while the first detection has no box; areas are then taken from the masks (as pycocotools' loadRes does), so every detection needs one.");
                position++;
                if (!groundTruth.ContainsImage(d.ImageId)) throw new InvalidDataException($"{what}: the image is not in the ground truth.");
                if (!imageIndex.TryGetValue(d.ImageId, out int i)) continue;  // an image left out by the parameters
                if (!categoryIndex.TryGetValue(d.CategoryId, out int k)) { dropped++; continue; }
                if (IouType == CocoIouType.Segm)
                {
                    var image = groundTruth.GetImage(d.ImageId);
                    if (d.Mask is null) throw new InvalidDataException($"{what}: segm evaluation needs a mask.");
                    if (d.Mask.Height != image.Height || d.Mask.Width != image.Width)
                        throw new InvalidDataException($"{what}: its mask is {d.Mask.Height}x{d.Mask.Width} but the image is {image.Height}x{image.Width}.");
                }
                (grouped[i, k] ??= new List<CocoDetection>()).Add(d);
            }

            // Per image and category: IoUs once, then matching in every area range.
            var perImage = new CocoImageEvaluation?[K, A, I];
            for (int k = 0; k < K; k++)
                for (int i = 0; i < I; i++)
                {
                    var gts = objects[i, k];
                    var dts = grouped[i, k];
                    if ((gts is null || gts.Count == 0) && (dts is null || dts.Count == 0)) continue;
                    EvaluateImage(i, gts ?? new List<CocoAnnotation>(), dts ?? new List<CocoDetection>(), boxAreas, perImage, k);
                }

            var precision = new double[T * R * K * A * M];
            var recall = new double[T * K * A * M];
            Array.Fill(precision, -1.0);
            Array.Fill(recall, -1.0);
            var cellPrecision = new double[T, R];
            var cellRecall = new double[T];
            var images = new List<CocoImageEvaluation>(I);
            for (int k = 0; k < K; k++)
                for (int a = 0; a < A; a++)
                {
                    images.Clear();
                    for (int i = 0; i < I; i++) if (perImage[k, a, i] is { } e) images.Add(e);
                    for (int m = 0; m < M; m++)
                    {
                        if (!CocoAccumulator.Accumulate(images, p.MaxDetections[m], p.IouThresholds, p.RecallThresholds, cellPrecision, cellRecall)) continue;
                        for (int t = 0; t < T; t++)
                        {
                            recall[((t * K + k) * A + a) * M + m] = cellRecall[t];
                            for (int r = 0; r < R; r++) precision[(((t * R + r) * K + k) * A + a) * M + m] = cellPrecision[t, r];
                        }
                    }
                }
            var names = categoryIds.Select(id => groundTruth.Categories.First(c => c.Id == id).Name).ToArray();
            return new CocoEvaluationResult(IouType, p, categoryIds, names, precision, recall, dropped);
        }

        private void EvaluateImage(int i, List<CocoAnnotation> gts, List<CocoDetection> dts, bool boxAreas, CocoImageEvaluation?[,,] perImage, int k)
        {
            var p = parameters;
            var image = groundTruth.GetImage(imageIds[i]);
            // Highest score first, ties in input order; only the largest maxDets take part.
            var ranked = dts.Select((d, n) => (d, n)).OrderByDescending(x => x.d.Score).ThenBy(x => x.n).Select(x => x.d)
                            .Take(p.MaxDetections[^1]).ToArray();
            int G = gts.Count, D = ranked.Length;
            var gtObjects = new EvalObject[G];
            var gtBoxes = new CocoBox[G];
            var gtMasks = IouType == CocoIouType.Segm ? new RleMask[G] : null;
            for (int g = 0; g < G; g++)
            {
                var a = gts[g];
                RleMask? mask = null;
                if (gtMasks != null)
                {
                    if (a.Segmentation is null)
                        throw new InvalidDataException($"{groundTruth.Source}: annotation {a.Id} has no segmentation, which segm evaluation needs.");
                    mask = gtMasks[g] = a.Segmentation.ToRle(image.Height, image.Width);
                }
                // The box and area as pycocotools reads them; what the file lacks is derived from the mask or the box.
                gtBoxes[g] = a.Box ?? (mask ?? a.Segmentation!.ToRle(image.Height, image.Width)).ToBoundingBox();
                double area = a.Area ?? (mask != null ? mask.Area : gtBoxes[g].Area);
                gtObjects[g] = new EvalObject(area, a.IsCrowd, 0);
            }
            var dtObjects = new EvalObject[D];
            for (int d = 0; d < D; d++)
            {
                double area = boxAreas ? ranked[d].Box.Area : ranked[d].Mask!.Area;
                dtObjects[d] = new EvalObject(area, false, ranked[d].Score);
            }
            // Segm: the masks' own boxes screen out pairs that cannot overlap (as pycocotools' rleIou does).
            var dtMaskBoxes = gtMasks != null ? ranked.Select(d => d.Mask!.ToBoundingBox()).ToArray() : null;
            var gtMaskBoxes = gtMasks?.Select(m => m.ToBoundingBox()).ToArray();
            var ious = new double[D * G];
            for (int d = 0; d < D; d++)
                for (int g = 0; g < G; g++)
                {
                    bool crowd = gtObjects[g].Crowd;
                    ious[d * G + g] = gtMasks is null
                        ? CocoIou.Box(ranked[d].Box, gtBoxes[g], crowd)
                        : CocoIou.Mask(ranked[d].Mask!, dtMaskBoxes![d], gtMasks[g], gtMaskBoxes![g], crowd);
                }
            for (int a = 0; a < p.AreaRanges.Length; a++)
                perImage[k, a, i] = CocoImageEvaluation.Match(gtObjects, dtObjects, ious, p.IouThresholds, p.AreaRanges[a].Min, p.AreaRanges[a].Max);
        }
    }
}
