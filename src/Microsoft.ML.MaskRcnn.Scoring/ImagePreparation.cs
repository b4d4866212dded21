using System;

namespace Microsoft.ML.MaskRcnn.Scoring
{
    /// <summary>An image as the exported graph reads it: [1, 3, padded height, padded width], and its size before padding.</summary>
    internal sealed record PreparedImage(float[] Batch, int PaddedHeight, int PaddedWidth, int Height, int Width);

    /// <summary>
    /// The network's image transform in plain C# (the TorchSharp path's ImageTransform, torchvision's
    /// GeneralizedRCNNTransform): 8-bit RGB to [0, 1], normalised per channel, resized bilinearly so that the short side is
    /// the minimum size and the long side at most the maximum, zero-padded to multiples of the size divisor. Every step
    /// rounds in float32 as libtorch does, so the prepared image equals the TorchSharp path's to a few ulps.
    /// </summary>
    internal static class ImagePreparation
    {
        public static PreparedImage Prepare(ReadOnlySpan<byte> rgb, int width, int height, MaskRcnnOnnxSettings settings)
        {
            if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"The image is empty ({width}x{height}).");
            if (rgb.Length != 3L * width * height)
                throw new ArgumentException($"A {width}x{height} RGB image has {3L * width * height} bytes; got {rgb.Length}.", nameof(rgb));
            int plane = width * height;
            var normalised = new float[3 * plane];
            for (int c = 0; c < 3; c++)
            {
                float mean = (float)settings.ImageMean[c], std = (float)settings.ImageStd[c];
                for (int i = 0; i < plane; i++) normalised[c * plane + i] = ((float)rgb[3 * i + c] / 255f - mean) / std;
            }
            double scale = ResizeScale(height, width, settings.MinSize, settings.MaxSize);
            int resizedHeight = (int)Math.Floor(height * scale), resizedWidth = (int)Math.Floor(width * scale);
            var resized = BilinearResize.Resize(normalised, 3, height, width, resizedHeight, resizedWidth);

            int paddedHeight = RoundUp(resizedHeight, settings.SizeDivisible), paddedWidth = RoundUp(resizedWidth, settings.SizeDivisible);
            var batch = new float[3 * paddedHeight * paddedWidth];
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < resizedHeight; y++)
                    Array.Copy(resized, (c * resizedHeight + y) * resizedWidth, batch, (c * paddedHeight + y) * paddedWidth, resizedWidth);
            return new PreparedImage(batch, paddedHeight, paddedWidth, resizedHeight, resizedWidth);
        }

        /// <summary>
        /// torchvision's resize factor, min(short / min side, long / max side), in its float32 arithmetic (a Python number
        /// over a tensor is the tensor's reciprocal times the number).
        /// </summary>
        public static double ResizeScale(int height, int width, int shortSide, int maxSize)
        {
            float minSide = Math.Min(height, width), maxSide = Math.Max(height, width);
            return Math.Min((1f / minSide) * shortSide, (1f / maxSide) * maxSize);
        }

        private static int RoundUp(int size, int divisor) => (int)Math.Ceiling((double)size / divisor) * divisor;
    }
}
