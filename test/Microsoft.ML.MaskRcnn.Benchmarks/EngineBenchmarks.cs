using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.MaskRcnn.Benchmarks
{
    /// <summary>
    /// What the engine gives: the same conv2d, matmul, small-CNN training step and ResNet-50 forward (1x3x800x1088,
    /// the backbone's share of Mask R-CNN inference) through TorchSharp 0.107 on NuGet's libtorch 2.10, and through
    /// Debian's PyTorch 1.13 (test/reference/engine_benchmark.py), same thread count. No target: the two engines
    /// differ (MKL and oneDNN in libtorch 2.10, OpenBLAS in Debian's build). Ours and the reference alternate over
    /// several rounds and each side keeps its best round, so that load from other processes does not favour either.
    /// </summary>
    public sealed class EngineBenchmarks : IBenchmarkSuite
    {
        private const int Rounds = 5;

        public string Name => "engine";

        public string Description => "conv2d, matmul, a small CNN step and ResNet-50 forward: TorchSharp 0.107 (libtorch 2.10) vs PyTorch 1.13";

        public void Run(BenchmarkOptions options)
        {
            torch.set_num_threads(options.Threads);
            torch.manual_seed(0);
            var ours = new Dictionary<string, double>();
            var reference = new Dictionary<string, double>();
            for (int round = 0; round < Rounds; round++)
            {
                Keep(reference, PythonBenchmark.Run("engine_benchmark.py", options.Threads.ToString(CultureInfo.InvariantCulture)));
                Keep(ours, MeasureOurs());
            }
            BenchmarkReport.Result("conv2d_8x64x56x56_k3", ours["conv2d"], reference["conv2d"], "ms");
            BenchmarkReport.Result("matmul_1024", ours["matmul"], reference["matmul"], "ms");
            BenchmarkReport.Result("cnn_forward_backward_b32", ours["cnn_forward_backward"], reference["cnn_forward_backward"], "ms");
            BenchmarkReport.Result("resnet50_forward_1x3x800x1088", ours["resnet50_forward"], reference["resnet50_forward"], "ms");
            // Per-call overhead on a tiny tensor.
            BenchmarkReport.Result("tiny_add_per_call", ours["tiny_add"] * 1000, reference["tiny_add"] * 1000, "us");
        }

        private static void Keep(Dictionary<string, double> best, Dictionary<string, double> round)
        {
            foreach (var (key, value) in round) best[key] = best.TryGetValue(key, out var old) ? Math.Min(old, value) : value;
        }

        private static Dictionary<string, double> MeasureOurs()
        {
            var result = new Dictionary<string, double>();
            using (var scope = NewDisposeScope())
            {
                var x = torch.randn(8, 64, 56, 56);
                var w = torch.randn(64, 64, 3, 3);
                result["conv2d"] = BenchmarkReport.MedianMilliseconds(() => { using var y = F.conv2d(x, w, padding: new long[] { 1 }); });
            }
            using (var scope = NewDisposeScope())
            {
                var a = torch.randn(1024, 1024);
                var b = torch.randn(1024, 1024);
                result["matmul"] = BenchmarkReport.MedianMilliseconds(() => { using var y = a.matmul(b); });
            }
            using (var scope = NewDisposeScope())
            {
                using var model = nn.Sequential(
                    nn.Conv2d(3, 32, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Conv2d(32, 64, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Conv2d(64, 128, 3, padding: 1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(128, 10));
                var images = torch.randn(32, 3, 32, 32);
                var labels = torch.randint(0, 10, new long[] { 32 });
                result["cnn_forward_backward"] = BenchmarkReport.MedianMilliseconds(() =>
                {
                    using var step = NewDisposeScope();
                    model.zero_grad();
                    F.cross_entropy(model.call(images), labels).backward();
                });
            }
            using (var scope = NewDisposeScope())
            using (var noGrad = torch.no_grad())
            {
                // TorchVision's ResNet-50 (the same layers as torchvision's), random weights, inference mode.
                using var resnet = torchvision.models.resnet50();
                resnet.eval();
                var image = torch.randn(1, 3, 800, 1088);
                result["resnet50_forward"] = BenchmarkReport.MedianMilliseconds(() => { using var y = resnet.call(image); }, warmup: 2, repeats: 5);
            }
            using (var scope = NewDisposeScope())
            {
                var small = torch.randn(16);
                result["tiny_add"] = BenchmarkReport.MedianMilliseconds(() =>
                {
                    for (int i = 0; i < 1000; i++) { using var y = small + small; }
                }) / 1000;
            }
            return result;
        }
    }
}
