using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Modeling;
using Microsoft.ML.MaskRcnn.Onnx;
using Microsoft.ML.MaskRcnn.TestUtilities;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TorchSharp;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace Microsoft.ML.MaskRcnn.Benchmarks
{
    /// <summary>
    /// The exported ONNX graph in ONNX Runtime against the TorchSharp network it was written from and torchvision's, on the
    /// same transformed image (the network alone: backbone, RPN, RoI heads; resizing, normalising and mask pasting are
    /// outside every timing): latency (median of 3 after a warm-up) and peak RSS, each side in a fresh process, the sides
    /// alternating round after round. Models: the model suite's seeded R50-FPN at 800x1066 (torchvision as well), and the
    /// main job's model (out/main-job/model.zip, when ./build.sh main has made it) on an embedded-shapes image. The ONNX
    /// Runtime process never loads libtorch: it reads the input from a raw file. For the main job's model also the whole
    /// ML.NET path a user calls (model "pipeline"): a prediction engine over DetectInstancesWithOnnx against one over the
    /// saved TorchSharp transformer, from an MLImage to the four output columns (resize, network, paste, RLE).
    /// </summary>
    public sealed class OnnxBenchmarks : IBenchmarkSuite
    {
        public string Name => "onnx";

        public string Description => "exported ONNX in ONNX Runtime vs our TorchSharp network vs torchvision: latency, peak RSS (run alone)";

        private const string PhaseVariable = "MASKRCNN_ONNX_BENCHMARK_PHASE";

        public void Run(BenchmarkOptions options)
        {
            string threads = options.Threads.ToString(CultureInfo.InvariantCulture);
            string folder = Path.Combine(RepositoryPaths.Artifacts, "benchmarks", "onnx");
            Directory.CreateDirectory(folder);
            string? phase = Environment.GetEnvironmentVariable(PhaseVariable);
            if (!string.IsNullOrEmpty(phase))
            {
                MeasurePhase(phase, options.Threads, folder);
                return;
            }
            int rounds = options.Settings.Where(s => s.Name == "rounds").Select(s => int.Parse(s.Value, CultureInfo.InvariantCulture)).DefaultIfEmpty(3).Last();

            string weights = Path.Combine(RepositoryPaths.Artifacts, "benchmarks", "model", "r50_fpn_weights.dat");
            Directory.CreateDirectory(Path.GetDirectoryName(weights)!);
            PythonBenchmark.Run("model_benchmark.py", "export", threads, weights);
            var models = new List<string> { "r50" };
            PrepareR50(folder, weights);
            if (File.Exists(MainJobZip)) { PrepareMainJob(folder); models.Add("main"); models.Add("pipeline"); }
            else Console.WriteLine($"INFO {MainJobZip} is absent: run ./build.sh main first to measure the main job's model");

            var runs = models.ToDictionary(m => m, _ => (ort: new List<Dictionary<string, double>>(), ours: new List<Dictionary<string, double>>(),
                                                         reference: new List<Dictionary<string, double>>()));
            for (int round = 1; round <= rounds; round++)
                foreach (var model in models)
                {
                    // The order turns with the round, so that no side always runs first.
                    var sides = new (string side, Func<Dictionary<string, double>> run, List<Dictionary<string, double>> into)[]
                    {
                        ("onnxruntime", () => RunPhase($"{model}:onnxruntime", threads), runs[model].ort),
                        ("torchsharp", () => RunPhase($"{model}:torchsharp", threads), runs[model].ours),
                        ("torchvision", () => PythonBenchmark.Run("model_benchmark.py", "eval_network", threads, weights), runs[model].reference),
                    }.Where(s => model == "r50" || s.side != "torchvision").ToArray();
                    if (model == "pipeline")
                        sides = sides.Select(s => (s.side, (Func<Dictionary<string, double>>)(() => RunPhase($"pipeline:{s.side}", threads)), s.into)).ToArray();
                    for (int k = 0; k < sides.Length; k++)
                    {
                        var (side, run, into) = sides[(k + round) % sides.Length];
                        var values = run();
                        into.Add(values);
                        Console.WriteLine($"round {round} {model} {side}: " + string.Join(", ", values.Select(v => string.Create(CultureInfo.InvariantCulture, $"{v.Key}={v.Value:G6}"))));
                    }
                }

            foreach (var model in models)
            {
                var (ort, ours, reference) = runs[model];
                if (model == "pipeline")
                {
                    BenchmarkReport.Result("main_job_160x128_mlnet_predict_onnxruntime_vs_torchsharp", Median(ort, "predict_seconds") * 1000, Median(ours, "predict_seconds") * 1000, "ms");
                    BenchmarkReport.Result("main_job_160x128_mlnet_predict_peak_rss_onnxruntime_vs_torchsharp",
                                           Median(ort, "predict_peak_rss_bytes") / (1 << 20), Median(ours, "predict_peak_rss_bytes") / (1 << 20), "MiB");
                    // Per detection "label score mask": the same label and the same RLE mask at the same place, and the scores' largest difference.
                    var onnxLines = File.ReadAllLines(Path.Combine(folder, "pipeline.onnxruntime.masks")).Select(l => l.Split(' ')).ToArray();
                    var torchLines = File.ReadAllLines(Path.Combine(folder, "pipeline.torchsharp.masks")).Select(l => l.Split(' ')).ToArray();
                    BenchmarkReport.Result("main_job_160x128_mlnet_same_label_and_mask_in_place",
                                           onnxLines.Zip(torchLines, (a, b) => a[0] == b[0] && a[2] == b[2] ? 1 : 0).Sum(), torchLines.Length, "detections");
                    BenchmarkReport.Result("main_job_160x128_mlnet_max_score_difference", onnxLines.Zip(torchLines, (a, b) =>
                        Math.Abs(double.Parse(a[1], CultureInfo.InvariantCulture) - double.Parse(b[1], CultureInfo.InvariantCulture))).DefaultIfEmpty().Max(), null, "probability");
                    continue;
                }
                string name = model == "r50" ? "r50_fpn_800x1066" : "main_job_160x128";
                double ortSeconds = Median(ort, "eval_network_seconds"), oursSeconds = Median(ours, "eval_network_seconds");
                double ortPeak = Median(ort, "eval_network_peak_rss_bytes") / (1 << 20), oursPeak = Median(ours, "eval_network_peak_rss_bytes") / (1 << 20);
                BenchmarkReport.Result($"{name}_onnxruntime_eval_vs_torchsharp", ortSeconds, oursSeconds, "s");
                BenchmarkReport.Result($"{name}_onnxruntime_eval_peak_rss_vs_torchsharp", ortPeak, oursPeak, "MiB");
                ReportAgreement(folder, model, name);
                if (reference.Count == 0) continue;
                BenchmarkReport.Result($"{name}_onnxruntime_eval_vs_torchvision", ortSeconds, Median(reference, "eval_network_seconds"), "s");
                BenchmarkReport.Result($"{name}_torchsharp_eval_vs_torchvision", oursSeconds, Median(reference, "eval_network_seconds"), "s");
                BenchmarkReport.Result($"{name}_onnxruntime_eval_peak_rss_vs_torchvision", ortPeak, Median(reference, "eval_network_peak_rss_bytes") / (1 << 20), "MiB");
            }
        }

        private static string MainJobZip => Path.Combine(RepositoryPaths.Root, "out", "main-job", "model.zip");

        private static double Median(List<Dictionary<string, double>> runs, string key)
        {
            var values = runs.Select(r => r[key]).OrderBy(v => v).ToArray();
            return values[values.Length / 2];
        }

        // The R50-FPN of the model suite (torchvision's seeded weights), exported, and its transformed 800x1066 image.
        private static void PrepareR50(string folder, string weights)
        {
            using var model = LoadR50(weights);
            var watch = Stopwatch.StartNew();
            MaskRcnnOnnxExporter.Export(model, Path.Combine(folder, "r50.onnx"));
            Console.WriteLine($"INFO exported r50.onnx ({new FileInfo(Path.Combine(folder, "r50.onnx")).Length / (1 << 20)} MiB) in {watch.Elapsed.TotalSeconds:F1} s");
            using var images = new ReferenceTensors(Path.Combine(Path.GetDirectoryName(weights)!, "model_benchmark_images.dat"));
            WriteInput(Path.Combine(folder, "r50.input"), model, images["eval"]);
        }

        private static void PrepareMainJob(string folder)
        {
            var ml = new MLContext(seed: 0);
            using var transformer = LoadMainJob(ml);
            MaskRcnnOnnxExporter.Export(transformer, Path.Combine(folder, "main.onnx"));
            using var image = MainJobImage();
            WriteInput(Path.Combine(folder, "main.input"), transformer.Model.Model, image);
            var dataset = new SyntheticShapesDataset(count: 1, seed: 12345);
            Imaging.ImageCodec.EncodePng(dataset.LoadImage(0), Path.Combine(folder, "main.png"));
        }

        private static MaskRcnnModel LoadR50(string weights)
        {
            var model = new MaskRcnnModel(new MaskRcnnOptions { NumClasses = 91, BackboneDepth = 50, TrainableBackboneStages = 3 });
            using (var tensors = new ReferenceTensors(weights))
                model.load_state_dict(tensors.Keys.ToDictionary(k => k, k => tensors[k]));
            model.eval();
            return model;
        }

        private static MaskRcnnTransformer LoadMainJob(MLContext ml)
        {
            var loaded = ml.Model.Load(MainJobZip, out _);
            var stages = loaded is IEnumerable<ITransformer> chain ? chain.ToList() : new List<ITransformer> { loaded };
            return stages.OfType<MaskRcnnTransformer>().Single();
        }

        private static Tensor MainJobImage()
        {
            var dataset = new SyntheticShapesDataset(count: 1, seed: 12345);
            return Training.SampleTensors.Image(dataset.LoadImage(0));
        }

        // The transformed batch and the image's size within it: int64 height, width, batch height, batch width, then the floats.
        private static void WriteInput(string path, MaskRcnnModel model, Tensor image)
        {
            using var scope = NewDisposeScope();
            var (batch, sizes, _) = model.Transform.Transform(new[] { image }, null, training: false);
            using var writer = new BinaryWriter(File.Create(path));
            foreach (var v in new[] { sizes[0].height, sizes[0].width, batch.shape[2], batch.shape[3] }) writer.Write(v);
            foreach (var v in batch.contiguous().data<float>().ToArray()) writer.Write(v);
        }

        private static (DenseTensor<float> images, DenseTensor<long> size) ReadInput(string path)
        {
            using var reader = new BinaryReader(File.OpenRead(path));
            long height = reader.ReadInt64(), width = reader.ReadInt64(), batchHeight = reader.ReadInt64(), batchWidth = reader.ReadInt64();
            var values = new float[3 * batchHeight * batchWidth];
            for (int i = 0; i < values.Length; i++) values[i] = reader.ReadSingle();
            return (new DenseTensor<float>(values, new[] { 1, 3, (int)batchHeight, (int)batchWidth }), new DenseTensor<long>(new[] { height, width }, new[] { 2 }));
        }

        private static Dictionary<string, double> RunPhase(string phase, string threads) =>
            NameValueProcess.RunPhase("onnx", threads, PhaseVariable, phase);

        /// <summary>"MODEL:SIDE" in this process: r50, main or pipeline, onnxruntime or torchsharp.</summary>
        private static void MeasurePhase(string phase, int threads, string folder)
        {
            var (model, side) = phase.Split(':') is [var m, var s] ? (m, s) : throw new ArgumentException($"{PhaseVariable} is MODEL:SIDE, got '{phase}'.");
            if (model == "pipeline")
            {
                MeasurePipeline(side, threads, folder);
                return;
            }
            var C = CultureInfo.InvariantCulture;
            double seconds;
            long detections;
            if (side == "onnxruntime")
            {
                // Nothing here touches TorchSharp, so libtorch is never loaded into this process.
                var (images, size) = ReadInput(Path.Combine(folder, model + ".input"));
                using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
                var watch = Stopwatch.StartNew();
                using var session = new InferenceSession(Path.Combine(folder, model + ".onnx"), options);
                Console.WriteLine(string.Create(C, $"session_seconds {watch.Elapsed.TotalSeconds}"));
                var inputs = new[] { NamedOnnxValue.CreateFromTensor("images", images), NamedOnnxValue.CreateFromTensor("image_size", size) };
                long Run(string? detectionsFile = null)
                {
                    using var results = session.Run(inputs);
                    var byName = results.ToDictionary(r => r.Name);
                    if (detectionsFile is not null)
                        WriteDetections(detectionsFile, byName["boxes"].AsTensor<float>().ToArray(), byName["labels"].AsTensor<long>().ToArray(),
                                        byName["scores"].AsTensor<float>().ToArray(), byName["mask_probabilities"].AsTensor<float>().ToArray());
                    return byName["labels"].AsTensor<long>().Length;
                }
                detections = Run(Path.Combine(folder, $"{model}.{side}.detections"));
                seconds = BenchmarkReport.MedianMilliseconds(() => Run(), warmup: 0, repeats: 3) / 1000;
                Console.WriteLine($"libtorch_loaded {(File.ReadAllText("/proc/self/maps").Contains("libtorch", StringComparison.Ordinal) ? 1 : 0)}");
            }
            else if (side == "torchsharp")
            {
                torch.set_num_threads(threads);
                MLContext? ml = null;
                MaskRcnnTransformer? transformer = null;
                var network = model == "r50"
                    ? LoadR50(Path.Combine(RepositoryPaths.Artifacts, "benchmarks", "model", "r50_fpn_weights.dat"))
                    : (transformer = LoadMainJob(ml = new MLContext(seed: 0))).Model.Model;
                using var scope = NewDisposeScope();
                Tensor image;
                if (model == "r50")
                    using (var images = new ReferenceTensors(Path.Combine(RepositoryPaths.Artifacts, "benchmarks", "model", "model_benchmark_images.dat")))
                        image = images["eval"].clone();
                else image = MainJobImage();
                var (batch, sizes, _) = network.Transform.Transform(new[] { image }, null, training: false);
                long Run(string? detectionsFile = null)
                {
                    using var inner = NewDisposeScope();
                    var d = network.DetectInTransformedBatch(batch, sizes)[0];
                    if (detectionsFile is not null)
                        WriteDetections(detectionsFile, Values<float>(d.Boxes), Values<long>(d.Labels), Values<float>(d.Scores), Values<float>(d.MaskProbabilities));
                    return d.Boxes.shape[0];
                }
                detections = Run(Path.Combine(folder, $"{model}.{side}.detections"));
                seconds = BenchmarkReport.MedianMilliseconds(() => Run(), warmup: 0, repeats: 3) / 1000;
                if (transformer is null) network.Dispose();
                else transformer.Dispose();
            }
            else throw new ArgumentException($"Unknown side '{side}' (onnxruntime, torchsharp).");
            Console.WriteLine(string.Create(C, $"detections {detections}"));
            Console.WriteLine(string.Create(C, $"eval_network_seconds {seconds}"));
            Console.WriteLine(string.Create(C, $"eval_network_peak_rss_bytes {BenchmarkReport.PeakResidentBytes()}"));
        }

        /// <summary>
        /// One image through a prediction engine, as an application scores: the main job's saved TorchSharp transformer, or
        /// DetectInstancesWithOnnx over its export (nothing on that side touches TorchSharp). Median of 10 after one warm-up.
        /// </summary>
        private static void MeasurePipeline(string side, int threads, string folder)
        {
            var ml = new MLContext(seed: 0);
            var rows = ml.Data.LoadFromEnumerable(new[] { new PipelineInput() });
            ITransformer transformer;
            if (side == "onnxruntime")
                transformer = ml.Transforms.DetectInstancesWithOnnx(new MaskRcnnOnnxEstimator.Options
                {
                    ModelFile = Path.Combine(folder, "main.onnx"), ScoreThreshold = 0, IntraOpNumThreads = threads,
                }).Fit(rows);
            else if (side == "torchsharp")
            {
                torch.set_num_threads(threads);
                var loaded = LoadMainJob(ml);
                loaded.ScoreThreshold = 0;
                transformer = loaded;
            }
            else throw new ArgumentException($"Unknown side '{side}' (onnxruntime, torchsharp).");
            using var image = Microsoft.ML.Data.MLImage.CreateFromFile(Path.Combine(folder, "main.png"));
            using (var engine = ml.Model.CreatePredictionEngine<PipelineInput, InstanceSegmentationPrediction>(transformer))
            {
                var first = engine.Predict(new PipelineInput { Image = image });
                File.WriteAllLines(Path.Combine(folder, $"pipeline.{side}.masks"),
                                   first.PredictedMasks.Select((m, i) => string.Create(CultureInfo.InvariantCulture, $"{first.PredictedLabel[i]} {first.Score[i]:R} {m}")));
                double seconds = BenchmarkReport.MedianMilliseconds(() => engine.Predict(new PipelineInput { Image = image }), warmup: 0, repeats: 10) / 1000;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"predict_seconds {seconds}"));
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"predict_peak_rss_bytes {BenchmarkReport.PeakResidentBytes()}"));
            if (side == "onnxruntime")
                Console.WriteLine($"libtorch_loaded {(File.ReadAllText("/proc/self/maps").Contains("libtorch", StringComparison.Ordinal) ? 1 : 0)}");
        }

        /// <summary>The prediction engine's input: one image of the main job's size.</summary>
        public sealed class PipelineInput
        {
            [Microsoft.ML.Transforms.Image.ImageType(128, 160)]
            public Microsoft.ML.Data.MLImage? Image { get; set; }
        }

        private static T[] Values<T>(Tensor t) where T : unmanaged => t.numel() == 0 ? Array.Empty<T>() : t.data<T>().ToArray();

        private static void WriteDetections(string path, float[] boxes, long[] labels, float[] scores, float[] masks)
        {
            using var writer = new BinaryWriter(File.Create(path));
            writer.Write(labels.Length);
            writer.Write(masks.Length);
            foreach (var v in boxes) writer.Write(v);
            foreach (var v in labels) writer.Write(v);
            foreach (var v in scores) writer.Write(v);
            foreach (var v in masks) writer.Write(v);
        }

        private static (float[] boxes, long[] labels, float[] scores, float[] masks) ReadDetections(string path)
        {
            using var reader = new BinaryReader(File.OpenRead(path));
            int count = reader.ReadInt32(), maskValues = reader.ReadInt32();
            float[] Floats(int n) => Enumerable.Range(0, n).Select(_ => reader.ReadSingle()).ToArray();
            var boxes = Floats(4 * count);
            var labels = Enumerable.Range(0, count).Select(_ => reader.ReadInt64()).ToArray();
            return (boxes, labels, Floats(count), Floats(maskValues));
        }

        /// <summary>
        /// ONNX Runtime's detections against ours: how many are the same detection (same label, box within 0.01 px) at
        /// the same position, how many are found at another position (an order that equal scores leave open), and the
        /// largest box, score and mask probability differences over the matched pairs.
        /// </summary>
        private static void ReportAgreement(string folder, string model, string name)
        {
            var ours = ReadDetections(Path.Combine(folder, $"{model}.torchsharp.detections"));
            var theirs = ReadDetections(Path.Combine(folder, $"{model}.onnxruntime.detections"));
            int maskSize = ours.labels.Length == 0 ? 0 : ours.masks.Length / ours.labels.Length;
            double BoxDistance(int i, int j) => Enumerable.Range(0, 4).Max(k => (double)Math.Abs(ours.boxes[4 * i + k] - theirs.boxes[4 * j + k]));
            var used = new bool[theirs.labels.Length];
            int inPlace = 0, elsewhere = 0;
            double box = 0, score = 0, mask = 0;
            for (int i = 0; i < ours.labels.Length; i++)
            {
                int j = i < theirs.labels.Length && !used[i] && ours.labels[i] == theirs.labels[i] && BoxDistance(i, i) <= 0.01 ? i
                    : Enumerable.Range(0, theirs.labels.Length).FirstOrDefault(k => !used[k] && ours.labels[i] == theirs.labels[k] && BoxDistance(i, k) <= 0.01, -1);
                if (j < 0) continue;
                used[j] = true;
                if (j == i) inPlace++;
                else elsewhere++;
                box = Math.Max(box, BoxDistance(i, j));
                score = Math.Max(score, Math.Abs(ours.scores[i] - theirs.scores[j]));
                for (int k = 0; k < maskSize; k++) mask = Math.Max(mask, Math.Abs(ours.masks[i * maskSize + k] - theirs.masks[j * maskSize + k]));
            }
            int tiedAtTop = ours.scores.Count(v => v == ours.scores.DefaultIfEmpty().Max());
            Console.WriteLine($"INFO {name}: ours {ours.labels.Length} detections, ONNX Runtime {theirs.labels.Length}; {inPlace} the same at the same position, " +
                              $"{elsewhere} at another; {tiedAtTop} of ours share the top score {ours.scores.DefaultIfEmpty().Max():R}");
            BenchmarkReport.Result($"{name}_onnxruntime_same_detections_in_place", inPlace, ours.labels.Length, "detections");
            BenchmarkReport.Result($"{name}_onnxruntime_same_detections_elsewhere", elsewhere, ours.labels.Length, "detections");
            BenchmarkReport.Result($"{name}_onnxruntime_max_box_difference", box, null, "px");
            BenchmarkReport.Result($"{name}_onnxruntime_max_score_difference", score, null, "probability");
            BenchmarkReport.Result($"{name}_onnxruntime_max_mask_difference", mask, null, "probability");
        }
    }
}
