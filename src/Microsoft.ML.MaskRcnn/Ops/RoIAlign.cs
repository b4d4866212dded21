using System;
using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Ops
{
    /// <summary>RoIAlign's parameters, as the kernels of both implementations take them.</summary>
    internal readonly record struct RoIAlignParameters(double SpatialScale, long PooledHeight, long PooledWidth, long SamplingRatio, bool Aligned);

    public static partial class DetectionOps
    {
        /// <summary>
        /// RoIAlign (Mask R-CNN, section 3): average of bilinearly interpolated samples in each output bin, with no
        /// rounding of box coordinates. Differentiable with respect to <paramref name="input"/> (boxes are constants, as
        /// in torchvision). Matches torchvision.ops.roi_align.
        /// </summary>
        /// <remarks>
        /// CPU tensors run the native multi-threaded kernels of libMaskRcnnOps.so, whose backward is a TorchSharp custom
        /// autograd function; tensors on another device (CUDA), or any tensor when the library cannot be loaded, run an
        /// implementation in ordinary tensor operations (RoIAlignTensorOps) with the same sampling rules.
        /// </remarks>
        /// <param name="input">[N, C, H, W] feature maps, float32 or float64.</param>
        /// <param name="boxes">[K, 5] rows (batch index, x1, y1, x2, y2) in image coordinates, dtype and device of <paramref name="input"/>.</param>
        /// <param name="output_size">Output height and width (bins per RoI).</param>
        /// <param name="spatial_scale">Multiplies box coordinates into feature-map coordinates (1/stride).</param>
        /// <param name="sampling_ratio">Samples per bin along each axis; &lt;= 0 means adaptive: ceil(RoI size / output size).</param>
        /// <param name="aligned">True shifts boxes by -0.5 pixel so that a box edge falls on pixel boundaries (Detectron2);
        /// false is the original behaviour, which also enlarges boxes smaller than one pixel to 1x1.</param>
        /// <returns>[K, C, output height, output width].</returns>
        public static Tensor roi_align(Tensor input, Tensor boxes, (long height, long width) output_size, double spatial_scale = 1.0,
                                       long sampling_ratio = -1, bool aligned = false)
        {
            ArgumentChecks.NotNull(input, nameof(input));
            var inputShape = input.Sizes();
            if (inputShape.Length != 4)
                throw new ArgumentException($"{nameof(input)} must have shape [N, C, H, W], got {ArgumentChecks.Format(inputShape)}.", nameof(input));
            ArgumentChecks.Float32Or64(input, nameof(input));
            ArgumentChecks.NotNull(boxes, nameof(boxes));
            var boxesShape = boxes.Sizes();
            if (boxesShape.Length != 2 || boxesShape[1] != 5)
                throw new ArgumentException(
                    $"{nameof(boxes)} must have shape [K, 5] (batch index, x1, y1, x2, y2), got {ArgumentChecks.Format(boxesShape)}; " +
                    "pass a list of [L, 4] tensors for per-image boxes.", nameof(boxes));
            if (boxes.dtype != input.dtype)
                throw new ArgumentException($"{nameof(boxes)} must have the dtype of input ({input.dtype}), got {boxes.dtype}.", nameof(boxes));
            if (!ArgumentChecks.SameDevice(boxes, input))
                throw new ArgumentException($"{nameof(boxes)} must be on the device of input ({input.device}), got {boxes.device}.", nameof(boxes));
            if (output_size.height <= 0 || output_size.width <= 0)
                throw new ArgumentOutOfRangeException(nameof(output_size), $"The output size must be positive, got {output_size}.");
            if (!(spatial_scale > 0) || double.IsInfinity(spatial_scale))
                throw new ArgumentOutOfRangeException(nameof(spatial_scale), $"The spatial scale must be positive and finite, got {spatial_scale}.");
            if (inputShape[2] * inputShape[3] >= int.MaxValue)
                throw new ArgumentException($"{nameof(input)} planes of 2^31 elements or more are not supported, got {ArgumentChecks.Format(inputShape)}.", nameof(input));
            var p = new RoIAlignParameters(spatial_scale, output_size.height, output_size.width, sampling_ratio, aligned);
            using var scope = NewDisposeScope();
            // The native kernels check the batch indices themselves (a bad one would read foreign memory).
            var result = UsesNativeKernels(input)
                ? RoIAlignNative.Apply(input, boxes, p)
                : RoIAlignTensorOps.Apply(input, boxes, p);
            return result.MoveToOuterDisposeScope();
        }

        /// <summary>RoIAlign with a square output (see the [K, 5] overload).</summary>
        public static Tensor roi_align(Tensor input, Tensor boxes, long output_size, double spatial_scale = 1.0, long sampling_ratio = -1,
                                       bool aligned = false) =>
            roi_align(input, boxes, (output_size, output_size), spatial_scale, sampling_ratio, aligned);

        /// <summary>RoIAlign with boxes given per image: <paramref name="boxes"/>[i] is [L_i, 4] for image i of the batch.</summary>
        public static Tensor roi_align(Tensor input, IList<Tensor> boxes, (long height, long width) output_size, double spatial_scale = 1.0,
                                       long sampling_ratio = -1, bool aligned = false)
        {
            using var scope = NewDisposeScope();
            var rois = BoxesToRois(boxes, nameof(boxes));
            return roi_align(input, rois, output_size, spatial_scale, sampling_ratio, aligned).MoveToOuterDisposeScope();
        }

        /// <summary>RoIAlign with boxes given per image and a square output.</summary>
        public static Tensor roi_align(Tensor input, IList<Tensor> boxes, long output_size, double spatial_scale = 1.0, long sampling_ratio = -1,
                                       bool aligned = false) =>
            roi_align(input, boxes, (output_size, output_size), spatial_scale, sampling_ratio, aligned);

        /// <summary>Throws unless every boxes[:, 0] lies in [0, images) (NaN does not).</summary>
        internal static void CheckBatchIndices(Tensor rois, long images)
        {
            if (rois.Sizes()[0] == 0) return;
            using var scope = NewDisposeScope();
            var batch = rois.select(1, 0);
            using Scalar zero = 0.0.ToScalar(), end = ((double)images).ToScalar();
            bool inRange = batch.ge(zero).logical_and(batch.lt(end)).all().item<bool>();
            if (!inRange)
                throw new ArgumentException($"roi_align: boxes[:, 0] (batch index) must lie in [0, {images - 1}].", "boxes");
        }

        /// <summary>Per-image boxes [L_i, 4] to rows (i, x1, y1, x2, y2) [sum L_i, 5].</summary>
        internal static Tensor BoxesToRois(IList<Tensor> boxes, string name)
        {
            ArgumentChecks.NotNull(boxes, name);
            if (boxes.Count == 0) throw new ArgumentException($"{name} must hold one [L, 4] tensor per image; the list is empty.", name);
            using var scope = NewDisposeScope();
            var ids = new Tensor[boxes.Count];
            for (int i = 0; i < boxes.Count; i++)
            {
                var b = boxes[i];
                if (b is null) throw new ArgumentException($"{name}[{i}] is null.", name);
                var shape = b.Sizes();
                if (shape.Length != 2 || shape[1] != 4)
                    throw new ArgumentException($"{name}[{i}] must have shape [L, 4], got {ArgumentChecks.Format(shape)}.", name);
                ids[i] = torch.full_like(b.narrow(1, 0, 1), i);
            }
            var rois = torch.cat(new[] { torch.cat(ids, 0), torch.cat(boxes, 0) }, 1);
            return rois.MoveToOuterDisposeScope();
        }
    }
}
