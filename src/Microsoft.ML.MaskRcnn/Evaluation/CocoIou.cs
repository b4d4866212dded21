using System;
using Microsoft.ML.MaskRcnn.Data;

namespace Microsoft.ML.MaskRcnn.Evaluation
{
    /// <summary>
    /// COCO's intersection over union of a detection and a ground-truth object, for boxes (maskApi's bbIou) and masks
    /// (rleIou). Against a crowd region the denominator is the detection's own area, so a detection inside a crowd
    /// scores 1 however large the crowd is.
    /// </summary>
    public static class CocoIou
    {
        /// <summary>Box IoU: intersection / (detection area + ground-truth area - intersection), or / detection area for a crowd.</summary>
        public static double Box(CocoBox detection, CocoBox groundTruth, bool groundTruthIsCrowd)
        {
            double w = Math.Min(detection.Width + detection.X, groundTruth.Width + groundTruth.X) - Math.Max(detection.X, groundTruth.X);
            if (w <= 0) return 0;
            double h = Math.Min(detection.Height + detection.Y, groundTruth.Height + groundTruth.Y) - Math.Max(detection.Y, groundTruth.Y);
            if (h <= 0) return 0;
            double intersection = w * h;
            double detectionArea = detection.Width * detection.Height;
            double union = groundTruthIsCrowd ? detectionArea : detectionArea + groundTruth.Width * groundTruth.Height - intersection;
            return intersection / union;
        }

        /// <summary>Mask IoU, exact on the runs: pixels in both / pixels in either (or / detection pixels for a crowd); 0 without overlap.</summary>
        public static double Mask(RleMask detection, RleMask groundTruth, bool groundTruthIsCrowd)
        {
            if (detection.Height != groundTruth.Height || detection.Width != groundTruth.Width)
                throw new ArgumentException($"A {detection.Height}x{detection.Width} detection mask cannot be compared with a {groundTruth.Height}x{groundTruth.Width} ground-truth mask.");
            RleMask.IntersectionAndUnion(detection, groundTruth, out long intersection, out long union);
            if (intersection == 0) return 0;
            if (groundTruthIsCrowd) union = detection.Area;
            return (double)intersection / union;
        }

        /// <summary>
        /// Mask IoU with the masks' boxes as a first test (as pycocotools does): masks whose boxes do not overlap cannot
        /// overlap, so the runs are walked only for pairs that might.
        /// </summary>
        internal static double Mask(RleMask detection, CocoBox detectionBox, RleMask groundTruth, CocoBox groundTruthBox, bool groundTruthIsCrowd) =>
            Box(detectionBox, groundTruthBox, groundTruthIsCrowd) > 0 ? Mask(detection, groundTruth, groundTruthIsCrowd) : 0;
    }
}
