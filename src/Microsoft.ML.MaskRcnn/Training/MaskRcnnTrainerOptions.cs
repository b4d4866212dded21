using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.MaskRcnn.Checkpoints;
using Microsoft.ML.MaskRcnn.Modeling;

namespace Microsoft.ML.MaskRcnn.Training
{
    /// <summary>How the learning rate decays after the warm-up.</summary>
    public enum LearningRateDecay
    {
        /// <summary>Multiplied by <see cref="MaskRcnnTrainerOptions.StepGamma"/> at each milestone (the paper's schedule).</summary>
        Step,

        /// <summary>Half a cosine from the base rate down to <see cref="MaskRcnnTrainerOptions.MinLearningRateFactor"/> of it.</summary>
        Cosine,
    }

    /// <summary>
    /// Everything the trainer needs besides the data: the network (<see cref="Model"/>), the optimisation schedule,
    /// augmentation, validation, checkpoints, initial weights and the execution settings. <see cref="Validate"/>
    /// names the option at fault. Presets: <see cref="SmallFromScratch"/>, <see cref="SmallPretrained"/>, <see cref="EmbeddedShapes"/> and <see cref="PaperR50Fpn"/>.
    /// </summary>
    public sealed class MaskRcnnTrainerOptions
    {
        /// <summary>The network's hyper-parameters (backbone, sizes, anchors, heads, class count).</summary>
        public MaskRcnnOptions Model { get; set; } = new();

        /// <summary>
        /// Passes over the training set (ignored when <see cref="MaxSteps"/> is set). 0 (with <see cref="MaxSteps"/> 0) trains
        /// nothing: the network is <see cref="InitialWeights"/> with its predictors, e.g. a model trained with torchvision.
        /// </summary>
        public int Epochs { get; set; } = 12;

        /// <summary>When positive, the number of optimisation steps to run (overrides <see cref="Epochs"/>).</summary>
        public int MaxSteps { get; set; }

        /// <summary>Images per step.</summary>
        public int BatchSize { get; set; } = 2;

        /// <summary>SGD learning rate after warm-up (torchvision's reference: 0.02 for 16 images per step, scaled linearly).</summary>
        public double LearningRate { get; set; } = 0.0025;

        public double Momentum { get; set; } = 0.9;

        public double WeightDecay { get; set; } = 1e-4;

        /// <summary>Steps of linear warm-up from <see cref="WarmupFactor"/> of the rate to the full rate.</summary>
        public int WarmupSteps { get; set; } = 500;

        public double WarmupFactor { get; set; } = 0.001;

        /// <summary>
        /// The warm-up lasts at most this fraction of the schedule's steps, so that a short run (a few hundred steps, a
        /// preset's warm-up of 100) still spends most of its steps at the full rate.
        /// </summary>
        public double MaxWarmupFraction { get; set; } = 0.2;

        public LearningRateDecay Decay { get; set; } = LearningRateDecay.Step;

        /// <summary>Step decay milestones, as fractions of the total steps (the paper: 8/12 and 11/12 of the schedule).</summary>
        public IReadOnlyList<double> StepMilestones { get; set; } = new[] { 8.0 / 12, 11.0 / 12 };

        public double StepGamma { get; set; } = 0.1;

        /// <summary>Cosine decay ends at this fraction of the base rate.</summary>
        public double MinLearningRateFactor { get; set; } = 0.0;

        /// <summary>When positive, gradients are rescaled so that their joint 2-norm is at most this.</summary>
        public double GradientClipNorm { get; set; }

        /// <summary>Seed of the data order, the augmentation, the samplers and the initialisation.</summary>
        public int Seed { get; set; }

        /// <summary>Intra-op threads of libtorch.</summary>
        public int Threads { get; set; } = Environment.ProcessorCount;

        /// <summary>Where the network runs: "cpu", "cuda", "cuda:1" ...</summary>
        public string Device { get; set; } = "cpu";

        /// <summary>
        /// How the network computes: the memory layout in training and inference; folded batch norm and the precision in
        /// inference (validations included). Machine settings, like <see cref="Threads"/>: a resumed run takes the current ones.
        /// </summary>
        public ComputeOptions Compute { get; set; } = new();

        /// <summary>Probability of flipping a training image horizontally.</summary>
        public double HorizontalFlipProbability { get; set; } = 0.5;

        /// <summary>Validate every this many steps (0: at the end of each epoch); ignored without a validation set.</summary>
        public int EvaluationInterval { get; set; }

        /// <summary>
        /// Wall-clock time for training and its validation passes; null: none. When set, the first steps are timed and the run
        /// gets as many steps as fit (<see cref="MaxSteps"/> and <see cref="Epochs"/> are then ignored), with the warm-up
        /// and decay laid over them; a run that falls behind is shortened. The plan is reported through the trainer's messages.
        /// </summary>
        public System.TimeSpan? TimeBudget { get; set; }

        /// <summary>Folder of the checkpoints; null: no checkpoints.</summary>
        public string? CheckpointDirectory { get; set; }

        /// <summary>Write a checkpoint every this many steps (0: at the end of each epoch and of training).</summary>
        public int CheckpointInterval { get; set; }

        /// <summary>
        /// A torchvision checkpoint (.pth) or a checkpoint of ours to start from, or an ImageNet ResNet stored as ONNX (.onnx, such
        /// as <see cref="ImageNetResNet18"/>'s) for the backbone alone; null: random initialisation.
        /// </summary>
        public string? InitialWeights { get; set; }

        /// <summary>
        /// The ONNX backbone in <see cref="InitialWeights"/> was trained on BGR images (CNTK's and ML.NET's featurizers'): its first
        /// convolution's input channels are reversed on loading so that it reads our RGB images.
        /// </summary>
        public bool InitialWeightsChannelsReversed { get; set; }

        /// <summary>Also load the class-count-dependent predictor layers from <see cref="InitialWeights"/> (false to fine-tune on other classes).</summary>
        public bool InitialWeightsIncludePredictors { get; set; }

        /// <summary>Skip (and count) images that fail to load instead of stopping with an error naming the file.</summary>
        public bool SkipUnreadableImages { get; set; }

        /// <summary>Save a checkpoint when training stops because of cancellation.</summary>
        public bool CheckpointOnCancel { get; set; } = true;

        /// <summary>
        /// A small network for CPUs and small datasets, trained from scratch: ResNet-18-FPN with 128 channels, ordinary
        /// batch normalisation (statistics are learned), short side 320-416 (jittered) at most 512, lighter heads.
        /// </summary>
        public static MaskRcnnTrainerOptions SmallFromScratch(int numClasses) => new()
        {
            Model = new MaskRcnnOptions
            {
                NumClasses = numClasses, BackboneDepth = 18, BackboneNormalization = BackboneNormalization.BatchNorm,
                TrainableBackboneStages = 5, FpnChannels = 128, MinSize = 384, MaxSize = 512, TrainingMinSizes = new[] { 320, 352, 384, 416 },
                RpnPreNmsTopNTrain = 1000, RpnPostNmsTopNTrain = 500, RpnPreNmsTopNTest = 500, RpnPostNmsTopNTest = 300,
                BoxBatchSizePerImage = 128, RepresentationSize = 256, MaskHeadChannels = 64,
            },
            BatchSize = 4, LearningRate = 0.02, WarmupSteps = 100, Epochs = 20,
            Decay = LearningRateDecay.Cosine, GradientClipNorm = 10.0,
        };

        /// <summary>
        /// <see cref="SmallFromScratch"/>'s network and schedule on ML.NET's ImageNet-trained ResNet-18 (see
        /// <see cref="UseImageNetResNet18"/>), for real photos and little data. <paramref name="modelsFolder"/> is the
        /// DnnImageModels folder (default: beside the application).
        /// </summary>
        /// <exception cref="System.IO.FileNotFoundException">The models are absent; the message names the NuGet package to add.</exception>
        public static MaskRcnnTrainerOptions SmallPretrained(int numClasses, string? modelsFolder = null)
        {
            var options = SmallFromScratch(numClasses);
            options.UseImageNetResNet18(modelsFolder);
            return options;
        }

        /// <summary>
        /// Starts the backbone from ML.NET's ImageNet ResNet-18 (<see cref="ImageNetResNet18"/>: blocks per stage [2, 2, 2, 3])
        /// with the input normalisation and channel order it was trained with (read from its preprocessing graph), frozen batch
        /// normalisation and the stem and first stage frozen, as torchvision fine-tunes its pretrained backbones. The rest
        /// of the recipe (sizes, heads, schedule) is left as it is.
        /// </summary>
        /// <exception cref="System.IO.FileNotFoundException">The models are absent; the message names the NuGet package to add.</exception>
        public void UseImageNetResNet18(string? modelsFolder = null)
        {
            var models = ImageNetResNet18.Locate(modelsFolder);
            var preprocessing = OnnxImagePreprocessing.Read(models.PreprocessingPath);
            var (mean, std) = preprocessing.Normalization();
            Model.BackboneDepth = 18;
            Model.BackboneStageBlocks = new[] { 2, 2, 2, 3 };
            Model.BackboneNormalization = BackboneNormalization.Frozen;
            Model.TrainableBackboneStages = 3;
            Model.ImageMean = mean;
            Model.ImageStd = std;
            InitialWeights = models.NetworkPath;
            InitialWeightsChannelsReversed = preprocessing.ReversesChannels;
            InitialWeightsIncludePredictors = false;
        }

        /// <summary>
        /// The recipe for the embedded synthetic-shapes dataset (<see cref="Data.SyntheticShapesDataset"/>, 160 x 128
        /// images, 3 classes): ResNet-18-FPN from scratch at the images' own size with narrow heads, sized to train on two
        /// CPU cores in minutes. The README's main job trains it with <c>--start scratch</c>.
        /// </summary>
        public static MaskRcnnTrainerOptions EmbeddedShapes() => new()
        {
            Model = new MaskRcnnOptions
            {
                NumClasses = 4, BackboneDepth = 18, BackboneNormalization = BackboneNormalization.BatchNorm,
                TrainableBackboneStages = 5, FpnChannels = 64, MinSize = 128, MaxSize = 171, TrainingMinSizes = null,
                AnchorSizes = new[] { new[] { 16.0 }, new[] { 32.0 }, new[] { 64.0 }, new[] { 128.0 }, new[] { 256.0 } },
                RpnPreNmsTopNTrain = 1000, RpnPostNmsTopNTrain = 500, RpnPreNmsTopNTest = 500, RpnPostNmsTopNTest = 300,
                BoxBatchSizePerImage = 64, RepresentationSize = 256, MaskHeadChannels = 32, MaskHeadLayers = 2,
            },
            BatchSize = 4, LearningRate = 0.02, WarmupSteps = 50, MaxSteps = 3000,
            Decay = LearningRateDecay.Cosine, GradientClipNorm = 10.0,
        };

        /// <summary>
        /// <see cref="EmbeddedShapes"/> on ML.NET's ImageNet-trained ResNet-18 (<see cref="UseImageNetResNet18"/>) with a
        /// schedule of 800 steps: the README's main job. The pretrained start passes mask AP50 0.9 on held-out images within
        /// 300 steps where the from-scratch recipe needs about 2,400 (docs/benchmarks.md, "training-embedded").
        /// <paramref name="modelsFolder"/> is the DnnImageModels folder (default: beside the application).
        /// </summary>
        /// <exception cref="System.IO.FileNotFoundException">The models are absent; the message names the NuGet package to add.</exception>
        public static MaskRcnnTrainerOptions EmbeddedShapesPretrained(string? modelsFolder = null)
        {
            var options = EmbeddedShapes();
            options.UseImageNetResNet18(modelsFolder);
            options.MaxSteps = 800;
            return options;
        }

        /// <summary>The paper's R50-FPN at 800 (torchvision's maskrcnn_resnet50_fpn settings), for pretrained starts and large machines.</summary>
        public static MaskRcnnTrainerOptions PaperR50Fpn(int numClasses) => new()
        {
            Model = new MaskRcnnOptions { NumClasses = numClasses, BackboneDepth = 50, TrainableBackboneStages = 3 },
            BatchSize = 2, LearningRate = 0.0025, WarmupSteps = 1000, Epochs = 26, StepMilestones = new[] { 16.0 / 26, 22.0 / 26 },
        };

        /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid option (including the model's).</summary>
        public void Validate()
        {
            static void Check(bool ok, string option, string rule)
            {
                if (!ok) throw new ArgumentException($"Invalid MaskRcnnTrainerOptions.{option}: {rule}.", option);
            }
            Check(Model is not null, nameof(Model), "is required");
            Model!.Validate();
            bool importOnly = MaxSteps == 0 && Epochs == 0;
            Check(MaxSteps > 0 || Epochs >= 0, nameof(Epochs), $"must not be negative, got {Epochs}");
            Check(!importOnly || (InitialWeights is not null && InitialWeightsIncludePredictors && TimeBudget is null), nameof(Epochs),
                  "0 (with MaxSteps 0) trains nothing, so it needs InitialWeights with InitialWeightsIncludePredictors and no TimeBudget: the whole network comes from those weights");
            Check(MaxSteps >= 0, nameof(MaxSteps), $"must not be negative, got {MaxSteps}");
            Check(BatchSize > 0, nameof(BatchSize), $"must be positive, got {BatchSize}");
            Check(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), $"must be positive, got {LearningRate}");
            Check(Momentum is >= 0 and < 1, nameof(Momentum), $"must be in [0, 1), got {Momentum}");
            Check(WeightDecay >= 0, nameof(WeightDecay), $"must not be negative, got {WeightDecay}");
            Check(WarmupSteps >= 0, nameof(WarmupSteps), $"must not be negative, got {WarmupSteps}");
            Check(MaxWarmupFraction is >= 0 and <= 1, nameof(MaxWarmupFraction), $"must be in [0, 1], got {MaxWarmupFraction}");
            Check(WarmupFactor is > 0 and <= 1, nameof(WarmupFactor), $"must be in (0, 1], got {WarmupFactor}");
            Check(StepMilestones.All(m => m is > 0 and < 1), nameof(StepMilestones), "must be fractions of the schedule in (0, 1)");
            Check(StepGamma is > 0 and <= 1, nameof(StepGamma), $"must be in (0, 1], got {StepGamma}");
            Check(MinLearningRateFactor is >= 0 and <= 1, nameof(MinLearningRateFactor), $"must be in [0, 1], got {MinLearningRateFactor}");
            Check(GradientClipNorm >= 0, nameof(GradientClipNorm), $"must not be negative, got {GradientClipNorm}");
            Check(Threads > 0, nameof(Threads), $"must be positive, got {Threads}");
            Check(!string.IsNullOrWhiteSpace(Device), nameof(Device), "must name a device such as \"cpu\" or \"cuda:0\"");
            Check(Compute is not null, nameof(Compute), "is required");
            Compute!.Validate();
            Check(HorizontalFlipProbability is >= 0 and <= 1, nameof(HorizontalFlipProbability), $"must be in [0, 1], got {HorizontalFlipProbability}");
            Check(EvaluationInterval >= 0, nameof(EvaluationInterval), "must not be negative");
            Check(TimeBudget is null || TimeBudget > System.TimeSpan.Zero, nameof(TimeBudget), $"must be positive, got {TimeBudget}");
            Check(CheckpointInterval >= 0, nameof(CheckpointInterval), "must not be negative");
            Check(InitialWeights is null || System.IO.File.Exists(InitialWeights), nameof(InitialWeights), $"file '{InitialWeights}' does not exist");
            Check(!InitialWeightsChannelsReversed || IsOnnx(InitialWeights), nameof(InitialWeightsChannelsReversed),
                  "applies only to an ONNX backbone (.onnx) in InitialWeights");
            Check(!IsOnnx(InitialWeights) || !InitialWeightsIncludePredictors, nameof(InitialWeightsIncludePredictors),
                  "an ONNX backbone has no predictors to load");
        }

        /// <summary>Whether <paramref name="path"/> names an ONNX model (loaded as a backbone only).</summary>
        internal static bool IsOnnx(string? path) => path is not null && path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);

        /// <summary>A deep copy.</summary>
        public MaskRcnnTrainerOptions Clone()
        {
            var copy = (MaskRcnnTrainerOptions)MemberwiseClone();
            copy.Model = Model.Clone();
            copy.StepMilestones = StepMilestones.ToArray();
            copy.Compute = Compute.Clone();
            return copy;
        }
    }
}
