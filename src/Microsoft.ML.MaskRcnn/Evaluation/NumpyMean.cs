using System;
using System.Collections.Generic;

namespace Microsoft.ML.MaskRcnn.Evaluation
{
    /// <summary>
    /// The mean as numpy computes it (np.mean of a 1-D float64 array): the array is reduced in buffers of 8192 values,
    /// each summed pairwise (blocks of up to 128 values with eight running sums), the buffer sums added in order, and
    /// the total divided by the count. Summing in numpy's order makes the COCO summary numbers equal to
    /// pycocotools' to the last bit, not just to 1e-15.
    /// </summary>
    internal static class NumpyMean
    {
        private const int BlockSize = 128;
        private const int BufferSize = 8192;

        public static double Of(List<double> values)
        {
            if (values.Count == 0) return double.NaN;
            var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(values);
            double sum = 0;
            for (int start = 0; start < span.Length; start += BufferSize)
                sum += PairwiseSum(span.Slice(start, Math.Min(BufferSize, span.Length - start)));
            return sum / values.Count;
        }

        private static double PairwiseSum(ReadOnlySpan<double> a)
        {
            int n = a.Length;
            if (n < 8)
            {
                double sum = 0;  // numpy starts from 0 (so -0.0 sums to 0.0)
                for (int i = 0; i < n; i++) sum += a[i];
                return sum;
            }
            if (n <= BlockSize)
            {
                double r0 = a[0], r1 = a[1], r2 = a[2], r3 = a[3], r4 = a[4], r5 = a[5], r6 = a[6], r7 = a[7];
                int i;
                for (i = 8; i < n - n % 8; i += 8)
                {
                    r0 += a[i]; r1 += a[i + 1]; r2 += a[i + 2]; r3 += a[i + 3];
                    r4 += a[i + 4]; r5 += a[i + 5]; r6 += a[i + 6]; r7 += a[i + 7];
                }
                double sum = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
                for (; i < n; i++) sum += a[i];
                return sum;
            }
            int half = n / 2;
            half -= half % 8;
            return PairwiseSum(a.Slice(0, half)) + PairwiseSum(a.Slice(half));
        }
    }
}
