using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.ML.MaskRcnn.Modeling;
using Microsoft.ML.MaskRcnn.TestUtilities;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Benchmarks
{
    /// <summary>
    /// Our R50-FPN Mask R-CNN against torchvision's (test/reference/model_benchmark.py) on the same seeded weights and the
    /// same 800x1066 input: inference latency and peak resident memory, and one training step with a batch of 2.
    /// Run it on its own (<c>-- model</c>): peak memory is the process's high-water mark. Target: ratio &lt;= 1.0.
    /// </summary>
    public sealed class ModelBenchmarks : IBenchmarkSuite
    {
        public string Name => "model";

        public string Description => "R50-FPN Mask R-CNN eval latency, peak RSS and a training step vs torchvision (run alone)";

        public void Run(BenchmarkOptions options)
        {
            string threads = options.Threads.ToString(CultureInfo.InvariantCulture);
            string folder = Path.Combine(RepositoryPaths.Artifacts, "benchmarks", "model");
            Directory.CreateDirectory(folder);
            string weightsPath = Path.Combine(folder, "r50_fpn_weights.dat");
            PythonBenchmark.Run("model_benchmark.py", "export", threads, weightsPath);
            var evalReference = PythonBenchmark.Run("model_benchmark.py", "eval", threads, weightsPath);
            var trainReference = PythonBenchmark.Run("model_benchmark.py", "train", threads, weightsPath);

            torch.set_num_threads(options.Threads);
            using var weights = new ReferenceTensors(weightsPath);
            using var images = new ReferenceTensors(Path.Combine(folder, "model_benchmark_images.dat"));
            using var model = new MaskRcnnModel(new MaskRcnnOptions { NumClasses = 91, BackboneDepth = 50, TrainableBackboneStages = 3 });
            model.load_state_dict(weights.Keys.ToDictionary(k => k, k => weights[k]));

            model.eval();
            var input = new[] { images["eval"] };
            long count;
            using (var first = model.Detect(input)[0]) count = first.Count;
            Console.WriteLine($"detections ours={count} reference={evalReference["detections"]}");
            double evalSeconds = Median(() => { foreach (var d in model.Detect(input)) d.Dispose(); }, warmup: 0, repeats: 3);
            long evalPeak = BenchmarkReport.PeakResidentBytes();
            BenchmarkReport.Result("r50_fpn_eval_800x1066", evalSeconds, evalReference["eval_seconds"], "s");
            BenchmarkReport.Result("r50_fpn_eval_peak_rss", evalPeak / 1048576.0, evalReference["eval_peak_rss_bytes"] / 1048576.0, "MiB");

            model.train();
            var trainImages = new[] { images["train0"], images["train1"] };
            var targets = new[] { Targets(), Targets() };
            using var optimizer = optim.SGD(model.parameters().Where(p => p.requires_grad), 0.001, momentum: 0.9);
            double stepSeconds = Median(() =>
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                var losses = model.Losses(trainImages, targets);
                losses.Values.Aggregate((a, b) => a + b).backward();
                optimizer.step();
            }, warmup: 1, repeats: 3);
            long trainPeak = BenchmarkReport.PeakResidentBytes();
            BenchmarkReport.Result("r50_fpn_train_step_batch2", stepSeconds, trainReference["train_step_seconds"], "s");
            BenchmarkReport.Result("r50_fpn_train_peak_rss", trainPeak / 1048576.0, trainReference["train_peak_rss_bytes"] / 1048576.0, "MiB");
        }

        // The same three objects as the reference script's targets().
        private static DetectionTarget Targets()
        {
            var boxes = torch.tensor(new float[] { 100, 120, 400, 500, 500, 300, 900, 700, 50, 600, 300, 780 }, new long[] { 3, 4 });
            var masks = torch.zeros(new long[] { 3, 800, 1066 }, ScalarType.Byte);
            var corners = new[] { (100, 120, 400, 500), (500, 300, 900, 700), (50, 600, 300, 780) };
            for (int k = 0; k < 3; k++)
            {
                var (x0, y0, x1, y1) = corners[k];
                masks[k, TensorIndex.Slice(y0, y1), TensorIndex.Slice(x0, x1)] = torch.tensor((byte)1);
            }
            return new DetectionTarget(boxes, torch.tensor(new long[] { 1, 5, 18 }), masks);
        }

        private static double Median(Action action, int warmup, int repeats)
        {
            for (int i = 0; i < warmup; i++) action();
            var samples = new List<double>();
            for (int i = 0; i < repeats; i++)
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                action();
                samples.Add(watch.Elapsed.TotalSeconds);
            }
            samples.Sort();
            return samples[samples.Count / 2];
        }
    }
}
