using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Evaluation;
using Microsoft.ML.MaskRcnn.Training;
using Microsoft.ML.MaskRcnn.TestUtilities;

namespace Microsoft.ML.MaskRcnn.Benchmarks
{
    /// <summary>One validation of a training run: after which step, after how many seconds of training, and the COCO metrics.</summary>
    public sealed record TrainingPoint(int Step, double TrainSeconds, CocoEvaluationResult Boxes, CocoEvaluationResult Masks);

    /// <summary>What a training run (ours or torchvision's) measured.</summary>
    public sealed class TrainingRunResult
    {
        public required string Name { get; init; }
        public required int Steps { get; init; }

        /// <summary>Median seconds per step after <see cref="TrainingRuns.TimingWarmupSteps"/> warm-up steps.</summary>
        public required double SecondsPerStep { get; init; }

        /// <summary>Wall time of the training loop, evaluations excluded.</summary>
        public required double TrainSeconds { get; init; }

        public required IReadOnlyList<TrainingPoint> Points { get; init; }

        /// <summary>Per step: the five losses and "loss".</summary>
        public required IReadOnlyList<IReadOnlyDictionary<string, double>> Losses { get; init; }

        public TrainingPoint Final => Points[^1];
    }

    /// <summary>Runs our trainer and torchvision's (test/reference/train_reference.py) on the same data and recipe.</summary>
    public static class TrainingRuns
    {
        /// <summary>Steps left out of the seconds-per-step median (allocator and thread-pool warm-up).</summary>
        public const int TimingWarmupSteps = 10;

        private static readonly CultureInfo C = CultureInfo.InvariantCulture;

        /// <summary>
        /// Trains with our <see cref="MaskRcnnTrainer"/>, validating after every <paramref name="evaluateEvery"/> steps (0: only
        /// at the end). With <paramref name="budgetSeconds"/>, training stops after the first step that ends past that many
        /// seconds of training (evaluations not counted) and the model is then evaluated once more. Every step's losses and
        /// seconds go to artifacts/benchmarks/training/NAME-ours-steps.jsonl.
        /// </summary>
        public static TrainingRunResult TrainOurs(string name, MaskRcnnTrainerOptions options, InstanceSegmentationDataset train,
                                                  InstanceSegmentationDataset validation, int evaluateEvery, double? budgetSeconds = null)
        {
            var run = options.Clone();
            run.CheckpointDirectory = null;
            int total = TrainingRecipe.TotalSteps(run, train);
            run.EvaluationInterval = evaluateEvery > 0 ? evaluateEvery : total;
            var trainer = new MaskRcnnTrainer(run);
            var clock = Stopwatch.StartNew();
            double last = 0, evaluating = 0, trained = 0;
            var stepSeconds = new List<double>();
            var losses = new List<IReadOnlyDictionary<string, double>>();
            var points = new List<TrainingPoint>();
            using var cancel = new CancellationTokenSource();
            trainer.StepCompleted += (_, e) =>
            {
                double now = clock.Elapsed.TotalSeconds;
                double seconds = now - last - evaluating;
                (last, evaluating) = (now, 0);
                stepSeconds.Add(seconds);
                trained += seconds;
                losses.Add(e.Losses);
                if (e.Step % 50 == 0)
                    Console.Error.WriteLine($"# {name} step {e.Step}/{e.TotalSteps} loss {e.Loss:F4} lr {e.LearningRate:G3} {Median(stepSeconds.TakeLast(50)):F3} s/step, {trained:F0} s");
                if (budgetSeconds is { } budget && trained >= budget) cancel.Cancel();
            };
            trainer.Evaluated += (_, e) =>
            {
                evaluating += e.Result.Duration.TotalSeconds;
                points.Add(new TrainingPoint(e.Step, trained, e.Result.Boxes, e.Result.Masks));
                Console.Error.WriteLine($"# {name} step {e.Step} ({trained:F0} s): mask AP {e.Result.Masks.AP:F4} AP50 {e.Result.Masks.AP50:F4}, box AP {e.Result.Boxes.AP:F4} (evaluation {e.Result.Duration.TotalSeconds:F1} s)");
            };
            string logPath = Path.Combine(RepositoryPaths.Artifacts, "benchmarks", "training", name + "-ours-steps.jsonl");
            Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
            using var log = new StreamWriter(logPath);
            trainer.StepCompleted += (_, e) =>
            {
                var entry = new Dictionary<string, double>(e.Losses) { ["step"] = e.Step, ["lr"] = e.LearningRate, ["seconds"] = stepSeconds[^1], ["clock"] = clock.Elapsed.TotalSeconds };
                log.WriteLine(JsonSerializer.Serialize(entry));
            };
            var result = trainer.Train(train, validation, cancel.Token);
            using (var model = result.Model)
            {
                if (result.Cancelled && (points.Count == 0 || points[^1].Step != result.Steps))
                {
                    var evaluation = ModelEvaluation.Evaluate(model, validation);
                    points.Add(new TrainingPoint(result.Steps, trained, evaluation.Boxes, evaluation.Masks));
                    Console.Error.WriteLine($"# {name} stopped at step {result.Steps} ({trained:F0} s): mask AP {evaluation.Masks.AP:F4} AP50 {evaluation.Masks.AP50:F4}, box AP {evaluation.Boxes.AP:F4}");
                }
            }
            return new TrainingRunResult
            {
                Name = name, Steps = result.Steps, SecondsPerStep = Median(stepSeconds.Skip(Math.Min(TimingWarmupSteps, stepSeconds.Count - 1))),
                TrainSeconds = trained, Points = points, Losses = losses,
            };
        }

        /// <summary>
        /// Trains torchvision's MaskRCNN on the exported data with the same recipe and batch schedule
        /// (train_reference.py), then scores its validation predictions with our <see cref="CocoEvaluator"/>.
        /// </summary>
        public static TrainingRunResult TrainTorchvision(string name, string folder, MaskRcnnTrainerOptions options, InstanceSegmentationDataset train,
                                                         InstanceSegmentationDataset validation, string datasetJson, int evaluateEvery,
                                                         string? initialWeights = null, bool saveInitialWeights = false)
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            Directory.CreateDirectory(folder);
            string recipe = TrainingRecipe.Write(Path.Combine(folder, "recipe.json"), options, train, datasetJson, folder, evaluateEvery,
                                                 initialWeights, saveInitialWeights);
            var values = RunPython("train_reference.py", name, recipe);
            var groundTruth = CocoGroundTruth.FromDataset(validation);
            var losses = File.ReadLines(Path.Combine(folder, "losses.jsonl"))
                .Select(line => JsonSerializer.Deserialize<Dictionary<string, double>>(line)!)
                .ToList();
            var cumulative = new double[losses.Count + 1];
            for (int i = 0; i < losses.Count; i++) cumulative[i + 1] = cumulative[i] + losses[i]["seconds"];
            var points = new List<TrainingPoint>();
            foreach (var file in Directory.GetFiles(folder, "results_*.json"))
            {
                int step = int.Parse(Path.GetFileNameWithoutExtension(file)["results_".Length..], C);
                var detections = CocoResultsFile.Read(file);
                var boxes = new CocoEvaluator(groundTruth, CocoIouType.Bbox).Evaluate(detections);
                var masks = new CocoEvaluator(groundTruth, CocoIouType.Segm).Evaluate(detections);
                points.Add(new TrainingPoint(step, cumulative[step], boxes, masks));
            }
            points.Sort((a, b) => a.Step.CompareTo(b.Step));
            foreach (var p in points)
                Console.Error.WriteLine($"# {name} step {p.Step} ({p.TrainSeconds:F0} s): mask AP {p.Masks.AP:F4} AP50 {p.Masks.AP50:F4}, box AP {p.Boxes.AP:F4}");
            var named = new[] { "loss_classifier", "loss_box_reg", "loss_mask", "loss_objectness", "loss_rpn_box_reg", "loss" };
            return new TrainingRunResult
            {
                Name = name, Steps = (int)values["steps"], SecondsPerStep = values["seconds_per_step"], TrainSeconds = values["train_seconds"],
                Points = points,
                Losses = losses.Select(l => (IReadOnlyDictionary<string, double>)named.ToDictionary(k => k, k => l[k])).ToList(),
            };
        }

        /// <summary>Runs a reference script, echoing its stderr (progress) as it comes, and parses its "name value" lines.</summary>
        public static Dictionary<string, double> RunPython(string script, string name, params string[] arguments)
        {
            var start = new ProcessStartInfo(PythonReference.Interpreter) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(Path.Combine(RepositoryPaths.ReferenceScripts, script));
            foreach (var a in arguments) start.ArgumentList.Add(a);
            using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start " + PythonReference.Interpreter);
            var errors = new List<string>();
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                lock (errors) errors.Add(e.Data);
                Console.Error.WriteLine($"# {name} (torchvision) {e.Data.TrimStart('#', ' ')}");
            };
            process.BeginErrorReadLine();
            var values = new Dictionary<string, double>();
            string? line;
            while ((line = process.StandardOutput.ReadLine()) != null)
            {
                var parts = line.Split(' ', 2);
                if (parts.Length == 2 && double.TryParse(parts[1], NumberStyles.Float, C, out double v)) values[parts[0]] = v;
            }
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"{script} failed with exit code {process.ExitCode}:\n{string.Join("\n", errors.TakeLast(30))}");
            return values;
        }

        /// <summary>Prints the validation points of the runs side by side (INFO lines) and the losses averaged over windows.</summary>
        public static void PrintCurves(string name, int window, params TrainingRunResult[] runs)
        {
            foreach (var run in runs)
                foreach (var p in run.Points)
                    Console.WriteLine(string.Create(C, $"INFO {name} curve run={run.Name} step={p.Step} train_s={p.TrainSeconds:F1} mask_ap={p.Masks.AP:F4} mask_ap50={p.Masks.AP50:F4} box_ap={p.Boxes.AP:F4} box_ap50={p.Boxes.AP50:F4}"));
            string[] keys = { "loss", "loss_classifier", "loss_box_reg", "loss_mask", "loss_objectness", "loss_rpn_box_reg" };
            int steps = runs.Min(r => r.Losses.Count);
            for (int start = 0; start < steps; start += window)
            {
                int end = Math.Min(start + window, steps);
                foreach (var run in runs)
                {
                    var mean = keys.Select(k => run.Losses.Skip(start).Take(end - start).Average(l => l[k]));
                    Console.WriteLine(string.Create(C, $"INFO {name} losses run={run.Name} steps={start + 1}-{end} ") +
                                      string.Join(" ", keys.Zip(mean, (k, m) => string.Create(C, $"{k}={m:F4}"))));
                }
            }
        }

        /// <summary>COCO's summary tables (segm and bbox) and the per-category mask AP of a validation point, as INFO lines.</summary>
        public static void PrintSummary(string name, TrainingPoint point)
        {
            foreach (var (type, result) in new[] { ("segm", point.Masks), ("bbox", point.Boxes) })
                foreach (var line in result.FormatSummary().Split('\n', StringSplitOptions.RemoveEmptyEntries))
                    Console.WriteLine($"INFO {name} step {point.Step} {type} {line.TrimEnd()}");
            foreach (var line in point.Masks.FormatPerCategory().Split('\n', StringSplitOptions.RemoveEmptyEntries))
                Console.WriteLine($"INFO {name} step {point.Step} segm per category {line.TrimEnd()}");
        }

        public static double Median(IEnumerable<double> values)
        {
            var sorted = values.OrderBy(v => v).ToArray();
            if (sorted.Length == 0) return double.NaN;
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        }
    }
}
