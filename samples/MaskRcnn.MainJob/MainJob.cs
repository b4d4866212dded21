using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.MaskRcnn;
using Microsoft.ML.MaskRcnn.Imaging;

namespace MaskRcnn.MainJob
{
    /// <summary>
    /// The README's main job: the embedded shapes dataset through an ML.NET pipeline (LoadImages -> DetectInstances),
    /// COCO evaluation on held-out images, the model zip saved and reloaded in a new MLContext, the reloaded model's
    /// predictions compared with the original's, overlay pictures and metrics.json.
    /// </summary>
    public static class MainJob
    {
        private const int Stages = 6;
        private const double PictureScoreThreshold = 0.5;

        /// <summary>Runs every stage; returns what was measured (also written to metrics.json).</summary>
        public static MetricsReport Run(MainJobSettings settings, Action<string>? write = null)
        {
            var progress = new ConsoleProgress(Stages, write);
            string output = settings.OutputDirectory;
            string trainFolder = Path.Combine(output, "data", "train"), testFolder = Path.Combine(output, "data", "test");
            string modelPath = Path.Combine(output, "model.zip"), overlayFolder = Path.Combine(output, "overlays");
            Directory.CreateDirectory(output);

            progress.Stage($"Generating the embedded shapes dataset: {settings.TrainImages} training and {settings.TestImages} held-out images in {Path.Combine(output, "data")}");
            var trainRows = EmbeddedShapesFiles.Write(trainFolder, settings.TrainImages, settings.Seed, settings.ImageOptions());
            var testRows = EmbeddedShapesFiles.Write(testFolder, settings.TestImages, settings.Seed + 1_000_000, settings.ImageOptions());

            var ml = new MLContext(seed: settings.Seed);
            progress.Follow(ml);
            var trainerOptions = settings.TrainerOptions();
            var options = new MaskRcnnEstimator.Options { Trainer = trainerOptions, ScoreThreshold = PictureScoreThreshold, LogEveryNStep = 25 };
            string start = settings.Pretrained ? "from ML.NET's ImageNet weights" : "from scratch";
            progress.Stage($"Training Mask R-CNN (ResNet-{trainerOptions.Model.BackboneDepth}-FPN {start}, {trainerOptions.MaxSteps} steps of {trainerOptions.BatchSize} images, {trainerOptions.Threads} threads)");
            var training = ml.Data.LoadFromEnumerable(trainRows);
            var pipeline = ml.Transforms.LoadImages("Image", trainFolder, nameof(InstanceSegmentationInput.ImagePath))
                .Append(ml.Transforms.DetectInstances(options));
            using var model = pipeline.Fit(training);
            var trained = model.LastTransformer;
            var run = trained.TrainingResult!;

            progress.Stage($"Evaluating on {settings.TestImages} held-out images (COCO metrics over every detection)");
            var test = ml.Data.LoadFromEnumerable(testRows);
            var testModel = ml.Transforms.LoadImages("Image", testFolder, nameof(InstanceSegmentationInput.ImagePath)).Fit(test).Append(trained);
            trained.ScoreThreshold = 0;
            var metrics = ml.Transforms.EvaluateInstances(testModel.Transform(test));
            trained.ScoreThreshold = PictureScoreThreshold;
            foreach (var line in metrics.FormatSummary().Split('\n')) progress.Line("      " + line.TrimEnd());

            progress.Stage($"Saving the model to {modelPath}");
            ml.Model.Save(model, training.Schema, modelPath);

            progress.Stage("Reloading the model in a new MLContext and predicting the held-out images");
            var reloadContext = new MLContext(seed: settings.Seed);
            var reloaded = reloadContext.Model.Load(modelPath, out _);
            var classNames = ((MaskRcnnTransformer)((TransformerChain<ITransformer>)reloaded).LastTransformer).ClassNames;
            var reloadedPredictions = Predict(reloadContext, reloaded, testRows, testFolder);
            var originalPredictions = Predict(ml, model, testRows, testFolder);
            bool identical = reloadedPredictions.Zip(originalPredictions).All(p => Same(p.First, p.Second));
            int detections = reloadedPredictions.Sum(p => p.Count);
            progress.Line($"      {detections} detections with score >= {PictureScoreThreshold} on {testRows.Length} images; " +
                          $"reloaded model predicts {(identical ? "bit-identically" : "DIFFERENTLY")} to the trained one");
            if (!identical) throw new InvalidOperationException("The reloaded model's predictions differ from the trained model's.");

            progress.Stage($"Writing overlay pictures to {overlayFolder}");
            var overlays = WriteOverlays(overlayFolder, testFolder, testRows, reloadedPredictions, classNames, settings.Overlays);

            var report = new MetricsReport(settings.TrainImages, settings.TestImages, run.Steps, run.Duration.TotalSeconds,
                run.History.Count == 0 ? 0 : run.History.Average(h => h.ImagesPerSecond),
                run.History.Count == 0 ? new Dictionary<string, double>() : run.History[^1].Losses.ToDictionary(k => k.Key, k => k.Value),
                CocoFigures.From(metrics.Boxes), CocoFigures.From(metrics.Masks), MetricsReport.Classes(metrics), detections,
                PictureScoreThreshold, identical, modelPath, overlays);
            string metricsPath = Path.Combine(output, "metrics.json");
            report.Write(metricsPath);

            var c = CultureInfo.InvariantCulture;
            progress.Line(string.Format(c, "Done. Held-out mask AP50 {0:F3}, mask AP {1:F3}, box AP50 {2:F3}, box AP {3:F3}; training took {4:F0} s.",
                                        metrics.Masks.AP50, metrics.Masks.AP, metrics.Boxes.AP50, metrics.Boxes.AP, run.Duration.TotalSeconds));
            progress.Line($"Outputs in {output}:");
            progress.Line($"  model.zip      the trained pipeline (load with mlContext.Model.Load)");
            progress.Line($"  metrics.json   COCO box and mask metrics, per class, training figures");
            if (overlays.Count > 0) progress.Line($"  overlays/      {overlays.Count} pictures of held-out predictions and overlays.png, all of them on one sheet");
            progress.Line($"  data/          the generated training and held-out images");
            return report;
        }

        private static List<InstanceSegmentationPrediction> Predict(MLContext ml, ITransformer model, InstanceSegmentationInput[] rows, string folder)
        {
            // The model's LoadImages stage keeps the training folder; the held-out images are addressed by full path.
            using var engine = ml.Model.CreatePredictionEngine<ImagePathInput, InstanceSegmentationPrediction>(model,
                new PredictionEngineOptions { OwnsTransformer = false });
            return rows.Select(r => engine.Predict(new ImagePathInput { ImagePath = Path.Combine(folder, r.ImagePath) })).ToList();
        }

        private static bool Same(InstanceSegmentationPrediction a, InstanceSegmentationPrediction b) =>
            a.PredictedLabel.SequenceEqual(b.PredictedLabel) && a.Score.SequenceEqual(b.Score) &&
            a.PredictedBoundingBoxes.SequenceEqual(b.PredictedBoundingBoxes) && a.PredictedMasks.SequenceEqual(b.PredictedMasks);

        private static List<string> WriteOverlays(string folder, string imageFolder, InstanceSegmentationInput[] rows, List<InstanceSegmentationPrediction> predictions,
                                                  IReadOnlyList<string> classNames, int count)
        {
            var written = new List<string>();
            if (count == 0) return written;
            Directory.CreateDirectory(folder);
            var pictures = new List<ImageBuffer>();
            for (int i = 0; i < Math.Min(count, rows.Length); i++)
            {
                var image = ImageCodec.Decode(Path.Combine(imageFolder, rows[i].ImagePath), ImageColorMode.Rgb);
                var picture = OverlayPictures.Render(image, predictions[i].ToInstances(classNames, image.Height, image.Width), factor: 3);
                string path = Path.Combine(folder, Path.GetFileNameWithoutExtension(rows[i].ImagePath) + ".png");
                ImageCodec.EncodePng(picture, path);
                written.Add(path);
                pictures.Add(picture);
            }
            string sheet = Path.Combine(folder, "overlays.png");
            ImageCodec.EncodePng(OverlayPictures.ContactSheet(pictures, columns: 4), sheet);
            written.Add(sheet);
            return written;
        }
    }
}
