using Microsoft.ML;
using Microsoft.ML.MaskRcnn;
using Microsoft.ML.MaskRcnn.Scoring;

/// <summary>docs/usage.md's blocks on scoring an exported model with ONNX Runtime, verbatim.</summary>
public static class OnnxScoringSnippet
{
    public sealed class ImageRow { public string ImagePath { get; set; } }

    public static void PrintDetections(byte[] rgb, int width, int height)
    {
        using var scorer = new MaskRcnnOnnxScorer("model.onnx");          // the transform settings come from the file
        IReadOnlyList<OnnxInstance> found = scorer.Score(rgb, width, height); // 8-bit RGB, row by row
        foreach (var o in found.Where(o => o.Score >= 0.5f))
            Console.WriteLine($"{o.CategoryName} {o.Score:F2} [{o.X0:F0}, {o.Y0:F0}, {o.X1:F0}, {o.Y1:F0}], {o.Mask.Count(b => b == 1)} pixels");
    }

    public static PredictionEngine<ImageRow, InstanceSegmentationPrediction> ScoringPipeline(MLContext ml, IDataView rows, string imageFolder)
    {
        var pipeline = ml.Transforms.LoadImages("Image", imageFolder, "ImagePath")
            .Append(ml.Transforms.DetectInstancesWithOnnx("model.onnx", scoreThreshold: 0.5));
        var model = pipeline.Fit(rows);                      // opens the ONNX file; nothing is trained
        ml.Model.Save(model, rows.Schema, "scoring.zip");  // the ONNX graph is saved inside the zip
        var engine = ml.Model.CreatePredictionEngine<ImageRow, InstanceSegmentationPrediction>(ml.Model.Load("scoring.zip", out _));
        return engine;
    }
}
