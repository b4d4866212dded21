using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.MaskRcnn.Modeling;
using Microsoft.ML.MaskRcnn.TestUtilities;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Tests.Modeling
{
    /// <summary>
    /// The whole network against torchvision 0.14 on the same weights (test/reference/maskrcnn_reference.py: ResNet-18-FPN,
    /// 5 classes, images resized to 320/512): same labels, boxes within 1e-3 px, scores within 1e-4, mask probabilities
    /// within 1e-4, and the five training losses within 1e-4 with the samplers replaced on both sides by the same
    /// deterministic choice.
    /// </summary>
    [TestClass]
    public class ModelParityTests
    {
        private static Tensor Ref(string key) => TorchvisionReference.IO[key];

        internal static MaskRcnnOptions ReferenceOptions() => new()
        {
            NumClasses = 5, BackboneDepth = 18, BackboneNormalization = BackboneNormalization.Frozen, TrainableBackboneStages = 5,
            MinSize = 320, MaxSize = 512,
        };

        private static MaskRcnnModel LoadReferenceModel()
        {
            var model = new MaskRcnnModel(ReferenceOptions());
            var (missing, unexpected) = model.load_state_dict(TorchvisionReference.Weights.Keys.ToDictionary(k => k, k => TorchvisionReference.Weights[k]));
            Assert.AreEqual(0, missing.Count + unexpected.Count, $"missing: {string.Join(", ", missing)}; unexpected: {string.Join(", ", unexpected)}");
            return model;
        }

        /// <summary>torchvision's sampler with the random permutation replaced by index order (as the reference script patches it).</summary>
        internal static (Tensor[] positive, Tensor[] negative) FirstInIndexOrder(IList<Tensor> matched, int batchSize, double positiveFraction)
        {
            var positives = new Tensor[matched.Count];
            var negatives = new Tensor[matched.Count];
            for (int i = 0; i < matched.Count; i++)
            {
                using var scope = NewDisposeScope();
                var positive = torch.where(matched[i] >= 1)[0];
                var negative = torch.where(matched[i] == 0)[0];
                long numPositive = Math.Min(positive.numel(), (long)(batchSize * positiveFraction));
                long numNegative = Math.Min(negative.numel(), batchSize - numPositive);
                var p = torch.zeros_like(matched[i], dtype: ScalarType.Bool);
                var n = torch.zeros_like(matched[i], dtype: ScalarType.Bool);
                p[positive.narrow(0, 0, numPositive)] = torch.tensor(true);
                n[negative.narrow(0, 0, numNegative)] = torch.tensor(true);
                positives[i] = p.MoveToOuterDisposeScope();
                negatives[i] = n.MoveToOuterDisposeScope();
            }
            return (positives, negatives);
        }

        [TestMethod]
        public void DetectionsMatchTorchvisionOnTheSameWeights()
        {
            using var model = LoadReferenceModel();
            model.eval();
            using var scope = NewDisposeScope();
            var detections = model.Detect(new[] { Ref("image0"), Ref("image1") });
            for (int i = 0; i < 2; i++)
            {
                var d = detections[i];
                Assert.IsTrue(Ref($"scores{i}").shape[0] > 10, "the reference should have many detections to compare");
                // libtorch 2.10 (ours, with channels-last convolutions in the backbone) and torch 1.13 (torchvision)
                // differ in the last bits of the convolutions; ranked detections may swap neighbours with near-tied
                // scores, scores differ by up to 1.1e-4 and mask probabilities by up to 3.1e-4 (tolerances 1e-4 -> 2e-4
                // and 5e-4; docs/architecture.md, "Parity across engines").
                TensorAssert.SameDetections(Ref($"labels{i}"), Ref($"boxes{i}"), Ref($"scores{i}"), Ref($"masks{i}"), d,
                                            1e-3, 2e-4, 5e-4, $"image {i}");
            }
        }

        [TestMethod]
        public void ProposalsMatchTorchvision()
        {
            using var model = LoadReferenceModel();
            model.eval();
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var batch = Ref("batch");
            var flat = Ref("image_sizes").data<long>().ToArray();
            var sizes = new[] { (flat[0], flat[1]), (flat[2], flat[3]) };
            var features = new ResNetFpnBackboneAccessor(model).Features(batch);
            var (proposals, _) = model.Rpn.call(new RpnInput(batch, sizes, features, null));
            // Ranked by objectness: neighbours whose scores tie to within the engines' difference may swap (libtorch
            // 2.10 against torch 1.13; rows 659 and 660 of image 0 score 0.6309606 and 0.6309605). Coordinates differ
            // by up to 1.1e-3 px since the backbone's convolutions run channels-last (tolerance 1e-3 -> 2e-3).
            for (int i = 0; i < 2; i++)
                TensorAssert.PairRowsUpToOrder(Ref($"proposals{i}"), proposals[i], 2e-3, (int)(proposals[i].shape[0] / 100), $"image {i} proposals");
        }

        [TestMethod]
        public void TrainingLossesMatchTorchvisionWithDeterministicSampling()
        {
            using var model = LoadReferenceModel();
            model.train();
            model.Rpn.Sampler = m => FirstInIndexOrder(m, 256, 0.5);
            model.RoIHeads.Sampler = m => FirstInIndexOrder(m, 512, 0.25);
            using var scope = NewDisposeScope();
            var targets = Enumerable.Range(0, 2).Select(i => new DetectionTarget(Ref($"target_boxes{i}"), Ref($"target_labels{i}"), Ref($"target_masks{i}"))).ToArray();
            var losses = model.Losses(new[] { Ref("image0"), Ref("image1") }, targets);
            CollectionAssert.AreEqual(new[] { "loss_classifier", "loss_box_reg", "loss_mask", "loss_objectness", "loss_rpn_box_reg" }, losses.Keys.ToArray());
            foreach (var (key, value) in losses)
                TensorAssert.Close(Ref("loss_" + key.Substring("loss_".Length)), value, 1e-4, key);
            // And the losses train: backward reaches every trainable parameter.
            losses.Values.Aggregate((a, b) => a + b).backward();
            var withoutGradient = model.named_parameters().Where(p => p.parameter.requires_grad && p.parameter.grad is null).Select(p => p.name).ToList();
            Assert.AreEqual(0, withoutGradient.Count, "parameters without a gradient: " + string.Join(", ", withoutGradient));
        }
    }

    /// <summary>Reaches the backbone of a model for stage-by-stage comparisons.</summary>
    internal sealed class ResNetFpnBackboneAccessor
    {
        private readonly MaskRcnnModel model;

        public ResNetFpnBackboneAccessor(MaskRcnnModel model) => this.model = model;

        public Tensor[] Features(Tensor batch) =>
            ((ResNetFpnBackbone)model.named_children().Single(c => c.name == "backbone").module).call(batch);
    }
}

namespace Microsoft.ML.MaskRcnn.Tests.Modeling
{
    /// <summary>The paper's R50-FPN against torchvision's, once (slower: about half a minute with the reference run).</summary>
    [TestClass]
    public class ResNet50ParityTests
    {
        [TestMethod]
        [TestCategory("Slow")]
        public void ResNet50FpnDetectionsMatchTorchvision()
        {
            string folder = PythonReference.Run("maskrcnn_reference.py", "50", "320", "512");
            using var weights = new ReferenceTensors(System.IO.Path.Combine(folder, "weights.dat"));
            using var io = new ReferenceTensors(System.IO.Path.Combine(folder, "io.dat"));
            var options = ModelParityTests.ReferenceOptions();
            options.BackboneDepth = 50;
            using var model = new MaskRcnnModel(options);
            var (missing, unexpected) = model.load_state_dict(weights.Keys.ToDictionary(k => k, k => weights[k]));
            Assert.AreEqual(0, missing.Count + unexpected.Count);
            model.eval();
            using var scope = NewDisposeScope();
            var detections = model.Detect(new[] { io["image0"], io["image1"] });
            // Fifty random-weight layers amplify the engines' last-bit differences (libtorch 2.10 against torch 1.13):
            // measured up to 0.29 px on boxes (a 0.6 px wide box), and pasted masks whose edge pixels move whole with
            // their box (mean 1.1e-3 over the image); masks are therefore compared on average. Scores: 2.0e-3 on an
            // AVX2 CPU, 7.3e-3 on an AVX-512 one, where the same model run in float64 by torch 1.13 puts that score
            // (0.95504) 2.1e-3 from torch's float32 result and 5.3e-3 from ours: the spread is float32's own error,
            // amplified by the reference's twentyfold classifier weights, not a difference in the computation.
            for (int i = 0; i < 2; i++)
                TensorAssert.SameDetections(io[$"labels{i}"], io[$"boxes{i}"], io[$"scores{i}"], io[$"masks{i}"], detections[i],
                                            0.5, 1e-2, 3e-3, $"image {i}", maskOnAverage: true);
        }
    }
}
