using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.MaskRcnn;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Experiments;
using Microsoft.ML.MaskRcnn.Imaging;
using Microsoft.ML.MaskRcnn.Training;

// An AutoML-style sweep over DetectInstances pipelines: each trial trains with one configuration of a small search space
// and is scored with COCO mask AP on a validation set; trials are reported as they finish and the best model is saved.
// Synthetic shapes by default (three short trials, under a minute on two cores).
//
//   dotnet run -c Release --project samples/SweepOptions -- [--trials N] [--steps N] [--threads N] [--out DIR]

var arguments = new Dictionary<string, string>();
for (int i = 0; i + 1 < args.Length; i += 2) arguments[args[i]] = args[i + 1];
string output = Path.GetFullPath(arguments.GetValueOrDefault("--out", Path.Combine("out", "sweep-options")));
int trials = int.Parse(arguments.GetValueOrDefault("--trials", "3"));
int steps = int.Parse(arguments.GetValueOrDefault("--steps", "15"));
int threads = int.Parse(arguments.GetValueOrDefault("--threads", Environment.ProcessorCount.ToString()));

var ml = new MLContext(seed: 0);
string folder = Path.Combine(output, "images");
IDataView training = Load(ml, folder, Shapes.Write(folder, count: 24, seed: 1));
IDataView validation = Load(ml, folder, Shapes.Write(folder, count: 8, seed: 2));

// Every trial starts from these options; the search space overrides options by their path on the trainer options.
var trainer = MaskRcnnTrainerOptions.EmbeddedShapes();
trainer.MaxSteps = steps;
trainer.Threads = threads;
var options = new MaskRcnnEstimator.Options { Trainer = trainer, ScoreThreshold = 0.5 };
var settings = new ExperimentSettings
{
    SearchSpace = new SearchSpace()
        .Choice("Model.FpnChannels", 32, 64)
        .Range("LearningRate", 0.005, 0.04, logScale: true),
    Strategy = SearchStrategy.Random,
    MaxTrials = trials,
    MaxExperimentTime = TimeSpan.FromMinutes(10),
    OptimizingMetric = ExperimentMetric.MaskAP50,
    Seed = 0,
};

var experiment = ml.Transforms.CreateInstanceSegmentationExperiment(options, settings);
experiment.TrialCompleted += (_, trial) => Console.WriteLine(trial);   // index, parameters, outcome, duration
Console.WriteLine($"Sweeping {trials} configurations of {steps} steps each (metric: validation mask AP50)...");
var result = experiment.Execute(training, validation);

if (result.BestModel is not MaskRcnnTransformer best)
{
    Console.WriteLine("No trial succeeded.");
    return 1;
}
Console.WriteLine($"Best: {result.BestTrial}");
// The experiment returns the fitted transformer; prepend the image loading so that the zip takes image paths.
using var model = ml.Transforms.LoadImages("Image", folder, nameof(InstanceSegmentationInput.ImagePath)).Fit(training).Append(best);
string modelPath = Path.Combine(output, "best-model.zip");
ml.Model.Save(model, training.Schema, modelPath);
Console.WriteLine($"Saved {modelPath}.");
return 0;

// The rows as a view with the images loaded (the experiment fits DetectInstances alone, on an Image column).
static IDataView Load(MLContext ml, string folder, InstanceSegmentationInput[] rows)
{
    IDataView view = ml.Data.LoadFromEnumerable(rows);
    return ml.Transforms.LoadImages("Image", folder, nameof(InstanceSegmentationInput.ImagePath)).Fit(view).Transform(view);
}

/// <summary>Synthetic-shapes images as PNG files with their ground truth as rows of the column contract.</summary>
internal static class Shapes
{
    public static InstanceSegmentationInput[] Write(string folder, int count, int seed)
    {
        Directory.CreateDirectory(folder);
        var shapes = new SyntheticShapesDataset(count, seed);
        var rows = InstanceSegmentationInput.FromDataset(shapes).ToArray();
        for (int i = 0; i < count; i++)
        {
            rows[i].ImagePath = $"shapes-{seed}-{i:D3}.png";
            ImageCodec.EncodePng(shapes.LoadImage(i), Path.Combine(folder, rows[i].ImagePath));
        }
        return rows;
    }
}
