using System.IO;
using System.Linq;
using System.Text.Json;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Cli.Tests
{
    /// <summary>The other dataset forms (instance-id mask folders, the synthetic set, a validation fraction) and checkpoints.</summary>
    [TestClass]
    public sealed class CliDatasetFormTests
    {
        private static string[] Tiny(params string[] args) => args.Concat(CliEndToEndTests.TinyTraining).ToArray();

        private static MaskRcnnTransformer Detector(TransformerChain<ITransformer> chain) => (MaskRcnnTransformer)chain.LastTransformer;

        [TestMethod]
        public void AMaskFolderWithAClassMapTrainsOnItsClassesAndEvaluatesEveryInstance()
        {
            string root = TestSetup.NewFolder("mask-folder");
            var data = CliTestData.Create(Path.Combine(root, "images"), 4, seed: 41, firstImageId: 1);
            string masks = Path.Combine(root, "masks");
            string classMap = data.WriteInstanceMasks(masks);
            string model = Path.Combine(root, "model.zip");
            var run = CliRun.Of(Tiny("train", "--image-folder", data.Folder, "--mask-folder", masks, "--mask-suffix", "_mask.png",
                                     "--classes", "triangle,circle,square", "--class-map", classMap, "--model", model, "--steps", "1"));
            Assert.AreEqual(0, run.ExitCode, run.ToString());
            StringAssert.Contains(run.Out, $"Training data: 4 images, {data.InstanceCount} instances");
            using (var chain = (TransformerChain<ITransformer>)new MLContext().Model.Load(model, out _))
                CollectionAssert.AreEqual(new[] { "triangle", "circle", "square" }, Detector(chain).ClassNames.ToArray(), "--classes, in its order");

            string json = Path.Combine(root, "metrics.json");
            var evaluation = CliRun.Of("evaluate", "--model", model, "--image-folder", data.Folder, "--mask-folder", masks, "--mask-suffix", "_mask.png",
                                       "--classes", "triangle,circle,square", "--class-map", classMap, "--json", json, "--threads", "1");
            Assert.AreEqual(0, evaluation.ExitCode, evaluation.ToString());
            using var document = JsonDocument.Parse(File.ReadAllText(json));
            Assert.AreEqual(4, document.RootElement.GetProperty("images").GetInt32());
            Assert.AreEqual(data.InstanceCount, document.RootElement.GetProperty("instances").GetInt32());

            // One class without a map: every instance is that class.
            var single = CliRun.Of(Tiny("train", "--image-folder", data.Folder, "--mask-folder", masks, "--mask-suffix", "_mask.png",
                                        "--classes", "shape", "--model", model, "--steps", "1"));
            Assert.AreEqual(0, single.ExitCode, single.ToString());
            using (var chain = (TransformerChain<ITransformer>)new MLContext().Model.Load(model, out _))
                CollectionAssert.AreEqual(new[] { "shape" }, Detector(chain).ClassNames.ToArray());
        }

        [TestMethod]
        public void AClassMapMissingAnInstanceIsAFailureNamingTheImage()
        {
            string root = TestSetup.NewFolder("class-map");
            var data = CliTestData.Create(Path.Combine(root, "images"), 2, seed: 42, firstImageId: 1);
            string masks = Path.Combine(root, "masks");
            string classMap = data.WriteInstanceMasks(masks);
            File.WriteAllLines(classMap, File.ReadAllLines(classMap).Where(l => !l.StartsWith(data.FileNames[1], System.StringComparison.Ordinal)));
            var run = CliRun.Of(Tiny("train", "--image-folder", data.Folder, "--mask-folder", masks, "--mask-suffix", "_mask.png",
                                     "--classes", "circle,square,triangle", "--class-map", classMap, "--model", Path.Combine(root, "m.zip"), "--steps", "1"));
            Assert.AreEqual(1, run.ExitCode, run.ToString());
            StringAssert.Contains(run.Error, data.FileNames[1]);
            StringAssert.Contains(run.Error, classMap);
        }

        [TestMethod]
        public void TrainChecksTheWholeDatasetFirstAndListsEveryBrokenImageWithItsId()
        {
            string root = TestSetup.NewFolder("broken-coco");
            var data = CliTestData.Create(Path.Combine(root, "images"), 4, seed: 43, firstImageId: 301);
            File.Delete(data.ImagePath(1));
            var png = File.ReadAllBytes(data.ImagePath(3));
            File.WriteAllBytes(data.ImagePath(3), png.Take(8).ToArray());   // the PNG signature, no header
            string model = Path.Combine(root, "m.zip");
            var run = CliRun.Of(Tiny("train", "--coco", data.CocoFile, "--images", data.Folder, "--model", model, "--steps", "1"));
            Assert.AreEqual(1, run.ExitCode, run.ToString());
            StringAssert.Contains(run.Error, "has 2 problems", run.ToString());
            StringAssert.Contains(run.Error, $"image {data.ImageIds[1]} '{data.ImagePath(1)}': the file does not exist", run.ToString());
            StringAssert.Contains(run.Error, $"image {data.ImageIds[3]} '{data.ImagePath(3)}'", run.ToString());
            Assert.IsFalse(run.Out.Contains("Step "), "no training step ran");
            Assert.IsFalse(File.Exists(model));
        }

        [TestMethod]
        public void SyntheticImagesWithAValidationFractionAndACheckpointThatAResumedRunFinishesFrom()
        {
            string root = TestSetup.NewFolder("synthetic");
            string model = Path.Combine(root, "model.zip"), checkpoints = Path.Combine(root, "checkpoints");
            var run = CliRun.Of(Tiny("train", "--synthetic", "4", "--val-fraction", "0.5", "--model", model, "--steps", "2",
                                     "--checkpoints", checkpoints, "--checkpoint-interval", "1"));
            Assert.AreEqual(0, run.ExitCode, run.ToString());
            StringAssert.Contains(run.Out, "Training data: 2 images");
            StringAssert.Contains(run.Out, "Validation data: 2 images");
            string checkpoint = Path.Combine(checkpoints, Training.MaskRcnnTrainer.CheckpointFileName);
            Assert.IsTrue(File.Exists(checkpoint), run.Out);

            // Resuming the finished run's checkpoint continues its schedule (nothing left) and gives the same network.
            string resumed = Path.Combine(root, "resumed.zip");
            var again = CliRun.Of(Tiny("train", "--synthetic", "4", "--val-fraction", "0.5", "--model", resumed, "--steps", "2", "--resume", checkpoint));
            Assert.AreEqual(0, again.ExitCode, again.ToString());
            StringAssert.Contains(again.Out, "Resuming from checkpoint");
            var ml = new MLContext();
            using var first = (TransformerChain<ITransformer>)ml.Model.Load(model, out _);
            using var second = (TransformerChain<ITransformer>)ml.Model.Load(resumed, out _);
            CollectionAssert.AreEqual(Data.SyntheticShapesDataset.ClassNames.ToArray(), Detector(first).ClassNames.ToArray(),
                                      "every category is a class, also one the two training images lack");
            var a = Detector(first).Model.Model.state_dict();
            var b = Detector(second).Model.Model.state_dict();
            CollectionAssert.AreEqual(a.Keys.ToArray(), b.Keys.ToArray());
            foreach (var name in a.Keys) Assert.IsTrue(a[name].allclose(b[name], rtol: 0, atol: 0), $"tensor {name}");
        }
    }
}
