using System;
using System.Linq;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Imaging;
using Microsoft.ML.MaskRcnn.Modeling;
using Microsoft.ML.MaskRcnn.TestUtilities;
using Microsoft.ML.MaskRcnn.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Tests.Modeling
{
    /// <summary>
    /// The compute options change how the network computes, not what: each one's outputs against the plain float32 forward
    /// of the same weights (itself held to torchvision by the parity tests).
    /// </summary>
    [TestClass]
    public class ComputeOptionsTests
    {
        private static MaskRcnnModel SmallModel(BackboneNormalization norm)
        {
            torch.manual_seed(11);
            var model = new MaskRcnnModel(new MaskRcnnOptions
            {
                NumClasses = 3, BackboneDepth = 18, BackboneNormalization = norm, TrainableBackboneStages = 5,
                MinSize = 96, MaxSize = 128, RepresentationSize = 64, MaskHeadChannels = 16, FpnChannels = 32,
                BoxScoreThreshold = 0.0,
            });
            // Statistics and affine parameters far from the identity, so that a wrong fold shows.
            using var noGrad = no_grad();
            var generator = new Generator(7);
            foreach (var (name, tensor) in model.named_buffers().Concat(model.named_parameters().Select(p => (p.name, (Tensor)p.parameter))))
            {
                if (!name.StartsWith("backbone.body.", StringComparison.Ordinal) || name.Contains("conv") || name.EndsWith("num_batches_tracked", StringComparison.Ordinal)) continue;
                if (name.Contains("downsample.0")) continue;
                if (name.EndsWith("running_var", StringComparison.Ordinal)) tensor.uniform_(0.5, 2.0, generator);
                else if (name.EndsWith("running_mean", StringComparison.Ordinal)) tensor.uniform_(-0.3, 0.3, generator);
                else if (name.EndsWith("weight", StringComparison.Ordinal)) tensor.uniform_(0.5, 1.5, generator);
                else if (name.EndsWith("bias", StringComparison.Ordinal)) tensor.uniform_(-0.2, 0.2, generator);
            }
            model.eval();
            return model;
        }

        private static Tensor Batch() => torch.rand(new[] { 1L, 3, 96, 128 }, generator: new Generator(3));

        // The backbone's five levels under a plan (null: none), as float32 copies.
        private static Tensor[] Features(MaskRcnnModel model, ComputePlan? plan)
        {
            using var noGrad = no_grad();
            using var batch = Batch();
            using var active = plan?.Activate();
            return model.Backbone.call(batch);
        }

        // Largest absolute difference over each level, relative to that level's largest magnitude.
        private static double WorstRelativeDifference(Tensor[] expected, Tensor[] actual)
        {
            Assert.AreEqual(expected.Length, actual.Length);
            double worst = 0;
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.AreEqual(ScalarType.Float32, actual[i].dtype, $"level {i} must leave the backbone in float32");
                CollectionAssert.AreEqual(expected[i].shape, actual[i].shape, $"level {i}");
                double scale = expected[i].abs().max().item<float>();
                double difference = (expected[i] - actual[i]).abs().max().item<float>();
                worst = Math.Max(worst, difference / scale);
            }
            return worst;
        }

        [TestMethod]
        [DataRow(BackboneNormalization.Frozen)]
        [DataRow(BackboneNormalization.BatchNorm)]
        public void FoldedBatchNormGivesTheUnfoldedFeatures(BackboneNormalization norm)
        {
            using var scope = NewDisposeScope();
            using var model = SmallModel(norm);
            var plain = Features(model, null);
            using var plan = ComputePlan.ForInference(model, new ComputeOptions { FoldBatchNorm = true }, ComputePrecision.Float32);
            var folded = Features(model, plan);
            // Float32 rounding of W * s against (conv(x, W)) * s: a few ulps per layer through 21 layers.
            double worst = WorstRelativeDifference(plain, folded);
            Console.WriteLine($"folded ({norm}): worst difference {worst:E2} of a level's scale");
            Assert.IsTrue(worst < 1e-5, $"folded features differ by {worst:E2} of the level's scale");
            Assert.IsTrue(worst > 0, "the plan did not fold anything: the features are bit-identical");
        }

        [TestMethod]
        public void FoldingComputesWTimesScaleAndTheShiftAsBias()
        {
            using var scope = NewDisposeScope();
            using var conv = nn.Conv2d(2, 3, 1, bias: false);
            using var norm = NormWithHandValues();
            using (no_grad()) conv.weight.copy_(torch.tensor(new float[] { 1, 2, 3, 4, 5, 6 }).view(3, 2, 1, 1));
            using var prepared = PreparedLayer.Folded(conv, norm, ScalarType.Float32);
            // By hand: s = weight / sqrt(var + eps) = 2, 0.5, 1; t = bias - mean * s = 1, -0.5, -3.
            CollectionAssert.AreEqual(new float[] { 2, 4, 1.5f, 2, 5, 6 }, prepared.Weight.flatten().data<float>().ToArray());
            CollectionAssert.AreEqual(new float[] { 1, -0.5f, -3 }, prepared.Bias!.data<float>().ToArray());
            Assert.IsTrue(prepared.FoldsNorm);
        }

        [TestMethod]
        public void AFrozenNormComputesABFloat16InputInBFloat16()
        {
            using var scope = NewDisposeScope();
            using var norm = NormWithHandValues();
            // By hand: s = 2, 0.5, 1 and t = 1, -0.5, -3 (all exact in bfloat16), so x = 1.5, 3, 7 gives 4, 1, 4; the
            // gradient of the sum with respect to x is s.
            var x = torch.tensor(new float[] { 1.5f, 3, 7 }).view(1, 3, 1, 1).to(ScalarType.BFloat16).requires_grad_();
            var y = norm.call(x);
            Assert.AreEqual(ScalarType.BFloat16, y.dtype, "the product with float32 factors would promote it to float32");
            CollectionAssert.AreEqual(new float[] { 4, 1, 4 }, y.to(ScalarType.Float32).flatten().data<float>().ToArray());
            y.sum().backward();
            Assert.AreEqual(ScalarType.BFloat16, x.grad!.dtype);
            CollectionAssert.AreEqual(new float[] { 2, 0.5f, 1 }, x.grad.to(ScalarType.Float32).flatten().data<float>().ToArray());

            var fresh = torch.tensor(new float[] { 1.5f, 3, 7 }).view(1, 3, 1, 1).to(ScalarType.BFloat16);
            var inPlace = norm.ForwardInPlace(fresh);
            Assert.AreEqual(ScalarType.BFloat16, inPlace.dtype);
            CollectionAssert.AreEqual(new float[] { 4, 1, 4 }, inPlace.to(ScalarType.Float32).flatten().data<float>().ToArray());
        }

        // A three-channel frozen norm whose scale is 2, 0.5, 1 and shift 1, -0.5, -3 (by hand from the buffers below).
        private static FrozenBatchNorm2d NormWithHandValues()
        {
            var norm = new FrozenBatchNorm2d(3);
            using (no_grad())
                foreach (var (name, buffer) in norm.named_buffers())
                    buffer.copy_(name switch
                    {
                        "weight" => torch.tensor(new float[] { 2, 1, 0.5f }),
                        "bias" => torch.tensor(new float[] { 1, 0, -1 }),
                        "running_mean" => torch.tensor(new float[] { 0, 1, 2 }),
                        _ => torch.tensor(new float[] { 1 - 1e-5f, 4 - 1e-5f, 0.25f - 1e-5f }),  // + eps: 1, 4, 0.25
                    });
            return norm;
        }

        [TestMethod]
        public void EveryLayoutGivesTheSameFeatures()
        {
            using var scope = NewDisposeScope();
            using var model = SmallModel(BackboneNormalization.Frozen);
            var contiguous = Features(model, ComputePlan.LayoutOnly(FeatureMemoryFormat.Contiguous));
            var channelsLast = Features(model, ComputePlan.LayoutOnly(FeatureMemoryFormat.ChannelsLast));
            var auto = Features(model, null);
            Console.WriteLine($"contiguous against channels-last: {WorstRelativeDifference(contiguous, channelsLast):E2} of a level's scale");
            // oneDNN sums in another order per layout.
            Assert.IsTrue(WorstRelativeDifference(contiguous, channelsLast) < 1e-5);
            Assert.AreEqual(0, WorstRelativeDifference(channelsLast, auto), "Auto is channels-last on the CPU");
            // The layouts really differ: channels-last strides put the channels innermost (stride 1).
            Assert.AreEqual(1L, channelsLast[0].stride(1));
            Assert.AreEqual(channelsLast[0].shape[2] * channelsLast[0].shape[3], contiguous[0].stride(1));
        }

        [TestMethod]
        public void BFloat16FeaturesStayWithinItsPrecision()
        {
            using var scope = NewDisposeScope();
            using var model = SmallModel(BackboneNormalization.Frozen);
            var plain = Features(model, null);
            using var plan = ComputePlan.ForInference(model, new ComputeOptions { FoldBatchNorm = true, InferencePrecision = ComputePrecision.BFloat16 },
                                                      ComputePrecision.BFloat16);
            var reduced = Features(model, plan);
            // bfloat16 keeps 8 significant bits (relative step 2^-8 = 0.4%); through 21 convolutions of a random network the
            // measured worst is 1.4% of a level's scale (float32 against float32 in another layout: 1.4e-6).
            double worst = WorstRelativeDifference(plain, reduced);
            Console.WriteLine($"bfloat16: worst difference {worst:E2} of a level's scale");
            Assert.IsTrue(worst < 0.03, $"bfloat16 features differ by {worst:P2} of the level's scale");
            Assert.IsTrue(worst > 1e-4, $"the features look float32 ({worst:E2}): nothing ran in bfloat16");
        }

        [TestMethod]
        public void BFloat16DetectionsAreFloat32AndCloseToTheFloat32Ones()
        {
            using var scope = NewDisposeScope();
            var model = SmallModel(BackboneNormalization.Frozen);
            using var trained = new TrainedMaskRcnn(model, new CategoryMap(new[] { (1L, "a"), (2L, "b") }), torch.CPU);
            var image = new ImageBuffer(Enumerable.Range(0, 96 * 128 * 3).Select(i => (byte)(i * 7919 % 251)).ToArray(), 128, 96, 3);
            var plain = trained.Predict(image);
            ComputePlan.EmulatedBFloat16Allowed = true;
            try
            {
                trained.Compute = new ComputeOptions { InferencePrecision = ComputePrecision.BFloat16 };
                Assert.AreEqual(ComputePrecision.BFloat16, trained.EffectiveInferencePrecision);
                var reduced = trained.Predict(image);
                Console.WriteLine($"top detection float32: {plain[0]}; bfloat16: {reduced[0]}");
                Assert.IsTrue(plain.Count > 0 && reduced.Count > 0);
                // float32's top detection is found again (same class, IoU > 0.9; the order may change where scores are
                // close), its score within 0.02. Measured: scores within 0.002, corners within 0.07 px.
                var top = plain[0];
                var match = reduced.Where(d => d.Label == top.Label).OrderByDescending(d => Iou(top, d)).First();
                Assert.IsTrue(Iou(top, match) > 0.9, $"IoU {Iou(top, match):F3}");
                Assert.AreEqual(top.Score, match.Score, 0.02);
            }
            finally
            {
                ComputePlan.EmulatedBFloat16Allowed = false;
            }
        }

        private static double Iou(InstancePrediction a, InstancePrediction b)
        {
            double w = Math.Max(0, Math.Min(a.X1, b.X1) - Math.Max(a.X0, b.X0)), h = Math.Max(0, Math.Min(a.Y1, b.Y1) - Math.Max(a.Y0, b.Y0));
            double union = (a.X1 - a.X0) * (a.Y1 - a.Y0) + (b.X1 - b.X0) * (b.Y1 - b.Y0) - w * h;
            return w * h / union;
        }

        [TestMethod]
        public void BFloat16FallsBackToFloat32WithAMessageWhereTheCpuLacksIt()
        {
            // Independent truth: the kernel's view of the CPU's flags.
            if (CpuFlags.HasNativeBFloat16() is not bool native)
            {
                Assert.Inconclusive("No /proc/cpuinfo to read the CPU's flags from.");
                return;
            }
            Assert.AreEqual(native, ComputeOptions.HasNativeBFloat16(torch.CPU));

            var (precision, message) = ComputePlan.EffectivePrecision(new ComputeOptions { InferencePrecision = ComputePrecision.BFloat16 }, torch.CPU);
            if (native)
            {
                Assert.AreEqual(ComputePrecision.BFloat16, precision);
                Assert.IsNull(message);
            }
            else
            {
                Assert.AreEqual(ComputePrecision.Float32, precision);
                StringAssert.Contains(message, "BFloat16");
                StringAssert.Contains(message, "Float32");
            }
            Assert.AreEqual((ComputePrecision.Float32, (string?)null), ComputePlan.EffectivePrecision(new ComputeOptions(), torch.CPU));
        }

        [TestMethod]
        public void PreparedWeightsAreASnapshotUntilComputeIsSetAgain()
        {
            using var scope = NewDisposeScope();
            var model = SmallModel(BackboneNormalization.Frozen);
            using var trained = new TrainedMaskRcnn(model, new CategoryMap(new[] { (1L, "a"), (2L, "b") }), torch.CPU);
            var image = new ImageBuffer(Enumerable.Range(0, 96 * 128 * 3).Select(i => (byte)(i * 31 % 253)).ToArray(), 128, 96, 3);
            trained.Compute = new ComputeOptions { FoldBatchNorm = true };
            var before = trained.Predict(image);
            using (no_grad())
                foreach (var (name, buffer) in model.named_buffers().Where(b => b.name.EndsWith("bn1.bias", StringComparison.Ordinal)))
                    buffer.add_(0.5);
            var snapshot = trained.Predict(image);
            Assert.AreEqual(before[0].Score, snapshot[0].Score, "the folded weights were prepared before the change");
            trained.Compute = new ComputeOptions { FoldBatchNorm = true };
            var after = trained.Predict(image);
            Assert.AreNotEqual(before[0].Score, after[0].Score, "setting Compute again prepares the current weights");
        }

        [TestMethod]
        public void InvalidOptionsAreNamed()
        {
            var ex = Assert.ThrowsExactly<ArgumentException>(() => new ComputeOptions { MemoryFormat = (FeatureMemoryFormat)9 }.Validate());
            StringAssert.Contains(ex.Message, "MemoryFormat");
            ex = Assert.ThrowsExactly<ArgumentException>(() => new MaskRcnnTrainerOptions { Compute = new ComputeOptions { InferencePrecision = (ComputePrecision)5 } }.Validate());
            StringAssert.Contains(ex.Message, "InferencePrecision");
        }
    }
}
