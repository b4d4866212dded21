using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Modeling
{
    /// <summary>
    /// Ground truth of one image for training: boxes [N, 4] (x0, y0, x1, y1 in pixels, float), labels [N] (int64,
    /// 1..numClasses-1; 0 is background), masks [N, H, W] (uint8 0/1, the image's size). N may be 0.
    /// The target does not own the tensors it is given.
    /// </summary>
    public sealed class DetectionTarget
    {
        public DetectionTarget(Tensor boxes, Tensor labels, Tensor? masks = null)
        {
            Boxes = boxes;
            Labels = labels;
            Masks = masks;
        }

        public Tensor Boxes { get; }
        public Tensor Labels { get; }
        public Tensor? Masks { get; }
    }

    /// <summary>
    /// The detections of one image, in the original image's coordinates: boxes [K, 4] (x0, y0, x1, y1, float),
    /// labels [K] (int64), scores [K] (float, descending), and masks [K, 1, H, W]: per-pixel probabilities (float,
    /// as torchvision returns them) — threshold at 0.5 for binary masks (<see cref="BinaryMasks"/>).
    /// Disposing the result disposes its tensors.
    /// </summary>
    public sealed class Detections : IDisposable
    {
        internal Detections(Tensor boxes, Tensor labels, Tensor scores, Tensor? masks)
        {
            Boxes = boxes;
            Labels = labels;
            Scores = scores;
            Masks = masks;
        }

        public Tensor Boxes { get; }
        public Tensor Labels { get; }
        public Tensor Scores { get; }
        public Tensor? Masks { get; }

        /// <summary>The number of detections.</summary>
        public long Count => Scores.shape[0];

        /// <summary>Masks thresholded at <paramref name="threshold"/>: [K, H, W] bool (a new tensor owned by the caller).</summary>
        public Tensor BinaryMasks(double threshold = 0.5)
        {
            if (Masks is null) throw new InvalidOperationException("These detections have no masks.");
            using var squeezed = Masks.squeeze(1);
            return squeezed.gt(threshold);
        }

        public void Dispose()
        {
            Boxes.Dispose();
            Labels.Dispose();
            Scores.Dispose();
            Masks?.Dispose();
        }
    }
}
