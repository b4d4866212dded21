using System;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TorchSharp.Compat.Tests
{
    [TestClass]
    public class AutogradTests
    {
        private static Tensor In(string name) => TestSetup.Reference["in/" + name];

        private static Tensor Out(string name) => TestSetup.Reference["out/" + name];

        [TestMethod]
        public void GradientsOfAComposedFunctionMatchPyTorch()
        {
            using var scope = NewDisposeScope();
            var x = In("ag_x").clone().requires_grad_();
            var w = In("ag_w").clone().requires_grad_();
            var b = In("ag_b").clone().requires_grad_();
            var loss = ((x.matmul(w) + b).sigmoid() * torch.arange(1.0, 4.0)).sum();
            loss.backward();
            Assertions.Close(Out("ag/loss"), loss, 1e-5, 1e-6, "loss");
            Assertions.Close(Out("ag/dx"), x.grad!, 1e-6, 1e-5, "dx");
            Assertions.Close(Out("ag/dw"), w.grad!, 1e-6, 1e-5, "dw");
            Assertions.Close(Out("ag/db"), b.grad!, 1e-6, 1e-5, "db");
        }

        [TestMethod]
        public void GradientsThroughConvolutionPoolingAndInterpolationMatchPyTorch()
        {
            using var scope = NewDisposeScope();
            var image = In("img").clone().requires_grad_();
            var weight = In("wc").clone().requires_grad_();
            var y = F.max_pool2d(F.relu(F.conv2d(image, weight, padding: new long[] { 1 })), 2);
            y = F.interpolate(y, new long[] { 9, 11 }, mode: InterpolationMode.Bilinear, align_corners: false);
            var loss = F.smooth_l1_loss(y, torch.zeros_like(y), beta: 0.5);
            loss.backward();
            Assertions.Close(Out("ag/conv_loss"), loss, 1e-6, 1e-5, "loss");
            Assertions.Close(Out("ag/conv_dimg"), image.grad!, 1e-6, 1e-4, "d image");
            Assertions.Close(Out("ag/conv_dw"), weight.grad!, 1e-6, 1e-4, "d weight");
        }

        /// <summary>Central differences in float64 as the independent truth for backward.</summary>
        [TestMethod]
        public void BackwardAgreesWithFiniteDifferencesInFloat64()
        {
            using var scope = NewDisposeScope();
            var generator = new Generator(11);
            var x = torch.randn(new long[] { 2, 3, 5, 5 }, ScalarType.Float64, generator: generator);
            var w = torch.randn(new long[] { 4, 3, 3, 3 }, ScalarType.Float64, generator: generator);
            var target = torch.randn(new long[] { 2, 4, 5, 5 }, ScalarType.Float64, generator: generator);
            Func<Tensor, Tensor> loss = input =>
                F.smooth_l1_loss(F.conv2d(input, w, padding: new long[] { 1 }).tanh() * 2, target, beta: 0.3) +
                F.log_softmax(input.flatten(1), 1).mean().neg();

            var leaf = x.clone().requires_grad_();
            loss(leaf).backward();
            var analytic = leaf.grad!.flatten();

            const double h = 1e-6;
            var flat = x.flatten();
            double worst = 0;
            for (long i = 0; i < flat.numel(); i += 7)
            {
                var plus = x.clone();
                var minus = x.clone();
                plus.view(-1)[i] += h;
                minus.view(-1)[i] -= h;
                double numeric;
                using (no_grad()) numeric = (loss(plus).item<double>() - loss(minus).item<double>()) / (2 * h);
                worst = Math.Max(worst, Math.Abs(numeric - analytic[i].item<double>()));
            }
            Assert.IsTrue(worst < 1e-7, $"max |analytic - numeric| = {worst}");
        }

        [TestMethod]
        public void NoGradStopsRecordingAndRestoresTheMode()
        {
            using var scope = NewDisposeScope();
            var x = torch.ones(3).requires_grad_();
            Assert.IsTrue(torch.is_grad_enabled());
            using (torch.no_grad())
            {
                Assert.IsFalse(torch.is_grad_enabled());
                var y = x * 2;
                Assert.IsFalse(y.requires_grad);
                using (torch.enable_grad()) Assert.IsTrue((x * 2).requires_grad);
                Assert.IsFalse(torch.is_grad_enabled());
            }
            Assert.IsTrue(torch.is_grad_enabled());
            Assert.IsTrue((x * 2).requires_grad);
        }

        [TestMethod]
        public void GradientsAccumulateUntilZeroed()
        {
            using var scope = NewDisposeScope();
            var x = torch.tensor(new[] { 1.0f, 2.0f }).requires_grad_();
            (x * x).sum().backward();
            (x * x).sum().backward();
            CollectionAssert.AreEqual(new[] { 4.0f, 8.0f }, x.grad!.data<float>().ToArray());
            x.grad = null;
            Assert.IsNull(x.grad);
            (x * 3).sum().backward();
            CollectionAssert.AreEqual(new[] { 3.0f, 3.0f }, x.grad!.data<float>().ToArray());
            Assert.IsTrue(x.is_leaf);
            Assert.IsFalse((x * 2).is_leaf);
        }

        [TestMethod]
        public void BackwardWithExplicitGradientAndRetainedGraph()
        {
            using var scope = NewDisposeScope();
            var x = torch.tensor(new[] { 1.0, 2.0, 3.0 }).requires_grad_();
            var y = x * x;
            y.backward(new[] { torch.tensor(new[] { 1.0, 0.5, 0.0 }) }, retain_graph: true);
            CollectionAssert.AreEqual(new[] { 2.0, 2.0, 0.0 }, x.grad!.data<double>().ToArray());
            y.sum().backward();
            CollectionAssert.AreEqual(new[] { 4.0, 6.0, 6.0 }, x.grad!.data<double>().ToArray());
        }
    }
}
