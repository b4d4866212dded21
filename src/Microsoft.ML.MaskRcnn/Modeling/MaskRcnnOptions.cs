using System;
using System.Collections.Generic;
using System.Linq;

namespace Microsoft.ML.MaskRcnn.Modeling
{
    /// <summary>
    /// Every hyper-parameter of the network, with torchvision's maskrcnn_resnet50_fpn defaults (the paper's R50-FPN).
    /// Train/test pairs are named side by side. <see cref="Validate"/> names the option at fault.
    /// </summary>
    public sealed class MaskRcnnOptions
    {
        /// <summary>Number of classes including the background (class 0). COCO: 91.</summary>
        public int NumClasses { get; set; } = 91;

        /// <summary>ResNet depth of the backbone: 18, 34, 50 or 101.</summary>
        public int BackboneDepth { get; set; } = 50;

        /// <summary>
        /// Residual blocks in each of the ResNet's four stages; null means the depth's standard ones (ResNet-18: 2, 2, 2, 2).
        /// ML.NET's ImageNet ResNet-18 (the DnnImageFeaturizer package) has 2, 2, 2, 3.
        /// </summary>
        public IReadOnlyList<int>? BackboneStageBlocks { get; set; }

        /// <summary>Frozen statistics (pretrained weights) or ordinary batch normalisation (training from scratch).</summary>
        public BackboneNormalization BackboneNormalization { get; set; } = BackboneNormalization.Frozen;

        /// <summary>Trainable ResNet stages counted from layer4 down (0..5; torchvision: 3 with pretrained weights, 5 from scratch).</summary>
        public int TrainableBackboneStages { get; set; } = 3;

        /// <summary>Channels of every FPN level.</summary>
        public int FpnChannels { get; set; } = 256;

        /// <summary>Short side of the resized image at test time (and in training unless <see cref="TrainingMinSizes"/> is set).</summary>
        public int MinSize { get; set; } = 800;

        /// <summary>Upper bound of the long side of the resized image.</summary>
        public int MaxSize { get; set; } = 1333;

        /// <summary>Short sides drawn at random per training image (scale jitter); null means <see cref="MinSize"/>.</summary>
        public IReadOnlyList<int>? TrainingMinSizes { get; set; }

        /// <summary>Per-channel mean of the input normalisation (RGB in [0, 1]).</summary>
        public IReadOnlyList<double> ImageMean { get; set; } = ImageTransform.ImageNetMean;

        /// <summary>Per-channel standard deviation of the input normalisation.</summary>
        public IReadOnlyList<double> ImageStd { get; set; } = ImageTransform.ImageNetStd;

        /// <summary>Anchor sizes per FPN level P2..P6 (one or more per level).</summary>
        public IReadOnlyList<double[]> AnchorSizes { get; set; } = new[] { new[] { 32.0 }, new[] { 64.0 }, new[] { 128.0 }, new[] { 256.0 }, new[] { 512.0 } };

        /// <summary>Anchor aspect ratios (height / width) per level.</summary>
        public IReadOnlyList<double[]> AnchorAspectRatios { get; set; } = Enumerable.Repeat(new[] { 0.5, 1.0, 2.0 }, 5).ToArray();

        public int RpnPreNmsTopNTrain { get; set; } = 2000;
        public int RpnPreNmsTopNTest { get; set; } = 1000;
        public int RpnPostNmsTopNTrain { get; set; } = 2000;
        public int RpnPostNmsTopNTest { get; set; } = 1000;
        public double RpnNmsThreshold { get; set; } = 0.7;
        public double RpnForegroundIouThreshold { get; set; } = 0.7;
        public double RpnBackgroundIouThreshold { get; set; } = 0.3;
        public int RpnBatchSizePerImage { get; set; } = 256;
        public double RpnPositiveFraction { get; set; } = 0.5;
        public double RpnScoreThreshold { get; set; } = 0.0;

        /// <summary>Proposals smaller than this (pixels) are dropped.</summary>
        public double RpnMinSize { get; set; } = 1e-3;

        public double BoxScoreThreshold { get; set; } = 0.05;
        public double BoxNmsThreshold { get; set; } = 0.5;
        public int DetectionsPerImage { get; set; } = 100;
        public double BoxForegroundIouThreshold { get; set; } = 0.5;
        public double BoxBackgroundIouThreshold { get; set; } = 0.5;
        public int BoxBatchSizePerImage { get; set; } = 512;
        public double BoxPositiveFraction { get; set; } = 0.25;

        /// <summary>Weights of (dx, dy, dw, dh) in the second stage's box coding.</summary>
        public IReadOnlyList<double> BoxRegressionWeights { get; set; } = new[] { 10.0, 10.0, 5.0, 5.0 };

        /// <summary>Width of the box head's two fully connected layers.</summary>
        public int RepresentationSize { get; set; } = 1024;

        /// <summary>Channels of each 3x3 convolution of the mask head (and of its upsampling layer).</summary>
        public int MaskHeadChannels { get; set; } = 256;

        /// <summary>Number of 3x3 convolutions in the mask head.</summary>
        public int MaskHeadLayers { get; set; } = 4;

        /// <summary>Probability above which a pixel belongs to a predicted mask.</summary>
        public double MaskThreshold { get; set; } = 0.5;

        /// <summary>Seed of the training samplers and of the scale jitter.</summary>
        public long Seed { get; set; } = 0;

        /// <summary>The most classes (background not counted) a network may have.</summary>
        public const int MaxClasses = 100_000;

        /// <summary>The most weights one layer may hold (2^28, a gigabyte of float32): a bound against hostile model files.</summary>
        public const long MaxLayerParameters = 1L << 28;

        /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid option.</summary>
        public void Validate()
        {
            static void Check(bool ok, string option, string rule)
            {
                if (!ok) throw new ArgumentException($"Invalid MaskRcnnOptions.{option}: {rule}.", option);
            }
            Check(NumClasses >= 2, nameof(NumClasses), $"must be at least 2 (background and one class), got {NumClasses}");
            // Upper bounds: options also come from model files, and a hostile one must not make the loader build (or an
            // image be resized to) terabytes. Each is far above any real network.
            Check(NumClasses <= MaxClasses + 1, nameof(NumClasses), $"must be at most {MaxClasses + 1}, got {NumClasses}");
            Check(BackboneDepth is 18 or 34 or 50 or 101, nameof(BackboneDepth), $"must be 18, 34, 50 or 101, got {BackboneDepth}");
            Check(BackboneStageBlocks is null || (BackboneStageBlocks.Count == 4 && BackboneStageBlocks.All(b => b is >= 1 and <= 64)), nameof(BackboneStageBlocks),
                  $"must be four block counts from 1 to 64, got [{string.Join(", ", BackboneStageBlocks ?? Array.Empty<int>())}]");
            Check(TrainableBackboneStages is >= 0 and <= 5, nameof(TrainableBackboneStages), $"must be between 0 and 5, got {TrainableBackboneStages}");
            Check(FpnChannels is > 0 and <= 4096, nameof(FpnChannels), $"must be from 1 to 4096, got {FpnChannels}");
            Check(MinSize > 0, nameof(MinSize), $"must be positive, got {MinSize}");
            Check(MaxSize >= MinSize && MaxSize <= 16384, nameof(MaxSize), $"must be at least MinSize ({MinSize}) and at most 16384, got {MaxSize}");
            Check(TrainingMinSizes is null || (TrainingMinSizes.Count > 0 && TrainingMinSizes.All(s => s > 0)), nameof(TrainingMinSizes), "must be null or positive sizes");
            Check(ImageMean.Count == 3, nameof(ImageMean), "needs three values (RGB)");
            Check(ImageStd.Count == 3 && ImageStd.All(s => s > 0), nameof(ImageStd), "needs three positive values (RGB)");
            Check(AnchorSizes.Count == 5, nameof(AnchorSizes), $"needs one entry per FPN level (5), got {AnchorSizes.Count}");
            Check(AnchorAspectRatios.Count == 5, nameof(AnchorAspectRatios), $"needs one entry per FPN level (5), got {AnchorAspectRatios.Count}");
            Check(AnchorSizes.All(s => s.Length > 0 && s.All(v => v > 0)), nameof(AnchorSizes), "sizes must be positive, at least one per level");
            Check(AnchorAspectRatios.All(r => r.Length > 0 && r.All(v => v > 0)), nameof(AnchorAspectRatios), "ratios must be positive, at least one per level");
            Check(AnchorSizes.Select((s, i) => s.Length * AnchorAspectRatios[i].Length).Distinct().Count() == 1, nameof(AnchorAspectRatios),
                  "every level needs the same number of anchors per location (the RPN head is shared by all levels)");
            Check(RpnPreNmsTopNTrain is > 0 and <= 1_000_000 && RpnPreNmsTopNTest is > 0 and <= 1_000_000, nameof(RpnPreNmsTopNTrain), "pre-NMS top-n must be from 1 to 1,000,000");
            Check(RpnPostNmsTopNTrain is > 0 and <= 1_000_000 && RpnPostNmsTopNTest is > 0 and <= 1_000_000, nameof(RpnPostNmsTopNTrain), "post-NMS top-n must be from 1 to 1,000,000");
            Check(RpnNmsThreshold is > 0 and <= 1, nameof(RpnNmsThreshold), "must be in (0, 1]");
            Check(RpnBackgroundIouThreshold <= RpnForegroundIouThreshold, nameof(RpnBackgroundIouThreshold), "must not exceed RpnForegroundIouThreshold");
            Check(RpnBatchSizePerImage > 0, nameof(RpnBatchSizePerImage), "must be positive");
            Check(RpnPositiveFraction is > 0 and <= 1, nameof(RpnPositiveFraction), "must be in (0, 1]");
            Check(BoxScoreThreshold is >= 0 and < 1, nameof(BoxScoreThreshold), "must be in [0, 1)");
            Check(BoxNmsThreshold is > 0 and <= 1, nameof(BoxNmsThreshold), "must be in (0, 1]");
            Check(DetectionsPerImage is > 0 and <= 100_000, nameof(DetectionsPerImage), $"must be from 1 to 100,000, got {DetectionsPerImage}");
            Check(BoxBackgroundIouThreshold <= BoxForegroundIouThreshold, nameof(BoxBackgroundIouThreshold), "must not exceed BoxForegroundIouThreshold");
            Check(BoxBatchSizePerImage > 0, nameof(BoxBatchSizePerImage), "must be positive");
            Check(BoxPositiveFraction is > 0 and <= 1, nameof(BoxPositiveFraction), "must be in (0, 1]");
            Check(BoxRegressionWeights.Count == 4 && BoxRegressionWeights.All(w => w > 0), nameof(BoxRegressionWeights), "needs four positive weights");
            Check(RepresentationSize is > 0 and <= 16384, nameof(RepresentationSize), $"must be from 1 to 16384, got {RepresentationSize}");
            Check(MaskHeadChannels is > 0 and <= 4096, nameof(MaskHeadChannels), $"must be from 1 to 4096, got {MaskHeadChannels}");
            Check(MaskHeadLayers is > 0 and <= 32, nameof(MaskHeadLayers), $"must be from 1 to 32, got {MaskHeadLayers}");
            // The largest layers: the box head's first (pooled 7x7 features in), the class and box predictors.
            Check((long)FpnChannels * 7 * 7 * RepresentationSize <= MaxLayerParameters, nameof(RepresentationSize),
                  $"the box head's first layer would hold {(long)FpnChannels * 49 * RepresentationSize} weights (FpnChannels x 49 x RepresentationSize), more than {MaxLayerParameters}");
            Check((long)RepresentationSize * NumClasses * 5 <= MaxLayerParameters, nameof(NumClasses),
                  $"the box predictor would hold {(long)RepresentationSize * NumClasses * 5} weights (RepresentationSize x NumClasses x 5), more than {MaxLayerParameters}");
            Check(MaskThreshold is > 0 and < 1, nameof(MaskThreshold), "must be in (0, 1)");
        }

        /// <summary>A copy (so that a model's options cannot change under it).</summary>
        public MaskRcnnOptions Clone()
        {
            var copy = (MaskRcnnOptions)MemberwiseClone();
            copy.AnchorSizes = AnchorSizes.Select(a => a.ToArray()).ToArray();
            copy.AnchorAspectRatios = AnchorAspectRatios.Select(a => a.ToArray()).ToArray();
            copy.TrainingMinSizes = TrainingMinSizes?.ToArray();
            copy.BackboneStageBlocks = BackboneStageBlocks?.ToArray();
            copy.ImageMean = ImageMean.ToArray();
            copy.ImageStd = ImageStd.ToArray();
            copy.BoxRegressionWeights = BoxRegressionWeights.ToArray();
            return copy;
        }
    }
}
