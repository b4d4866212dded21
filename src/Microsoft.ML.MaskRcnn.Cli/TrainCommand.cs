using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.ML.MaskRcnn.Checkpoints;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Training;

namespace Microsoft.ML.MaskRcnn.Cli
{
    /// <summary>
    /// <c>maskrcnn train</c>: fits <c>LoadImages -> DetectInstances</c> on a dataset (optionally validated during training)
    /// and saves the pipeline as an ML.NET model zip.
    /// </summary>
    internal sealed class TrainCommand : ICliCommand
    {

        private static readonly (string Name, Func<MaskRcnnTrainerOptions> Create, string What)[] Presets =
        {
            ("small-pretrained", () => MaskRcnnTrainerOptions.SmallPretrained(0),
             "ResNet-18-FPN at 384 px on ML.NET's ImageNet ResNet-18 (package " + ImageNetResNet18.PackageId + "), for real photos"),
            ("small", () => MaskRcnnTrainerOptions.SmallFromScratch(0), "ResNet-18-FPN from scratch at 384 px, for CPUs and synthetic or unusual images"),
            ("paper", () => MaskRcnnTrainerOptions.PaperR50Fpn(0), "torchvision's R50-FPN at 800 px, for --init with pretrained weights"),
            ("embedded", MaskRcnnTrainerOptions.EmbeddedShapes, "the main job's network for the 160x128 synthetic shapes, from scratch"),
        };

        private const string DefaultPreset = "small-pretrained";

        public string Name => "train";

        public string Summary => "train Mask R-CNN on a dataset and save the model zip";

        public IReadOnlyList<CliOption> Options { get; } = BuildOptions();

        public string Description =>
            "maskrcnn train <training data> [validation data] --model OUT.zip [options]\n\n" +
            "Trains Mask R-CNN through the ML.NET pipeline LoadImages -> DetectInstances and saves it as an ML.NET model zip\n" +
            "(load it with mlContext.Model.Load; its input is an ImagePath text column). The model's classes are the training\n" +
            "dataset's categories, in their order (COCO: by id). Progress comes from MLContext.Log.\n" +
            "Settings marked \"preset\" default to the chosen --preset's value (shown for " + string.Join(", ", Presets.Select(p => p.Name)) + ").\n" +
            "For real photos, small-pretrained learns far more from little data than small (docs/cli.md).";

        private static List<CliOption> BuildOptions()
        {
            var options = new List<CliOption>();
            options.AddRange(DatasetArguments.Forms(""));
            options.AddRange(DatasetArguments.Forms(DatasetArguments.ValidationPrefix));
            options.Add(new CliOption("val-fraction", "F", "validate on this fraction of the training images instead (split by --seed)"));
            options.AddRange(DatasetArguments.Settings());
            options.Add(new CliOption("model", "FILE", "where to write the model zip (required)"));
            options.Add(new CliOption("preset", "NAME", "the recipe: " + string.Join("; ", Presets.Select(p => $"{p.Name}: {p.What}")), DefaultPreset));
            options.Add(new CliOption("imagenet-models", "DIR", "the DnnImageModels folder of small-pretrained's ImageNet ResNet-18",
                                      "DnnImageModels beside maskrcnn"));
            options.Add(new CliOption("backbone", "N", "ResNet depth: 18, 34, 50 or 101", PresetDefault(t => t.Model.BackboneDepth)));
            options.Add(new CliOption("min-size", "N", "images are resized so that their short side is N (also turns off the preset's size jitter)",
                                      PresetDefault(t => t.Model.MinSize)));
            options.Add(new CliOption("max-size", "N", "... and their long side at most N", PresetDefault(t => t.Model.MaxSize)));
            options.Add(new CliOption("epochs", "N", "passes over the training data (ignored with --steps)", PresetDefault(t => t.Epochs)));
            options.Add(new CliOption("steps", "N", "train exactly N steps (overrides --epochs; 0: train by epochs)", PresetDefault(t => t.MaxSteps)));
            options.Add(new CliOption("time-budget", "MINUTES", "fit the run to this many minutes of training and validation: the first steps are " +
                                                             "timed, then the steps, warm-up and decay are planned to end in time (instead of --steps or --epochs)", "none"));
            options.Add(new CliOption("batch", "N", "images per step", PresetDefault(t => t.BatchSize)));
            options.Add(new CliOption("lr", "X", "SGD learning rate after the warm-up", PresetDefault(t => t.LearningRate)));
            options.Add(new CliOption("warmup", "N", "steps of linear learning-rate warm-up", PresetDefault(t => t.WarmupSteps)));
            options.Add(new CliOption("threads", "N", "libtorch CPU threads", "the processor count"));
            options.AddRange(ComputeArguments.Options());
            options.Add(ComputeArguments.TrainingOption());
            options.Add(new CliOption("device", "NAME", "cpu, cuda or cuda:N", "cpu"));
            options.Add(new CliOption("seed", "N", "seed of data order, augmentation, initialisation and --val-fraction's split", "0"));
            options.Add(new CliOption("checkpoints", "DIR", "write resumable checkpoints to DIR", "none"));
            options.Add(new CliOption("checkpoint-interval", "N", "checkpoint every N steps (0: at the end of every epoch)", "0"));
            options.Add(new CliOption("resume", "FILE", "continue from a checkpoint of an earlier run on the same data (its settings are used)"));
            options.Add(new CliOption("init", "FILE", "start from these weights: a torchvision .pth (e.g. maskrcnn_resnet50_fpn_coco, with --preset paper) or a checkpoint",
                                      "the preset's (random, or small-pretrained's ImageNet backbone)"));
            options.Add(new CliOption("init-with-predictors", null, "also load --init's class-dependent layers (only when its classes are the data's)"));
            options.Add(new CliOption("eval-interval", "N", "validate every N steps (0: at the end of every epoch)", "0"));
            options.Add(new CliOption("score-threshold", "X", "detections scoring below X are left out of the model's output; saved in the model " +
                                                              "(evaluate always scores every detection)", "0.5"));
            options.Add(new CliOption("log-every", "N", "print every N-th training step (and the first and last)", "50"));
            options.AddRange(MaskRcnnCli.CommonOptions());
            return options;
        }

        // Help shows every preset's value; a preset whose files are missing shows "?" there and fails with its reason when chosen.
        private static string PresetDefault(Func<MaskRcnnTrainerOptions, object> value) =>
            "preset: " + string.Join(" / ", Presets.Select(p => TryCreate(p.Create) is { } t ? Convert.ToString(value(t), CultureInfo.InvariantCulture) : "?"));

        private static MaskRcnnTrainerOptions? TryCreate(Func<MaskRcnnTrainerOptions> create)
        {
            try
            {
                return create();
            }
            catch (FileNotFoundException)
            {
                return null;
            }
        }

        public int Execute(ParsedArguments a, CliConsole console)
        {
            string modelPath = a.OutputPath("model") ?? throw new UsageException("--model is required (the model zip to write)");
            if (Directory.Exists(modelPath)) throw new UsageException($"--model: '{a.Text("model")}' is a folder; give the zip file to write");
            int seed = a.Int("seed", 0, min: 0);
            var options = EstimatorOptions(a, seed);
            options.Cancellation = console.Interrupt;
            a.AtMostOne("val-fraction", "val-coco", "val-image-folder", "val-synthetic");
            double? fraction = a.OptionalDouble("val-fraction", 0, 1, minExclusive: true);
            if (fraction == 1) throw new UsageException("--val-fraction must be below 1: some images are needed for training");
            // Before training, so that an unwritable destination fails in seconds rather than after the last step.
            Directory.CreateDirectory(Path.GetDirectoryName(modelPath)!);

            using var source = DatasetArguments.Open(a, "", console);
            using var validationSource = DatasetArguments.IsGiven(a, DatasetArguments.ValidationPrefix)
                ? DatasetArguments.Open(a, DatasetArguments.ValidationPrefix, console) : null;
            InstanceSegmentationDataset training = source.Dataset;
            InstanceSegmentationDataset? validation = validationSource?.Dataset;
            string validationText = validationSource is null ? "" : $", validating on {validationSource.Description} ({validationSource.Dataset.Count} images)";
            if (fraction is double f)
            {
                (training, validation) = source.Dataset.Split(f, seed);
                if (training.Count == 0 || validation.Count == 0)
                    throw new UsageException($"--val-fraction {f.ToString(CultureInfo.InvariantCulture)} of {source.Dataset.Count} images leaves " +
                                             $"{training.Count} for training and {validation.Count} for validation; both need at least one");
                validationText = $", validating on {validation.Count} of them (--val-fraction)";
            }
            console.Line($"Training on {source.Description}: {training.Count} images{validationText}.");

            var ml = new MLContext(seed);
            console.Follow(ml);
            var classes = TrainingRows.ClassNames(source);
            var trainingView = TrainingRows.View(ml, DatasetSource.Rows(training), classes, source.Description, console);
            if (validation is not null)
            {
                var validationView = TrainingRows.View(ml, DatasetSource.Rows(validation), classes, (validationSource ?? source).Description, console);
                options.ValidationSet = LoadImages(ml, options).Fit(validationView).Transform(validationView);
            }
            // The live display shows every step; the log then keeps only the first and the last.
            if (console.Live is not null) options.LogEveryNStep = int.MaxValue;
            var reports = console.Live is null ? null : LiveProgress.Attach(options);
            var pipeline = LoadImages(ml, options).Append(ml.Transforms.DetectInstances(options));
            using var model = console.Live is { } live ? LiveProgress.Training(live, reports!, () => pipeline.Fit(trainingView)) : pipeline.Fit(trainingView);

            // Replaced all at once: a killed or failed save never leaves half a zip under the model's name.
            ml.Model.SaveAtomically(model, trainingView.Schema, modelPath);
            console.Line($"Model saved to {modelPath} (classes: {string.Join(", ", model.LastTransformer.ClassNames)}; " +
                         $"score threshold {model.LastTransformer.ScoreThreshold.ToString(CultureInfo.InvariantCulture)}).");
            if (model.LastTransformer.TrainingResult is { } result)
            {
                string report = modelPath + ".report.png";
                TrainingReportPicture.Write(report, result);
                console.Line($"Training report (losses, learning rate, validation AP over the steps) drawn in {report}.");
            }
            return MaskRcnnCli.Success;
        }

        private static Microsoft.ML.Data.ImageLoadingEstimator LoadImages(MLContext ml, MaskRcnnEstimator.Options options) =>
            // Paths are absolute (DatasetSource.Rows), so the model keeps no image folder.
            ml.Transforms.LoadImages(options.ImageColumnName, null, nameof(InstanceSegmentationInput.ImagePath));

        private static MaskRcnnEstimator.Options EstimatorOptions(ParsedArguments a, int seed)
        {
            string presetName = a.Text("preset") ?? DefaultPreset;
            var preset = Presets.FirstOrDefault(p => p.Name == presetName);
            if (preset.Name is null) throw new UsageException($"--preset must be {string.Join(", ", Presets.Select(p => p.Name))}, got '{presetName}'");
            string? modelsFolder = a.Text("imagenet-models");
            if (modelsFolder is not null && presetName != "small-pretrained") throw new UsageException("--imagenet-models applies only to --preset small-pretrained");
            MaskRcnnTrainerOptions t;
            try
            {
                t = presetName == "small-pretrained" ? MaskRcnnTrainerOptions.SmallPretrained(0, modelsFolder) : preset.Create();
            }
            catch (Exception e) when (e is FileNotFoundException or InvalidDataException)
            {
                throw new UsageException($"--preset {presetName}: {e.Message}");
            }
            var m = t.Model;
            if (a.OptionalInt("backbone") is int depth)
            {
                if (presetName == "small-pretrained" && depth != 18)
                    throw new UsageException($"--backbone {depth}: the small-pretrained preset starts from ML.NET's ImageNet ResNet-18; use --preset small for other depths");
                if (depth is not (18 or 34 or 50 or 101)) throw new UsageException($"--backbone must be 18, 34, 50 or 101, got {depth}");
                m.BackboneDepth = depth;
            }
            if (a.OptionalInt("min-size", min: 1) is int minSize)
            {
                m.MinSize = minSize;
                m.TrainingMinSizes = null;
            }
            if (a.OptionalInt("max-size", min: 1) is int maxSize) m.MaxSize = maxSize;
            if (a.OptionalInt("epochs", min: 1) is int epochs)
            {
                t.Epochs = epochs;
                t.MaxSteps = 0;  // a preset's step count would otherwise override the epochs
            }
            if (a.OptionalInt("steps", min: 0) is int steps) t.MaxSteps = steps;
            if (a.OptionalDouble("time-budget", 0, minExclusive: true) is double minutes)
            {
                a.AtMostOne("time-budget", "steps", "epochs");
                t.TimeBudget = TimeSpan.FromMinutes(minutes);
            }
            if (a.OptionalInt("batch", min: 1) is int batch) t.BatchSize = batch;
            if (a.OptionalDouble("lr", 0, minExclusive: true) is double lr) t.LearningRate = lr;
            if (a.OptionalInt("warmup", min: 0) is int warmup) t.WarmupSteps = warmup;
            if (a.OptionalInt("threads", min: 1) is int threads) t.Threads = threads;
            t.Compute = ComputeArguments.Read(a, t.Compute);
            if (a.Text("device") is string device)
            {
                if (device.Length == 0) throw new UsageException("--device needs a device name (cpu, cuda, cuda:N), got ''");
                t.Device = device;
            }
            t.Seed = seed;
            if (a.OutputPath("checkpoints") is string checkpoints) t.CheckpointDirectory = checkpoints;
            a.Requires("checkpoint-interval", "checkpoints");
            t.CheckpointInterval = a.Int("checkpoint-interval", 0, min: 0);
            // --init replaces a preset's initial weights; a resumed run takes its weights from the checkpoint.
            if (a.ExistingFile("init") is string init || a.Text("resume") is not null)
            {
                t.InitialWeights = a.ExistingFile("init");
                t.InitialWeightsChannelsReversed = false;
            }
            a.Requires("init-with-predictors", "init");
            t.InitialWeightsIncludePredictors = a.Flag("init-with-predictors");
            t.EvaluationInterval = a.Int("eval-interval", 0, min: 0);
            a.AtMostOne("resume", "init");

            var options = new MaskRcnnEstimator.Options
            {
                Trainer = t,
                ScoreThreshold = a.OptionalDouble("score-threshold", 0, 1) ?? 0.5,
                LogEveryNStep = a.Int("log-every", 50, min: 1),
                ResumeFrom = a.ExistingFile("resume"),
            };
            try
            {
                options.Validate();
            }
            catch (ArgumentException e)
            {
                // What is left are combinations (e.g. --min-size above --max-size): name the option as the user gave it.
                string message = e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);
                throw new UsageException(e.ParamName is not null && OptionOf.TryGetValue(e.ParamName, out var option) ? $"--{option}: {message}" : message);
            }
            return options;
        }

        // The library's option names (ArgumentException.ParamName) of the settings this command exposes.
        private static readonly Dictionary<string, string> OptionOf = new(StringComparer.Ordinal)
        {
            ["BackboneDepth"] = "backbone", ["MinSize"] = "min-size", ["MaxSize"] = "max-size", ["Epochs"] = "epochs", ["MaxSteps"] = "steps",
            ["BatchSize"] = "batch", ["LearningRate"] = "lr", ["WarmupSteps"] = "warmup", ["Threads"] = "threads", ["Device"] = "device",
            ["Seed"] = "seed", ["CheckpointInterval"] = "checkpoint-interval", ["EvaluationInterval"] = "eval-interval",
            ["ScoreThreshold"] = "score-threshold", ["LogEveryNStep"] = "log-every", ["ResumeFrom"] = "resume", ["InitialWeights"] = "init", ["InitialWeightsIncludePredictors"] = "init-with-predictors",
        };
    }
}
