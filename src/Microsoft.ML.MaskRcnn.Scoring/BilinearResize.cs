using System;

namespace Microsoft.ML.MaskRcnn.Scoring
{
    /// <summary>
    /// Bilinear resizing of planar float images as PyTorch's <c>interpolate(mode="bilinear", align_corners=False)</c>
    /// with an output size computes it: per axis the scale is in / out in float32, an output pixel's source coordinate is
    /// scale * (i + 0.5) - 0.5 clamped at 0, and the two taps' weights are its fraction and one minus it; the last input
    /// pixel is its own right neighbour. Rows are blended from two column-blended values. libtorch's x86 kernels are
    /// compiled with fused multiply-adds, which this follows: the source coordinate is one fused multiply-add (near
    /// coordinate 32 a separate multiply and subtract move it by 4e-6, and the result by up to 14 ulps), and each blend
    /// is one product plus one fused product. Measured against libtorch 2.10's interpolate: within one ulp.
    /// </summary>
    internal static class BilinearResize
    {
        /// <summary>Resizes <paramref name="channels"/> planes of <paramref name="height"/> x <paramref name="width"/> to <paramref name="outHeight"/> x <paramref name="outWidth"/>.</summary>
        public static float[] Resize(ReadOnlySpan<float> source, int channels, int height, int width, int outHeight, int outWidth)
        {
            if (channels <= 0 || height <= 0 || width <= 0 || outHeight <= 0 || outWidth <= 0)
                throw new ArgumentOutOfRangeException(nameof(channels), $"Sizes must be positive: {channels} x {height} x {width} to {outHeight} x {outWidth}.");
            if (source.Length != (long)channels * height * width)
                throw new ArgumentException($"The source holds {source.Length} values, not {channels} x {height} x {width}.", nameof(source));
            var rows = Taps(height, outHeight);
            var columns = Taps(width, outWidth);
            var result = new float[(long)channels * outHeight * outWidth];
            for (int c = 0; c < channels; c++)
            {
                var plane = source.Slice(c * height * width, height * width);
                for (int y = 0; y < outHeight; y++)
                {
                    var upper = plane.Slice(rows.First[y] * width, width);
                    var lower = plane.Slice(rows.Second[y] * width, width);
                    float upperWeight = rows.FirstWeight[y], lowerWeight = rows.SecondWeight[y];
                    int offset = (c * outHeight + y) * outWidth;
                    for (int x = 0; x < outWidth; x++)
                    {
                        int left = columns.First[x], right = columns.Second[x];
                        float leftWeight = columns.FirstWeight[x], rightWeight = columns.SecondWeight[x];
                        float top = MathF.FusedMultiplyAdd(leftWeight, upper[left], rightWeight * upper[right]);
                        float bottom = MathF.FusedMultiplyAdd(leftWeight, lower[left], rightWeight * lower[right]);
                        result[offset + x] = MathF.FusedMultiplyAdd(upperWeight, top, lowerWeight * bottom);
                    }
                }
            }
            return result;
        }

        /// <summary>The two source indices and weights of every output position along one axis.</summary>
        private static (int[] First, int[] Second, float[] FirstWeight, float[] SecondWeight) Taps(int input, int output)
        {
            float scale = (float)input / output;
            var first = new int[output];
            var second = new int[output];
            var firstWeight = new float[output];
            var secondWeight = new float[output];
            for (int i = 0; i < output; i++)
            {
                float real = Math.Max(MathF.FusedMultiplyAdd(scale, i + 0.5f, -0.5f), 0f);
                int index = (int)real;
                float fraction = Math.Min(Math.Max(real - index, 0f), 1f);
                first[i] = index;
                second[i] = index + (index < input - 1 ? 1 : 0);
                firstWeight[i] = 1f - fraction;
                secondWeight[i] = fraction;
            }
            return (first, second, firstWeight, secondWeight);
        }
    }
}
