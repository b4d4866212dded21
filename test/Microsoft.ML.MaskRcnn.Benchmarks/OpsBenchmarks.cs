using System;
using System.Collections.Generic;
using Microsoft.ML.MaskRcnn.Ops;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Benchmarks
{
    /// <summary>
    /// Detection operators against torchvision's own, measured in the same run with the same thread count:
    /// nms over 10,000 boxes, batched_nms over 80 classes, roi_align of 1,000 RoIs x 256 channels from a 200x272 map
    /// to 7x7 and 14x14, forward and backward. Reference timings come from test/reference/ops_benchmark.py.
    /// </summary>
    public sealed class OpsBenchmarks : IBenchmarkSuite
    {
        public string Name => "ops";

        public string Description => "nms, batched_nms, roi_align forward/backward vs torchvision (issue 3)";

        public void Run(BenchmarkOptions options)
        {
            torch.set_num_threads(options.Threads);
            var reference = PythonBenchmark.Run("ops_benchmark.py", options.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using var scope = NewDisposeScope();
            var input = new Inputs();

            long kept = DetectionOps.nms(input.Boxes, input.Scores, 0.7).shape[0];
            Check("nms_10000", kept, reference);
            double ours = BenchmarkReport.MedianMilliseconds(() => Disposed(() => DetectionOps.nms(input.Boxes, input.Scores, 0.7)));
            Report("nms_10000", ours, reference);
            // TorchVision.NET 0.107 has an nms of its own (a managed loop over an IoU matrix): why the product keeps its kernel.
            long theirsKept = torchvision.ops.nms(input.Boxes, input.Scores, 0.7).shape[0];
            double torchVisionNet = BenchmarkReport.MedianMilliseconds(() => Disposed(() => torchvision.ops.nms(input.Boxes, input.Scores, 0.7)), warmup: 1, repeats: 3);
            Console.WriteLine(FormattableString.Invariant(
                $"INFO nms_10000 TorchVision.NET 0.107 torchvision.ops.nms: {torchVisionNet:F2} ms ({torchVisionNet / ours:F1}x ours), keeps {theirsKept} boxes (ours {kept})"));

            kept = DetectionOps.batched_nms(input.Boxes, input.Scores, input.Classes, 0.5).shape[0];
            Check("batched_nms_80", kept, reference);
            double perClass = BenchmarkReport.MedianMilliseconds(() => Disposed(() => DetectionOps.batched_nms(input.Boxes, input.Scores, input.Classes, 0.5)));
            Report("batched_nms_80", perClass, reference);
            // The other strategy, for the record: one nms over boxes shifted apart per class (torchvision's small-input path).
            double offsets = BenchmarkReport.MedianMilliseconds(() => Disposed(() => OffsetBatchedNms(input.Boxes, input.Scores, input.Classes, 0.5)));
            Console.WriteLine(FormattableString.Invariant(
                $"INFO batched_nms_80 strategies: per-class (used) {perClass:F2} ms, coordinate offsets + nms {offsets:F2} ms"));

            foreach (long size in new[] { 7L, 14L })
            {
                var grad = torch.randn(new long[] { 1000, 256, size, size }, generator: input.Generator);
                Report($"roi_align_{size}_forward",
                       BenchmarkReport.MedianMilliseconds(() => Disposed(() => DetectionOps.roi_align(input.Features, input.Rois, size, 0.25, 2, false)), warmup: 1, repeats: 5),
                       reference);
                var x = input.Features.clone().requires_grad_();
                var y = DetectionOps.roi_align(x, input.Rois, size, 0.25, 2, false);
                Report($"roi_align_{size}_backward", BenchmarkReport.MedianMilliseconds(() =>
                {
                    x.grad = null;
                    y.backward(new[] { grad }, retain_graph: true);
                }, warmup: 1, repeats: 5), reference);
                x.grad = null;
                y.Dispose();
                x.Dispose();
                grad.Dispose();
            }
        }

        private static void Report(string name, double ours, Dictionary<string, double> reference) =>
            BenchmarkReport.Result(name, ours, reference.TryGetValue(name, out var r) ? r : null, "ms");

        private static void Check(string name, long kept, Dictionary<string, double> reference)
        {
            if (reference.TryGetValue(name + "_kept", out var theirs) && theirs != kept)
                Console.WriteLine($"WARNING {name}: ours keeps {kept} boxes, torchvision {theirs}");
        }

        private static void Disposed(Func<Tensor> action) => action().Dispose();

        private static Tensor OffsetBatchedNms(Tensor boxes, Tensor scores, Tensor classes, double threshold)
        {
            using var scope = NewDisposeScope();
            var offsets = classes.to(boxes.dtype) * (boxes.max() + 1);
            return DetectionOps.nms(boxes + offsets.unsqueeze(1), scores, threshold).MoveToOuterDisposeScope();
        }

        /// <summary>The inputs of ops_benchmark.py: same generator, same calls, same order.</summary>
        private sealed class Inputs
        {
            public Inputs()
            {
                Generator = new Generator(0);
                var xy = torch.rand(new long[] { 10000, 2 }, generator: Generator) * 1000;
                var wh = torch.rand(new long[] { 10000, 2 }, generator: Generator) * 240 + 16;
                Boxes = torch.cat(new[] { xy, xy + wh }, 1);
                Scores = torch.rand(new long[] { 10000 }, generator: Generator);
                Classes = torch.randint(0, 80, new long[] { 10000 }, generator: Generator);
                Features = torch.randn(new long[] { 1, 256, 200, 272 }, generator: Generator);
                var rxy = torch.rand(new long[] { 1000, 2 }, generator: Generator) * torch.tensor(new[] { 1024f, 736f });
                var rwh = torch.rand(new long[] { 1000, 2 }, generator: Generator) * 400 + 8;
                Rois = torch.cat(new[] { torch.zeros(1000, 1), rxy, torch.minimum(rxy + rwh, torch.tensor(new[] { 1088f, 800f })) }, 1);
            }

            public Generator Generator { get; }
            public Tensor Boxes { get; }
            public Tensor Scores { get; }
            public Tensor Classes { get; }
            public Tensor Features { get; }
            public Tensor Rois { get; }
        }
    }
}
