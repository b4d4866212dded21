using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Modeling;
using Microsoft.ML.MaskRcnn.TestUtilities;
using Microsoft.ML.MaskRcnn.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Tests.Training
{
    /// <summary>
    /// <see cref="ComputeOptions.TrainingPrecision"/>: bfloat16 training against float32 training of the same run (same seed,
    /// data and recipe), the float32 run being held to torchvision by the parity tests. Where the CPU lacks native bfloat16
    /// the bfloat16 runs use libtorch's emulation (exact to bfloat16's definition, only slow).
    /// </summary>
    [TestClass]
    public class BFloat16TrainingTests
    {
        private static SyntheticShapesDataset Data() => new(8, 21, TrainingTestData.TinyImages);

        private static MaskRcnnTrainerOptions Options(ComputePrecision precision)
        {
            var options = TrainingTestData.TinyOptions(1);
            options.Compute.TrainingPrecision = precision;
            return options;
        }

        private static (MaskRcnnTrainingResult result, List<string> messages) Train(ComputePrecision precision)
        {
            var messages = new List<string>();
            var trainer = new MaskRcnnTrainer(Options(precision));
            trainer.Message += (_, m) => messages.Add(m);
            return (trainer.Train(Data()), messages);
        }

        [TestMethod]
        public void BFloat16TrainingFollowsFloat32TrainingAndKeepsFloat32Weights()
        {
            // The weights both runs start from: the trainer seeds libtorch, then builds the model.
            torch.manual_seed(Options(ComputePrecision.Float32).Seed);
            using var initial = new MaskRcnnModel(Options(ComputePrecision.Float32).Model);
            var (full, _) = Train(ComputePrecision.Float32);
            using var fullModel = full.Model;
            ComputePlan.EmulatedBFloat16Allowed = true;
            try
            {
                var (reduced, messages) = Train(ComputePrecision.BFloat16);
                using var reducedModel = reduced.Model;
                Assert.IsFalse(messages.Any(m => m.Contains("precision", StringComparison.Ordinal)), string.Join("\n", messages));

                // One step from the same weights on the same batch: the runs differ only in precision. Every loss within 3% of
                // float32's (bfloat16 keeps 8 significant bits, 0.4% per rounding; measured: 1.0% at most). Later steps are
                // not compared: different weights sample different proposals, and a random network's losses then differ by
                // up to a third in either direction (measured over three steps).
                Assert.AreEqual(1, reduced.History.Count);
                double worstLoss = 0;
                foreach (var (name, value) in full.History[0].Losses)
                {
                    double other = reduced.History[0].Losses[name];
                    Console.WriteLine($"{name}: float32 {value:G6}, bfloat16 {other:G6}");
                    Assert.IsTrue(double.IsFinite(other), $"{name}: {other}");
                    worstLoss = Math.Max(worstLoss, Math.Abs(other - value) / Math.Abs(value));
                }
                Console.WriteLine($"worst relative loss difference: {worstLoss:P2}");
                Assert.IsTrue(worstLoss < 0.03, $"a bfloat16 loss differs from float32's by {worstLoss:P2}");
                Assert.IsTrue(worstLoss > 0, "the bfloat16 run's losses are float32's to the bit: nothing computed in bfloat16");

                // The weights stay float32 and move as float32's do: the step's updates (the clipped gradients times the
                // learning rate, plus the same weight decay) point the same way and have the same size. Per layer, the
                // convolutions whose output a trained batch norm normalises by its batch statistics are the furthest (measured
                // cosines 0.89-0.98: a map whose mean is large against its spread loses most to bfloat16's rounding before the
                // mean is taken out; a float32 norm after them gave 0.91-0.98, so the norm runs on the bfloat16 map, as
                // PyTorch's autocast runs it); every other layer measured above 0.985.
                var start = initial.state_dict();
                var expected = fullModel.Model.state_dict();
                var actual = reducedModel.Model.state_dict();
                double dot = 0, expectedNorm = 0, actualNorm = 0;
                foreach (var (name, parameter) in reducedModel.Model.named_parameters())
                {
                    Assert.AreEqual(ScalarType.Float32, parameter.dtype, name);
                    if (!parameter.requires_grad) continue;
                    using var scope = NewDisposeScope();
                    var expectedMove = (expected[name] - start[name]).to_type(ScalarType.Float64);
                    var actualMove = (actual[name] - start[name]).to_type(ScalarType.Float64);
                    double layerDot = (expectedMove * actualMove).sum().item<double>();
                    double layerExpected = expectedMove.square().sum().item<double>(), layerActual = actualMove.square().sum().item<double>();
                    dot += layerDot;
                    expectedNorm += layerExpected;
                    actualNorm += layerActual;
                    if (layerExpected == 0) continue;
                    double layerCosine = layerDot / Math.Sqrt(layerExpected * layerActual);
                    bool beforeTrainedNorm = name.StartsWith("backbone.body.", StringComparison.Ordinal);
                    Assert.IsTrue(layerCosine > (beforeTrainedNorm ? 0.8 : 0.97), $"{name}: the updates' cosine is {layerCosine:F4}");
                }
                double cosine = dot / Math.Sqrt(expectedNorm * actualNorm);
                Console.WriteLine($"cosine of the weight updates: {cosine:F4}; norms {Math.Sqrt(expectedNorm):G4} (float32), {Math.Sqrt(actualNorm):G4} (bfloat16)");
                Assert.IsTrue(expectedNorm > 0, "float32 training moved no weight");
                Assert.IsTrue(cosine > 0.85, $"the bfloat16 run's weight updates have cosine {cosine:F4} with float32's");
                Assert.AreEqual(1, Math.Sqrt(actualNorm / expectedNorm), 0.1, "the updates' sizes differ");
            }
            finally
            {
                ComputePlan.EmulatedBFloat16Allowed = false;
            }
        }

        [TestMethod]
        public void BFloat16TrainingFallsBackToFloat32WithAMessageWhereTheCpuLacksIt()
        {
            // Independent truth: the kernel's view of the CPU's flags.
            if (CpuFlags.HasNativeBFloat16() is not bool native)
            {
                Assert.Inconclusive("No /proc/cpuinfo to read the CPU's flags from.");
                return;
            }

            var (precision, message) = ComputePlan.EffectiveTrainingPrecision(new ComputeOptions { TrainingPrecision = ComputePrecision.BFloat16 }, torch.CPU);
            Assert.AreEqual(native ? ComputePrecision.BFloat16 : ComputePrecision.Float32, precision);
            if (native)
            {
                Assert.IsNull(message);
                return;
            }
            StringAssert.Contains(message, "Training precision BFloat16");
            StringAssert.Contains(message, "Float32");

            // The trainer says so once, and then trains exactly as float32 does.
            var (full, _) = Train(ComputePrecision.Float32);
            var (fallback, messages) = Train(ComputePrecision.BFloat16);
            using var fullModel = full.Model;
            using var fallbackModel = fallback.Model;
            Assert.AreEqual(1, messages.Count(m => m == message), string.Join("\n", messages));
            var a = fullModel.Model.state_dict();
            var b = fallbackModel.Model.state_dict();
            var different = a.Keys.Where(k => !a[k].equal(b[k]).all().item<bool>()).ToList();
            Assert.AreEqual(0, different.Count, "entries that differ: " + string.Join(", ", different.Take(10)));
        }

        [TestMethod]
        public void AnUndefinedTrainingPrecisionIsRefusedByName()
        {
            var options = new ComputeOptions { TrainingPrecision = (ComputePrecision)7 };
            var error = Assert.ThrowsExactly<ArgumentException>(options.Validate);
            StringAssert.Contains(error.Message, "TrainingPrecision");
        }
    }
}
