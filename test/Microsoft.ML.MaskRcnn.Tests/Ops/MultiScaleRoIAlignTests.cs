using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.MaskRcnn.Ops;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static Microsoft.ML.MaskRcnn.Tests.Ops.OpsReference;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Tests.Ops
{
    [TestClass]
    public class MultiScaleRoIAlignTests
    {
        private static readonly (long, long)[] ImageShapes = { (800, 1088), (760, 1000) };

        // FPN levels P2..P5 of a 800x1088 batch (strides 4..32) plus a "pool" map that must be ignored.
        private static Dictionary<string, Tensor> Features() => new()
        {
            ["0"] = In("msra/feat0"), ["1"] = In("msra/feat1"), ["2"] = In("msra/feat2"), ["3"] = In("msra/feat3"), ["pool"] = In("msra/featpool"),
        };

        private static Tensor[] Boxes() => new[] { In("msra/boxes0"), In("msra/boxes1") };

        [TestMethod]
        public void PoolsLikeTorchvision()
        {
            foreach (var (size, ratio) in new[] { (7L, 2L), (14L, 2L), (7L, -1L) })
            {
                using var scope = NewDisposeScope();
                using var pooler = new MultiScaleRoIAlign(new[] { "0", "1", "2", "3" }, size, ratio);
                var result = pooler.call(Features(), Boxes(), ImageShapes);
                TensorAssert.Close(Out($"msra/{size}_{ratio}"), result, 1e-5, $"output {size}, sampling ratio {ratio}");
                CollectionAssert.AreEqual(Out($"msra/{size}_{ratio}_scales").data<double>().ToArray(), pooler.Scales!.ToArray());
            }
        }

        [TestMethod]
        public void OneLevelPoolsLikeTorchvision()
        {
            using var scope = NewDisposeScope();
            using var pooler = new MultiScaleRoIAlign(new[] { "1" }, (5, 3), 2);
            TensorAssert.Close(Out("msra/single"), pooler.call(Features(), Boxes(), ImageShapes), 1e-5, "single level");
            CollectionAssert.AreEqual(new[] { 0.125 }, pooler.Scales!.ToArray());
        }

        [TestMethod]
        public void BoxesGoToTheLevelOfTheFpnRule()
        {
            // k = floor(4 + log2(sqrt(w h) / 224) + 1e-6), clamped to [2, 5]: 112 -> 3, 224 -> 4, 448 -> 5, 1 -> 2, 2000 -> 5.
            using var scope = NewDisposeScope();
            var features = Features();
            var boxes = torch.tensor(new float[] { 0, 0, 112, 112, 10, 10, 234, 234, 0, 0, 448, 448, 5, 5, 6, 6, 0, 0, 1000, 4000 }, new long[] { 5, 4 });
            var expectedLevel = new[] { 1, 2, 3, 0, 3 };
            using var pooler = new MultiScaleRoIAlign(new[] { "0", "1", "2", "3" }, 7, 2);
            var pooled = pooler.call(features, new[] { boxes, torch.zeros(0, 4) }, ImageShapes);
            for (int i = 0; i < expectedLevel.Length; i++)
            {
                int level = expectedLevel[i];
                var rois = torch.cat(new[] { torch.zeros(1, 1), boxes.narrow(0, i, 1) }, 1);
                var direct = DetectionOps.roi_align(features[level.ToString()], rois, 7, Math.Pow(2, -(level + 2)), 2);
                TensorAssert.Close(direct, pooled.narrow(0, i, 1), 0, $"box {i} pooled from level {level + 2}");
            }
        }

        [TestMethod]
        public void GradientsReachTheFeatureMaps()
        {
            using var scope = NewDisposeScope();
            var features = Features().ToDictionary(kv => kv.Key, kv => kv.Value.clone().requires_grad_());
            using var pooler = new MultiScaleRoIAlign(new[] { "0", "1", "2", "3" }, 7, 2);
            pooler.call(features, Boxes(), ImageShapes).sum().backward();
            foreach (var name in new[] { "0", "1", "2", "3" })
            {
                using var grad = features[name].grad!;
                Assert.IsTrue(grad.abs().sum().item<float>() > 0, $"level {name} receives a gradient");
            }
            Assert.IsNull(features["pool"].grad, "unused maps get no gradient");
        }

        [TestMethod]
        public void LevelsWithoutBoxesAreSkippedAndTheOthersGetTheDirectGradient()
        {
            // Two boxes of side 112 both map to P3 (see the FPN rule above): the other levels are not pooled at all, so
            // backward allocates no all-zero gradient for them, and P3's gradient is RoIAlign's own.
            using var scope = NewDisposeScope();
            var features = Features().ToDictionary(kv => kv.Key, kv => kv.Value.clone().requires_grad_());
            var boxes = torch.tensor(new float[] { 0, 0, 112, 112, 300, 200, 412, 312 }, new long[] { 2, 4 });
            using var pooler = new MultiScaleRoIAlign(new[] { "0", "1", "2", "3" }, 7, 2);
            pooler.call(features, new[] { boxes, torch.zeros(0, 4) }, ImageShapes).sum().backward();

            var direct = Features()["1"].clone().requires_grad_();
            var rois = torch.cat(new[] { torch.zeros(2, 1), boxes }, 1);
            DetectionOps.roi_align(direct, rois, 7, 0.125, 2).sum().backward();
            TensorAssert.Close(direct.grad!, features["1"].grad!, 0, "P3's gradient");
            foreach (var name in new[] { "0", "2", "3" })
                Assert.IsNull(features[name].grad, $"level {name} has no boxes and gets no gradient");
        }

        [TestMethod]
        public void WrongInputsAreNamed()
        {
            using var scope = NewDisposeScope();
            using var pooler = new MultiScaleRoIAlign(new[] { "0", "missing" }, 7, 2);
            NmsTests.AssertArgument("x", () => pooler.call(Features(), Boxes(), ImageShapes));
            using var pooler2 = new MultiScaleRoIAlign(new[] { "0", "1" }, 7, 2);
            NmsTests.AssertArgument("boxes", () => pooler2.call(Features(), new[] { In("msra/boxes0") }, ImageShapes));
            NmsTests.AssertArgument("boxes", () => pooler2.call(Features(), new[] { In("msra/boxes0"), torch.rand(3, 5) }, ImageShapes));
            NmsTests.AssertArgument("featmap_names", () => new MultiScaleRoIAlign(Array.Empty<string>(), 7, 2));
            NmsTests.AssertArgument("output_size", () => new MultiScaleRoIAlign(new[] { "0" }, 0, 2));
        }
    }
}
