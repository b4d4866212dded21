// A user's console app on the Microsoft.ML.MaskRcnn package.
//   ConsumerApp train FOLDER MODEL.zip OUT.txt    writes a few embedded-dataset images and their annotations to FOLDER,
//                                                 fits MapValueToKey -> LoadImages -> DetectInstances for a few steps,
//                                                 saves MODEL.zip and writes the model's predictions on FOLDER to OUT.txt
//   ConsumerApp predict FOLDER MODEL.zip OUT.txt  loads MODEL.zip in a new MLContext and writes its predictions to OUT.txt
//   ConsumerApp export MODEL.zip MODEL.onnx       loads MODEL.zip and exports its network to ONNX
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.MaskRcnn;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Imaging;
using Microsoft.ML.MaskRcnn.Onnx;
using Microsoft.ML.MaskRcnn.Training;

if (args is ["export", var zipPath, var onnxPath])
{
    var loaded = new MLContext().Model.Load(zipPath, out _);
    var transformer = ((IEnumerable<ITransformer>)loaded).OfType<MaskRcnnTransformer>().Single();
    MaskRcnnOnnxExporter.Export(transformer, onnxPath);
    (loaded as IDisposable)?.Dispose();
    Console.WriteLine($"export: wrote {onnxPath}");
    return 0;
}
if (args.Length != 4 || args[0] is not ("train" or "predict"))
{
    Console.Error.WriteLine("usage: ConsumerApp train|predict FOLDER MODEL.zip OUT.txt | export MODEL.zip MODEL.onnx");
    return 2;
}
string folder = args[1], modelPath = args[2], outputPath = args[3];
const int ImageCount = 4;

var ml = new MLContext(seed: 1);
IDataView rows;
ITransformer model;
if (args[0] == "train")
{
    Directory.CreateDirectory(folder);
    var shapes = new SyntheticShapesDataset(ImageCount, seed: 7);
    var annotated = new List<Row>();
    for (int i = 0; i < ImageCount; i++)
    {
        var sample = shapes.Load(i);
        string name = $"shapes-{i}.png";
        ImageCodec.EncodePng(sample.Image, Path.Combine(folder, name));
        var a = sample.Annotations;
        annotated.Add(new Row
        {
            ImagePath = name,
            Label = a.Labels.Select(l => SyntheticShapesDataset.ClassNames[l - 1]).ToArray(),
            BoundingBoxes = a.Boxes.ToArray(),
            Masks = Enumerable.Range(0, a.Count).Select(k => RleMask.Encode(a.GetMask(k), a.Height, a.Width).ToCompressedString()).ToArray(),
        });
    }
    rows = ml.Data.LoadFromEnumerable(annotated);

    var options = new MaskRcnnEstimator.Options { Trainer = MaskRcnnTrainerOptions.SmallFromScratch(numClasses: 0), ScoreThreshold = 0 };
    options.Trainer.MaxSteps = 3;
    options.Trainer.Threads = 2;
    var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
        .Append(ml.Transforms.LoadImages("Image", folder, nameof(Row.ImagePath)))
        .Append(ml.Transforms.DetectInstances(options));
    model = pipeline.Fit(rows);
    ml.Model.Save(model, rows.Schema, modelPath);
}
else
{
    model = ml.Model.Load(modelPath, out var inputSchema);
    rows = ml.Data.LoadFromEnumerable(Enumerable.Range(0, ImageCount).Select(i => new Row { ImagePath = $"shapes-{i}.png" }));
}

// One line per image: labels, scores, boxes and masks exactly as the model gives them.
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
Console.WriteLine($"{args[0]}: wrote {outputPath}");
return 0;

public sealed class Row
{
    public string ImagePath { get; set; } = "";
    public string[] Label { get; set; } = Array.Empty<string>();
    public float[] BoundingBoxes { get; set; } = Array.Empty<float>();
    public string[] Masks { get; set; } = Array.Empty<string>();
}
