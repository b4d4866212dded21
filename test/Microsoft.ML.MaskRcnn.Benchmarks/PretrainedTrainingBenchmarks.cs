using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Training;
using Microsoft.ML.MaskRcnn.TestUtilities;

namespace Microsoft.ML.MaskRcnn.Benchmarks
{
    /// <summary>
    /// training-pretrained: what ML.NET's ImageNet ResNet-18 buys on real photos. For each dataset (Penn-Fudan: 136/34 split,
    /// 300 steps; nuclei: 598/66, 500 steps; both split with seed 7), the same recipe from scratch and from the imported
    /// backbone (<see cref="MaskRcnnTrainerOptions.UseImageNetResNet18"/>), each trained by us and by torchvision 0.14
    /// (train_reference.py, from the same imported weights), all scored by our CocoEvaluator.
    /// Settings: datasets (pennfudan,nuclei), starts (scratch,pretrained), steps (per-dataset default), eval_every (0),
    /// torchvision (true; false: our runs alone), init (own: FPN, RPN and heads start from each library's own random
    /// initialisation; torchvision: ours starts from torchvision's whole initial state, heads included, so that only the
    /// engines and the sampling differ), options.
    /// </summary>
    public sealed class PretrainedTrainingBenchmark : IBenchmarkSuite
    {
        public string Name => "training-pretrained";

        public string Description => "Penn-Fudan and nuclei from scratch vs ML.NET's ImageNet ResNet-18, ours vs torchvision (~40 min per dataset)";

        public void Run(BenchmarkOptions options)
        {
            var settings = new TrainingSettings(options, "datasets", "starts", "steps", "eval_every", "torchvision", "init");
            bool withTorchvision = settings.String("torchvision", "true") == "true";
            string init = settings.String("init", "own");
            if (init != "own" && (init != "torchvision" || !withTorchvision))
                throw new ArgumentException($"init={init}: 'own', or 'torchvision' (needs torchvision=true).");
            var starts = settings.String("starts", "scratch,pretrained").Split(',');
            foreach (var dataset in settings.String("datasets", "pennfudan,nuclei").Split(','))
            {
                var (train, validation, recipe) = dataset switch
                {
                    "pennfudan" => PennFudan(options, settings),
                    "nuclei" => Nuclei(options, settings),
                    _ => throw new ArgumentException($"Unknown dataset '{dataset}' (pennfudan, nuclei)."),
                };
                if (train is null) continue;
                string folder = Path.Combine(RepositoryPaths.Artifacts, "benchmarks", "training", "pretrained-" + dataset);
                string data = DatasetExport.Export(Path.Combine(folder, "data"), $"{dataset} seed 7 {train.Count}/{validation!.Count}", train, validation);
                int every = settings.Int("eval_every", 0);
                var finals = new Dictionary<string, TrainingPoint>();
                foreach (var start in starts)
                {
                    var run = recipe!.Clone();
                    if (start == "pretrained") run.UseImageNetResNet18();
                    else if (start != "scratch") throw new ArgumentException($"Unknown start '{start}' (scratch, pretrained).");
                    string name = $"{dataset}_{start}";
                    settings.Apply(name, run);
                    string referenceFolder = Path.Combine(folder, "torchvision-" + start);
                    var reference = withTorchvision
                        ? TrainingRuns.TrainTorchvision(name, referenceFolder, run, train, validation, data, every, saveInitialWeights: init == "torchvision")
                        : null;
                    var ourRun = run;
                    if (init == "torchvision")
                    {
                        // torchvision's initial state already holds the imported backbone in RGB order.
                        ourRun = run.Clone();
                        ourRun.InitialWeights = Path.Combine(referenceFolder, "initial_weights.pth");
                        ourRun.InitialWeightsChannelsReversed = false;
                        ourRun.InitialWeightsIncludePredictors = true;
                    }
                    var ours = TrainingRuns.TrainOurs(name, ourRun, train, validation, every);
                    TrainingRuns.PrintCurves(name, 50, reference is null ? new[] { ours.WithName("ours") } : new[] { ours.WithName("ours"), reference.WithName("torchvision") });
                    TrainingRuns.PrintSummary(name + " ours", ours.Final);
                    if (reference is not null) TrainingRuns.PrintSummary(name + " torchvision", reference.Final);
                    BenchmarkReport.Result(name + "_mask_ap", ours.Final.Masks.AP, reference?.Final.Masks.AP, "AP");
                    BenchmarkReport.Result(name + "_mask_ap50", ours.Final.Masks.AP50, reference?.Final.Masks.AP50, "AP");
                    BenchmarkReport.Result(name + "_box_ap", ours.Final.Boxes.AP, reference?.Final.Boxes.AP, "AP");
                    BenchmarkReport.Result(name + "_seconds_per_step", ours.SecondsPerStep, reference?.SecondsPerStep, "s");
                    BenchmarkReport.Result(name + "_train_seconds", ours.TrainSeconds, reference?.TrainSeconds, "s");
                    finals[start] = ours.Final;
                }
                if (finals.TryGetValue("scratch", out var scratch) && finals.TryGetValue("pretrained", out var pretrained))
                    BenchmarkReport.Result($"{dataset}_pretrained_over_scratch_mask_ap", pretrained.Masks.AP, scratch.Masks.AP, "AP");
            }
        }

        private static (InstanceSegmentationDataset?, InstanceSegmentationDataset?, MaskRcnnTrainerOptions?) PennFudan(BenchmarkOptions options, TrainingSettings settings)
        {
            string root = Path.Combine(RepositoryPaths.SharedData, "penn-fudan");
            if (!Directory.Exists(root))
            {
                Console.WriteLine($"SKIP pennfudan: the Penn-Fudan folder is not found: {root} (it lives beside the repository in ../shared/data).");
                return (null, null, null);
            }
            var dataset = new InstanceMaskFolderDataset(Path.Combine(root, "PNGImages"), Path.Combine(root, "PedMasks"),
                new InstanceMaskFolderOptions { MaskSuffix = "_mask.png", CategoryNames = new[] { "person" } });
            var (train, validation) = dataset.Split(0.2, seed: 7);
            return (train, validation, TrainingRecipes.PennFudan(options.Threads, settings.Int("steps", 300)));
        }

        private static (InstanceSegmentationDataset?, InstanceSegmentationDataset?, MaskRcnnTrainerOptions?) Nuclei(BenchmarkOptions options, TrainingSettings settings)
        {
            string root = Path.Combine(RepositoryPaths.SharedData, "nuclei");
            if (!Directory.Exists(root))
            {
                Console.WriteLine($"SKIP nuclei: the nuclei folder is not found: {root} (it lives beside the repository in ../shared/data).");
                return (null, null, null);
            }
            var dataset = new InstanceMaskFolderDataset(Path.Combine(root, "images"), Path.Combine(root, "masks"),
                new InstanceMaskFolderOptions { CategoryNames = new[] { "nucleus" } });
            var (train, validation) = dataset.Split(0.1, seed: 7);
            return (train, validation, TrainingRecipes.Nuclei(options.Threads, settings.Int("steps", 500)));
        }
    }
}
