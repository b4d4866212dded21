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
    /// The "_best" cases run each side with its best settings on this machine (ours: <see cref="BestCompute"/>; torchvision:
    /// channels_last, inference_mode, bfloat16 autocast where the CPU has native bfloat16), and the roofline case times
    /// the backbone's forward against the machine's practical peak (large matrix products measured in the same process).
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

            var (rounds, phases, environment, compareHugePages) = Settings(options);
            if (environment.Ours.Count + environment.Reference.Count > 0)
                Console.WriteLine("INFO process environment: ours " + Describe(environment.Ours) + "; reference " + Describe(environment.Reference));
            PythonBenchmark.Run("model_benchmark.py", "export", threads, weightsPath);
            // Each phase runs in a fresh process on both sides, so that peak memory is that phase's alone; the sides
            // alternate, round after round, and the medians are compared (one process's peak moves by 5% between runs
            // on this VM, with the heap's layout).
            var reference = new List<Dictionary<string, double>>();
            var ours = new List<Dictionary<string, double>>();
            var referenceBest = new List<Dictionary<string, double>>();
            var oursBest = new List<Dictionary<string, double>>();
            var oursWithoutHugePages = new List<Dictionary<string, double>>();
            var withoutHugePages = new Dictionary<string, string>(environment.Ours) { [HugePagesVariable] = "0" };
            var best = BestCompute();
            Console.WriteLine($"INFO our best settings here: memory format {best.MemoryFormat}, folded batch norm {best.FoldBatchNorm}, " +
                              $"inference precision {best.InferencePrecision}, training precision {best.TrainingPrecision} (native bfloat16: " +
                              $"{ComputeOptions.HasNativeBFloat16(torch.CPU)})" +
                              (OwnBestTrainingStep(best) ? "" : "; our best training step is our default one (float32, Auto layout)"));
            for (int round = 1; round <= rounds; round++)
            {
                // Without native bfloat16 ours "train" is also our best training step (float32, Auto layout): measured once per round.
                foreach (var (measured, bestSettings) in new[] { ("eval", false), ("train", false), ("eval", true), ("train", true) })
                {
                    string measuredPhase = bestSettings ? measured + "_best" : measured;
                    if (!phases.Contains(measuredPhase)) continue;
                    var theirs = PythonBenchmark.Run(environment.Reference, "model_benchmark.py", measuredPhase, threads, weightsPath);
                    (bestSettings ? referenceBest : reference).Add(theirs);
                    if (bestSettings)  // which of its settings torchvision's best run chose, and what each took
                        Console.WriteLine($"round {round} {measuredPhase} reference: " +
                                          string.Join(", ", theirs.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}={p.Value:G6}"))));
                    if (bestSettings && measured == "train" && !OwnBestTrainingStep(best)) continue;
                    // With huge_pages=both, ours also runs without huge pages, first in every other round.
                    bool alsoWithout = compareHugePages && !bestSettings;
                    Dictionary<string, double>? without = alsoWithout && round % 2 == 0 ? RunPhaseProcess(measuredPhase, threads, withoutHugePages) : null;
                    var mine = RunPhaseProcess(measuredPhase, threads, environment.Ours);
                    if (alsoWithout) without ??= RunPhaseProcess(measuredPhase, threads, withoutHugePages);
                    (bestSettings ? oursBest : ours).Add(mine);
                    if (without is not null) oursWithoutHugePages.Add(without);
                    foreach (var key in mine.Keys.Where(theirs.ContainsKey))
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round} {measuredPhase} {key} ours={mine[key]:G6} reference={theirs[key]:G6}") +
                                          (without is null ? "" : string.Create(CultureInfo.InvariantCulture, $" ours_without_huge_pages={without[key]:G6}")));
                }
                if (phases.Contains("train_best") && !OwnBestTrainingStep(best))
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"round {round} train_best train_step_seconds reference={referenceBest[^1]["train_step_seconds"]:G6} (ours: the train line above)"));
            }
            if (phases.SetEquals(AllPhases)) ReportAll(ours, reference, oursBest, referenceBest, RunPhaseProcess("roofline", threads, environment.Ours), best);
            else
            {
                // A partial run (--set phases=...): the RESULT lines of the phases it measured.
                foreach (var (partPhase, name, key, unit, divisor) in new[]
                         {
                             ("eval", "r50_fpn_eval_800x1066", "eval_seconds", "s", 1.0), ("eval", "r50_fpn_eval_peak_rss", "eval_peak_rss_bytes", "MiB", 1048576.0),
                             ("train", "r50_fpn_train_step_batch2", "train_step_seconds", "s", 1.0), ("train", "r50_fpn_train_peak_rss", "train_peak_rss_bytes", "MiB", 1048576.0),
                         })
                    if (phases.Contains(partPhase))
                    {
                        Report(name, ours, reference, key, divisor, unit);
                        if (compareHugePages) Report(name + "_without_huge_pages", oursWithoutHugePages, reference, key, divisor, unit);
                    }
            }
        }

        private static readonly string[] AllPhases = { "eval", "train", "eval_best", "train_best" };

        private static void ReportAll(List<Dictionary<string, double>> ours, List<Dictionary<string, double>> reference,
                                      List<Dictionary<string, double>> oursBest, List<Dictionary<string, double>> referenceBest,
                                      Dictionary<string, double> roofline, ComputeOptions best)
        {
            Console.WriteLine($"detections ours={Median(ours, "detections")} reference={Median(reference, "detections")} " +
                              $"ours_best={Median(oursBest, "detections")} reference_best={Median(referenceBest, "detections")}");
            Console.WriteLine($"INFO torchvision's best settings used bfloat16 autocast: {Median(referenceBest, "bfloat16_autocast") > 0}");
            Report("r50_fpn_eval_800x1066", ours, reference, "eval_seconds", 1, "s");
            Report("r50_fpn_eval_peak_rss", ours, reference, "eval_peak_rss_bytes", 1048576.0, "MiB");
            Report("r50_fpn_train_step_batch2", ours, reference, "train_step_seconds", 1, "s");
            Report("r50_fpn_train_peak_rss", ours, reference, "train_peak_rss_bytes", 1048576.0, "MiB");
            // Our best against torchvision's defaults (targets 0.5, 0.7, 0.9, 0.9), then against torchvision's best (0.8, 0.9).
            Report("r50_fpn_eval_800x1066_best", oursBest, reference, "eval_seconds", 1, "s");
            Report("r50_fpn_eval_peak_rss_best", oursBest, reference, "eval_peak_rss_bytes", 1048576.0, "MiB");
            var oursBestTraining = OwnBestTrainingStep(best) ? oursBest : ours;
            Report("r50_fpn_train_step_batch2_best", oursBestTraining, reference, "train_step_seconds", 1, "s");
            Report("r50_fpn_train_peak_rss_best", oursBestTraining, reference, "train_peak_rss_bytes", 1048576.0, "MiB");
            Report("r50_fpn_eval_800x1066_best_vs_best", oursBest, referenceBest, "eval_seconds", 1, "s");
            Report("r50_fpn_train_step_batch2_best_vs_best", oursBestTraining, referenceBest, "train_step_seconds", 1, "s");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"INFO backbone forward {roofline["backbone_gflop"]:F1} GFLOP in {roofline["backbone_seconds"]:F3} s; practical peaks: float32 matmul " +
                $"{roofline["peak_float32_gflops"]:F1} GFLOP/s, bfloat16 matmul {roofline["peak_bfloat16_gflops"]:F2} GFLOP/s"));
            BenchmarkReport.Result("r50_fpn_backbone_gflops_vs_peak", roofline["backbone_gflop"] / roofline["backbone_seconds"],
                                   roofline[best.InferencePrecision == ComputePrecision.BFloat16 ? "peak_bfloat16_gflops" : "peak_float32_gflops"], "GFLOP/s");
        }

        private static void Report(string name, List<Dictionary<string, double>> mine, List<Dictionary<string, double>> theirs, string key, double divisor, string unit) =>
            BenchmarkReport.Result(name, Median(mine, key) / divisor, Median(theirs, key) / divisor, unit);

        /// <summary>
        /// Our fastest settings on this machine: channels-last for inference (Auto on the CPU), batch norm folded, and bfloat16
        /// inference and training where the CPU computes it natively (elsewhere it is emulated, 6 to 450 times slower than
        /// float32, and our best training step is our default one).
        /// </summary>
        private static ComputeOptions BestCompute() => new()
        {
            MemoryFormat = FeatureMemoryFormat.Auto,
            FoldBatchNorm = true,
            InferencePrecision = ComputeOptions.HasNativeBFloat16(torch.CPU) ? ComputePrecision.BFloat16 : ComputePrecision.Float32,
            TrainingPrecision = ComputeOptions.HasNativeBFloat16(torch.CPU) ? ComputePrecision.BFloat16 : ComputePrecision.Float32,
        };

        // Whether our best training step differs from our default one (it does where bfloat16 is native).
        private static bool OwnBestTrainingStep(ComputeOptions best) => best.TrainingPrecision != ComputePrecision.Float32;

        /// <summary>
        /// "--set rounds=N" (default 3): processes per phase and side; "--set phases=a,b" (default all: eval, train, eval_best,
        /// train_best); "--set huge_pages=off": ours without libtorch's huge-page allocation (THP_MEM_ALLOC_ENABLE=0; the
        /// library turns it on by default, torch 1.13 has none); "--set huge_pages=both": ours with and without, alternating,
        /// for eval and train (partial runs only: it adds *_without_huge_pages lines); "--set malloc=retain": both sides with
        /// glibc's allocator told to keep freed memory for reuse instead of returning each large block to the kernel (no
        /// mmap, no trimming).
        /// </summary>
        private static (int rounds, HashSet<string> phases, (Dictionary<string, string> Ours, Dictionary<string, string> Reference) environment,
                        bool compareHugePages) Settings(BenchmarkOptions options)
        {
            bool compareHugePages = false;
            int rounds = 3;
            var phases = new HashSet<string>(AllPhases);
            var ours = new Dictionary<string, string>();
            var reference = new Dictionary<string, string>();
            foreach (var (name, value) in options.Settings)
            {
                if (name == "phases" && value.Split(',').All(AllPhases.Contains)) phases = new HashSet<string>(value.Split(','));
                else if (name == "huge_pages" && value == "off") ours[HugePagesVariable] = "0";
                else if (name == "huge_pages" && value == "both") compareHugePages = true;
                else if (name == "malloc" && value == "retain") ours["GLIBC_TUNABLES"] = reference["GLIBC_TUNABLES"] = RetainingMalloc;
                else if (name != "rounds" || !int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out rounds) || rounds < 1)
                    throw new ArgumentException($"The model suite takes --set rounds=N (N >= 1), --set phases=LIST (of {string.Join(", ", AllPhases)}), " +
                                                $"--set huge_pages=off|both and --set malloc=retain; got {name}={value}.");
            }
            if (compareHugePages && phases.SetEquals(AllPhases))
                throw new ArgumentException("--set huge_pages=both needs a partial run: add --set phases=eval,train (or one of them).");
            return (rounds, phases, (ours, reference), compareHugePages);
        }

        private const string HugePagesVariable = Native.HugePageAllocation.Variable;

        /// <summary>glibc tunables: never serve an allocation with its own mapping, never give the heap's top back.</summary>
        private const string RetainingMalloc = "glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=4294967295";

        private static string Describe(Dictionary<string, string> environment) =>
            environment.Count == 0 ? "unchanged" : string.Join(" ", environment.Select(p => $"{p.Key}={p.Value}"));

        private static double Median(List<Dictionary<string, double>> runs, string key)
        {
            var values = runs.Where(r => r.ContainsKey(key)).Select(r => r[key]).OrderBy(v => v).ToArray();
            if (values.Length == 0) throw new InvalidOperationException($"no run reported {key}");
            return values[values.Length / 2];
        }

        /// <summary>Runs this benchmark program again with <see cref="PhaseVariable"/> set and parses its "name value" lines.</summary>
        private static Dictionary<string, double> RunPhaseProcess(string phase, string threads, IReadOnlyDictionary<string, string> environment) =>
            NameValueProcess.RunPhase("model", threads, PhaseVariable, phase, environment);

        /// <summary>
        /// One phase in this process, printed as "name value" lines with the reference script's names. "PHASE@LAYOUT"
        /// (auto, channels-last, contiguous) runs it in that feature layout instead of the one its settings choose.
        /// </summary>
        private static void MeasurePhase(string phase, int threads, string folder, string weightsPath)
        {
            FeatureMemoryFormat? layout = null;
            if (phase.IndexOf('@') is int at and >= 0)
            {
                layout = phase[(at + 1)..] switch
                {
                    "auto" => FeatureMemoryFormat.Auto,
                    "channels-last" => FeatureMemoryFormat.ChannelsLast,
                    "contiguous" => FeatureMemoryFormat.Contiguous,
                    var other => throw new ArgumentException($"Unknown layout '{other}' (auto, channels-last, contiguous)."),
                };
                phase = phase[..at];
            }
            torch.set_num_threads(threads);
            using var model = LoadModel(weightsPath);
            using var images = new ReferenceTensors(Path.Combine(folder, "model_benchmark_images.dat"));
            ReleaseReaderMemory();
            var C = CultureInfo.InvariantCulture;
            if (phase == "roofline")
            {
                MeasureRoofline(model, images["eval"]);
                return;
            }
            if (phase is "eval" or "eval_best")
            {
                model.eval();
                var input = new[] { images["eval"] };
                var compute = phase == "eval_best" ? BestCompute() : new ComputeOptions();
                if (layout is { } chosen) compute.MemoryFormat = chosen;
                using var plan = ComputePlan.ForInference(model, compute, compute.InferencePrecision);
                using var active = plan.Activate();
                long count;
                using (var first = model.Detect(input)[0]) count = first.Count;
                double seconds = MedianSeconds(() => { foreach (var d in model.Detect(input)) d.Dispose(); }, warmup: 0, repeats: 3);
                Console.WriteLine(string.Create(C, $"detections {count}"));
                Console.WriteLine(string.Create(C, $"eval_seconds {seconds}"));
                Console.WriteLine(string.Create(C, $"eval_peak_rss_bytes {BenchmarkReport.PeakResidentBytes()}"));
                return;
            }
            if (phase is not ("train" or "train_best"))
                throw new ArgumentException($"{PhaseVariable} must be eval, eval_best, train, train_best or roofline, got '{phase}'.");
            model.train();
            var trainImages = new[] { images["train0"], images["train1"] };
            var targets = new[] { Targets(), Targets() };
            using var optimizer = optim.SGD(model.parameters().Where(p => p.requires_grad), 0.001, momentum: 0.9);
            var training = phase == "train_best" ? BestCompute() : new ComputeOptions();
            var (precision, _) = ComputePlan.EffectiveTrainingPrecision(training, torch.CPU);
            using var trainingPlan = ComputePlan.ForTraining(model, layout ?? training.MemoryFormat, precision);
            using var activePlan = trainingPlan.Activate();
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
        /// The backbone's (ResNet-50 body and FPN) forward at 800x1088 with our best settings, its FLOPs counted from every
        /// convolution's shapes (2 x output elements x input channels / groups x kernel area), against large matrix
        /// products in float32 and bfloat16 in the same process: the practical peak of each precision on this machine.
        /// </summary>
        private static void MeasureRoofline(MaskRcnnModel model, Tensor image)
        {
            model.eval();
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var (batch, _, _) = model.Transform.Transform(new[] { image }, null, false, null);
            double flop = 0;
            var hooks = model.Backbone.modules().OfType<TorchSharp.Modules.Conv2d>().Select(conv => conv.register_forward_hook((module, input, output) =>
            {
                long outputs = output.numel();
                flop += 2.0 * outputs * conv.in_channels / conv.groups * conv.kernel_size.Aggregate(1L, (a, k) => a * k);
                return output;
            })).ToList();
            // Counted on the plain forward: a plan's prepared layers run as functional convolutions, which no hook sees.
            foreach (var level in model.Backbone.call(batch)) level.Dispose();
            foreach (var hook in hooks) hook.remove();
            var best = BestCompute();
            using var plan = ComputePlan.ForInference(model, best, best.InferencePrecision);
            double seconds;
            using (plan.Activate())
                seconds = MedianSeconds(() => { foreach (var level in model.Backbone.call(batch)) level.Dispose(); }, warmup: 1, repeats: 3);
            var C = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(C, $"backbone_gflop {flop / 1e9}"));
            Console.WriteLine(string.Create(C, $"backbone_seconds {seconds}"));
            Console.WriteLine(string.Create(C, $"peak_float32_gflops {MatmulGflops(ScalarType.Float32, 4096)}"));
            // Emulated bfloat16 runs at a fraction of a GFLOP/s: a size that takes seconds there and milliseconds natively.
            Console.WriteLine(string.Create(C, $"peak_bfloat16_gflops {MatmulGflops(ScalarType.BFloat16, ComputeOptions.HasNativeBFloat16(torch.CPU) ? 4096 : 512)}"));
        }

        private static double MatmulGflops(ScalarType type, long n)
        {
            using var scope = NewDisposeScope();
            var a = torch.rand(n, n).to(type);
            var b = torch.rand(n, n).to(type);
            double seconds = MedianSeconds(() => a.matmul(b).Dispose(), warmup: 1, repeats: 3);
            return 2.0 * n * n * n / seconds / 1e9;
        }

        /// <summary>
        /// The model with the reference's weights. The reference builds its weights in its own process; here they are read
        /// through managed arrays, which <see cref="ReleaseReaderMemory"/> gives back once the images are read too.
        /// </summary>
        private static MaskRcnnModel LoadModel(string weightsPath)
        {
            var model = new MaskRcnnModel(new MaskRcnnOptions { NumClasses = 91, BackboneDepth = 50, TrainableBackboneStages = 3 });
            using (var weights = new ReferenceTensors(weightsPath))
                model.load_state_dict(weights.Keys.ToDictionary(k => k, k => weights[k]));
            return model;
        }

        /// <summary>
        /// Collects the reader's arrays and has the GC decommit the memory they took: a plain collection left about
        /// 170-310 MiB of them committed (and resident) through the first passes, a harness's memory the reference has no
        /// counterpart of (held, the arrays themselves had added a second copy of the model, about 180 MiB, to our peak).
        /// </summary>
        private static void ReleaseReaderMemory()
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
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
