using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using Microsoft.ML.MaskRcnn.Ops;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static Microsoft.ML.MaskRcnn.Ops.DetectionOps;
using static Microsoft.ML.MaskRcnn.Tests.Ops.OpsReference;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Tests.Ops
{
    [TestClass]
    public class RoIAlignTests
    {
        private const double ForwardTolerance = 1e-5;
        private const double BackwardTolerance = 1e-4;

        internal sealed record Case(string Name, string Inputs, (long, long) Size, double Scale, long Ratio, bool Aligned);

        // The cases of ops_reference.py: every alignment x sampling ratio (adaptive, 0, 1, 2, 3) on 5 channels (planar kernel),
        // many RoIs on 36 channels (blocked kernel, with a partial block), 16 channels with two RoIs (planar), an image
        // without RoIs (blocked), float64 (planar and blocked).
        internal static IEnumerable<Case> Cases()
        {
            foreach (var aligned in new[] { false, true })
            {
                foreach (var ratio in new long[] { -1, 0, 1, 2, 3 })
                {
                    yield return new Case($"small_{Py(aligned)}_{ratio}_0.5", "small", (7, 7), 0.5, ratio, aligned);
                    yield return new Case($"small_{Py(aligned)}_{ratio}_0.25", "small", (3, 5), 0.25, ratio, aligned);
                }
                foreach (var ratio in new long[] { -1, 2 })
                    yield return new Case($"cl_{Py(aligned)}_{ratio}", "cl", (7, 7), 0.25, ratio, aligned);
            }
            yield return new Case("planar16", "planar16", (2, 2), 1.0, 1, true);
            yield return new Case("empty_image", "empty_image", (4, 4), 0.25, 2, false);
            yield return new Case("f64", "f64", (3, 3), 1.0, -1, true);
            yield return new Case("f64_blocked", "f64_blocked", (3, 3), 1.0, -1, true);
        }

        private static string Py(bool value) => value ? "True" : "False";

        [TestMethod]
        public void ForwardAndBackwardMatchTorchvision()
        {
            var failures = new List<string>();
            int count = 0;
            double worstForward = 0, worstBackward = 0;
            foreach (var c in Cases())
            {
                count++;
                using var scope = NewDisposeScope();
                var x = In($"roi/{c.Inputs}/input").clone().requires_grad_();
                var y = roi_align(x, In($"roi/{c.Inputs}/rois"), c.Size, c.Scale, c.Ratio, c.Aligned);
                y.backward(new[] { In($"roi/{c.Name}/grad_output") });
                using var grad = x.grad!;
                double forward = TensorAssert.MaxAbsDifference(Out($"roi/{c.Name}/forward"), y, c.Name);
                double backward = TensorAssert.MaxAbsDifference(Out($"roi/{c.Name}/grad_input"), grad, c.Name);
                worstForward = Math.Max(worstForward, forward);
                worstBackward = Math.Max(worstBackward, backward);
                if (forward > ForwardTolerance || backward > BackwardTolerance)
                    failures.Add($"{c.Name}: forward error {forward:G3}, backward error {backward:G3}");
            }
            Console.WriteLine($"{count} cases: largest forward error {worstForward:G3}, largest backward error {worstBackward:G3}");
            Assert.AreEqual(28, count);
            Assert.AreEqual(0, failures.Count, string.Join("\n", failures));
        }

        [TestMethod]
        public void SingleRoIMatchesTorchvision()
        {
            using var scope = NewDisposeScope();
            var rois = In("roi/small/rois").narrow(0, 0, 1);
            var x = In("roi/small/input").clone().requires_grad_();
            var y = roi_align(x, rois, 4, 0.5, 2, false);
            y.backward(new[] { In("roi/single/grad_output") });
            TensorAssert.Close(Out("roi/single/forward"), y, ForwardTolerance, "forward");
            using var grad = x.grad!;
            TensorAssert.Close(Out("roi/single/grad_input"), grad, BackwardTolerance, "backward");
        }

        [TestMethod]
        public void ResultsDoNotDependOnTheThreadCount()
        {
            using var scope = NewDisposeScope();
            foreach (var (inputs, name) in new[] { ("cl", "cl_True_2"), ("small", "small_False_-1_0.5") })
            {
                var size = inputs == "cl" ? (7L, 7L) : (7L, 7L);
                double scale = inputs == "cl" ? 0.25 : 0.5;
                bool aligned = name.Contains("True");
                long ratio = name.EndsWith("_2") ? 2 : -1;
                var (y, grad) = Threads.With(2, () =>
                {
                    var x = In($"roi/{inputs}/input").clone().requires_grad_();
                    var output = roi_align(x, In($"roi/{inputs}/rois"), size, scale, ratio, aligned);
                    output.backward(new[] { In($"roi/{name}/grad_output") });
                    return (output, x.grad!);
                });
                TensorAssert.Close(Out($"roi/{name}/forward"), y, ForwardTolerance, name + " forward on two threads");
                TensorAssert.Close(Out($"roi/{name}/grad_input"), grad, BackwardTolerance, name + " backward on two threads");
            }
        }

        [TestMethod]
        public void BackwardAgreesWithFiniteDifferencesInFloat64()
        {
            // 2 channels run the planar kernel, 20 the blocked one (blocks of 16 and 4 channels).
            foreach (long channels in new[] { 2L, 20L }) FiniteDifferenceCheck(channels);
        }

        private static void FiniteDifferenceCheck(long channels)
        {
            using var scope = NewDisposeScope();
            var generator = new Generator(5);
            var x = torch.randn(new long[] { 2, channels, 6, 7 }, dtype: ScalarType.Float64, generator: generator);
            var rois = torch.tensor(new double[]
            {
                0, 0.3, 0.7, 5.2, 4.9,
                1, 1.5, 0.2, 6.5, 5.8,
                0, -1.5, 2.0, 3.0, 7.5,   // partly outside
                1, 2.2, 2.2, 2.9, 2.6,    // smaller than a pixel
            }, new long[] { 4, 5 });
            var weights = torch.randn(new long[] { 4, channels, 3, 2 }, dtype: ScalarType.Float64, generator: generator);
            foreach (var (aligned, ratio) in new[] { (false, -1L), (true, 2L), (true, 0L) })
            {
                double Loss(Tensor input) { using var s = NewDisposeScope(); return (roi_align(input, rois, (3, 2), 0.9, ratio, aligned) * weights).sum().item<double>(); }

                var xr = x.clone().requires_grad_();
                (roi_align(xr, rois, (3, 2), 0.9, ratio, aligned) * weights).sum().backward();
                var analytic = xr.grad!.flatten().data<double>().ToArray();
                var values = x.flatten().data<double>().ToArray();
                const double h = 1e-6;
                double worst = 0;
                for (int i = 0; i < values.Length; i++)
                {
                    var plus = (double[])values.Clone();
                    var minus = (double[])values.Clone();
                    plus[i] += h;
                    minus[i] -= h;
                    double numeric = (Loss(torch.tensor(plus, x.shape)) - Loss(torch.tensor(minus, x.shape))) / (2 * h);
                    worst = Math.Max(worst, Math.Abs(numeric - analytic[i]));
                }
                Assert.IsTrue(worst < 1e-7, $"{channels} channels, aligned={aligned}, sampling_ratio={ratio}: max |numeric - analytic| = {worst:G3}");
                Assert.IsTrue(analytic.Any(v => v != 0), "the gradient must not vanish");
            }
        }

        [TestMethod]
        public void PerImageBoxListsEqualTheRowsForm()
        {
            using var scope = NewDisposeScope();
            var y = roi_align(In("roi/small/input"), new[] { In("roi/list/box0"), In("roi/list/box1") }, 5, 0.5, 2, true);
            TensorAssert.Close(Out("roi/list/forward"), y, ForwardTolerance, "list form");
        }

        [TestMethod]
        public void NoBoxesGiveAnEmptyResultAndAZeroGradient()
        {
            using var scope = NewDisposeScope();
            var x = torch.randn(2, 3, 8, 8).requires_grad_();
            var y = roi_align(x, torch.zeros(0, 5), (7, 7), 0.5, 2, true);
            CollectionAssert.AreEqual(new long[] { 0, 3, 7, 7 }, y.shape);
            y.sum().backward();
            using var grad = x.grad!;
            Assert.AreEqual(0.0, grad.abs().sum().item<float>());
        }

        [TestMethod]
        public void WrongArgumentsAreNamed()
        {
            using var scope = NewDisposeScope();
            var x = torch.randn(2, 3, 8, 8);
            var rois = torch.tensor(new float[] { 0, 1, 1, 4, 4 }, new long[] { 1, 5 });
            NmsTests.AssertArgument("boxes", () => roi_align(x, torch.rand(3, 4), 2));
            NmsTests.AssertArgument("boxes", () => roi_align(x, rois.to(ScalarType.Float64), 2));
            NmsTests.AssertArgument("boxes", () => roi_align(x, new[] { torch.rand(3, 5) }, 2));
            NmsTests.AssertArgument("input", () => roi_align(torch.randn(3, 8, 8), rois, 2));
            NmsTests.AssertArgument("input", () => roi_align(x.to(ScalarType.Int32), rois, 2));
            NmsTests.AssertArgument("output_size", () => roi_align(x, rois, (0, 2)));
            NmsTests.AssertArgument("spatial_scale", () => roi_align(x, rois, 2, spatial_scale: 0));
            // A batch index outside the input (it would read foreign memory) is caught natively, or by the tensor-ops
            // implementation before it indexes anything, and names boxes.
            foreach (var bad in new[] { 2f, -1f, float.NaN })
            {
                var badBatch = torch.tensor(new float[] { 0, 1, 1, 4, 4, bad, 1, 1, 4, 4 }, new long[] { 2, 5 });
                var ex = Assert.Throws<ArgumentException>(() => roi_align(x, badBatch, 2));
                Assert.AreEqual("boxes", ex.ParamName);
                StringAssert.Contains(ex.Message, "boxes[:, 0]");
                using (DetectionOps.ForceTensorOps())
                {
                    ex = Assert.Throws<ArgumentException>(() => roi_align(x, badBatch, 2));
                    Assert.AreEqual("boxes", ex.ParamName);
                    StringAssert.Contains(ex.Message, "boxes[:, 0]");
                }
            }
        }

        [TestMethod]
        public void DoubleBackwardIsExact()
        {
            // RoIAlign is linear in its input: its backward is the adjoint map A^T, and differentiating the gradient
            // A^T g with respect to g gives A again. With create_graph the native backward records that second node.
            using var scope = NewDisposeScope();
            var generator = new Generator(11);
            var x = torch.randn(new long[] { 2, 3, 9, 8 }, dtype: ScalarType.Float64, generator: generator).requires_grad_();
            var rois = torch.tensor(new double[] { 0, 0.5, 1.0, 6.0, 7.5, 1, -2.0, 2.0, 5.0, 10.0 }, new long[] { 2, 5 });
            var y = roi_align(x, rois, (3, 2), 0.8, -1, true);
            var g = torch.randn(y.shape, dtype: ScalarType.Float64, generator: generator).requires_grad_();
            var gx = torch.autograd.grad(new[] { y }, new[] { x }, new[] { g }, create_graph: true)[0];
            Assert.IsTrue(gx.requires_grad, "the gradient must be differentiable with create_graph");
            var v = torch.randn(x.shape, dtype: ScalarType.Float64, generator: generator).requires_grad_();
            var (gg, gv) = Pair(torch.autograd.grad(new[] { (gx * v).sum() }, new[] { g, v }, create_graph: true));
            // d/dg <A^T g, v> = A v ; d/dv <A^T g, v> = A^T g.
            TensorAssert.Close(roi_align(v.detach(), rois, (3, 2), 0.8, -1, true), gg, 1e-12, "second derivative with respect to g");
            TensorAssert.Close(gx.detach(), gv, 1e-12, "second derivative with respect to v");
            // Third order: d/dv <A v, w> = A^T w, through the adjoint node's backward.
            var w = torch.randn(gg.shape, dtype: ScalarType.Float64, generator: generator);
            var gvv = torch.autograd.grad(new[] { (gg * w).sum() }, new[] { v })[0];
            var expected = torch.autograd.grad(new[] { roi_align(x, rois, (3, 2), 0.8, -1, true) }, new[] { x }, new[] { w })[0];
            TensorAssert.Close(expected, gvv, 1e-12, "third derivative");
        }

        private static (Tensor, Tensor) Pair(System.Collections.Generic.IList<Tensor> t) => (t[0], t[1]);
    }
}
