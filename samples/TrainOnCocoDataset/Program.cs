using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.MaskRcnn;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Imaging;
using Microsoft.ML.MaskRcnn.Training;
using Microsoft.ML.Runtime;

// Trains Mask R-CNN on a COCO instances file through the ML.NET pipeline, evaluates it on held-out images and saves the
// model zip. Without --coco it first writes a small COCO dataset of synthetic shapes, so it runs anywhere in under a minute.
//
//   dotnet run -c Release --project samples/TrainOnCocoDataset -- [--coco FILE --images DIR] [--steps N] [--threads N] [--out DIR]

var arguments = new Dictionary<string, string>();
for (int i = 0; i + 1 < args.Length; i += 2) arguments[args[i]] = args[i + 1];
string output = Path.GetFullPath(arguments.GetValueOrDefault("--out", Path.Combine("out", "train-on-coco")));
Directory.CreateDirectory(output);

string cocoFile, imageFolder;
MaskRcnnTrainerOptions trainer;
if (arguments.TryGetValue("--coco", out var given))
{
    cocoFile = given;
    imageFolder = arguments.TryGetValue("--images", out var folder) ? folder : throw new ArgumentException("--coco needs --images DIR.");
    trainer = MaskRcnnTrainerOptions.SmallFromScratch(numClasses: 0);   // Fit sets the class count from the labels
}
else
{
    imageFolder = Path.Combine(output, "shapes");
    cocoFile = ShapesAsCoco.Write(imageFolder, count: 40);
    Console.WriteLine($"No --coco given: wrote 40 synthetic images and their COCO file {cocoFile}.");
    trainer = MaskRcnnTrainerOptions.EmbeddedShapes();                  // sized for the 160 x 128 shapes
    trainer.MaxSteps = 60;
}
if (arguments.TryGetValue("--steps", out var steps)) trainer.MaxSteps = int.Parse(steps);
if (arguments.TryGetValue("--threads", out var threads)) trainer.Threads = int.Parse(threads);   // default: the processor count

// The dataset reader parses the COCO file (polygons or RLE); FromDataset turns it into rows of the column contract.
var dataset = new CocoDataset(cocoFile, imageFolder, new CocoDatasetOptions { Warning = w => Console.WriteLine("warning: " + w) });
var (trainImages, testImages) = dataset.Split(validationFraction: 0.2, seed: 0);
Console.WriteLine($"{dataset.Count} images: {trainImages.Count} for training, {testImages.Count} held out.");

var ml = new MLContext(seed: 0);
ml.Log += (_, e) => { if (e.Kind >= ChannelMessageKind.Info) Console.WriteLine("  " + e.RawMessage); };
IDataView train = ml.Data.LoadFromEnumerable(InstanceSegmentationInput.FromDataset(trainImages, imageFolder).ToList());
IDataView test = ml.Data.LoadFromEnumerable(InstanceSegmentationInput.FromDataset(testImages, imageFolder).ToList());

var options = new MaskRcnnEstimator.Options { Trainer = trainer, ScoreThreshold = 0.5, LogEveryNStep = 10 };
var pipeline = ml.Transforms.LoadImages("Image", imageFolder, nameof(InstanceSegmentationInput.ImagePath))
    .Append(ml.Transforms.DetectInstances(options));
using var model = pipeline.Fit(train);

// COCO's AP integrates over every detection: evaluate without the display threshold, then restore it for the saved model.
model.LastTransformer.ScoreThreshold = 0;
InstanceSegmentationMetrics metrics = ml.Transforms.EvaluateInstances(model.Transform(test));
model.LastTransformer.ScoreThreshold = 0.5;
Console.WriteLine(metrics.FormatSummary());

string modelPath = Path.Combine(output, "model.zip");
ml.Model.Save(model, train.Schema, modelPath);
Console.WriteLine($"Saved {modelPath} (classes: {string.Join(", ", model.LastTransformer.ClassNames)}).");

/// <summary>Writes synthetic-shapes images and a COCO instances file describing them (RLE masks), as any labelling tool would.</summary>
internal static class ShapesAsCoco
{
    public static string Write(string folder, int count)
    {
        Directory.CreateDirectory(folder);
        var shapes = new SyntheticShapesDataset(count, seed: 7);
        var images = new List<object>();
        var annotations = new List<object>();
        for (int i = 0; i < count; i++)
        {
            var sample = shapes.Load(i);
            string name = $"shapes-{i:D3}.png";
            ImageCodec.EncodePng(sample.Image, Path.Combine(folder, name));
            var a = sample.Annotations;
            images.Add(new { id = i + 1, file_name = name, width = a.Width, height = a.Height });
            for (int k = 0; k < a.Count; k++)
            {
                var mask = RleMask.Encode(a.GetMask(k), a.Height, a.Width);
                var box = mask.ToBoundingBox();
                annotations.Add(new
                {
                    id = annotations.Count + 1, image_id = i + 1, category_id = a.Labels[k],
                    segmentation = new { size = new[] { a.Height, a.Width }, counts = mask.ToCompressedString() },
                    bbox = new[] { box.X, box.Y, box.Width, box.Height }, area = mask.Area, iscrowd = 0,
                });
            }
        }
        var categories = SyntheticShapesDataset.ClassNames.Select((name, k) => new { id = k + 1, name });
        string file = Path.Combine(folder, "annotations.json");
        File.WriteAllText(file, JsonSerializer.Serialize(new { images, categories, annotations }));
        return file;
    }
}
