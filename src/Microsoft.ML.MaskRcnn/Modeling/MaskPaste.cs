using System;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.MaskRcnn.Modeling
{
    /// <summary>
    /// Pastes 28x28 mask probabilities into the image (torchvision's paste_masks_in_image): each mask is padded by one
    /// pixel, its box enlarged by the same factor and rounded towards zero to integer pixels, the mask resized
    /// bilinearly to the box and copied into a zero image, clipped at the image borders.
    /// </summary>
    internal static class MaskPaste
    {
        public static Tensor Paste(Tensor masks, Tensor boxes, long imageHeight, long imageWidth)
        {
            long count = masks.shape[0];
            if (count == 0) return torch.zeros(new[] { 0, 1, imageHeight, imageWidth }, masks.dtype, masks.device);
            using var scope = NewDisposeScope();
            long m = masks.shape[^1];
            const long padding = 1;
            double scale = (double)(m + 2 * padding) / m;
            var padded = F.pad(masks, new[] { padding, padding, padding, padding });
            var expanded = ExpandBoxes(boxes, scale).to(ScalarType.Int64);
            var corners = TensorArrays.ToArray<long>(expanded);
            // One output written mask by mask: stacking separately pasted images (torchvision) holds every image twice.
            var pasted = torch.zeros(new[] { count, 1, imageHeight, imageWidth }, masks.dtype, masks.device);
            for (long i = 0; i < count; i++)
            {
                long x0 = corners[4 * i], y0 = corners[4 * i + 1], x1 = corners[4 * i + 2], y1 = corners[4 * i + 3];
                using var image = pasted[i, 0];
                PasteOne(padded[i, 0], x0, y0, x1, y1, image);
            }
            return pasted.MoveToOuterDisposeScope();
        }

        private static Tensor ExpandBoxes(Tensor boxes, double scale)
        {
            var halfWidth = (boxes[TensorIndex.Colon, 2] - boxes[TensorIndex.Colon, 0]) * 0.5 * scale;
            var halfHeight = (boxes[TensorIndex.Colon, 3] - boxes[TensorIndex.Colon, 1]) * 0.5 * scale;
            var centreX = (boxes[TensorIndex.Colon, 2] + boxes[TensorIndex.Colon, 0]) * 0.5;
            var centreY = (boxes[TensorIndex.Colon, 3] + boxes[TensorIndex.Colon, 1]) * 0.5;
            return torch.stack(new[] { centreX - halfWidth, centreY - halfHeight, centreX + halfWidth, centreY + halfHeight }, 1);
        }

        private static void PasteOne(Tensor mask, long x0, long y0, long x1, long y1, Tensor image)
        {
            using var scope = NewDisposeScope();
            long imageHeight = image.shape[0], imageWidth = image.shape[1];
            // torchvision's box size counts both end pixels (TO_REMOVE = 1).
            long width = Math.Max(x1 - x0 + 1, 1), height = Math.Max(y1 - y0 + 1, 1);
            var resized = F.interpolate(mask.expand(1, 1, -1, -1), new[] { height, width }, mode: InterpolationMode.Bilinear, align_corners: false)[0, 0];
            long left = Math.Max(x0, 0), right = Math.Min(x1 + 1, imageWidth);
            long top = Math.Max(y0, 0), bottom = Math.Min(y1 + 1, imageHeight);
            if (right > left && bottom > top)
                image[TensorIndex.Slice(top, bottom), TensorIndex.Slice(left, right)] =
                    resized[TensorIndex.Slice(top - y0, bottom - y0), TensorIndex.Slice(left - x0, right - x0)];
        }
    }
}
