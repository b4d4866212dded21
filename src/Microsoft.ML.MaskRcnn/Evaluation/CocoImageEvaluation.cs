using System;
using Microsoft.ML.MaskRcnn.Data;

namespace Microsoft.ML.MaskRcnn.Evaluation
{
    /// <summary>A ground-truth object or a detection as the matcher sees it.</summary>
    internal readonly record struct EvalObject(double Area, bool Crowd, double Score);

    /// <summary>
    /// The outcome of matching one image's detections of one category to its ground truth in one area range
    /// (COCOeval.evaluateImg): per IoU threshold, which detections matched and which are ignored.
    /// </summary>
    internal sealed class CocoImageEvaluation
    {
        public CocoImageEvaluation(double[] scores, bool[] matched, bool[] ignored, int countedGroundTruth)
        {
            Scores = scores;
            Matched = matched;
            Ignored = ignored;
            CountedGroundTruth = countedGroundTruth;
        }

        /// <summary>Detection scores, highest first (at most the largest maxDets).</summary>
        public double[] Scores { get; }

        /// <summary>[threshold, detection]: matched to some ground truth.</summary>
        public bool[] Matched { get; }

        /// <summary>[threshold, detection]: neither a true nor a false positive.</summary>
        public bool[] Ignored { get; }

        /// <summary>Ground-truth objects that count (not crowd, area in range): the recall denominator.</summary>
        public int CountedGroundTruth { get; }

        /// <summary>
        /// Matches detections (sorted by score, highest first) to ground truth for one area range [minArea, maxArea].
        /// <paramref name="ious"/>[d * G + g] is the IoU of detection d and ground truth g (both in their given order).
        /// </summary>
        public static CocoImageEvaluation Match(EvalObject[] groundTruth, EvalObject[] detections, double[] ious, double[] thresholds,
                                                double minArea, double maxArea)
        {
            int g = groundTruth.Length, d = detections.Length, t = thresholds.Length;
            // Ground truth that is a crowd or outside the area range is ignored, and tried only after every counted one.
            var ignoredGt = new bool[g];
            int counted = 0;
            for (int j = 0; j < g; j++)
            {
                ignoredGt[j] = groundTruth[j].Crowd || groundTruth[j].Area < minArea || groundTruth[j].Area > maxArea;
                if (!ignoredGt[j]) counted++;
            }
            var order = new int[g];
            int next = 0;
            for (int j = 0; j < g; j++) if (!ignoredGt[j]) order[next++] = j;
            for (int j = 0; j < g; j++) if (ignoredGt[j]) order[next++] = j;

            var matched = new bool[t * d];
            var ignored = new bool[t * d];
            var taken = new bool[g];
            for (int ti = 0; ti < t; ti++)
            {
                Array.Clear(taken);
                for (int di = 0; di < d; di++)
                {
                    double best = Math.Min(thresholds[ti], 1 - 1e-10);
                    int match = -1;
                    for (int oi = 0; oi < g; oi++)
                    {
                        int gi = order[oi];
                        if (taken[gi] && !groundTruth[gi].Crowd) continue;  // a crowd region can absorb many detections
                        if (match >= 0 && !ignoredGt[match] && ignoredGt[gi]) break;  // a counted match beats any ignored one
                        double iou = ious[di * g + gi];
                        if (iou < best) continue;
                        best = iou;
                        match = gi;
                    }
                    if (match < 0) continue;
                    matched[ti * d + di] = true;
                    ignored[ti * d + di] = ignoredGt[match];
                    taken[match] = true;
                }
                // An unmatched detection outside the area range is not a false positive of this range.
                for (int di = 0; di < d; di++)
                    if (!matched[ti * d + di] && (detections[di].Area < minArea || detections[di].Area > maxArea))
                        ignored[ti * d + di] = true;
            }
            var scores = new double[d];
            for (int di = 0; di < d; di++) scores[di] = detections[di].Score;
            return new CocoImageEvaluation(scores, matched, ignored, counted);
        }
    }
}
