using System;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.MaskRcnn.Benchmarks
{
    /// <summary>
    /// The cost of the binding: the same conv2d, matmul and small-CNN training step run through our TorchSharp
    /// subset and through PyTorch on the same libtorch and thread count (test/reference/binding_benchmark.py).
    /// Target: ratio &lt;= 1.05 on work of 1 ms or more.
    /// </summary>
    public sealed class BindingBenchmarks : IBenchmarkSuite
    {
        public string Name => "binding";

        public string Description => "conv2d, matmul and a small CNN step through the binding vs PyTorch";

        public void Run(BenchmarkOptions options)
        {
            torch.set_num_threads(options.Threads);
            torch.manual_seed(0);
            var reference = PythonBenchmark.Run("binding_benchmark.py", options.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture));

            using (var scope = NewDisposeScope())
            {
                var x = torch.randn(8, 64, 56, 56);
                var w = torch.randn(64, 64, 3, 3);
                double ms = BenchmarkReport.MedianMilliseconds(() => { using var y = F.conv2d(x, w, padding: new long[] { 1 }); });
                BenchmarkReport.Result("conv2d_8x64x56x56_k3", ms, reference["conv2d"], "ms");
            }

            using (var scope = NewDisposeScope())
            {
                var a = torch.randn(1024, 1024);
                var b = torch.randn(1024, 1024);
                double ms = BenchmarkReport.MedianMilliseconds(() => { using var y = a.matmul(b); });
                BenchmarkReport.Result("matmul_1024", ms, reference["matmul"], "ms");
            }

            using (var scope = NewDisposeScope())
            {
                using var model = nn.Sequential(
                    nn.Conv2d(3, 32, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Conv2d(32, 64, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Conv2d(64, 128, 3, padding: 1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(128, 10));
                var images = torch.randn(32, 3, 32, 32);
                var labels = torch.randint(0, 10, new long[] { 32 });
                double ms = BenchmarkReport.MedianMilliseconds(() =>
                {
                    using var step = NewDisposeScope();
                    model.zero_grad();
                    F.cross_entropy(model.call(images), labels).backward();
                });
                BenchmarkReport.Result("cnn_forward_backward_b32", ms, reference["cnn_forward_backward"], "ms");
            }

            using (var scope = NewDisposeScope())
            {
                // Per-call overhead on a tiny tensor (informational: below the 1 ms threshold of the target).
                var small = torch.randn(16);
                double ms = BenchmarkReport.MedianMilliseconds(() =>
                {
                    for (int i = 0; i < 1000; i++) { using var y = small + small; }
                }) / 1000;
                BenchmarkReport.Result("tiny_add_per_call", ms * 1000, reference["tiny_add"] * 1000, "us");
            }
        }
    }
}
