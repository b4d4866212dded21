using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime;
using Microsoft.ML.MaskRcnn.Modeling;
using Microsoft.ML.MaskRcnn.TestUtilities;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Benchmarks
{
    /// <summary>
    /// Our R50-FPN Mask R-CNN against torchvision's (test/reference/model_benchmark.py) on the same seeded weights and the
    /// same 800x1066 input: inference latency and peak resident memory, and one training step with a batch of 2.
    /// Each phase runs in its own process on both sides (peak memory is a process's high-water mark), alternating, for a
    /// number of rounds ("--set rounds=N", default 3); the medians are compared. Target: ratio &lt;= 1.0.
    /// </summary>
    public sealed class ModelBenchmarks : IBenchmarkSuite
    {
        public string Name => "model";

        public string Description => "R50-FPN Mask R-CNN eval latency, peak RSS and a training step vs torchvision (run alone)";

        /// <summary>Set in the child processes that measure one phase each (eval or train), as the reference script does.</summary>
        private const string PhaseVariable = "MASKRCNN_MODEL_BENCHMARK_PHASE";

        public void Run(BenchmarkOptions options)
        {
            string threads = options.Threads.ToString(CultureInfo.InvariantCulture);
            string folder = Path.Combine(RepositoryPaths.Artifacts, "benchmarks", "model");
            Directory.CreateDirectory(folder);
            string weightsPath = Path.Combine(folder, "r50_fpn_weights.dat");
            string? phase = Environment.GetEnvironmentVariable(PhaseVariable);
            if (!string.IsNullOrEmpty(phase))
            {
                MeasurePhase(phase, options.Threads, folder, weightsPath);
                return;
            }

            int rounds = Rounds(options);
            PythonBenchmark.Run("model_benchmark.py", "export", threads, weightsPath);
            // Each phase runs in a fresh process on both sides, so that peak memory is that phase's alone; the sides
            // alternate, round after round, and the medians are compared (one process's peak moves by 5% between runs
            // on this VM, with the heap's layout).
            var reference = new List<Dictionary<string, double>>();
            var ours = new List<Dictionary<string, double>>();
            for (int round = 1; round <= rounds; round++)
            {
                foreach (var measured in new[] { "eval", "train" })
                {
                    var theirs = PythonBenchmark.Run("model_benchmark.py", measured, threads, weightsPath);
                    var mine = RunPhaseProcess(measured, threads);
                    reference.Add(theirs);
                    ours.Add(mine);
                    foreach (var key in mine.Keys.Where(theirs.ContainsKey))
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round} {key} ours={mine[key]:G6} reference={theirs[key]:G6}"));
                }
            }

            Console.WriteLine($"detections ours={Median(ours, "detections")} reference={Median(reference, "detections")}");
            Report("r50_fpn_eval_800x1066", "eval_seconds", 1, "s");
            Report("r50_fpn_eval_peak_rss", "eval_peak_rss_bytes", 1048576.0, "MiB");
            Report("r50_fpn_train_step_batch2", "train_step_seconds", 1, "s");
            Report("r50_fpn_train_peak_rss", "train_peak_rss_bytes", 1048576.0, "MiB");

            void Report(string name, string key, double divisor, string unit) =>
                BenchmarkReport.Result(name, Median(ours, key) / divisor, Median(reference, key) / divisor, unit);
        }

        /// <summary>"--set rounds=N" (default 3): processes per phase and side.</summary>
        private static int Rounds(BenchmarkOptions options)
        {
            int rounds = 3;
            foreach (var (name, value) in options.Settings)
            {
                if (name != "rounds" || !int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out rounds) || rounds < 1)
                    throw new ArgumentException($"The model suite takes only --set rounds=N (N >= 1); got {name}={value}.");
            }
            return rounds;
        }

        private static double Median(List<Dictionary<string, double>> runs, string key)
        {
            var values = runs.Where(r => r.ContainsKey(key)).Select(r => r[key]).OrderBy(v => v).ToArray();
            if (values.Length == 0) throw new InvalidOperationException($"no run reported {key}");
            return values[values.Length / 2];
        }

        /// <summary>Runs this benchmark program again with <see cref="PhaseVariable"/> set and parses its "name value" lines.</summary>
        private static Dictionary<string, double> RunPhaseProcess(string phase, string threads)
        {
            string host = Environment.ProcessPath ?? throw new InvalidOperationException("the benchmark's own executable is unknown");
            var start = new ProcessStartInfo(host);
            // Under "dotnet Benchmarks.dll" the host is dotnet itself and needs the assembly; the apphost does not.
            if (Path.GetFileNameWithoutExtension(host) == "dotnet") start.ArgumentList.Add(typeof(ModelBenchmarks).Assembly.Location);
            foreach (var a in new[] { "model", "--threads", threads }) start.ArgumentList.Add(a);
            start.Environment[PhaseVariable] = phase;
            return NameValueProcess.Run(start, $"our {phase} phase");
        }

        /// <summary>One phase in this process, printed as "name value" lines with the reference script's names.</summary>
        private static void MeasurePhase(string phase, int threads, string folder, string weightsPath)
        {
            torch.set_num_threads(threads);
            using var model = LoadModel(weightsPath);
            using var images = new ReferenceTensors(Path.Combine(folder, "model_benchmark_images.dat"));
            var C = CultureInfo.InvariantCulture;
            if (phase == "eval")
            {
                model.eval();
                var input = new[] { images["eval"] };
                long count;
                using (var first = model.Detect(input)[0]) count = first.Count;
                double seconds = MedianSeconds(() => { foreach (var d in model.Detect(input)) d.Dispose(); }, warmup: 0, repeats: 3);
                Console.WriteLine(string.Create(C, $"detections {count}"));
                Console.WriteLine(string.Create(C, $"eval_seconds {seconds}"));
                Console.WriteLine(string.Create(C, $"eval_peak_rss_bytes {BenchmarkReport.PeakResidentBytes()}"));
                return;
            }
            if (phase != "train") throw new ArgumentException($"{PhaseVariable} must be eval or train, got '{phase}'.");
            model.train();
            var trainImages = new[] { images["train0"], images["train1"] };
            var targets = new[] { Targets(), Targets() };
            using var optimizer = optim.SGD(model.parameters().Where(p => p.requires_grad), 0.001, momentum: 0.9);
            double stepSeconds = MedianSeconds(() =>
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                var losses = model.Losses(trainImages, targets);
                losses.Values.Aggregate((a, b) => a + b).backward();
                optimizer.step();
            }, warmup: 1, repeats: 3);
            Console.WriteLine(string.Create(C, $"train_step_seconds {stepSeconds}"));
            Console.WriteLine(string.Create(C, $"train_peak_rss_bytes {BenchmarkReport.PeakResidentBytes()}"));
        }

        /// <summary>
        /// The model with the reference's weights, and nothing else of the file left: the reference builds its weights in
        /// its own process, so the weights read here are released and the reader's arrays collected before measuring
        /// (held, they added a second copy of the model, about 180 MiB, to our peak).
        /// </summary>
        private static MaskRcnnModel LoadModel(string weightsPath)
        {
            var model = new MaskRcnnModel(new MaskRcnnOptions { NumClasses = 91, BackboneDepth = 50, TrainableBackboneStages = 3 });
            using (var weights = new ReferenceTensors(weightsPath))
                model.load_state_dict(weights.Keys.ToDictionary(k => k, k => weights[k]));
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            return model;
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

        private static double MedianSeconds(Action action, int warmup, int repeats)
        {
            for (int i = 0; i < warmup; i++) action();
            var samples = new List<double>();
            for (int i = 0; i < repeats; i++)
            {
                var watch = Stopwatch.StartNew();
                action();
                samples.Add(watch.Elapsed.TotalSeconds);
            }
            samples.Sort();
            return samples[samples.Count / 2];
        }
    }
}
