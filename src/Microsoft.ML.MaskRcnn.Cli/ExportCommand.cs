using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Microsoft.ML.MaskRcnn.Onnx;

namespace Microsoft.ML.MaskRcnn.Cli
{
    /// <summary><c>maskrcnn export</c>: a model zip's network as a file another engine runs (ONNX, for ONNX Runtime).</summary>
    internal sealed class ExportCommand : ICliCommand
    {
        public string Name => "export";

        public string Summary => "write a model zip's network as ONNX, for ONNX Runtime";

        public IReadOnlyList<CliOption> Options { get; } = new List<CliOption>
        {
            new("model", "FILE", "the model zip (from maskrcnn train or mlContext.Model.Save) (required)"),
            new("onnx", "FILE", "the ONNX file to write (opset 17; replaced all at once) (required)"),
        }.Concat(MaskRcnnCli.CommonOptions()).ToList();

        public string Description =>
            "maskrcnn export --model M.zip --onnx M.onnx\n\n" +
            "Writes the model's whole inference graph as ONNX (opset 17), from one normalised, resized and padded image to its\n" +
            "boxes, labels, scores and 28x28 mask probabilities, with the transform's settings and the categories in the file's\n" +
            "metadata (docs/usage.md, \"Scoring with ONNX Runtime\"). Any image size runs; one image per run.";

        public int Execute(ParsedArguments a, CliConsole console)
        {
            string modelPath = a.ExistingFile("model") ?? throw new UsageException("--model is required (the model zip to export)");
            string onnxPath = a.OutputPath("onnx") ?? throw new UsageException("--onnx is required (the ONNX file to write)");
            var ml = new MLContext(seed: 0);
            using var model = ModelFile.Load(ml, modelPath);
            var watch = Stopwatch.StartNew();
            MaskRcnnOnnxExporter.Export(model.Detector, onnxPath);
            double megabytes = new FileInfo(onnxPath).Length / (1024.0 * 1024.0);
            console.Line($"Wrote {onnxPath} ({megabytes:F1} MiB, {model.Detector.ClassNames.Count} classes) in {watch.Elapsed.TotalSeconds:F1} s.");
            return MaskRcnnCli.Success;
        }
    }
}
