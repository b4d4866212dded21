using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.MaskRcnn.Ops;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static Microsoft.ML.MaskRcnn.Ops.DetectionOps;
using static Microsoft.ML.MaskRcnn.Tests.Ops.OpsReference;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Tests.Ops
{
    /// <summary>
    /// The tensor-operation implementations (RoIAlignTensorOps, NmsTensorOps: the CUDA path, and the fallback when
    /// libMaskRcnnOps.so cannot be loaded) against the native kernels, on the CPU, by forcing the tensor-ops path.
    /// </summary>
    [TestClass]
    public class TensorOpsTests
    {
        private const double Float32Tolerance = 1e-5;  // relative to the largest magnitude of the native result
        private const double Float64Tolerance = 1e-12;

        [TestMethod]
        public void NativeKernelsAreLoaded()
        {
            Assert.IsTrue(OpsNative.IsAvailable, OpsNative.UnavailableReason);
            using var scope = NewDisposeScope();
            Assert.IsTrue(UsesNativeKernels(torch.zeros(1)));
            using (ForceTensorOps()) Assert.IsFalse(UsesNativeKernels(torch.zeros(1)));
            Assert.IsTrue(UsesNativeKernels(torch.zeros(1)));
        }

        [TestMethod]
        public void RoIAlignForwardAndGradientsAgreeOnRandomCases()
        {
            var rng = new Random(20240611);
            var worst = new Dictionary<ScalarType, (double forward, double backward)>
            {
                [ScalarType.Float32] = (0, 0),
                [ScalarType.Float64] = (0, 0),
            };
            int cases = 0;
            foreach (var dtype in new[] { ScalarType.Float32, ScalarType.Float64 })
            {
                for (int i = 0; i < 40; i++)
                {
                    var c = RandomCase(rng, dtype);
                    var (forward, backward) = Compare(c, $"case {i} ({dtype}): {c}");
                    var w = worst[dtype];
                    worst[dtype] = (Math.Max(w.forward, forward), Math.Max(w.backward, backward));
                    cases++;
                }
            }
            foreach (var (dtype, w) in worst)
                Console.WriteLine($"{dtype}: largest relative difference forward {w.forward:G3}, gradient {w.backward:G3}");
            Assert.AreEqual(80, cases);
        }

        [TestMethod]
        public void RoIAlignAgreesWhenRoIsAreSplitIntoManyChunks()
        {
            // Large adaptive grids of different sizes, a budget that forces one or a few RoIs per chunk: the chunks are
            // formed over RoIs sorted by grid size and the results must come back in the RoIs' order.
            long saved = RoIAlignTensorOps.ChunkElements;
            RoIAlignTensorOps.ChunkElements = 20_000;
            try
            {
                var rng = new Random(7);
                for (int i = 0; i < 6; i++)
                {
                    var c = RandomCase(rng, ScalarType.Float32) with { Ratio = -1, Rois = 30 };
                    Compare(c, $"chunked case {i}: {c}");
                }
            }
            finally
            {
                RoIAlignTensorOps.ChunkElements = saved;
            }
        }

        [TestMethod]
        public void RoIAlignTensorOpsMatchTorchvisionOnTheReferenceCases()
        {
            using var force = ForceTensorOps();
            double worstForward = 0, worstBackward = 0;
            foreach (var c in RoIAlignTests.Cases())
            {
                using var scope = NewDisposeScope();
                var x = In($"roi/{c.Inputs}/input").clone().requires_grad_();
                var y = roi_align(x, In($"roi/{c.Inputs}/rois"), c.Size, c.Scale, c.Ratio, c.Aligned);
                y.backward(new[] { In($"roi/{c.Name}/grad_output") });
                using var grad = x.grad!;
                worstForward = Math.Max(worstForward, TensorAssert.MaxAbsDifference(Out($"roi/{c.Name}/forward"), y, c.Name));
                worstBackward = Math.Max(worstBackward, TensorAssert.MaxAbsDifference(Out($"roi/{c.Name}/grad_input"), grad, c.Name));
            }
            Console.WriteLine($"tensor ops vs torchvision: largest forward error {worstForward:G3}, largest backward error {worstBackward:G3}");
            Assert.IsTrue(worstForward <= 1e-5, $"forward error {worstForward:G3}");
            Assert.IsTrue(worstBackward <= 1e-4, $"backward error {worstBackward:G3}");
        }

        [TestMethod]
        public void RoIAlignTensorOpsHandleEmptyInputs()
        {
            using var force = ForceTensorOps();
            using var scope = NewDisposeScope();
            var x = torch.randn(2, 3, 8, 8).requires_grad_();
            var none = roi_align(x, torch.zeros(0, 5), (7, 7), 0.5, 2, true);
            CollectionAssert.AreEqual(new long[] { 0, 3, 7, 7 }, none.shape);
            none.sum().backward();
            using (var grad = x.grad!) Assert.AreEqual(0.0, grad.abs().sum().item<float>());
            // A box whose adaptive grid is empty (NaN coordinates, or a reversed box when aligned) gives zeros.
            var rois = torch.tensor(new float[] { 0, float.NaN, 1, 4, 4, 1, 6, 6, 2, 2 }, new long[] { 2, 5 });
            var y = roi_align(x.detach(), rois, 2, 1.0, -1, true);
            Assert.AreEqual(0.0, y.abs().sum().item<float>());
            // No channels.
            var empty = roi_align(torch.randn(1, 0, 4, 4), torch.tensor(new float[] { 0, 0, 0, 3, 3 }, new long[] { 1, 5 }), 2);
            CollectionAssert.AreEqual(new long[] { 1, 0, 2, 2 }, empty.shape);
        }

        [TestMethod]
        public void NmsKeepsTheSameBoxesOnRandomCases()
        {
            var rng = new Random(99);
            long saved = NmsTensorOps.SweepElements;
            try
            {
                for (int i = 0; i < 30; i++)
                {
                    // Small sweeps on some cases, so that the suppression of later boxes runs in many column chunks.
                    NmsTensorOps.SweepElements = i % 3 == 0 ? 1000 : saved;
                    var dtype = i % 4 == 3 ? ScalarType.Float64 : ScalarType.Float32;
                    int n = new[] { 1, 7, 60, 300, 700, 1500 }[i % 6];
                    double threshold = new[] { 0.3, 0.5, 0.7 }[i % 3];
                    using var scope = NewDisposeScope();
                    var (boxes, scores) = RandomBoxes(rng, n, dtype, ties: i % 2 == 0, nanScores: i % 5 == 1);
                    var native = nms(boxes, scores, threshold);
                    using (ForceTensorOps())
                        TensorAssert.SameIndices(native, nms(boxes, scores, threshold), $"nms case {i} ({n} boxes, {dtype})");
                }
            }
            finally
            {
                NmsTensorOps.SweepElements = saved;
            }
        }

        [TestMethod]
        public void BatchedNmsKeepsTheSameBoxesOnRandomCases()
        {
            var rng = new Random(5);
            for (int i = 0; i < 16; i++)
            {
                // Up to 1000 boxes torchvision's result is in rank order, above it that of its per-class loop.
                int n = new[] { 40, 400, 1000, 1001, 2500 }[i % 5];
                int categories = new[] { 1, 3, 80, 400 }[i % 4];
                var dtype = i % 4 == 2 ? ScalarType.Float64 : ScalarType.Float32;
                using var scope = NewDisposeScope();
                var (boxes, scores) = RandomBoxes(rng, n, dtype, ties: i % 2 == 1, nanScores: i % 3 == 0);
                var idxs = torch.tensor(Enumerable.Range(0, n).Select(_ => (long)rng.Next(categories)).ToArray());
                var native = batched_nms(boxes, scores, idxs, 0.5);
                using (ForceTensorOps())
                    TensorAssert.SameIndices(native, batched_nms(boxes, scores, idxs, 0.5), $"batched_nms case {i} ({n} boxes, {categories} categories)");
            }
        }

        [TestMethod]
        public void NmsTensorOpsMatchTorchvisionOnTheReferenceCases()
        {
            using var force = ForceTensorOps();
            using var scope = NewDisposeScope();
            foreach (var t in new[] { 0.3, 0.5, 0.7 })
                TensorAssert.SameIndices(Out($"nms/keep_{t}"), nms(In("nms/boxes"), In("nms/scores"), t), $"threshold {t}");
            TensorAssert.SameIndices(Out("nms_ties/keep"), nms(In("nms_ties/boxes"), In("nms_ties/scores"), 0.5), "ties");
            TensorAssert.SameIndices(Out("nms_large/keep"), nms(In("nms_large/boxes"), In("nms_large/scores"), 0.5), "large");
            TensorAssert.SameIndices(Out("nms64/keep"), nms(In("nms64/boxes"), In("nms64/scores"), 0.5), "float64");
            TensorAssert.SameIndices(Out("nms_nan/keep_without_nan"), nms(In("nms_nan/boxes"), In("nms_nan/scores"), 0.5), "NaN");
            foreach (var name in new[] { "small", "ties", "large", "large_ties" })
            {
                var keep = batched_nms(In($"bnms_{name}/boxes"), In($"bnms_{name}/scores"), In($"bnms_{name}/idxs"), 0.5);
                TensorAssert.SameIndices(Out($"bnms_{name}/keep"), keep, "batched " + name);
            }
        }

        internal sealed record RoIAlignCase(ScalarType Dtype, long Images, long Channels, long Height, long Width, int Rois, long OutH, long OutW,
                                            double Scale, long Ratio, bool Aligned, int Seed);

        private static RoIAlignCase RandomCase(Random rng, ScalarType dtype) =>
            new(dtype,
                Images: rng.Next(1, 4),
                Channels: new long[] { 1, 3, 5, 20 }[rng.Next(4)],  // 20: the blocked kernel (16 + 4 channels) on many RoIs
                Height: rng.Next(3, 30),
                Width: rng.Next(3, 30),
                Rois: new[] { 1, 2, 10, 40 }[rng.Next(4)],
                OutH: rng.Next(1, 8),
                OutW: rng.Next(1, 8),
                Scale: new[] { 0.25, 0.5, 1.0, 0.8 }[rng.Next(4)],
                Ratio: new long[] { -1, 0, 1, 2, 3 }[rng.Next(5)],
                Aligned: rng.Next(2) == 0,
                Seed: rng.Next());

        /// <summary>Native and tensor-ops forward and input gradient; returns the largest relative differences.</summary>
        private static (double forward, double backward) Compare(RoIAlignCase c, string what)
        {
            using var scope = NewDisposeScope();
            var generator = new Generator((ulong)c.Seed);
            var rng = new Random(c.Seed);
            var input = torch.randn(new[] { c.Images, c.Channels, c.Height, c.Width }, dtype: c.Dtype, generator: generator);
            var rois = RandomRois(rng, c);
            var gradOutput = torch.randn(new[] { (long)c.Rois, c.Channels, c.OutH, c.OutW }, dtype: c.Dtype, generator: generator);

            (Tensor y, Tensor grad) Run()
            {
                var x = input.clone().requires_grad_();
                var y = roi_align(x, rois, (c.OutH, c.OutW), c.Scale, c.Ratio, c.Aligned);
                y.backward(new[] { gradOutput });
                return (y.detach(), x.grad!);
            }

            var (yNative, gNative) = Run();
            Tensor yOps, gOps;
            using (ForceTensorOps()) (yOps, gOps) = Run();
            double tolerance = c.Dtype == ScalarType.Float32 ? Float32Tolerance : Float64Tolerance;
            double forward = Relative(yNative, yOps, what + " forward");
            double backward = Relative(gNative, gOps, what + " gradient");
            Assert.IsTrue(forward <= tolerance, $"{what}: forward differs by {forward:G3} (relative)");
            Assert.IsTrue(backward <= tolerance, $"{what}: gradient differs by {backward:G3} (relative)");
            return (forward, backward);
        }

        /// <summary>max |expected - actual| / max(1, max |expected|).</summary>
        private static double Relative(Tensor expected, Tensor actual, string what)
        {
            double difference = TensorAssert.MaxAbsDifference(expected, actual, what);
            double scale = expected.numel() == 0 ? 1 : Math.Max(1, expected.abs().max().to(ScalarType.Float64).item<double>());
            return difference / scale;
        }

        /// <summary>Boxes in image coordinates: inside, partly or wholly outside the map, smaller than a pixel, reversed.</summary>
        private static Tensor RandomRois(Random rng, RoIAlignCase c)
        {
            double imageW = c.Width / c.Scale, imageH = c.Height / c.Scale;
            var rows = new double[c.Rois * 5];
            for (int k = 0; k < c.Rois; k++)
            {
                double x1 = (rng.NextDouble() * 1.6 - 0.3) * imageW, y1 = (rng.NextDouble() * 1.6 - 0.3) * imageH;
                double w, h;
                switch (rng.Next(6))
                {
                    case 0: (w, h) = (rng.NextDouble() * 1.5 / c.Scale, rng.NextDouble() * 1.5 / c.Scale); break;  // about a pixel
                    case 1: (w, h) = (-rng.NextDouble() * 3, rng.NextDouble() * imageH * 0.5); break;               // reversed
                    default: (w, h) = (rng.NextDouble() * imageW * 0.9, rng.NextDouble() * imageH * 0.9); break;
                }
                rows[5 * k] = rng.Next((int)c.Images);
                rows[5 * k + 1] = x1;
                rows[5 * k + 2] = y1;
                rows[5 * k + 3] = x1 + w;
                rows[5 * k + 4] = y1 + h;
            }
            return torch.tensor(rows, new long[] { c.Rois, 5 }).to(c.Dtype);
        }

        /// <summary>
        /// Random boxes of all sizes (some of zero width), clustered so that many overlap; scores either continuous or drawn
        /// from a few values (ties); optionally some NaN scores.
        /// </summary>
        private static (Tensor boxes, Tensor scores) RandomBoxes(Random rng, int n, ScalarType dtype, bool ties, bool nanScores)
        {
            var boxes = new double[n * 4];
            var scores = new double[n];
            int clusters = Math.Max(1, n / 20);
            var centres = Enumerable.Range(0, clusters).Select(_ => (x: rng.NextDouble() * 500, y: rng.NextDouble() * 500)).ToArray();
            for (int i = 0; i < n; i++)
            {
                var (cx, cy) = centres[rng.Next(clusters)];
                double x = cx + rng.NextDouble() * 40 - 20, y = cy + rng.NextDouble() * 40 - 20;
                double w = rng.Next(10) == 0 ? 0 : 5 + rng.NextDouble() * 60, h = 5 + rng.NextDouble() * 60;
                boxes[4 * i] = x;
                boxes[4 * i + 1] = y;
                boxes[4 * i + 2] = x + w;
                boxes[4 * i + 3] = y + h;
                scores[i] = ties ? rng.Next(6) / 5.0 : rng.NextDouble();
                if (nanScores && rng.Next(10) == 0) scores[i] = double.NaN;
            }
            return (torch.tensor(boxes, new long[] { n, 4 }).to(dtype), torch.tensor(scores).to(dtype));
        }
    }
}
