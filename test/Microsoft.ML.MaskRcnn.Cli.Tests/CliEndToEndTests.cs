using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Microsoft.ML.Data;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Evaluation;
using Microsoft.ML.MaskRcnn.Imaging;
using Microsoft.ML.MaskRcnn.TestUtilities;
using Microsoft.ML.MaskRcnn.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Cli.Tests
{
    /// <summary>
    /// The CLI in-process on one tiny model trained once (3 steps on 6 images of a COCO file, validated on a second one):
    /// train, evaluate and predict, each checked against the library used directly (a new MLContext loading the zip,
    /// ModelEvaluation on the in-memory dataset, prediction engines, COCO evaluation of the results file).
    /// </summary>
    [TestClass]
    public sealed class CliEndToEndTests
    {
        private static CliTestData train = null!;
        private static CliTestData test = null!;
        private static string root = "";
        private static string modelPath = "";
        private static CliRun training = null!;

        /// <summary>The network settings every training run of these tests uses (seconds on one core).</summary>
        internal static readonly string[] TinyTraining = { "--batch", "2", "--min-size", "64", "--max-size", "96", "--threads", "1", "--log-every", "1" };

        [ClassInitialize]
        public static void Train(TestContext context)
        {
            root = TestSetup.NewFolder("end-to-end");
            train = CliTestData.Create(Path.Combine(root, "train"), 6, seed: 21, firstImageId: 101);
            test = CliTestData.Create(Path.Combine(root, "test"), 4, seed: 22, firstImageId: 501);
            modelPath = Path.Combine(root, "models", "shapes.zip");   // the folder does not exist yet
            training = CliRun.Of(new[]
            {
                "train", "--coco", train.CocoFile, "--images", train.Folder, "--val-coco", test.CocoFile, "--val-images", test.Folder,
                "--eval-interval", "2", "--model", modelPath, "--steps", "3", "--seed", "3",
            }.Concat(TinyTraining).ToArray());
        }

        /// <summary>The zip loaded by the library in a new MLContext, as a user would.</summary>
        private static (TransformerChain<ITransformer> Chain, MaskRcnnTransformer Detector, DataViewSchema Input) LoadModel(MLContext ml)
        {
            var chain = (TransformerChain<ITransformer>)ml.Model.Load(modelPath, out var input);
            return (chain, (MaskRcnnTransformer)chain.LastTransformer, input);
        }

        /// <summary>The loaded model's predictions of <paramref name="data"/>'s images with every detection (threshold 0).</summary>
        private static List<InstanceSegmentationPrediction> EnginePredictions(CliTestData data)
        {
            var ml = new MLContext();
            var (chain, detector, _) = LoadModel(ml);
            using (chain)
            {
                detector.ScoreThreshold = 0;
                using var engine = ml.Model.CreatePredictionEngine<PathRow, InstanceSegmentationPrediction>(chain, new PredictionEngineOptions { OwnsTransformer = false });
                return Enumerable.Range(0, data.Count).Select(i => engine.Predict(new PathRow { ImagePath = data.ImagePath(i) })).ToList();
            }
        }

        /// <summary>The network of a loaded model chain.</summary>
        private static Modeling.MaskRcnnModel NetworkOf(ITransformer loaded) =>
            ((IEnumerable<ITransformer>)loaded).OfType<MaskRcnnTransformer>().Single().Model.Model;

        public sealed class PathRow
        {
            public string ImagePath { get; set; } = "";
        }

        private static string[] ClassNames()
        {
            var (chain, detector, _) = LoadModel(new MLContext());
            using (chain) return detector.ClassNames.ToArray();
        }

        [TestMethod]
        public void TrainReportsProgressAndSavesAnOrdinaryModelZipWithTheGivenSettings()
        {
            Assert.AreEqual(0, training.ExitCode, training.ToString());
            foreach (var expected in new[] { "Step 1/3", "Step 2/3", "Step 3/3", "Validation after step 2", "Training data: 6 images", "Validation data: 4 images", modelPath })
                StringAssert.Contains(training.Out, expected, training.ToString());
            Assert.AreEqual("", training.Error);

            var (chain, detector, input) = LoadModel(new MLContext(seed: 5));
            using (chain)
            {
                Assert.IsInstanceOfType<ImageLoadingTransformer>(chain.First(), "the zip is LoadImages -> DetectInstances");
                Assert.IsNotNull(input.GetColumnOrNull("ImagePath"));
                CollectionAssert.AreEqual(CliTestData.CocoClasses, detector.ClassNames.ToArray(), "classes are the COCO file's categories in id order");
                Assert.AreEqual(0.5, detector.ScoreThreshold, "--score-threshold's default");
                var network = detector.Model.Model.Options;
                Assert.AreEqual((64, 96, 18), (network.MinSize, network.MaxSize, network.BackboneDepth), "--min-size, --max-size, the small preset's backbone");
                Assert.IsNull(network.TrainingMinSizes, "--min-size turns the preset's size jitter off");
            }
            Assert.IsFalse(File.Exists(modelPath + ".partial"));
        }

        [TestMethod]
        public void EvaluateJsonEqualsTheLibrarysOwnEvaluationOfTheSameImages()
        {
            string json = Path.Combine(root, "eval", "metrics.json");
            var run = CliRun.Of("evaluate", "--model", modelPath, "--coco", test.CocoFile, "--images", test.Folder, "--json", json, "--threads", "1");
            Assert.AreEqual(0, run.ExitCode, run.ToString());
            foreach (var expected in new[] { "Boxes (bbox):", "Masks (segm):", "| circle ", "every detection" })
                StringAssert.Contains(run.Out, expected);

            // Independent route: the trainer's COCO evaluation of the loaded network on the in-memory images (the PNGs are lossless).
            var (chain, detector, _) = LoadModel(new MLContext());
            ModelEvaluationResult reference;
            int detections;
            using (chain)
            {
                reference = ModelEvaluation.Evaluate(detector.Model, test.Dataset);
                detections = Enumerable.Range(0, test.Count).Sum(i => detector.Model.Predict(test.Dataset.LoadImage(i)).Count);
            }
            using var document = JsonDocument.Parse(File.ReadAllText(json));
            var r = document.RootElement;
            string[] names = { "AP", "AP50", "AP75", "APsmall", "APmedium", "APlarge", "AR1", "AR10", "AR100", "ARsmall", "ARmedium", "ARlarge" };
            for (int i = 0; i < names.Length; i++)
            {
                Assert.AreEqual(reference.Boxes.Stats[i], r.GetProperty("box").GetProperty(names[i]).GetDouble(), 0.0, "box " + names[i]);
                Assert.AreEqual(reference.Masks.Stats[i], r.GetProperty("mask").GetProperty(names[i]).GetDouble(), 0.0, "mask " + names[i]);
            }
            Assert.IsTrue(reference.Boxes.AP50 > 0 || reference.Masks.AP50 > 0 || detections > 0, "the comparison is not between two empty evaluations");
            Assert.AreEqual(test.Count, r.GetProperty("images").GetInt32());
            Assert.AreEqual(test.InstanceCount, r.GetProperty("instances").GetInt32());
            Assert.AreEqual(detections, r.GetProperty("detections").GetInt32(), "every detection the network makes is scored (threshold 0)");
            var perClass = r.GetProperty("perClass").EnumerateArray().ToList();
            var boxAP = reference.Boxes.PerCategoryAP();
            var maskAP = reference.Masks.PerCategoryAP();
            Assert.AreEqual(boxAP.Count, perClass.Count);
            for (int k = 0; k < perClass.Count; k++)
            {
                Assert.AreEqual(boxAP[k].Name, perClass[k].GetProperty("name").GetString());
                Assert.AreEqual(boxAP[k].AP, perClass[k].GetProperty("boxAP").GetDouble(), 0.0);
                Assert.AreEqual(maskAP[k].AP, perClass[k].GetProperty("maskAP").GetDouble(), 0.0);
            }
        }

        [TestMethod]
        public void PredictOnAFolderWritesOverlaysAndThePredictionsOfAPredictionEngineAboveTheThreshold()
        {
            var expected = EnginePredictions(test);
            var scores = expected.SelectMany(p => p.Score).OrderBy(s => s).ToArray();
            Assert.IsTrue(scores.Length > 1, "an almost untrained network still makes low-score detections");
            // Halfway between two neighbouring scores, so that no score sits on the threshold: the option is parsed as a
            // double, and a float score equal to the printed threshold may compare either way.
            int middle = scores.Length / 2;
            while (middle < scores.Length - 1 && scores[middle] == scores[middle - 1]) middle++;
            float threshold = (scores[middle - 1] + scores[middle]) / 2;
            var classes = ClassNames();

            string output = Path.Combine(root, "predict-folder");
            var run = CliRun.Of("predict", "--model", modelPath, "--input", test.Folder, "--out", output,
                                "--score-threshold", threshold.ToString("R", System.Globalization.CultureInfo.InvariantCulture), "--threads", "1");
            Assert.AreEqual(0, run.ExitCode, run.ToString());

            using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "predictions.json")));
            var images = document.RootElement.GetProperty("images").EnumerateArray().ToList();
            Assert.AreEqual(test.Count, images.Count, "every image of the folder and nothing else (annotations.json is skipped)");
            for (int i = 0; i < test.Count; i++)
            {
                var image = images[i];
                Assert.AreEqual(test.FileNames[i], image.GetProperty("file").GetString());
                Assert.AreEqual((80, 64), (image.GetProperty("width").GetInt32(), image.GetProperty("height").GetInt32()));
                var overlay = ImageCodec.Probe(Path.Combine(output, "overlays", Path.GetFileNameWithoutExtension(test.FileNames[i]) + ".png"));
                Assert.AreEqual((80, 64), (overlay.Width, overlay.Height), "an overlay has its image's size");
                Assert.AreEqual("overlays/" + Path.GetFileNameWithoutExtension(test.FileNames[i]) + ".png", image.GetProperty("overlay").GetString());

                var p = expected[i];
                int kept = p.Score.Count(s => s >= threshold);
                var detections = image.GetProperty("detections").EnumerateArray().ToList();
                Assert.AreEqual(kept, detections.Count, $"image {i}: the detections scoring at least the threshold");
                for (int k = 0; k < kept; k++)
                {
                    var d = detections[k];
                    Assert.AreEqual(classes[(int)p.PredictedLabel[k] - 1], d.GetProperty("class").GetString());
                    Assert.AreEqual(p.Score[k], d.GetProperty("score").GetSingle());
                    var box = d.GetProperty("box").EnumerateArray().Select(v => v.GetSingle()).ToArray();
                    CollectionAssert.AreEqual(p.PredictedBoundingBoxes.Skip(4 * k).Take(4).ToArray(), box);
                    var mask = d.GetProperty("mask");
                    CollectionAssert.AreEqual(new[] { 64, 80 }, mask.GetProperty("size").EnumerateArray().Select(v => v.GetInt32()).ToArray());
                    Assert.AreEqual(p.PredictedMasks[k], mask.GetProperty("counts").GetString());
                }
            }
            Assert.IsFalse(File.Exists(Path.Combine(output, "coco-results.json")), "a results file needs COCO ids");
        }

        [TestMethod]
        public void ExportWritesAnOnnxFileThatOnnxRuntimeLoadsWithTheModelsCategories()
        {
            string onnx = Path.Combine(root, "export", "shapes.onnx");   // the folder does not exist yet
            var run = CliRun.Of("export", "--model", modelPath, "--onnx", onnx);
            Assert.AreEqual(0, run.ExitCode, run.ToString());
            StringAssert.Contains(run.Out, $"Wrote {onnx} (");
            StringAssert.Contains(run.Out, "3 classes");
            using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(onnx);
            CollectionAssert.AreEquivalent(new[] { "images", "image_size" }, session.InputMetadata.Keys.ToArray());
            using var config = JsonDocument.Parse(session.ModelMetadata.CustomMetadataMap[Onnx.MaskRcnnOnnxExporter.ConfigMetadataKey]);
            CollectionAssert.AreEqual(ClassNames(), config.RootElement.GetProperty("category_names").EnumerateArray().Select(e => e.GetString()).ToArray());
            // The model's labels 1..3 (the COCO file's own ids are matched by name when predict writes COCO results).
            CollectionAssert.AreEqual(new[] { 1L, 2L, 3L }, config.RootElement.GetProperty("category_ids").EnumerateArray().Select(e => e.GetInt64()).ToArray());
            Assert.AreEqual(64, config.RootElement.GetProperty("min_size").GetInt32());

            var missing = CliRun.Of("export", "--model", modelPath);
            Assert.AreEqual(2, missing.ExitCode, missing.ToString());
            StringAssert.Contains(missing.Error, "--onnx or --pth is required");
            string damaged = Path.Combine(root, "export", "damaged.zip");
            File.WriteAllBytes(damaged, new byte[] { 80, 75, 3, 4, 1, 2, 3 });
            var failed = CliRun.Of("export", "--model", damaged, "--onnx", Path.Combine(root, "export", "damaged.onnx"));
            Assert.AreEqual(1, failed.ExitCode, failed.ToString());
            StringAssert.Contains(failed.Error, damaged);
            Assert.IsFalse(File.Exists(Path.Combine(root, "export", "damaged.onnx")));
        }

        [TestMethod]
        public void ExportPthWritesAStateDictThatTorchvisionsBuilderLoads()
        {
            string pth = Path.Combine(root, "export-pth", "shapes.pth");
            var run = CliRun.Of("export", "--model", modelPath, "--pth", pth);
            Assert.AreEqual(0, run.ExitCode, run.ToString());
            string builder = Path.Combine(root, "export-pth", "shapes.py");
            StringAssert.Contains(run.Out, $"Wrote {pth} (");
            StringAssert.Contains(run.Out, builder);

            // Our reader gets back the model's own tensors.
            var ml = new MLContext(seed: 0);
            var loaded = ml.Model.Load(modelPath, out _);
            var network = NetworkOf(loaded);
            using (var back = Checkpoints.PyTorchCheckpoint.ReadStateDict(pth))
                foreach (var (name, tensor) in network.state_dict())
                    Assert.IsTrue(tensor.eq(back[name]).all().item<bool>(), name);
            (loaded as IDisposable)?.Dispose();

            // PyTorch's: torch.load, and load_state_dict(strict=True) into the builder's torchvision model.
            var python = new System.Diagnostics.ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
            python.ArgumentList.Add("-c");
            python.ArgumentList.Add("import sys, torch; ns = {}; exec(open(sys.argv[1]).read(), ns); m = ns['build_model'](); " +
                                    "print(m.load_state_dict(torch.load(sys.argv[2]), strict=True), m.roi_heads.box_predictor.cls_score.out_features)");
            python.ArgumentList.Add(builder);
            python.ArgumentList.Add(pth);
            using var process = System.Diagnostics.Process.Start(python)!;
            string output = process.StandardOutput.ReadToEnd(), error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.AreEqual(0, process.ExitCode, error);
            StringAssert.Contains(output, "<All keys matched successfully> 4");

            var py = CliRun.Of("export", "--model", modelPath, "--pth", Path.Combine(root, "export-pth", "model.py"));
            Assert.AreEqual(2, py.ExitCode, py.ToString());
            StringAssert.Contains(py.Error, "name the state dict .pth");
        }

        [TestMethod]
        public void TrainInitFromAnExportedPthStartsFromItsWeights()
        {
            string pth = Path.Combine(root, "init-pth", "shapes.pth");
            var export = CliRun.Of("export", "--model", modelPath, "--pth", pth);
            Assert.AreEqual(0, export.ExitCode, export.ToString());

            // One step at a learning rate of 1e-30 moves no weight by more than about 1e-29 (gradients are clipped to norm
            // 10), so the new model must be the exported one: a run that ignored --init, or read it wrongly (a class
            // layer left out, the first convolution's channels reversed as for the preset's ONNX backbone), would differ
            // by whole units.
            string again = Path.Combine(root, "init-pth", "again.zip");
            var run = CliRun.Of(new[]
            {
                "train", "--coco", train.CocoFile, "--images", train.Folder, "--model", again, "--init", pth, "--init-with-predictors",
                "--steps", "1", "--lr", "1e-30", "--seed", "4",
            }.Concat(TinyTraining).ToArray());
            Assert.AreEqual(0, run.ExitCode, run.ToString());

            var ml = new MLContext(seed: 0);
            var original = ml.Model.Load(modelPath, out _);
            var retrained = ml.Model.Load(again, out _);
            try
            {
                var before = NetworkOf(original).state_dict();
                var after = NetworkOf(retrained).state_dict();
                CollectionAssert.AreEquivalent(before.Keys.ToArray(), after.Keys.ToArray());
                foreach (var (name, tensor) in before)
                {
                    CollectionAssert.AreEqual(tensor.shape, after[name].shape, name);
                    double difference = tensor.to_type(TorchSharp.torch.ScalarType.Float64).sub(after[name].to_type(TorchSharp.torch.ScalarType.Float64))
                                              .abs().max().item<double>();
                    Assert.IsTrue(difference <= 1e-20, $"{name} moved by {difference}");
                }
            }
            finally
            {
                (original as IDisposable)?.Dispose();
                (retrained as IDisposable)?.Dispose();
            }
        }

        [TestMethod]
        public void PredictOnOneImageWithoutOverlaysWritesOnlyItsPredictions()
        {
            string output = Path.Combine(root, "predict-one");
            var run = CliRun.Of("predict", "--model", modelPath, "--input", test.ImagePath(2), "--out", output, "--no-overlays", "--score-threshold", "0", "--threads", "1");
            Assert.AreEqual(0, run.ExitCode, run.ToString());
            Assert.IsFalse(Directory.Exists(Path.Combine(output, "overlays")));
            using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "predictions.json")));
            var image = document.RootElement.GetProperty("images").EnumerateArray().Single();
            Assert.AreEqual(test.FileNames[2], image.GetProperty("file").GetString());
            Assert.IsFalse(image.TryGetProperty("overlay", out _));
            Assert.AreEqual(EnginePredictions(test)[2].Count, image.GetProperty("detections").GetArrayLength());
        }

        [TestMethod]
        public void PredictWithTheComputeOptionsScoresLikeTheDefaultAndSaysWhenBFloat16FallsBack()
        {
            string output = Path.Combine(root, "predict-compute");
            var run = CliRun.Of("predict", "--model", modelPath, "--input", test.ImagePath(2), "--out", output, "--no-overlays", "--score-threshold", "0",
                                "--threads", "1", "--memory-format", "contiguous", "--fold-batch-norm", "--precision", "bfloat16");
            Assert.AreEqual(0, run.ExitCode, run.ToString());
            if (CpuFlags.HasNativeBFloat16() == true)
            {
                Assert.IsFalse(run.Error.Contains("warning:"), run.ToString());
                return;  // bfloat16 ran: its accuracy is ComputeOptionsTests' and the benchmarks' to check
            }
            StringAssert.Contains(run.Error, "warning: Inference precision BFloat16 was asked for");
            // Float32 after the fallback, folded and contiguous: the engine's detections within float32 rounding.
            using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "predictions.json")));
            var scores = document.RootElement.GetProperty("images").EnumerateArray().Single().GetProperty("detections").EnumerateArray()
                                 .Select(d => d.GetProperty("score").GetSingle()).ToArray();
            var expected = EnginePredictions(test)[2].Score;
            Assert.AreEqual(expected.Length, scores.Length);
            for (int i = 0; i < scores.Length; i++) Assert.AreEqual(expected[i], scores[i], 1e-4, $"detection {i}");
        }

        [TestMethod]
        public void TrainInBFloat16SaysWhenItFallsBackToFloat32()
        {
            string model = Path.Combine(root, "train-bfloat16", "shapes.zip");
            var run = CliRun.Of(new[]
            {
                "train", "--coco", train.CocoFile, "--images", train.Folder, "--model", model, "--steps", "1", "--training-precision", "bfloat16",
            }.Concat(TinyTraining).ToArray());
            Assert.AreEqual(0, run.ExitCode, run.ToString());
            Assert.IsTrue(File.Exists(model));
            bool native = CpuFlags.HasNativeBFloat16() == true;
            // bfloat16 training's agreement with float32 is BFloat16TrainingTests' to check; here: the option reaches the trainer.
            Assert.AreEqual(!native, (run.Out + run.Error).Contains("Training precision BFloat16 was asked for", StringComparison.Ordinal), run.ToString());
        }

        [TestMethod]
        public void PredictWithNoDetectionAboveTheThresholdNamesTheHighestScoreAndTheOptionToLowerIt()
        {
            float best = EnginePredictions(test).SelectMany(p => p.Score).Max();
            Assert.IsTrue(best < 0.999f, $"the tiny model's best score {best} leaves room above it");
            double threshold = (best + 1) / 2;
            string output = Path.Combine(root, "predict-none");
            var run = CliRun.Of("predict", "--model", modelPath, "--input", test.Folder, "--out", output, "--no-overlays",
                                "--score-threshold", threshold.ToString("R", System.Globalization.CultureInfo.InvariantCulture), "--threads", "1");
            Assert.AreEqual(0, run.ExitCode, run.ToString());
            StringAssert.Contains(run.Out, "the highest score was " + best.ToString("F3", System.Globalization.CultureInfo.InvariantCulture), run.ToString());
            StringAssert.Contains(run.Out, "--score-threshold", run.ToString());
        }

        [TestMethod]
        public void PredictChecksEveryImageBeforeLoadingTheModelAndListsAllProblems()
        {
            string inputs = TestSetup.NewFolder("predict-bad-input");
            File.Copy(test.ImagePath(0), Path.Combine(inputs, "a.png"));
            File.WriteAllText(Path.Combine(inputs, "b.png"), "not a png");
            File.WriteAllBytes(Path.Combine(inputs, "c.jpg"), new byte[] { 0xFF, 0xD8, 0xFF });
            string output = Path.Combine(TestSetup.NewFolder("predict-bad"), "out");
            var run = CliRun.Of("predict", "--model", modelPath, "--input", inputs, "--out", output, "--threads", "1");
            Assert.AreEqual(1, run.ExitCode, run.ToString());
            StringAssert.Contains(run.Error, "has 2 problems", run.ToString());
            StringAssert.Contains(run.Error, "b.png", run.ToString());
            StringAssert.Contains(run.Error, "c.jpg", run.ToString());
            Assert.IsFalse(run.Error.Contains("a.png"), run.ToString());
            Assert.IsFalse(Directory.Exists(output), "nothing is written before the check");
        }

        [TestMethod]
        public void APredictThatFailsHalfwayNamesTheImageKeepsWhatItDidAndResumesOnceTheImageIsRepaired()
        {
            // b.png's header is whole (the check passes) but its pixel data is cut short: the failure comes while
            // predicting, after a.png is done.
            string inputs = TestSetup.NewFolder("predict-failing-input");
            File.Copy(test.ImagePath(0), Path.Combine(inputs, "a.png"));
            var png = File.ReadAllBytes(test.ImagePath(1));
            File.WriteAllBytes(Path.Combine(inputs, "b.png"), png.Take(png.Length / 3).ToArray());
            string output = Path.Combine(TestSetup.NewFolder("predict-failing"), "new", "out");
            var run = CliRun.Of("predict", "--model", modelPath, "--input", inputs, "--out", output, "--threads", "1");
            Assert.AreEqual(1, run.ExitCode, run.ToString());
            StringAssert.Contains(run.Error, "b.png", run.ToString());
            StringAssert.Contains(run.Error, $"1 of 2 image(s) are kept in {Path.Combine(output, "predictions.jsonl")} (the same command with --resume continues)");
            Assert.IsTrue(File.Exists(Path.Combine(output, "overlays", "a.png")), "a.png's overlay is kept");
            Assert.IsFalse(File.Exists(Path.Combine(output, "predictions.json")), "no predictions.json from an unfinished run");

            // Repaired, the run resumes with b.png alone and ends as a run on the repaired folder does.
            File.WriteAllBytes(Path.Combine(inputs, "b.png"), png);
            var resumed = CliRun.Of("predict", "--model", modelPath, "--input", inputs, "--out", output, "--threads", "1", "--resume");
            Assert.AreEqual(0, resumed.ExitCode, resumed.ToString());
            StringAssert.Contains(resumed.Out, "1 image(s) done, 1 of 2 to predict");
            string fresh = Path.Combine(root, "predict-repaired");
            Assert.AreEqual(0, CliRun.Of("predict", "--model", modelPath, "--input", inputs, "--out", fresh, "--threads", "1").ExitCode);
            Assert.AreEqual(File.ReadAllText(Path.Combine(fresh, "predictions.json")), File.ReadAllText(Path.Combine(output, "predictions.json")));
        }

        [TestMethod]
        public void APredictThatFailsOnItsFirstImageLeavesNoOutputFolderBehind()
        {
            string inputs = TestSetup.NewFolder("predict-failing-first-input");
            var png = File.ReadAllBytes(test.ImagePath(1));
            File.WriteAllBytes(Path.Combine(inputs, "a.png"), png.Take(png.Length / 3).ToArray());
            string output = Path.Combine(TestSetup.NewFolder("predict-failing-first"), "new", "out");
            var run = CliRun.Of("predict", "--model", modelPath, "--input", inputs, "--out", output, "--threads", "1");
            Assert.AreEqual(1, run.ExitCode, run.ToString());
            StringAssert.Contains(run.Error, "a.png", run.ToString());
            Assert.IsFalse(Directory.Exists(Path.GetDirectoryName(output)), "nothing was predicted: the folders the run created are removed");
        }

        [TestMethod]
        public void PredictOnACocoFileWritesAResultsFileWithItsIdsThatCocoEvaluationScoresLikeTheLibrary()
        {
            string output = Path.Combine(root, "predict-coco");
            var run = CliRun.Of("predict", "--model", modelPath, "--coco", test.CocoFile, "--images", test.Folder, "--out", output,
                                "--score-threshold", "0", "--threads", "1");
            Assert.AreEqual(0, run.ExitCode, run.ToString());
            string resultsPath = Path.Combine(output, "coco-results.json");
            var results = CocoResultsFile.Read(resultsPath);

            var expected = EnginePredictions(test);
            var classes = ClassNames();
            Assert.AreEqual(expected.Sum(p => p.Count), results.Count);
            for (int i = 0; i < test.Count; i++)
            {
                var p = expected[i];
                var mine = results.Where(d => d.ImageId == test.ImageIds[i]).ToList();
                Assert.AreEqual(p.Count, mine.Count, $"image id {test.ImageIds[i]}");
                for (int k = 0; k < p.Count; k++)
                {
                    var (x0, y0, x1, y1) = p.GetBox(k);
                    Assert.AreEqual(CliTestData.CategoryIds[classes[(int)p.PredictedLabel[k] - 1]], mine[k].CategoryId, "the file's category id of the class");
                    Assert.AreEqual((double)p.Score[k], mine[k].Score);
                    Assert.AreEqual(CocoBox.FromCorners(x0, y0, x1, y1), mine[k].Box);
                    CollectionAssert.AreEqual(p.DecodeMask(k, 64, 80), mine[k].Mask!.Decode());
                }
            }
            using (var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "predictions.json"))))
                CollectionAssert.AreEqual(test.ImageIds, document.RootElement.GetProperty("images").EnumerateArray().Select(e => e.GetProperty("imageId").GetInt64()).ToArray());

            // What pycocotools would do with the two files: the results scored against the annotation file give the
            // library's own evaluation (category ids differ from the model's keys, image ids from row positions).
            var groundTruth = CocoAnnotationFile.Load(test.CocoFile);
            var boxes = new CocoEvaluator(groundTruth, CocoIouType.Bbox).Evaluate(resultsPath);
            var masks = new CocoEvaluator(groundTruth, CocoIouType.Segm).Evaluate(resultsPath);
            var (chain, detector, _) = LoadModel(new MLContext());
            using (chain)
            {
                var reference = ModelEvaluation.Evaluate(detector.Model, test.Dataset);
                for (int s = 0; s < 12; s++)
                {
                    Assert.AreEqual(reference.Boxes.Stats[s], boxes.Stats[s], 1e-12, $"bbox stat {s}");
                    Assert.AreEqual(reference.Masks.Stats[s], masks.Stats[s], 1e-12, $"segm stat {s}");
                }
            }
        }
    }
}
