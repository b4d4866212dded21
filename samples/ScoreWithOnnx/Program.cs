using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.MaskRcnn.Scoring;

// Scores pictures with a Mask R-CNN exported to ONNX (maskrcnn export --model m.zip --onnx m.onnx), through ONNX Runtime,
// with no libtorch in the process, and prints every detection above the threshold.
//
//   dotnet run -c Release --project samples/ScoreWithOnnx -- --onnx M.onnx --images FILE_OR_DIR [--score-threshold X]

var arguments = Enumerable.Range(0, args.Length / 2).ToDictionary(i => args[2 * i], i => args[2 * i + 1]);
if (!arguments.TryGetValue("--onnx", out var onnxPath) || !arguments.TryGetValue("--images", out var input))
{
    Console.Error.WriteLine("usage: ScoreWithOnnx --onnx M.onnx --images FILE_OR_DIR [--score-threshold X]");
    return 2;
}
float threshold = float.Parse(arguments.GetValueOrDefault("--score-threshold", "0.5"), System.Globalization.CultureInfo.InvariantCulture);
var images = Directory.Exists(input)
    ? Directory.GetFiles(input).Where(f => f.EndsWith(".png", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase)).Order().ToArray()
    : new[] { input };

using var scorer = new MaskRcnnOnnxScorer(onnxPath);
Console.WriteLine($"Loaded {onnxPath}: classes {string.Join(", ", scorer.Settings.CategoryNames)}.");
foreach (var path in images)
{
    using var image = MLImage.CreateFromFile(path);
    var found = scorer.Score(ToRgb(image), image.Width, image.Height).Where(o => o.Score >= threshold).ToList();
    Console.WriteLine($"{Path.GetFileName(path)} ({image.Width}x{image.Height}): {found.Count} detection(s)");
    foreach (var o in found)
        Console.WriteLine($"  {o.CategoryName,-12} {o.Score:F3}  box [{o.X0:F1}, {o.Y0:F1}, {o.X1:F1}, {o.Y1:F1}]  mask {o.Mask.Count(b => b == 1)} px");
}
return 0;

// MLImage holds 32-bit pixels (BGRA or RGBA); the scorer reads 8-bit RGB.
static byte[] ToRgb(MLImage image)
{
    var pixels = image.Pixels;
    bool bgra = image.PixelFormat == MLPixelFormat.Bgra32;
    var rgb = new byte[image.Width * image.Height * 3];
    for (int i = 0, n = image.Width * image.Height; i < n; i++)
    {
        rgb[3 * i] = pixels[4 * i + (bgra ? 2 : 0)];
        rgb[3 * i + 1] = pixels[4 * i + 1];
        rgb[3 * i + 2] = pixels[4 * i + (bgra ? 0 : 2)];
    }
    return rgb;
}
