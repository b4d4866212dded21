using System;

namespace Microsoft.ML.MaskRcnn.Scoring
{
    /// <summary>
    /// torchvision's paste_masks_in_image in plain C#: each M x M mask probability map is padded by one pixel of zeros,
    /// its box enlarged by (M + 2) / M about its centre (in float32) and truncated to integer pixels, the padded map
    /// resized bilinearly to the box (both end pixels counted) and copied into a zero image, clipped at the borders.
    /// </summary>
    internal static class MaskPasting
    {
        /// <summary>
        /// The pasted probabilities of detection <paramref name="index"/>: <paramref name="masks"/> holds D maps of
        /// <paramref name="maskSize"/> squared values, <paramref name="boxes"/> D boxes (x1, y1, x2, y2) in the image.
        /// </summary>
        public static float[] Paste(ReadOnlySpan<float> masks, int maskSize, ReadOnlySpan<float> boxes, int index, int imageHeight, int imageWidth)
        {
            var image = new float[(long)imageHeight * imageWidth];
            PasteInto(masks, maskSize, boxes, index, imageHeight, imageWidth, image);
            return image;
        }

        /// <summary>As <see cref="Paste"/>, into <paramref name="image"/> (imageHeight * imageWidth values, all zero).</summary>
        public static void PasteInto(ReadOnlySpan<float> masks, int maskSize, ReadOnlySpan<float> boxes, int index, int imageHeight, int imageWidth, Span<float> image)
        {
            if (image.Length != (long)imageHeight * imageWidth)
                throw new ArgumentException($"The image holds {image.Length} values, not {imageHeight} x {imageWidth}.", nameof(image));
            int padded = maskSize + 2;
            var map = new float[padded * padded];
            var source = masks.Slice(index * maskSize * maskSize, maskSize * maskSize);
            for (int y = 0; y < maskSize; y++) source.Slice(y * maskSize, maskSize).CopyTo(map.AsSpan((y + 1) * padded + 1, maskSize));

            float scale = (float)((double)padded / maskSize);
            float bx1 = boxes[4 * index], by1 = boxes[4 * index + 1], bx2 = boxes[4 * index + 2], by2 = boxes[4 * index + 3];
            float halfWidth = (bx2 - bx1) * 0.5f * scale, halfHeight = (by2 - by1) * 0.5f * scale;
            float centreX = (bx2 + bx1) * 0.5f, centreY = (by2 + by1) * 0.5f;
            long x0 = (long)(centreX - halfWidth), y0 = (long)(centreY - halfHeight);
            long x1 = (long)(centreX + halfWidth), y1 = (long)(centreY + halfHeight);

            long left = Math.Max(x0, 0), right = Math.Min(x1 + 1, imageWidth);
            long top = Math.Max(y0, 0), bottom = Math.Min(y1 + 1, imageHeight);
            if (right <= left || bottom <= top) return;
            // torchvision's box size counts both end pixels.
            int width = (int)Math.Max(x1 - x0 + 1, 1), height = (int)Math.Max(y1 - y0 + 1, 1);
            var resized = BilinearResize.Resize(map, 1, padded, padded, height, width);
            for (long y = top; y < bottom; y++)
                resized.AsSpan((int)((y - y0) * width + (left - x0)), (int)(right - left)).CopyTo(image.Slice((int)(y * imageWidth + left)));
        }
    }
}
