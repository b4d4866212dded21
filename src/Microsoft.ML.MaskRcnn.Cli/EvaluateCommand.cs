using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using Microsoft.ML.MaskRcnn.Evaluation;

namespace Microsoft.ML.MaskRcnn.Cli
{
    /// <summary>
    /// <c>maskrcnn evaluate</c>: COCO box and mask metrics of a model zip on a dataset, with every detection (the saved
    /// score threshold is set to 0 for the evaluation, as COCO's AP integrates over all detections).
    /// </summary>
    internal sealed class EvaluateCommand : ICliCommand
    {

        public string Name => "evaluate";

        public string Summary => "COCO box and mask metrics of a model zip on a dataset";

        public IReadOnlyList<CliOption> Options { get; } = BuildOptions();

        public string Description =>
            "maskrcnn evaluate --model M.zip <data> [--json FILE] [options]\n\n" +
            "Scores a model zip on a dataset with COCO's metrics (pycocotools' definition) for boxes and masks, and prints\n" +
            "both COCO tables and the AP of every class. Every detection is scored: the model's saved score threshold is set\n" +
            "to 0 for the evaluation, as COCO requires (a threshold would cut the precision-recall curves short).";

        private static List<CliOption> BuildOptions()
        {
            var options = new List<CliOption>
            {
                new("model", "FILE", "the model zip (from maskrcnn train or mlContext.Model.Save) (required)"),
            };
            options.AddRange(DatasetArguments.Forms(""));
            options.AddRange(DatasetArguments.Settings());
            options.Add(new CliOption("json", "FILE", "also write the figures as JSON: box and mask COCO figures, per-class AP, counts"));
            options.Add(new CliOption("threads", "N", "libtorch CPU threads", "the processor count"));
            options.AddRange(ComputeArguments.Options());
            options.AddRange(MaskRcnnCli.CommonOptions());
            return options;
        }

        // Each row as the evaluation reads it: the image it is about to score.
        private static IEnumerable<T> Counted<T>(IEnumerable<T> rows, Action? each)
        {
            foreach (var row in rows)
            {
                each?.Invoke();
                yield return row;
            }
        }

        public int Execute(ParsedArguments a, CliConsole console)
        {
            string modelPath = a.ExistingFile("model") ?? throw new UsageException("--model is required (the model zip to evaluate)");
            string? jsonPath = a.OutputPath("json");
            Threads.Apply(a);
            using var source = DatasetArguments.Open(a, "", console);

            var ml = new MLContext(seed: 0);
            console.Follow(ml);
            using var model = ModelFile.Load(ml, modelPath);
            var detector = model.Detector;
            ComputeArguments.Apply(a, detector, console);
            detector.ScoreThreshold = 0;
            console.Line($"Evaluating {modelPath} on {source.Description}: {source.Dataset.Count} images, every detection scored.");
            InstanceSegmentationMetrics Evaluate(Action? imageDone)
            {
                var rows = ml.Data.LoadFromEnumerable(console.Interruptible(Counted(DatasetSource.Rows(source.Dataset), imageDone)));
                return ml.Transforms.EvaluateInstances(model.Score(rows),
                    predictedLabelColumnName: detector.PredictedLabelColumnName, scoreColumnName: detector.ScoreColumnName,
                    predictedBoundingBoxColumnName: detector.PredictedBoundingBoxColumnName, predictedMaskColumnName: detector.PredictedMaskColumnName,
                    imageColumnName: detector.ImageColumnName);
            }
            InstanceSegmentationMetrics metrics;
            if (console.Live is { } live)
            {
                InstanceSegmentationMetrics? measured = null;
                LiveProgress.Images(live, "evaluating", source.Dataset.Count, imageDone => measured = Evaluate(imageDone));
                metrics = measured!;
                LiveProgress.Tables(live, metrics);
            }
            else
            {
                metrics = Evaluate(null);
                console.Out.Write(metrics.FormatSummary());
            }
            if (jsonPath is not null)
            {
                MetricsJson.Write(jsonPath, modelPath, source.Description, metrics);
                console.Line($"Metrics written to {jsonPath}.");
            }
            return MaskRcnnCli.Success;
        }
    }

    /// <summary>
    /// The JSON of <c>evaluate --json</c>: {"model", "data", "images", "instances", "detections", "box": {...}, "mask": {...},
    /// "perClass": [{"key", "name", "instances", "boxAP", "maskAP"}]}. The box and mask objects hold COCO's 12 summary
    /// figures by name (AP, AP50, AP75, APsmall, APmedium, APlarge, AR1, AR10, AR100, ARsmall, ARmedium, ARlarge); -1 marks
    /// a figure with nothing to measure, as in COCO. Numbers round-trip exactly.
    /// </summary>
    internal static class MetricsJson
    {
        private static readonly string[] FigureNames =
            { "AP", "AP50", "AP75", "APsmall", "APmedium", "APlarge", "AR1", "AR10", "AR100", "ARsmall", "ARmedium", "ARlarge" };

        public static void Write(string path, string model, string data, InstanceSegmentationMetrics metrics)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var stream = File.Create(path);
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            json.WriteStartObject();
            json.WriteString("model", model);
            json.WriteString("data", data);
            json.WriteNumber("images", metrics.ImageCount);
            json.WriteNumber("instances", metrics.InstanceCount);
            json.WriteNumber("detections", metrics.DetectionCount);
            WriteFigures(json, "box", metrics.Boxes);
            WriteFigures(json, "mask", metrics.Masks);
            json.WriteStartArray("perClass");
            foreach (var c in metrics.PerClass)
            {
                json.WriteStartObject();
                json.WriteNumber("key", c.Key);
                json.WriteString("name", c.Name);
                json.WriteNumber("instances", c.Instances);
                Number(json, "boxAP", c.BoxAP);
                Number(json, "maskAP", c.MaskAP);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }

        private static void WriteFigures(Utf8JsonWriter json, string name, CocoEvaluationResult result)
        {
            json.WriteStartObject(name);
            for (int i = 0; i < FigureNames.Length; i++) Number(json, FigureNames[i], result.Stats[i]);
            json.WriteEndObject();
        }

        // JSON has no NaN; COCO itself reports -1, so a non-finite figure would be a library fault worth keeping visible as null.
        private static void Number(Utf8JsonWriter json, string name, double value)
        {
            if (double.IsFinite(value)) json.WriteNumber(name, value);
            else json.WriteNull(name);
        }
    }
}
