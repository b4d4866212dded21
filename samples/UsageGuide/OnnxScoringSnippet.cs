using Microsoft.ML.MaskRcnn.Scoring;

/// <summary>docs/usage.md's block on scoring an exported model with ONNX Runtime, verbatim.</summary>
public static class OnnxScoringSnippet
{
    public static void PrintDetections(byte[] rgb, int width, int height)
    {
        using var scorer = new MaskRcnnOnnxScorer("model.onnx");          // the transform settings come from the file
        IReadOnlyList<OnnxInstance> found = scorer.Score(rgb, width, height); // 8-bit RGB, row by row
        foreach (var o in found.Where(o => o.Score >= 0.5f))
            Console.WriteLine($"{o.CategoryName} {o.Score:F2} [{o.X0:F0}, {o.Y0:F0}, {o.X1:F0}, {o.Y1:F0}], {o.Mask.Count(b => b == 1)} pixels");
    }
}
