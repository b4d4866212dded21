// A user's scoring app on Microsoft.ML and the Microsoft.ML.MaskRcnn.Scoring package only: no TorchSharp, no libtorch.
//   OnnxConsumerApp fit FOLDER MODEL.onnx SCORING.zip OUT.txt   fits LoadImages -> DetectInstancesWithOnnx on FOLDER's
//                                                              shapes-*.png, saves SCORING.zip, writes the predictions
//   OnnxConsumerApp predict FOLDER SCORING.zip OUT.txt          loads SCORING.zip in a new MLContext, writes its predictions
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

if (!(args is ["fit", _, _, _, _] || args is ["predict", _, _, _]))
{
    Console.Error.WriteLine("usage: OnnxConsumerApp fit FOLDER MODEL.onnx SCORING.zip OUT.txt | predict FOLDER SCORING.zip OUT.txt");
    return 2;
}
string folder = args[1], outputPath = args[^1];
var ml = new MLContext(seed: 1);
var rows = ml.Data.LoadFromEnumerable(Directory.GetFiles(folder, "shapes-*.png").Order(StringComparer.Ordinal)
                                               .Select(f => new Row { ImagePath = Path.GetFileName(f) }));
ITransformer model;
if (args[0] == "fit")
{
    var pipeline = ml.Transforms.LoadImages("Image", folder, nameof(Row.ImagePath))
        .Append(ml.Transforms.DetectInstancesWithOnnx(args[2], scoreThreshold: 0));
    model = pipeline.Fit(rows);
    ml.Model.Save(model, rows.Schema, args[3]);
}
else
{
    model = ml.Model.Load(args[2], out _);
}

// One line per image, as the TorchSharp app writes them: labels, scores, boxes and masks.
using (var output = new StreamWriter(outputPath))
{
    var scored = model.Transform(rows);
    // GetColumn hands out one reused buffer: each row is formatted as it is read.
    var labels = scored.GetColumn<VBuffer<uint>>("PredictedLabel").Select(v => string.Join(",", v.DenseValues())).ToArray();
    var scores = scored.GetColumn<VBuffer<float>>("Score").Select(v => string.Join(",", v.DenseValues().Select(s => s.ToString("R", CultureInfo.InvariantCulture)))).ToArray();
    var boxes = scored.GetColumn<VBuffer<float>>("PredictedBoundingBoxes").Select(v => string.Join(",", v.DenseValues().Select(b => b.ToString("R", CultureInfo.InvariantCulture)))).ToArray();
    var masks = scored.GetColumn<VBuffer<ReadOnlyMemory<char>>>("PredictedMasks").Select(v => string.Join(",", v.DenseValues())).ToArray();
    for (int i = 0; i < labels.Length; i++)
        output.WriteLine(string.Join(" | ", labels[i], scores[i], boxes[i], masks[i]));
}
(model as IDisposable)?.Dispose();
// The process never loaded libtorch (Linux: its mapped files).
if (File.Exists("/proc/self/maps") && File.ReadAllText("/proc/self/maps").Contains("libtorch"))
{
    Console.Error.WriteLine("libtorch was loaded");
    return 3;
}
Console.WriteLine($"{args[0]}: wrote {outputPath}");
return 0;

public sealed class Row
{
    public string ImagePath { get; set; } = "";
}
