using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Microsoft.ML.MaskRcnn.Checkpoints;
using Microsoft.ML.MaskRcnn.Onnx;

namespace Microsoft.ML.MaskRcnn.Cli
{
    /// <summary>
    /// <c>maskrcnn export</c>: a model zip's network as a file another engine runs: ONNX for ONNX Runtime, or a torchvision
    /// state dict (.pth) with the Python that builds the matching torchvision model.
    /// </summary>
    internal sealed class ExportCommand : ICliCommand
    {
        public string Name => "export";

        public string Summary => "write a model zip's network as ONNX (ONNX Runtime) or a torchvision .pth (PyTorch)";

        public IReadOnlyList<CliOption> Options { get; } = new List<CliOption>
        {
            new("model", "FILE", "the model zip (from maskrcnn train or mlContext.Model.Save) (required)"),
            new("onnx", "FILE", "the ONNX file to write (opset 17; replaced all at once)"),
            new("pth", "FILE", "the torchvision state dict to write (torch.save's format; replaced all at once), with FILE's stem + .py beside it"),
        }.Concat(MaskRcnnCli.CommonOptions()).ToList();

        public string Description =>
            "maskrcnn export --model M.zip --onnx M.onnx\n" +
            "maskrcnn export --model M.zip --pth M.pth\n\n" +
            "--onnx writes the model's whole inference graph as ONNX (opset 17), from one normalised, resized and padded image\n" +
            "to its boxes, labels, scores and 28x28 mask probabilities, with the transform's settings and the categories in the\n" +
            "file's metadata (docs/usage.md, \"Scoring with ONNX Runtime\"). Any image size runs; one image per run.\n" +
            "--pth writes the network's state dict as torch.save does, which torchvision's load_state_dict takes, and beside it\n" +
            "a Python file whose build_model() makes the matching torchvision MaskRCNN (docs/usage.md, \"When you outgrow one\n" +
            "machine\"). At least one of --onnx and --pth is required.";

        public int Execute(ParsedArguments a, CliConsole console)
        {
            string modelPath = a.ExistingFile("model") ?? throw new UsageException("--model is required (the model zip to export)");
            string? onnxPath = a.OutputPath("onnx");
            string? pthPath = a.OutputPath("pth");
            if (onnxPath is null && pthPath is null) throw new UsageException("--onnx or --pth is required (the file to write)");
            if (pthPath is not null && string.Equals(Path.GetExtension(pthPath), ".py", System.StringComparison.OrdinalIgnoreCase))
                throw new UsageException($"--pth {pthPath}: the Python builder is written beside the state dict as its stem + .py; name the state dict .pth");
            var ml = new MLContext(seed: 0);
            using var model = ModelFile.Load(ml, modelPath);
            if (onnxPath is not null)
            {
                var watch = Stopwatch.StartNew();
                MaskRcnnOnnxExporter.Export(model.Detector, onnxPath);
                double megabytes = new FileInfo(onnxPath).Length / (1024.0 * 1024.0);
                console.Line($"Wrote {onnxPath} ({megabytes:F1} MiB, {model.Detector.ClassNames.Count} classes) in {watch.Elapsed.TotalSeconds:F1} s.");
            }
            if (pthPath is not null)
            {
                var watch = Stopwatch.StartNew();
                string builder = Path.ChangeExtension(pthPath, ".py");
                TorchvisionExporter.Export(model.Detector, pthPath, builder);
                double megabytes = new FileInfo(pthPath).Length / (1024.0 * 1024.0);
                console.Line($"Wrote {pthPath} ({megabytes:F1} MiB) and {builder} (its torchvision model: build_model()) in {watch.Elapsed.TotalSeconds:F1} s.");
            }
            return MaskRcnnCli.Success;
        }
    }
}
