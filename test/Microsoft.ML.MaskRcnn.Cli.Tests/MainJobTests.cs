using System.IO;
using System.Linq;
using MaskRcnn.MainJob;
using Microsoft.ML.Data;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Imaging;
using Microsoft.ML.MaskRcnn.Modeling;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Cli.Tests
{
    /// <summary>The README's main job in its quick form, checked against an independent evaluation of the model it saved.</summary>
    [TestClass]
    public sealed class MainJobTests
    {
        [TestMethod]
        public void TheMainJobStartsFromTheImageNetBackboneUnlessToldToStartFromScratch()
        {
            var pretrained = MainJobSettings.Parse(new[] { "--quick" }).TrainerOptions();
            Assert.AreEqual(Checkpoints.ImageNetResNet18.Locate().NetworkPath, pretrained.InitialWeights);
            Assert.AreEqual(BackboneNormalization.Frozen, pretrained.Model.BackboneNormalization);
            Assert.AreEqual(4, pretrained.MaxSteps, "--quick's steps");

            var scratch = MainJobSettings.Parse(new[] { "--start", "scratch" }).TrainerOptions();
            Assert.IsNull(scratch.InitialWeights);
            Assert.AreEqual(BackboneNormalization.BatchNorm, scratch.Model.BackboneNormalization);

            var error = Assert.ThrowsExactly<System.ArgumentException>(() => MainJobSettings.Parse(new[] { "--start", "imagenet" }));
            StringAssert.Contains(error.Message, "--start");
            StringAssert.Contains(error.Message, "'imagenet'");
        }

        [TestMethod]
        public void TheQuickMainJobsMetricsAreThoseOfItsSavedModelOnTheHeldOutImages()
        {
            string output = TestSetup.NewFolder("main-job");
            var settings = MainJobSettings.Parse(new[] { "--quick", "--out", output, "--threads", "1" });
            var lines = new System.Collections.Generic.List<string>();
            MainJob.Run(settings, lines.Add);

            var report = MetricsReport.Read(Path.Combine(output, "metrics.json"));
            Assert.AreEqual(settings.TestImages, report.TestImages);
            Assert.IsTrue(report.ReloadedModelPredictsIdentically);

            // Independent truth: the held-out images regenerated here (the main job draws them with seed + 1000000),
            // written to a folder of our own, and the saved zip loaded in a new MLContext and scored with every detection.
            string heldOut = TestSetup.NewFolder("main-job-held-out");
            var dataset = new SyntheticShapesDataset(settings.TestImages, settings.Seed + 1_000_000, settings.ImageOptions());
            var rows = InstanceSegmentationInput.FromDataset(dataset).Select((row, i) =>
            {
                string path = Path.Combine(heldOut, $"held-out-{i}.png");
                ImageCodec.EncodePng(dataset.LoadImage(i), path);
                row.ImagePath = path;
                return row;
            }).ToArray();
            var ml = new MLContext(seed: 123);
            using var model = (TransformerChain<ITransformer>)ml.Model.Load(Path.Combine(output, "model.zip"), out _);
            ((MaskRcnnTransformer)model.LastTransformer).ScoreThreshold = 0;
            var metrics = ml.Transforms.EvaluateInstances(model.Transform(ml.Data.LoadFromEnumerable(rows)));

            Assert.AreEqual(settings.TestImages, metrics.ImageCount);
            Assert.AreEqual(CocoFigures.From(metrics.Boxes), report.Box, "box figures");
            Assert.AreEqual(CocoFigures.From(metrics.Masks), report.Mask, "mask figures");
            CollectionAssert.AreEqual(metrics.PerClass.Select(c => (c.Name, c.BoxAP, c.MaskAP)).ToArray(),
                                      report.PerClass.Select(c => (c.Name, c.BoxAP, c.MaskAP)).ToArray());

            // Overlay pictures: each single picture is the 160 x 128 image enlarged 3 times; the sheet holds them side by side.
            var singles = report.Overlays.Where(p => Path.GetFileName(p) != "overlays.png").ToArray();
            Assert.AreEqual(settings.Overlays, singles.Length);
            foreach (var path in singles)
            {
                var picture = ImageCodec.Decode(path, ImageColorMode.Rgb);
                Assert.AreEqual((3 * 160, 3 * 128), (picture.Width, picture.Height), path);
            }
            var sheet = ImageCodec.Decode(Path.Combine(output, "overlays", "overlays.png"), ImageColorMode.Rgb);
            Assert.IsTrue(sheet.Width >= settings.Overlays * 3 * 160 && sheet.Height >= 3 * 128, $"contact sheet {sheet.Width}x{sheet.Height}");
            Assert.IsTrue(lines.Any(l => l.Contains("bit-identically")), string.Join("\n", lines));
        }
    }
}
