using System.IO;
using System.Linq;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Cli.Tests
{
    /// <summary>
    /// The default preset, small-pretrained: training starts from ML.NET's ImageNet ResNet-18 found beside the tool (the
    /// DnnImageModels folder that package Microsoft.ML.DnnImageFeaturizer.ResNet18 copies into the output), or in the folder
    /// --imagenet-models names; a folder without the models is a one-line usage error naming the package to add.
    /// </summary>
    [TestClass]
    public sealed class CliPretrainedPresetTests
    {
        [TestMethod]
        public void TheDefaultPresetTrainsFromTheImageNetBackboneBesideTheTool()
        {
            string root = TestSetup.NewFolder("pretrained");
            var data = CliTestData.Create(Path.Combine(root, "data"), 2, seed: 41, firstImageId: 1);
            string model = Path.Combine(root, "model.zip");
            var run = CliRun.Of(new[] { "train", "--coco", data.CocoFile, "--images", data.Folder, "--model", model, "--steps", "1" }
                                .Concat(CliEndToEndTests.TinyTraining).ToArray());
            Assert.AreEqual(0, run.ExitCode, run.ToString());
            StringAssert.Contains(run.Out, "Backbone initialised from the ONNX ResNet");
            StringAssert.Contains(run.Out, Path.Combine("DnnImageModels", "ResNet18Onnx", "ResNet18.onnx"));
            Assert.IsTrue(File.Exists(model), run.ToString());
        }

        [TestMethod]
        public void AFolderWithoutTheModelsIsAUsageErrorNamingThePackage()
        {
            string empty = TestSetup.NewFolder("no-models");
            var run = CliRun.Of("train", "--synthetic", "2", "--model", Path.Combine(empty, "m.zip"), "--imagenet-models", empty);
            Assert.AreEqual(2, run.ExitCode, run.ToString());
            StringAssert.Contains(run.Error, "--preset small-pretrained");
            StringAssert.Contains(run.Error, "Microsoft.ML.DnnImageFeaturizer.ResNet18 0.24.0");
            Assert.IsFalse(run.Error.TrimEnd().Contains('\n'), "one line: " + run.Error);
        }

        [TestMethod]
        public void OptionsThatContradictThePresetAreNamed()
        {
            string folder = TestSetup.NewFolder("pretrained-contradictions");
            var otherDepth = CliRun.Of("train", "--synthetic", "2", "--model", Path.Combine(folder, "m.zip"), "--backbone", "50");
            Assert.AreEqual(2, otherDepth.ExitCode, otherDepth.ToString());
            StringAssert.Contains(otherDepth.Error, "--backbone 50");
            StringAssert.Contains(otherDepth.Error, "--preset small");
            var modelsWithoutPreset = CliRun.Of("train", "--synthetic", "2", "--model", Path.Combine(folder, "m.zip"), "--preset", "small", "--imagenet-models", folder);
            Assert.AreEqual(2, modelsWithoutPreset.ExitCode, modelsWithoutPreset.ToString());
            StringAssert.Contains(modelsWithoutPreset.Error, "--imagenet-models applies only to --preset small-pretrained");
        }
    }
}
