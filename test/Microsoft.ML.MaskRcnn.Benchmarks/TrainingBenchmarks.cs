using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Modeling;
using Microsoft.ML.MaskRcnn.Training;
using Microsoft.ML.MaskRcnn.TestUtilities;

namespace Microsoft.ML.MaskRcnn.Benchmarks
{
    /// <summary>
    /// Settings of the training suites from "--set Name=value": the suite's own knobs (lower-case names, listed by each suite)
    /// and any <see cref="MaskRcnnTrainerOptions"/> property path (e.g. <c>LearningRate</c>, <c>Model.MinSize</c>).
    /// </summary>
    public sealed class TrainingSettings
    {
        private readonly Dictionary<string, string> knobs = new(StringComparer.Ordinal);
        private readonly List<(string Name, string Value)> overrides = new();

        public TrainingSettings(BenchmarkOptions options, params string[] knobNames)
        {
            foreach (var (name, value) in options.Settings)
            {
                if (knobNames.Contains(name)) knobs[name] = value;
                else if (char.IsUpper(name[0])) overrides.Add((name, value));
                else throw new ArgumentException($"Unknown setting '{name}': this suite takes {string.Join(", ", knobNames)} or MaskRcnnTrainerOptions paths such as Model.MinSize.");
            }
        }

        public int Int(string name, int fallback) => knobs.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

        public double Double(string name, double fallback) => knobs.TryGetValue(name, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

        public string String(string name, string fallback) => knobs.TryGetValue(name, out var v) ? v : fallback;

        /// <summary>Applies the option overrides and prints the final recipe.</summary>
        public MaskRcnnTrainerOptions Apply(string caseName, MaskRcnnTrainerOptions options)
        {
            foreach (var (name, value) in overrides) TrainingRecipe.Apply(options, name, value);
            options.Validate();
            Console.WriteLine($"INFO {caseName} overrides: {(overrides.Count == 0 ? "none" : string.Join(" ", overrides.Select(o => $"{o.Name}={o.Value}")))}");
            Console.WriteLine($"INFO {caseName} recipe: {TrainingRecipe.Describe(options)}");
            return options;
        }
    }

    /// <summary>The recipes of the training suites (docs/benchmarks.md, "training (issue 7)").</summary>
    public static class TrainingRecipes
    {
        /// <summary>Penn-Fudan from scratch: SmallFromScratch(2) at short side 320-416 (test 384), max 512, batch 4, cosine LR 0.02.</summary>
        public static MaskRcnnTrainerOptions PennFudan(int threads, int steps)
        {
            var o = MaskRcnnTrainerOptions.SmallFromScratch(2);
            o.MaxSteps = steps;
            o.WarmupSteps = Math.Min(100, steps / 5);
            o.Threads = threads;
            o.Seed = 1;
            return o;
        }

        /// <summary>
        /// The small recipe of the first embedded-dataset experiments, at the images' own size (160x128, short side 128):
        /// ResNet-18-FPN with 64 channels, mask head 2 x 32 channels, 64 box samples per image, batch 4, cosine LR 0.02,
        /// torchvision's default anchors (32..512).
        /// </summary>
        public static MaskRcnnTrainerOptions ShapesBaseline(int threads, int steps)
        {
            var o = MaskRcnnTrainerOptions.SmallFromScratch(SyntheticShapesDataset.ClassNames.Count + 1);
            o.Model.MinSize = 128;
            o.Model.MaxSize = 160;
            o.Model.TrainingMinSizes = null;
            o.Model.FpnChannels = 64;
            o.Model.MaskHeadChannels = 32;
            o.Model.MaskHeadLayers = 2;
            o.Model.BoxBatchSizePerImage = 64;
            o.BatchSize = 4;
            o.LearningRate = 0.02;
            o.WarmupSteps = 100;
            o.MaxSteps = steps;
            o.Threads = threads;
            o.Seed = 1;
            return o;
        }

        /// <summary>The embedded-dataset recipe the 10-minute target is measured with (see docs/benchmarks.md).</summary>
        public static MaskRcnnTrainerOptions Shapes(int threads, int steps)
        {
            var o = MaskRcnnTrainerOptions.EmbeddedShapes();
            o.MaxSteps = steps;
            o.Threads = threads;
            o.Seed = 1;
            return o;
        }

        /// <summary>Nuclei from scratch: SmallFromScratch(2) with anchors 8..128 for nuclei of 5-40 px, more proposals and samples.</summary>
        public static MaskRcnnTrainerOptions Nuclei(int threads, int steps)
        {
            var o = MaskRcnnTrainerOptions.SmallFromScratch(2);
            o.Model.AnchorSizes = new[] { new[] { 8.0 }, new[] { 16.0 }, new[] { 32.0 }, new[] { 64.0 }, new[] { 128.0 } };
            o.Model.MinSize = 384;
            o.Model.MaxSize = 512;
            o.Model.TrainingMinSizes = new[] { 320, 352, 384, 416 };
            o.Model.RpnPreNmsTopNTrain = 2000;
            o.Model.RpnPostNmsTopNTrain = 1000;
            o.Model.RpnPreNmsTopNTest = 2000;
            o.Model.RpnPostNmsTopNTest = 1000;
            o.Model.BoxBatchSizePerImage = 256;
            o.Model.DetectionsPerImage = 100;
            o.BatchSize = 2;
            o.LearningRate = 0.01;
            o.MaxSteps = steps;
            o.WarmupSteps = Math.Min(100, steps / 5);
            o.Threads = threads;
            o.Seed = 1;
            return o;
        }
    }

    /// <summary>
    /// training-pennfudan: Penn-Fudan from scratch, our trainer and torchvision 0.14 (test/reference/train_reference.py) with
    /// the same recipe, step budget, batches and flips, on the same 136/34 split (seed 7), both scored by our CocoEvaluator.
    /// Settings: steps (default 300), eval_every (0), or MaskRcnnTrainerOptions paths.
    /// </summary>
    public sealed class PennFudanTrainingBenchmark : IBenchmarkSuite
    {
        public string Name => "training-pennfudan";

        public string Description => "Penn-Fudan from scratch: mask/box AP and s/step, ours vs torchvision, same recipe and budget (~20 min)";

        public void Run(BenchmarkOptions options)
        {
            string root = Path.Combine(RepositoryPaths.SharedData, "penn-fudan");
            if (!Directory.Exists(root))
            {
                Console.WriteLine($"SKIP pennfudan: the Penn-Fudan folder is not found: {root} (it lives beside the repository in ../shared/data).");
                return;
            }
            var settings = new TrainingSettings(options, "steps", "eval_every");
            int steps = settings.Int("steps", 300);
            var recipe = settings.Apply("pennfudan", TrainingRecipes.PennFudan(options.Threads, steps));
            var dataset = new InstanceMaskFolderDataset(Path.Combine(root, "PNGImages"), Path.Combine(root, "PedMasks"),
                new InstanceMaskFolderOptions { MaskSuffix = "_mask.png", CategoryNames = new[] { "person" } });
            var (train, validation) = dataset.Split(0.2, seed: 7);
            Console.WriteLine($"INFO pennfudan split: {train.Count} training, {validation.Count} validation images (seed 7); {steps} steps of {recipe.BatchSize}");

            string folder = Path.Combine(RepositoryPaths.Artifacts, "benchmarks", "training", "pennfudan");
            string data = DatasetExport.Export(Path.Combine(folder, "data"), $"penn-fudan split 0.2 seed 7 {train.Count}/{validation.Count}", train, validation);
            int every = settings.Int("eval_every", 0);
            var reference = TrainingRuns.TrainTorchvision("pennfudan", Path.Combine(folder, "torchvision"), recipe, train, validation, data, every);
            var ours = TrainingRuns.TrainOurs("pennfudan", recipe, train, validation, every);
            TrainingRuns.PrintCurves("pennfudan", 50, ours.WithName("ours"), reference.WithName("torchvision"));
            TrainingRuns.PrintSummary("pennfudan ours", ours.Final);
            TrainingRuns.PrintSummary("pennfudan torchvision", reference.Final);

            BenchmarkReport.Result("pennfudan_mask_ap", ours.Final.Masks.AP, reference.Final.Masks.AP, "AP");
            BenchmarkReport.Result("pennfudan_box_ap", ours.Final.Boxes.AP, reference.Final.Boxes.AP, "AP");
            BenchmarkReport.Result("pennfudan_mask_ap50", ours.Final.Masks.AP50, reference.Final.Masks.AP50, "AP");
            BenchmarkReport.Result("pennfudan_box_ap50", ours.Final.Boxes.AP50, reference.Final.Boxes.AP50, "AP");
            BenchmarkReport.Result("pennfudan_seconds_per_step", ours.SecondsPerStep, reference.SecondsPerStep, "s");
            BenchmarkReport.Result("pennfudan_train_seconds", ours.TrainSeconds, reference.TrainSeconds, "s");
        }
    }

    /// <summary>
    /// training-nuclei: DSB2018 nuclei from scratch with our trainer (anchors 8..128 for the small nuclei), mask AP and AP50
    /// on a 10% validation split (seed 7) after a fixed step budget. Settings: steps (default 600), eval_every (0), options.
    /// </summary>
    public sealed class NucleiTrainingBenchmark : IBenchmarkSuite
    {
        public string Name => "training-nuclei";

        public string Description => "nuclei from scratch: our mask AP and AP50 after a fixed step budget (~15 min)";

        public void Run(BenchmarkOptions options)
        {
            string root = Path.Combine(RepositoryPaths.SharedData, "nuclei");
            if (!Directory.Exists(root))
            {
                Console.WriteLine($"SKIP nuclei: the nuclei folder is not found: {root} (it lives beside the repository in ../shared/data).");
                return;
            }
            var settings = new TrainingSettings(options, "steps", "eval_every");
            int steps = settings.Int("steps", 600);
            var recipe = settings.Apply("nuclei", TrainingRecipes.Nuclei(options.Threads, steps));
            var dataset = new InstanceMaskFolderDataset(Path.Combine(root, "images"), Path.Combine(root, "masks"),
                new InstanceMaskFolderOptions { CategoryNames = new[] { "nucleus" } });
            var (train, validation) = dataset.Split(0.1, seed: 7);
            Console.WriteLine($"INFO nuclei split: {train.Count} training, {validation.Count} validation images (seed 7); {steps} steps of {recipe.BatchSize}");
            var ours = TrainingRuns.TrainOurs("nuclei", recipe, train, validation, settings.Int("eval_every", 0));
            TrainingRuns.PrintCurves("nuclei", 100, ours.WithName("ours"));
            TrainingRuns.PrintSummary("nuclei", ours.Final);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"INFO nuclei steps={ours.Steps} seconds_per_step={ours.SecondsPerStep:F3} train_seconds={ours.TrainSeconds:F0} box_ap={ours.Final.Boxes.AP:F4}"));
            BenchmarkReport.Result("nuclei_mask_ap50", ours.Final.Masks.AP50, null, "AP");
            BenchmarkReport.Result("nuclei_mask_ap", ours.Final.Masks.AP, null, "AP");
        }
    }

    /// <summary>
    /// training-embedded: our trainer on the embedded SyntheticShapesDataset (training images from seed 1), scored on 100
    /// held-out images (seed 2) every few steps, with a 10-minute training budget (evaluations not counted): the curve
    /// "mask AP50 vs wall-clock". Target: mask AP50 >= 0.9 within 10 minutes on 2 cores.
    /// Settings: steps, eval_every, budget_seconds (600), train_images (4000), start (scratch; pretrained: ML.NET's
    /// ImageNet ResNet-18 backbone), or MaskRcnnTrainerOptions paths.
    /// </summary>
    public sealed class EmbeddedTrainingBenchmark : IBenchmarkSuite
    {
        public string Name => "training-embedded";

        public string Description => "embedded shapes: our mask AP50/AP on 100 held-out images vs training time, 10-minute budget";

        public void Run(BenchmarkOptions options)
        {
            var settings = new TrainingSettings(options, "steps", "eval_every", "budget_seconds", "train_images", "start");
            // 3,000 steps fill the 10-minute budget at 0.19 s per step; the preset's 2,000 leave the main job time for
            // writing the images, evaluating, saving and drawing within its own 15 minutes.
            int steps = settings.Int("steps", 3000);
            var recipe = TrainingRecipes.Shapes(options.Threads, steps);
            string start = settings.String("start", "scratch");
            if (start == "pretrained") recipe.UseImageNetResNet18();
            else if (start != "scratch") throw new ArgumentException($"Unknown start '{start}' (scratch, pretrained).");
            settings.Apply("embedded", recipe);
            var train = new SyntheticShapesDataset(settings.Int("train_images", 4000), seed: 1);
            var validation = new SyntheticShapesDataset(100, seed: 2);
            double budget = settings.Double("budget_seconds", 600);
            var ours = TrainingRuns.TrainOurs("embedded", recipe, train, validation, settings.Int("eval_every", Math.Max(steps / 5, 1)), budget);
            TrainingRuns.PrintCurves("embedded", 100, ours.WithName("ours"));
            TrainingRuns.PrintSummary("embedded", ours.Final);
            var reached = ours.Points.FirstOrDefault(p => p.Masks.AP50 >= 0.9);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"INFO embedded steps={ours.Steps} seconds_per_step={ours.SecondsPerStep:F3} train_seconds={ours.TrainSeconds:F0} box_ap={ours.Final.Boxes.AP:F4} mask_ap50>=0.9 first at {(reached is null ? "never" : $"{reached.TrainSeconds:F0} s (step {reached.Step})")}"));
            BenchmarkReport.Result("embedded_mask_ap", ours.Final.Masks.AP, null, "AP");
            BenchmarkReport.Result("embedded_mask_ap50", ours.Final.Masks.AP50, null, "AP");
        }
    }

    /// <summary>
    /// training-embedded-torchvision: the learning comparison on the embedded dataset: torchvision 0.14 and our trainer with
    /// the same recipe, step count, batches and flips (and, with init=torchvision, the same initial weights), validated at the
    /// same steps on the same 100 held-out images. Settings: steps (900), eval_every (150), train_images (4000),
    /// init (own: each its own random initialisation; torchvision: ours starts from torchvision's initial weights), options.
    /// </summary>
    public sealed class EmbeddedTorchvisionComparison : IBenchmarkSuite
    {
        public string Name => "training-embedded-torchvision";

        public string Description => "embedded shapes: learning curves of ours vs torchvision, same recipe/steps/batches (~30 min)";

        public void Run(BenchmarkOptions options)
        {
            var settings = new TrainingSettings(options, "steps", "eval_every", "train_images", "init");
            int steps = settings.Int("steps", 900);
            var recipe = settings.Apply("shapes", TrainingRecipes.ShapesBaseline(options.Threads, steps));
            int count = settings.Int("train_images", 4000);
            var train = new SyntheticShapesDataset(count, seed: 1);
            var validation = new SyntheticShapesDataset(100, seed: 2);
            string folder = Path.Combine(RepositoryPaths.Artifacts, "benchmarks", "training", "shapes");
            string data = DatasetExport.Export(Path.Combine(folder, "data"), $"shapes train {count} seed 1, validation 100 seed 2", train, validation);
            int every = settings.Int("eval_every", 150);
            string init = settings.String("init", "own");
            var reference = TrainingRuns.TrainTorchvision("shapes", Path.Combine(folder, "torchvision"), recipe, train, validation, data, every,
                                                          saveInitialWeights: init == "torchvision");
            var ourRecipe = recipe.Clone();
            if (init == "torchvision")
            {
                ourRecipe.InitialWeights = Path.Combine(folder, "torchvision", "initial_weights.pth");
                ourRecipe.InitialWeightsIncludePredictors = true;
            }
            var ours = TrainingRuns.TrainOurs("shapes", ourRecipe, train, validation, every);
            TrainingRuns.PrintCurves("shapes", 100, ours.WithName("ours"), reference.WithName("torchvision"));
            BenchmarkReport.Result("shapes_mask_ap50", ours.Final.Masks.AP50, reference.Final.Masks.AP50, "AP");
            BenchmarkReport.Result("shapes_mask_ap", ours.Final.Masks.AP, reference.Final.Masks.AP, "AP");
            BenchmarkReport.Result("shapes_box_ap", ours.Final.Boxes.AP, reference.Final.Boxes.AP, "AP");
            BenchmarkReport.Result("shapes_seconds_per_step", ours.SecondsPerStep, reference.SecondsPerStep, "s");
        }
    }

    /// <summary>training: the three parts in turn (training-pennfudan, training-nuclei, training-embedded).</summary>
    public sealed class TrainingBenchmarks : IBenchmarkSuite
    {
        public string Name => "training";

        public string Description => "training-pennfudan, training-nuclei and training-embedded in turn (about an hour)";

        public void Run(BenchmarkOptions options)
        {
            new PennFudanTrainingBenchmark().Run(options);
            new NucleiTrainingBenchmark().Run(options);
            new EmbeddedTrainingBenchmark().Run(options);
        }
    }

    internal static class TrainingRunResultExtensions
    {
        public static TrainingRunResult WithName(this TrainingRunResult run, string name) => new()
        {
            Name = name, Steps = run.Steps, SecondsPerStep = run.SecondsPerStep, TrainSeconds = run.TrainSeconds, Points = run.Points, Losses = run.Losses,
        };
    }
}
