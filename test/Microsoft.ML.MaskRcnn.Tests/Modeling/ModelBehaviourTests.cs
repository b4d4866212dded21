using System;
using System.IO;
using System.Linq;
using Microsoft.ML.MaskRcnn.Checkpoints;
using Microsoft.ML.MaskRcnn.Modeling;
using Microsoft.ML.MaskRcnn.TestUtilities;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Tests.Modeling
{
    [TestClass]
    public class ModelBehaviourTests
    {
        private static MaskRcnnModel SmallModel(int classes = 3, BackboneNormalization norm = BackboneNormalization.Frozen) => new(new MaskRcnnOptions
        {
            NumClasses = classes, BackboneDepth = 18, BackboneNormalization = norm, TrainableBackboneStages = 5,
            MinSize = 64, MaxSize = 96, RepresentationSize = 64, MaskHeadChannels = 16, FpnChannels = 32,
        });

        private static Tensor Image(long h = 60, long w = 80, int seed = 0) => torch.rand(new[] { 3L, h, w }, generator: new Generator((ulong)seed));

        [TestMethod]
        public void AnImageWithoutObjectsTrainsOnNegativesOnly()
        {
            using var model = SmallModel();
            model.train();
            using var scope = NewDisposeScope();
            var empty = new DetectionTarget(torch.zeros(0, 4), torch.zeros(new long[] { 0 }, ScalarType.Int64), torch.zeros(new long[] { 0, 60, 80 }, ScalarType.Byte));
            var losses = model.Losses(new[] { Image() }, new[] { empty });
            foreach (var (name, value) in losses)
                Assert.IsTrue(float.IsFinite(value.item<float>()), $"{name} = {value.item<float>()}");
            // Without objects nothing is positive: no box regression and no mask loss, but a classification signal.
            Assert.AreEqual(0f, losses["loss_box_reg"].item<float>());
            Assert.AreEqual(0f, losses["loss_rpn_box_reg"].item<float>());
            Assert.AreEqual(0f, losses["loss_mask"].item<float>());
            Assert.IsTrue(losses["loss_objectness"].item<float>() > 0);
            losses.Values.Aggregate((a, b) => a + b).backward();
        }

        [TestMethod]
        public void BadInputsNameTheImageAtFault()
        {
            using var model = SmallModel();
            using var scope = NewDisposeScope();
            model.eval();
            StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => model.Detect(Array.Empty<Tensor>())).Message, "empty");
            StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => model.Detect(new[] { Image(), torch.rand(60, 80) })).Message, "Image 1");
            StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => model.Detect(new[] { torch.rand(1, 60, 80) })).Message, "Image 0 must have 3");
            StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => model.Detect(new[] { Image(), torch.rand(4, 60, 80) })).Message, "Image 1 must have 3");
            StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => model.Detect(new[] { torch.zeros(new long[] { 3, 0, 5 }) })).Message, "Image 0 is empty");

            model.train();
            var image = Image();
            var labels = torch.tensor(new long[] { 1, 2 });
            var goodBoxes = torch.tensor(new float[] { 5, 5, 30, 30, 10, 10, 50, 40 }, new long[] { 2, 4 });
            var inverted = torch.tensor(new float[] { 5, 5, 30, 30, 40, 10, 20, 40 }, new long[] { 2, 4 });
            var masks = torch.zeros(new long[] { 2, 60, 80 }, ScalarType.Byte);
            var ok = new DetectionTarget(goodBoxes, labels, masks);
            var ex = Assert.ThrowsExactly<ArgumentException>(() => model.Losses(new[] { image, image }, new[] { ok, new DetectionTarget(inverted, labels, masks) }));
            StringAssert.Contains(ex.Message, "Box 1 of image 1");
            var wrongMask = new DetectionTarget(goodBoxes, labels, torch.zeros(new long[] { 2, 30, 80 }, ScalarType.Byte));
            StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => model.Losses(new[] { image }, new[] { wrongMask })).Message, "masks of image 0");
            var fewLabels = new DetectionTarget(goodBoxes, torch.tensor(new long[] { 1 }), masks);
            StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => model.Losses(new[] { image }, new[] { fewLabels })).Message, "Image 0 has 2 boxes");
            StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => model.call(new[] { image }, null)).Message, "target");
        }

        [TestMethod]
        public void OptionsAreValidatedByName()
        {
            var ex = Assert.ThrowsExactly<ArgumentException>(() => new MaskRcnnModel(new MaskRcnnOptions { BackboneDepth = 42 }));
            StringAssert.Contains(ex.Message, "BackboneDepth");
            ex = Assert.ThrowsExactly<ArgumentException>(() => new MaskRcnnModel(new MaskRcnnOptions { NumClasses = 1 }));
            StringAssert.Contains(ex.Message, "NumClasses");
            ex = Assert.ThrowsExactly<ArgumentException>(() => new MaskRcnnModel(new MaskRcnnOptions
            {
                AnchorSizes = new[] { new[] { 32.0, 48.0 }, new[] { 64.0 }, new[] { 128.0 }, new[] { 256.0 }, new[] { 512.0 } },
            }));
            StringAssert.Contains(ex.Message, "AnchorAspectRatios");
        }

        private static string CheckpointFolder => PythonReference.Run("maskrcnn_checkpoint_reference.py");

        [TestMethod]
        public void TorchvisionCheckpointsLoadWithoutMissingOrUnexpectedKeys()
        {
            foreach (var (file, norm) in new[] { ("frozen.pth", BackboneNormalization.Frozen), ("batchnorm.pth", BackboneNormalization.BatchNorm) })
            {
                using var full = new MaskRcnnModel(new MaskRcnnOptions { NumClasses = 91, BackboneDepth = 18, BackboneNormalization = norm, TrainableBackboneStages = 5 });
                var report = StateDictLoader.Load(full, Path.Combine(CheckpointFolder, file), new StateDictLoadOptions { Strict = true });
                Assert.IsTrue(report.IsComplete, $"{file}: {report}");
            }
        }

        [TestMethod]
        public void WeightsLoadedFromATorchvisionCheckpointReproduceItsFeatures()
        {
            using var model = new MaskRcnnModel(new MaskRcnnOptions { NumClasses = 91, BackboneDepth = 18, TrainableBackboneStages = 5 });
            StateDictLoader.Load(model, Path.Combine(CheckpointFolder, "frozen.pth"), new StateDictLoadOptions { Strict = true });
            model.eval();
            using var probe = new ReferenceTensors(Path.Combine(CheckpointFolder, "probe.dat"));
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var features = new ResNetFpnBackboneAccessor(model).Features(probe["batch"]);
            TensorAssert.Close(probe["p2"], features[0], 1e-4, "P2 from weights read out of a .pth file");
        }

        [TestMethod]
        public void FineTuningLoadsEverythingButThePredictorsOfAnotherClassCount()
        {
            using var model = SmallModelWithTorchvisionSizes(numClasses: 4);
            var report = StateDictLoader.Load(model, Path.Combine(CheckpointFolder, "frozen.pth"), StateDictLoadOptions.ExceptMaskRcnnPredictors(strict: true));
            Assert.IsTrue(report.SkippedKeys.Count == 6, $"the three predictor layers (weight and bias each) are skipped: {string.Join(", ", report.SkippedKeys)}");
            Assert.AreEqual(0, report.MissingKeys.Except(report.SkippedKeys).Count());
            var training = StateDictLoader.Load(SmallModelWithTorchvisionSizes(numClasses: 3), Path.Combine(CheckpointFolder, "training.pth"), new StateDictLoadOptions { Strict = true });
            Assert.IsTrue(training.IsComplete, training.ToString());
        }

        private static MaskRcnnModel SmallModelWithTorchvisionSizes(int numClasses) =>
            new(new MaskRcnnOptions { NumClasses = numClasses, BackboneDepth = 18, TrainableBackboneStages = 5 });
    }
}
