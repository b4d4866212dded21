using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.ML.Data;
using Microsoft.ML.MaskRcnn.Evaluation;
using Microsoft.ML.MaskRcnn.Modeling;
using Microsoft.ML.MaskRcnn.Tests.Training;
using Microsoft.ML.MaskRcnn.Training;
using Microsoft.ML.Runtime;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.MLNet
{
    /// <summary>
    /// The ML.NET pipeline end to end on one tiny model trained once (LoadImages -> DetectInstances, 4 steps on 6 synthetic
    /// images, text labels): schema, logging, predictions through Transform and PredictionEngine, threads, evaluation.
    /// </summary>
    [TestClass]
    public sealed class MaskRcnnPipelineTests
    {
        private static MLNetTestData data = null!;
        private static MLContext ml = null!;
        private static IDataView view = null!;
        private static TransformerChain<MaskRcnnTransformer> model = null!;
        private static string temporaryRoot = "";
        private static readonly List<LoggingEventArgs> log = new();

        private static MaskRcnnTransformer Transformer => model.LastTransformer;

        [ClassInitialize]
        public static void Train(TestContext context)
        {
            data = MLNetTestData.Create(6, seed: 5);
            ml = new MLContext(seed: 1);
            temporaryRoot = TrainingTestData.TemporaryFolder();
            ml.TempFilePath = temporaryRoot;
            ml.Log += (_, e) => { lock (log) log.Add(e); };
            var rows = ml.Data.LoadFromEnumerable(data.Rows);
            var pipeline = ml.Transforms.LoadImages("Image", data.Folder, nameof(TextLabelRow.ImagePath))
                .Append(ml.Transforms.DetectInstances(MLNetTestData.TinyOptions(steps: 4)));
            model = pipeline.Fit(rows);
            view = model.Transform(rows);
        }

        [ClassCleanup]
        public static void Cleanup() => model?.Dispose();

        private static List<InstanceSegmentationPrediction> Predictions(IDataView scored) =>
            ml.Data.CreateEnumerable<InstanceSegmentationPrediction>(scored, reuseRowObject: false).ToList();

        private static void AssertSame(InstanceSegmentationPrediction expected, InstanceSegmentationPrediction actual, string what)
        {
            CollectionAssert.AreEqual(expected.PredictedLabel, actual.PredictedLabel, what + ": labels");
            CollectionAssert.AreEqual(expected.Score.Select(BitConverter.SingleToInt32Bits).ToArray(), actual.Score.Select(BitConverter.SingleToInt32Bits).ToArray(), what + ": scores");
            CollectionAssert.AreEqual(expected.PredictedBoundingBoxes.Select(BitConverter.SingleToInt32Bits).ToArray(),
                                      actual.PredictedBoundingBoxes.Select(BitConverter.SingleToInt32Bits).ToArray(), what + ": boxes");
            CollectionAssert.AreEqual(expected.PredictedMasks, actual.PredictedMasks, what + ": masks");
        }

        [TestMethod]
        public void FitTrainsThroughTheTrainerLogsProgressAndDeletesItsTemporaryImages()
        {
            Assert.IsNotNull(Transformer.TrainingResult);
            Assert.AreEqual(4, Transformer.TrainingResult!.Steps);
            string[] messages;
            lock (log) messages = log.Select(e => e.RawMessage).ToArray();
            Assert.IsTrue(messages.Any(m => m.StartsWith("Training data: 6 images", StringComparison.Ordinal) && m.Contains("3 classes (circle, square, triangle)")),
                          string.Join("\n", messages));
            foreach (int step in new[] { 1, 2, 3, 4 })
                Assert.IsTrue(messages.Any(m => m.StartsWith($"Step {step}/4 (epoch ", StringComparison.Ordinal) && m.Contains("loss_mask")), $"step {step} is logged");
            var info = log.Where(e => e.Kind == ChannelMessageKind.Info && e.RawMessage.StartsWith("Step ", StringComparison.Ordinal)).Select(e => e.RawMessage[..8]).ToArray();
            CollectionAssert.AreEqual(new[] { "Step 1/4", "Step 2/4", "Step 4/4" }, info, "information every LogEveryNStep = 2 steps, first and last; traces otherwise");
            Assert.IsTrue(log.Any(e => e.Source.Contains(nameof(MaskRcnnEstimator))), "messages come from the estimator's host");
            Assert.AreEqual(0, Directory.GetFileSystemEntries(temporaryRoot).Length, "the temporary images are deleted after Fit");
        }

        [TestMethod]
        public void OutputSchemaAddsKeyLabelsWithClassNamesScoresBoxesAndMasks()
        {
            var schema = view.Schema;
            var label = schema["PredictedLabel"];
            Assert.AreEqual(new VectorDataViewType(new KeyDataViewType(typeof(uint), 3)), label.Type);
            VBuffer<ReadOnlyMemory<char>> names = default;
            label.Annotations.GetValue("KeyValues", ref names);
            CollectionAssert.AreEqual(new[] { "circle", "square", "triangle" }, names.DenseValues().Select(n => n.ToString()).ToArray());
            Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single), schema["Score"].Type);
            Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single), schema["PredictedBoundingBoxes"].Type);
            Assert.AreEqual(new VectorDataViewType(TextDataViewType.Instance), schema["PredictedMasks"].Type);
            Assert.IsTrue(((ITransformer)Transformer).IsRowToRowMapper);
            CollectionAssert.AreEqual(new[] { "circle", "square", "triangle" }, Transformer.ClassNames.ToArray());

            // The estimator's and the transformer's schema shapes agree with the data view's.
            var rows = ml.Data.LoadFromEnumerable(data.Rows);
            var withImages = ml.Transforms.LoadImages("Image", data.Folder, nameof(TextLabelRow.ImagePath)).Fit(rows).Transform(rows);
            var estimator = ml.Transforms.DetectInstances(MLNetTestData.TinyOptions(1));
            var shape = estimator.GetOutputSchema(MLNetTestData.ShapeOf(withImages.Schema));
            var shapeOfTransformer = Transformer.GetOutputSchema(MLNetTestData.ShapeOf(withImages.Schema));
            foreach (var s in new[] { shape, shapeOfTransformer })
            {
                Assert.IsTrue(s.Any(c => c.Name == "PredictedLabel" && c.IsKey && c.Kind == SchemaShape.Column.VectorKind.VariableVector && c.Annotations.Any(a => a.Name == "KeyValues")));
                Assert.IsTrue(s.Any(c => c.Name == "Score" && c.ItemType == NumberDataViewType.Single && c.Kind == SchemaShape.Column.VectorKind.VariableVector));
                Assert.IsTrue(s.Any(c => c.Name == "PredictedBoundingBoxes" && c.ItemType == NumberDataViewType.Single));
                Assert.IsTrue(s.Any(c => c.Name == "PredictedMasks" && c.ItemType is TextDataViewType));
            }
        }

        [TestMethod]
        public void PredictionsAreWellFormedAndFollowTheThreshold()
        {
            var predictions = Predictions(view);
            Assert.AreEqual(6, predictions.Count);
            Assert.IsTrue(predictions.Sum(p => p.Count) > 0, "an almost untrained tiny network still makes low-score detections at threshold 0");
            foreach (var p in predictions)
            {
                Assert.AreEqual(p.Count, p.PredictedLabel.Length);
                Assert.AreEqual(4 * p.Count, p.PredictedBoundingBoxes.Length);
                Assert.AreEqual(p.Count, p.PredictedMasks.Length);
                Assert.IsTrue(p.PredictedLabel.All(k => k is >= 1 and <= 3));
                for (int i = 1; i < p.Count; i++) Assert.IsTrue(p.Score[i - 1] >= p.Score[i], "most confident first");
                for (int i = 0; i < p.Count; i++)
                {
                    var (x0, y0, x1, y1) = p.GetBox(i);
                    Assert.IsTrue(x0 >= 0 && y0 >= 0 && x1 <= 80 && y1 <= 64 && x1 >= x0 && y1 >= y0, "boxes are clipped to the 80x64 image");
                    Assert.AreEqual(64 * 80, p.DecodeMask(i, 64, 80).Length);
                    Assert.AreEqual(p.DecodeMask(i, 64, 80).Count(b => b == 1), p.DecodeMaskAsBooleans(i, 64, 80).Count(b => b));
                }
            }

            // The same network from the saved model, with a threshold: exactly the detections scoring at least 0.3 (a prefix).
            using var stream = new MemoryStream();
            ml.Model.Save(model, null, stream);
            stream.Position = 0;
            var copy = (TransformerChain<ITransformer>)new MLContext().Model.Load(stream, out _);
            var thresholded = (MaskRcnnTransformer)copy.LastTransformer;
            float threshold = predictions.SelectMany(p => p.Score).OrderBy(s => s).ElementAt(predictions.Sum(p => p.Count) / 2);
            thresholded.ScoreThreshold = threshold;
            var filtered = Predictions(copy.Transform(ml.Data.LoadFromEnumerable(data.Rows)));
            for (int r = 0; r < 6; r++)
            {
                int kept = predictions[r].Score.Count(s => s >= threshold);
                Assert.IsTrue(filtered[r].Score.All(s => s >= threshold));
                CollectionAssert.AreEqual(predictions[r].PredictedMasks.Take(kept).ToArray(), filtered[r].PredictedMasks);
            }
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => thresholded.ScoreThreshold = 1.5);
            copy.Dispose();
        }

        [TestMethod]
        public void ComputeOptionsChangeHowTheTransformerComputesNotWhatItPredicts()
        {
            var fitted = Transformer.Compute;
            Assert.AreEqual((FeatureMemoryFormat.Auto, false, ComputePrecision.Float32), (fitted.MemoryFormat, fitted.FoldBatchNorm, fitted.InferencePrecision),
                            "the trainer's defaults");
            var predictions = Predictions(view);

            // A loaded copy (not saved with the model: defaults), so that the shared model is left as it is.
            using var stream = new MemoryStream();
            ml.Model.Save(model, null, stream);
            stream.Position = 0;
            var context = new MLContext();
            var warnings = new List<string>();
            context.Log += (_, e) => { if (e.Kind == ChannelMessageKind.Warning) lock (warnings) warnings.Add(e.RawMessage); };
            using var copy = (TransformerChain<ITransformer>)context.Model.Load(stream, out _);
            var detector = (MaskRcnnTransformer)copy.LastTransformer;
            detector.Compute = new ComputeOptions { MemoryFormat = FeatureMemoryFormat.Contiguous, FoldBatchNorm = true };
            var folded = Predictions(copy.Transform(context.Data.LoadFromEnumerable(data.Rows)));
            for (int r = 0; r < predictions.Count; r++)
            {
                // Float32 either way: the detections of the fitted model, scores within rounding (sorted, so near-ties may swap).
                Assert.AreEqual(predictions[r].Count, folded[r].Count, $"row {r}");
                for (int i = 0; i < folded[r].Count; i++) Assert.AreEqual(predictions[r].Score[i], folded[r].Score[i], 1e-4, $"row {r}, detection {i}");
            }

            detector.Compute = new ComputeOptions { InferencePrecision = ComputePrecision.BFloat16 };
            bool native = ComputeOptions.HasNativeBFloat16(TorchSharp.torch.CPU);
            Assert.AreEqual(native ? ComputePrecision.BFloat16 : ComputePrecision.Float32, detector.Model.EffectiveInferencePrecision);
            lock (warnings) Assert.AreEqual(native ? 0 : 1, warnings.Count(w => w.Contains("BFloat16 was asked for")), string.Join("\n", warnings));
        }

        [TestMethod]
        public void SavedAndLoadedInANewContextThePipelinePredictsBitIdentically()
        {
            string path = Path.Combine(TrainingTestData.TemporaryFolder(), "model.zip");
            var rows = ml.Data.LoadFromEnumerable(data.Rows);
            ml.Model.Save(model, rows.Schema, path);

            var other = new MLContext(seed: 99);
            var loaded = other.Model.Load(path, out var inputSchema);
            Assert.IsNotNull(inputSchema.GetColumnOrNull(nameof(TextLabelRow.ImagePath)));
            var expected = Predictions(view);
            var actual = other.Data.CreateEnumerable<InstanceSegmentationPrediction>(loaded.Transform(other.Data.LoadFromEnumerable(data.Rows)), false).ToList();
            Assert.IsTrue(expected.Sum(p => p.Count) > 0);
            for (int r = 0; r < expected.Count; r++) AssertSame(expected[r], actual[r], $"row {r}");

            var reloaded = (MaskRcnnTransformer)((TransformerChain<ITransformer>)loaded).LastTransformer;
            Assert.IsNull(reloaded.TrainingResult);
            Assert.AreEqual(Transformer.ScoreThreshold, reloaded.ScoreThreshold);
            CollectionAssert.AreEqual(Transformer.ClassNames.ToArray(), reloaded.ClassNames.ToArray());
            Assert.AreEqual(System.Text.Json.JsonSerializer.Serialize(Transformer.Model.Model.Options), System.Text.Json.JsonSerializer.Serialize(reloaded.Model.Model.Options));
            (loaded as IDisposable)?.Dispose();
        }

        [TestMethod]
        public void APredictionEngineGivesTheTransformOutputForThePipelineAndForTheTransformerAlone()
        {
            var expected = Predictions(view);
            using (var engine = ml.Model.CreatePredictionEngine<PathInput, InstanceSegmentationPrediction>(model, new PredictionEngineOptions { OwnsTransformer = false }))
                for (int r = 0; r < 6; r++) AssertSame(expected[r], engine.Predict(new PathInput { ImagePath = data.Rows[r].ImagePath }), $"pipeline engine, row {r}");

            using (var engine = ml.Model.CreatePredictionEngine<ImageInput, InstanceSegmentationPrediction>(Transformer, new PredictionEngineOptions { OwnsTransformer = false }))
            {
                // Twice in a row on one engine: the per-row cache must not serve the previous example.
                for (int r = 5; r >= 0; r--) AssertSame(expected[r], engine.Predict(new ImageInput { Image = MLImage.CreateFromFile(data.ImagePath(r)) }), $"transformer engine, row {r}");
                for (int r = 0; r < 6; r++) AssertSame(expected[r], engine.Predict(new ImageInput { Image = MLImage.CreateFromFile(data.ImagePath(r)) }), $"again, row {r}");
                // An Rgba32 image with the same pixels predicts the same.
                var bgra = MLImage.CreateFromFile(data.ImagePath(2));
                var rgba = bgra.Pixels.ToArray();
                for (int i = 0; i < rgba.Length; i += 4) (rgba[i], rgba[i + 2]) = (rgba[i + 2], rgba[i]);
                AssertSame(expected[2], engine.Predict(new ImageInput { Image = MLImage.CreateFromPixels(80, 64, MLPixelFormat.Rgba32, rgba) }), "Rgba32");
            }
            Assert.IsNotNull(Transformer.Model, "an engine created with OwnsTransformer = false leaves the transformer alive");
        }

        [TestMethod]
        public void EnginesAndCursorsOnSeveralThreadsAgreeWithSequentialPrediction()
        {
            var expected = Predictions(view);
            var failures = new ConcurrentBag<string>();
            Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, t =>
            {
                using var engine = ml.Model.CreatePredictionEngine<PathInput, InstanceSegmentationPrediction>(model, new PredictionEngineOptions { OwnsTransformer = false });
                for (int k = 0; k < 12; k++)
                {
                    int r = (k + t) % 6;
                    var p = engine.Predict(new PathInput { ImagePath = data.Rows[r].ImagePath });
                    if (!p.PredictedMasks.SequenceEqual(expected[r].PredictedMasks) || !p.Score.SequenceEqual(expected[r].Score)) failures.Add($"thread {t}, row {r}");
                }
            });
            Assert.AreEqual(0, failures.Count, string.Join(", ", failures));

            var columns = Enumerable.Range(0, 3).AsParallel().WithDegreeOfParallelism(3)
                .Select(_ => view.GetColumn<VBuffer<ReadOnlyMemory<char>>>("PredictedMasks").Select(v => string.Join("|", v.DenseValues())).ToArray()).ToArray();
            var sequential = expected.Select(p => string.Join("|", p.PredictedMasks)).ToArray();
            foreach (var column in columns) CollectionAssert.AreEqual(sequential, column);
        }

        [TestMethod]
        public void EvaluationOfTheScoredViewEqualsTheTrainersCocoEvaluationOfTheSameImages()
        {
            var metrics = ml.Transforms.EvaluateInstances(view);
            var reference = ModelEvaluation.Evaluate(Transformer.Model, data.Dataset);
            CollectionAssert.AreEqual(reference.Boxes.Stats.ToArray(), metrics.Boxes.Stats.ToArray(), "bbox stats");
            CollectionAssert.AreEqual(reference.Masks.Stats.ToArray(), metrics.Masks.Stats.ToArray(), "segm stats");
            Assert.AreEqual((float)reference.Boxes.AP50, metrics.MAP50);
            Assert.AreEqual((float)reference.Boxes.AP, metrics.MAP50_95);
            Assert.AreEqual((float)reference.Masks.AP, metrics.MaskMAP50_95);
            CollectionAssert.AreEqual(reference.Boxes.PerCategoryAP().Select(c => c.AP).ToArray(), metrics.PerClass.Select(c => c.BoxAP).ToArray());
            CollectionAssert.AreEqual(reference.Masks.PerCategoryAP().Select(c => c.AP).ToArray(), metrics.PerClass.Select(c => c.MaskAP).ToArray());
            Assert.AreEqual(6, metrics.ImageCount);
            Assert.AreEqual(data.Rows.Sum(r => r.Label.Length), metrics.InstanceCount);
            StringAssert.Contains(metrics.FormatSummary(), "MAP50 ");
            StringAssert.Contains(metrics.FormatSummary(), "| circle ");
        }

        public sealed class TextImage
        {
            public string Image { get; set; } = "";
        }

        [TestMethod]
        public void TheTransformerNamesAMissingOrMistypedImageColumn()
        {
            var noImage = ml.Data.LoadFromEnumerable(data.Rows);
            var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Transformer.GetOutputSchema(noImage.Schema));
            StringAssert.Contains(ex.Message, "Could not find image column 'Image'");
            ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Transformer.Transform(noImage));
            StringAssert.Contains(ex.Message, "image column 'Image'");
            var wrongType = ml.Data.LoadFromEnumerable(new[] { new TextImage { Image = "a.png" } });
            ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Transformer.Transform(wrongType));
            StringAssert.Contains(ex.Message, "Schema mismatch for image column 'Image': expected Image, got String");
            ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Model.CreatePredictionEngine<TextImage, InstanceSegmentationPrediction>(Transformer,
                new PredictionEngineOptions { OwnsTransformer = false }));
            StringAssert.Contains(ex.Message, "image column 'Image'");
        }
    }
}
