using System;
using System.Linq;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Tests
{
    internal static class TensorAssert
    {
        /// <summary>Same shape, and max |actual - expected| &lt;= <paramref name="tolerance"/> (exact equality for tolerance 0).</summary>
        public static void Close(Tensor expected, Tensor actual, double tolerance, string what)
        {
            CollectionAssert.AreEqual(expected.shape, actual.shape, $"{what}: shape [{string.Join(",", actual.shape)}], expected [{string.Join(",", expected.shape)}]");
            if (expected.numel() == 0) return;
            using var scope = NewDisposeScope();
            var difference = (actual.detach().to(ScalarType.Float64) - expected.detach().to(ScalarType.Float64)).abs();
            double worst = difference.max().item<double>();
            if (!(worst <= tolerance))
            {
                long at = difference.flatten().argmax().item<long>();
                Assert.Fail($"{what}: max |difference| = {worst:G4} > {tolerance:G4} at flat index {at} " +
                            $"(actual {actual.flatten()[at].to(ScalarType.Float64).item<double>():G8}, expected {expected.flatten()[at].to(ScalarType.Float64).item<double>():G8})");
            }
        }

        /// <summary>
        /// Pairs the rows of two [N, K] tensors that hold the same rows up to order: row i of <paramref name="expected"/>
        /// with the row of <paramref name="actual"/> that is within <paramref name="tolerance"/> everywhere, looked for at i
        /// first, then among the nearest unpaired rows. Ranked outputs (proposals, detections) of two engines that differ
        /// in the last bits may swap neighbours whose scores tie to within that difference; at most
        /// <paramref name="maxDisplaced"/> rows may sit elsewhere. Returns, for each expected row, its actual row.
        /// </summary>
        public static long[] PairRowsUpToOrder(Tensor expected, Tensor actual, double tolerance, int maxDisplaced, string what)
        {
            CollectionAssert.AreEqual(expected.shape, actual.shape, $"{what}: shape [{string.Join(",", actual.shape)}], expected [{string.Join(",", expected.shape)}]");
            long n = expected.shape[0];
            if (n == 0) return Array.Empty<long>();
            long k = expected.numel() / n;
            double[] e = expected.detach().to(ScalarType.Float64).reshape(n, k).data<double>().ToArray();
            double[] a = actual.detach().to(ScalarType.Float64).reshape(n, k).data<double>().ToArray();
            double Distance(long i, long j) => Enumerable.Range(0, (int)k).Max(c => Math.Abs(e[i * k + c] - a[j * k + c]));
            var used = new bool[n];
            var pairs = new long[n];
            int displaced = 0;
            double worst = 0;
            for (long i = 0; i < n; i++)
            {
                long found = -1;
                for (long offset = 0; offset < n && found < 0; offset++)
                {
                    foreach (long j in new[] { i - offset, i + offset })
                        if (j >= 0 && j < n && !used[j] && Distance(i, j) <= tolerance) { found = j; break; }
                }
                if (found < 0)
                    Assert.Fail($"{what}: expected row {i} [{string.Join(", ", Enumerable.Range(0, (int)k).Select(c => e[i * k + c].ToString("G6")))}] has no counterpart within {tolerance:G3}");
                used[found] = true;
                pairs[i] = found;
                if (found != i) displaced++;
                worst = Math.Max(worst, Distance(i, found));
            }
            Console.WriteLine($"{what}: {n} rows paired, {displaced} displaced, max |difference| {worst:G4}");
            Assert.IsTrue(displaced <= maxDisplaced, $"{what}: {displaced} of {n} rows are out of order (at most {maxDisplaced} allowed)");
            return pairs;
        }

        /// <summary>
        /// Detections of two engines: the same boxes up to the order of near-tied scores (see <see cref="PairRowsUpToOrder"/>),
        /// and, detection by detection, the same label, a score within <paramref name="scoreTolerance"/> and a mask within
        /// <paramref name="maskTolerance"/> at every pixel, or on average over the image's pixels when
        /// <paramref name="maskOnAverage"/> (a box that moves by a fraction of a pixel moves its pasted edge pixels whole).
        /// </summary>
        public static void SameDetections(Tensor labels, Tensor boxes, Tensor scores, Tensor masks, Microsoft.ML.MaskRcnn.Modeling.Detections actual,
                                          double boxTolerance, double scoreTolerance, double maskTolerance, string what, bool maskOnAverage = false)
        {
            using var scope = NewDisposeScope();
            long[] pairs = PairRowsUpToOrder(boxes, actual.Boxes, boxTolerance, Math.Max(2, (int)(boxes.shape[0] / 50)), what + " boxes");
            var order = torch.tensor(pairs);
            double MaxDifference(Tensor e, Tensor a) => e.numel() == 0 ? 0 : (e.to(ScalarType.Float64) - a.to(ScalarType.Float64)).abs().max().item<double>();
            var pairedMasks = actual.Masks!.index_select(0, order);
            double meanMask = masks.numel() == 0 ? 0
                : (masks.to(ScalarType.Float64) - pairedMasks.to(ScalarType.Float64)).abs().flatten(1).mean(new long[] { 1 }).max().item<double>();
            Console.WriteLine($"{what}: max |difference| scores {MaxDifference(scores, actual.Scores.index_select(0, order)):G4}, " +
                              $"masks {MaxDifference(masks, pairedMasks):G4} (largest per-detection mean {meanMask:G4})");
            Close(labels, actual.Labels.index_select(0, order), 0, what + " labels");
            Close(scores, actual.Scores.index_select(0, order), scoreTolerance, what + " scores");
            if (maskOnAverage)
                Assert.IsTrue(meanMask <= maskTolerance, $"{what} masks: a detection's mean |difference| is {meanMask:G4} > {maskTolerance:G4}");
            else
                Close(masks, pairedMasks, maskTolerance, what + " mask probabilities");
        }
    }
}
