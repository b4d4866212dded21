using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.MaskRcnn.Checkpoints;
using Microsoft.ML.MaskRcnn.TestUtilities;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using TorchSharp.Modules;
using static Microsoft.ML.MaskRcnn.Tests.Checkpoints.CheckpointFiles;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Tests.Checkpoints
{
    // A tiny module whose field names give the state-dict keys of torchvision's Mask R-CNN predictor layers, as
    // PredictorModel in test/reference/checkpoint_reference.py.
    internal sealed class TinyBody : nn.Module
    {
        public readonly Conv2d conv1 = nn.Conv2d(3, 8, 3, bias: false);
        public readonly BatchNorm2d bn1 = nn.BatchNorm2d(8);
        public TinyBody() : base("body") => RegisterComponents();
    }

    internal sealed class TinyBackbone : nn.Module
    {
        public readonly TinyBody body = new();
        public TinyBackbone() : base("backbone") => RegisterComponents();
    }

    internal sealed class TinyBoxPredictor : nn.Module
    {
        public readonly Linear cls_score;
        public readonly Linear bbox_pred;

        public TinyBoxPredictor(int classes) : base("box_predictor")
        {
            cls_score = nn.Linear(16, classes);
            bbox_pred = nn.Linear(16, classes * 4);
            RegisterComponents();
        }
    }

    internal sealed class TinyMaskPredictor : nn.Module
    {
        public readonly ConvTranspose2d conv5_mask = nn.ConvTranspose2d(8, 8, 2, stride: 2);
        public readonly Conv2d mask_fcn_logits;

        public TinyMaskPredictor(int classes) : base("mask_predictor")
        {
            mask_fcn_logits = nn.Conv2d(8, classes, 1);
            RegisterComponents();
        }
    }

    internal sealed class TinyRoiHeads : nn.Module
    {
        public readonly TinyBoxPredictor box_predictor;
        public readonly TinyMaskPredictor mask_predictor;

        public TinyRoiHeads(int classes) : base("roi_heads")
        {
            box_predictor = new TinyBoxPredictor(classes);
            mask_predictor = new TinyMaskPredictor(classes);
            RegisterComponents();
        }
    }

    internal sealed class TinyMaskRcnn : nn.Module
    {
        public readonly TinyBackbone backbone = new();
        public readonly TinyRoiHeads roi_heads;

        public TinyMaskRcnn(int classes) : base("TinyMaskRcnn")
        {
            roi_heads = new TinyRoiHeads(classes);
            RegisterComponents();
        }
    }

    [TestClass]
    public class StateDictLoaderTests
    {
        private static readonly string[] BackboneAndConv5 =
        {
            "backbone.body.conv1.weight", "backbone.body.bn1.weight", "backbone.body.bn1.bias",
            "roi_heads.mask_predictor.conv5_mask.weight", "roi_heads.mask_predictor.conv5_mask.bias",
            "backbone.body.bn1.running_mean", "backbone.body.bn1.running_var", "backbone.body.bn1.num_batches_tracked",
        };

        private static readonly string[] Predictors =
        {
            "roi_heads.box_predictor.cls_score.weight", "roi_heads.box_predictor.cls_score.bias",
            "roi_heads.box_predictor.bbox_pred.weight", "roi_heads.box_predictor.bbox_pred.bias",
            "roi_heads.mask_predictor.mask_fcn_logits.weight", "roi_heads.mask_predictor.mask_fcn_logits.bias",
        };

        private static Dictionary<string, Tensor> Snapshot(nn.Module module) =>
            module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());

        [TestMethod]
        public void FineTuningOptionLoadsEverythingButTheClassCountDependentPredictors()
        {
            using var model = new TinyMaskRcnn(classes: 3);
            using var scope = NewDisposeScope();
            var before = Snapshot(model);
            var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);

            var report = StateDictLoader.Load(model, Path("predictor.pth"), StateDictLoadOptions.ExceptMaskRcnnPredictors());

            Assert.IsTrue(report.IsComplete, report.ToString());
            CollectionAssert.AreEquivalent(BackboneAndConv5, report.LoadedKeys.ToArray());
            CollectionAssert.AreEquivalent(Predictors, report.SkippedKeys.ToArray());
            Assert.AreEqual(0, report.ConvertedKeys.Count);
            using var expected = new ReferenceTensors(Path("predictor.dat"));
            var now = model.state_dict();
            foreach (var key in BackboneAndConv5) AssertSameValues(expected[key], now[key], key);
            foreach (var key in Predictors) AssertSameValues(before[key], now[key], key + " is left as it was");
            Assert.AreEqual(7L, now["backbone.body.bn1.num_batches_tracked"].item<long>());
            foreach (var (name, parameter) in model.named_parameters())
                Assert.AreSame(parameters[name], parameter, $"{name}: the module keeps its own parameter objects");
            Assert.IsTrue(parameters["backbone.body.conv1.weight"].requires_grad, "loading does not change requires_grad");
            Assert.IsNull(parameters["backbone.body.conv1.weight"].grad, "loading runs under no_grad");
        }

        [TestMethod]
        public void StrictLoadListsEveryProblemAndChangesNothing()
        {
            using var model = new TinyMaskRcnn(classes: 3);
            using var scope = NewDisposeScope();
            var before = Snapshot(model);
            using var stateDict = PyTorchCheckpoint.ReadStateDict(Path("predictor.pth"));

            var error = Assert.ThrowsExactly<StateDictLoadException>(() => StateDictLoader.Load(model, stateDict, new StateDictLoadOptions { Strict = true }));

            CollectionAssert.AreEquivalent(Predictors, error.Report.ShapeMismatches.Select(m => m.Key).ToArray());
            StringAssert.Contains(error.Message, "roi_heads.box_predictor.cls_score.weight: module [3, 16], state dict [91, 16]");
            StringAssert.Contains(error.Message, "roi_heads.box_predictor.bbox_pred.bias: module [12], state dict [364]");
            StringAssert.Contains(error.Message, "roi_heads.mask_predictor.mask_fcn_logits.weight: module [3, 8, 1, 1], state dict [91, 8, 1, 1]");
            StringAssert.Contains(error.Message, "nothing was loaded");
            foreach (var (key, value) in model.state_dict()) AssertSameValues(before[key], value, key + " is unchanged");
        }

        [TestMethod]
        public void NonStrictLoadLoadsWhatMatchesAndReportsShapeMismatches()
        {
            using var model = new TinyMaskRcnn(classes: 3);
            using var stateDict = PyTorchCheckpoint.ReadStateDict(Path("predictor.pth"));
            var report = StateDictLoader.Load(model, stateDict);
            Assert.IsFalse(report.IsComplete);
            CollectionAssert.AreEquivalent(BackboneAndConv5, report.LoadedKeys.ToArray());
            var mismatch = report.ShapeMismatches.Single(m => m.Key == "roi_heads.box_predictor.cls_score.weight");
            CollectionAssert.AreEqual(Longs(3, 16), mismatch.ExpectedShape.ToArray());
            CollectionAssert.AreEqual(Longs(91, 16), mismatch.FoundShape.ToArray());
            Assert.AreEqual(0, report.MissingKeys.Count);
            Assert.AreEqual(0, report.UnexpectedKeys.Count);
            Assert.AreEqual(0, report.SkippedKeys.Count);
            StringAssert.Contains(report.ToString(), "8 loaded (0 with a type conversion), 0 missing, 0 unexpected, 6 with another shape, 0 skipped.");
        }

        [TestMethod]
        public void SameClassCountLoadsEverythingStrictly()
        {
            using var model = new TinyMaskRcnn(classes: 91);
            var report = StateDictLoader.Load(model, Path("predictor.pth"), new StateDictLoadOptions { Strict = true });
            Assert.AreEqual(14, report.LoadedKeys.Count);
            using var expected = new ReferenceTensors(Path("predictor.dat"));
            foreach (var (key, value) in model.state_dict()) AssertSameValues(expected[key], value, key);
        }

        [TestMethod]
        public void MissingUnexpectedAndConvertedEntriesAreReportedByName()
        {
            using var model = new TinyMaskRcnn(classes: 3);
            using var scope = NewDisposeScope();
            var own = model.state_dict();
            var conv1 = torch.randn(own["backbone.body.conv1.weight"].shape, ScalarType.Float64);
            var source = new Dictionary<string, Tensor>
            {
                ["backbone.body.conv1.weight"] = conv1,                                            // float64 into float32
                ["backbone.body.bn1.num_batches_tracked"] = torch.tensor(12, ScalarType.Int32),   // int32 into int64
                ["backbone.body.bn1.weight"] = torch.ones(8),
                ["extra.weight"] = torch.zeros(2),
                ["roi_heads.box_predictor.cls_score.weight"] = torch.zeros(91, 16),                // skipped below
                ["roi_heads.box_predictor.old_layer.weight"] = torch.zeros(1),                     // skipped, not in the module
            };
            var options = new StateDictLoadOptions { SkipPrefixes = new[] { "roi_heads.box_predictor." } };

            var report = StateDictLoader.Load(model, source, options);

            CollectionAssert.AreEqual(new[] { "backbone.body.conv1.weight", "backbone.body.bn1.weight", "backbone.body.bn1.num_batches_tracked" },
                                      report.LoadedKeys.ToArray());
            CollectionAssert.AreEqual(new[] { "backbone.body.conv1.weight", "backbone.body.bn1.num_batches_tracked" }, report.ConvertedKeys.ToArray());
            CollectionAssert.AreEqual(new[] { "extra.weight" }, report.UnexpectedKeys.ToArray());
            CollectionAssert.AreEquivalent(new[]
            {
                "backbone.body.bn1.bias", "roi_heads.mask_predictor.conv5_mask.weight", "roi_heads.mask_predictor.conv5_mask.bias",
                "roi_heads.mask_predictor.mask_fcn_logits.weight", "roi_heads.mask_predictor.mask_fcn_logits.bias",
                "backbone.body.bn1.running_mean", "backbone.body.bn1.running_var",
            }, report.MissingKeys.ToArray());
            CollectionAssert.AreEqual(new[]
            {
                "roi_heads.box_predictor.cls_score.weight", "roi_heads.box_predictor.cls_score.bias", "roi_heads.box_predictor.bbox_pred.weight",
                "roi_heads.box_predictor.bbox_pred.bias", "roi_heads.box_predictor.old_layer.weight",
            }, report.SkippedKeys.ToArray(), "the module's skipped entries first, then the state dict's own");

            var now = model.state_dict();
            Assert.AreEqual(ScalarType.Float32, now["backbone.body.conv1.weight"].dtype);
            Assert.IsTrue(now["backbone.body.conv1.weight"].allclose(conv1.to_type(ScalarType.Float32), 0, 0));
            Assert.AreEqual(ScalarType.Int64, now["backbone.body.bn1.num_batches_tracked"].dtype);
            Assert.AreEqual(12L, now["backbone.body.bn1.num_batches_tracked"].item<long>());

            var strict = Assert.ThrowsExactly<StateDictLoadException>(() =>
                StateDictLoader.Load(model, source, new StateDictLoadOptions { Strict = true, SkipPrefixes = options.SkipPrefixes }));
            StringAssert.Contains(strict.Message, "7 missing, 1 unexpected, 0 with another shape");
            StringAssert.Contains(strict.Message, "extra.weight");
            StringAssert.Contains(strict.Message, "backbone.body.bn1.running_var");
            Assert.IsFalse(strict.Message.Contains("old_layer"), "skipped entries are not problems");
        }

        [TestMethod]
        public void TrainingCheckpointLoadsIntoTheSameArchitecture()
        {
            // The model of the training checkpoint: nn.Sequential(Conv2d(3, 4, 3), BatchNorm2d(4), ReLU(), Flatten(), Linear(144, 5)).
            using var model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 5));
            var report = StateDictLoader.Load(model, Path("training_legacy.pth"), new StateDictLoadOptions { Strict = true });
            Assert.AreEqual(9, report.LoadedKeys.Count);
            using var expected = new ReferenceTensors(Path("training.dat"));
            foreach (var (key, value) in model.state_dict()) AssertSameValues(expected["model/" + key], value, key);
        }

        [TestMethod]
        public void ThePredictorPrefixesAreTorchvisionsClassDependentLayers()
        {
            CollectionAssert.AreEqual(new[] { "roi_heads.box_predictor.", "roi_heads.mask_predictor.mask_fcn_logits." },
                                      StateDictLoadOptions.MaskRcnnPredictorPrefixes.ToArray());
            var options = StateDictLoadOptions.ExceptMaskRcnnPredictors();
            Assert.IsTrue(options.Strict);
            Assert.IsFalse(StateDictLoadOptions.ExceptMaskRcnnPredictors(strict: false).Strict);
            Assert.IsFalse(new StateDictLoadOptions().Strict);
        }
    }
}
