using System;
using System.Collections.Generic;

namespace Microsoft.ML.MaskRcnn.Evaluation
{
    /// <summary>
    /// COCOeval.accumulate for one (category, area range, maxDets) cell: pools the images' matches, ranks detections by
    /// score, and fills precision at the recall points and the final recall for every IoU threshold.
    /// </summary>
    internal static class CocoAccumulator
    {
        // numpy's spacing(1): keeps the precision denominator non-zero, as pycocotools does.
        private const double Epsilon = 2.220446049250313e-16;

        /// <summary>
        /// <paramref name="precision"/> receives [threshold][recall point] and <paramref name="recall"/> [threshold], or both
        /// stay untouched (COCO's -1) when no image has objects or detections or no ground truth counts.
        /// </summary>
        public static bool Accumulate(IReadOnlyList<CocoImageEvaluation> images, int maxDetections, double[] thresholds, double[] recallPoints,
                                      double[,] precision, double[] recall)
        {
            if (images.Count == 0) return false;
            int counted = 0, total = 0;
            foreach (var image in images)
            {
                counted += image.CountedGroundTruth;
                total += Math.Min(image.Scores.Length, maxDetections);
            }
            if (counted == 0) return false;

            // Pool the first maxDetections of each image and rank them by score; ties keep image order, then rank order
            // (numpy's stable mergesort on -score).
            var pooled = new (double Score, int Image, int Detection, int Position)[total];
            int n = 0;
            for (int i = 0; i < images.Count; i++)
            {
                int keep = Math.Min(images[i].Scores.Length, maxDetections);
                for (int k = 0; k < keep; k++, n++) pooled[n] = (images[i].Scores[k], i, k, n);
            }
            Array.Sort(pooled, (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Position.CompareTo(b.Position));

            var rc = new double[total];
            var pr = new double[total];
            for (int ti = 0; ti < thresholds.Length; ti++)
            {
                double tp = 0, fp = 0;
                int nd = 0;
                for (int k = 0; k < total; k++)
                {
                    var image = images[pooled[k].Image];
                    int d = image.Scores.Length, index = ti * d + pooled[k].Detection;
                    // Ignored detections keep their place in the ranking but count neither way.
                    if (!image.Ignored[index])
                    {
                        if (image.Matched[index]) tp++;
                        else fp++;
                    }
                    rc[nd] = tp / counted;
                    pr[nd] = tp / (fp + tp + Epsilon);
                    nd++;
                }
                recall[ti] = nd > 0 ? rc[nd - 1] : 0;
                // The precision envelope: the best precision at this recall or any higher one.
                for (int k = nd - 1; k > 0; k--)
                    if (pr[k] > pr[k - 1]) pr[k - 1] = pr[k];
                // Precision at each recall point: at the first rank whose recall reaches it (searchsorted, side left); 0 beyond.
                int rank = 0;
                for (int r = 0; r < recallPoints.Length; r++)
                {
                    while (rank < nd && rc[rank] < recallPoints[r]) rank++;
                    precision[ti, r] = rank < nd ? pr[rank] : 0;
                }
            }
            return true;
        }
    }
}
