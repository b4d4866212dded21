using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.MaskRcnn;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Imaging;
using Microsoft.ML.MaskRcnn.Training;
using Microsoft.ML.MaskRcnn.Visualization;

// Loads a saved model zip in a new MLContext, predicts images with a PredictionEngine, prints every detection and writes
// overlay pictures. Without --model it first trains a quick model on synthetic shapes (and predicts other synthetic images).
//
//   dotnet run -c Release --project samples/PredictWithSavedModel -- [--model M.zip --images FILE_OR_DIR] [--threads N] [--out DIR]

var arguments = new Dictionary<string, string>();
for (int i = 0; i + 1 < args.Length; i += 2) arguments[args[i]] = args[i + 1];
string output = Path.GetFullPath(arguments.GetValueOrDefault("--out", Path.Combine("out", "predict-with-saved-model")));
Directory.CreateDirectory(output);

string modelPath;
string[] images;
if (arguments.TryGetValue("--model", out var given))
{
    modelPath = given;
    string input = arguments.TryGetValue("--images", out var path) ? path : throw new ArgumentException("--model needs --images FILE_OR_DIR.");
    images = Directory.Exists(input)
        ? Directory.GetFiles(input).Where(f => f.EndsWith(".png", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase)).Order().ToArray()
        : new[] { input };
}
else
{
    modelPath = Path.Combine(output, "quick-model.zip");
    QuickModel.Train(Path.Combine(output, "train"), modelPath, int.Parse(arguments.GetValueOrDefault("--threads", Environment.ProcessorCount.ToString())));
    images = QuickModel.WriteImages(Path.Combine(output, "images"), count: 4, seed: 99).Select(r => r.ImagePath).ToArray();
}

// A new MLContext, as in another process: the zip holds the whole pipeline (LoadImages -> DetectInstances) and its weights.
var ml = new MLContext();
ITransformer model = ml.Model.Load(modelPath, out _);
var detector = (MaskRcnnTransformer)((TransformerChain<ITransformer>)model).LastTransformer;
IReadOnlyList<string> classNames = detector.ClassNames;
Console.WriteLine($"Loaded {modelPath}: classes {string.Join(", ", classNames)}, score threshold {detector.ScoreThreshold}.");

// One engine per thread; the paths are absolute, so the image folder saved in the model does not matter.
using var engine = ml.Model.CreatePredictionEngine<ImageFile, InstanceSegmentationPrediction>(model);
foreach (string image in images)
{
    InstanceSegmentationPrediction p = engine.Predict(new ImageFile { ImagePath = Path.GetFullPath(image) });
    ImageBuffer picture = ImageCodec.Decode(image, ImageDecodeOptions.Rgb8);
    Console.WriteLine($"{Path.GetFileName(image)} ({picture.Width}x{picture.Height}): {p.Count} detection(s)");
    for (int i = 0; i < p.Count; i++)
    {
        var (x0, y0, x1, y1) = p.GetBox(i);
        byte[] mask = p.DecodeMask(i, picture.Height, picture.Width);      // H x W, row-major, 1 inside
        Console.WriteLine($"  {classNames[(int)p.PredictedLabel[i] - 1],-10} {p.Score[i]:F2}  box [{x0:F0}, {y0:F0}, {x1:F0}, {y1:F0}]  {mask.Count(b => b == 1)} px");
    }
    string overlay = Path.Combine(output, Path.GetFileNameWithoutExtension(image) + ".overlay.png");
    ImageCodec.EncodePng(OverlayRenderer.Render(picture, p.ToInstances(classNames, picture.Height, picture.Width)), overlay);
}
Console.WriteLine($"Overlays written to {output}.");

/// <summary>The prediction engine's input: the path of one image.</summary>
public sealed class ImageFile
{
    public string ImagePath { get; set; } = "";
}

/// <summary>A model trained in seconds on synthetic shapes, so that the sample has something to load.</summary>
internal static class QuickModel
{
    public static void Train(string folder, string modelPath, int threads)
    {
        var ml = new MLContext(seed: 0);
        var rows = WriteImages(folder, count: 24, seed: 1);
        var trainer = MaskRcnnTrainerOptions.EmbeddedShapes();
        trainer.MaxSteps = 60;
        trainer.Threads = threads;
        var pipeline = ml.Transforms.LoadImages("Image", folder, nameof(InstanceSegmentationInput.ImagePath))
            .Append(ml.Transforms.DetectInstances(new MaskRcnnEstimator.Options { Trainer = trainer, ScoreThreshold = 0.3 }));
        IDataView data = ml.Data.LoadFromEnumerable(rows);
        Console.WriteLine($"No --model given: training a quick model ({trainer.MaxSteps} steps on {rows.Length} synthetic images)...");
        using var model = pipeline.Fit(data);
        ml.Model.Save(model, data.Schema, modelPath);
    }

    /// <summary>Synthetic images as PNG files, with their ground truth as rows of the column contract.</summary>
    public static InstanceSegmentationInput[] WriteImages(string folder, int count, int seed)
    {
        Directory.CreateDirectory(folder);
        var shapes = new SyntheticShapesDataset(count, seed);
        var rows = InstanceSegmentationInput.FromDataset(shapes).ToArray();
        for (int i = 0; i < count; i++)
        {
            rows[i].ImagePath = Path.Combine(folder, $"shapes-{seed}-{i:D3}.png");
            ImageCodec.EncodePng(shapes.LoadImage(i), rows[i].ImagePath);
        }
        return rows;
    }
}
