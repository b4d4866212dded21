using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Modeling
{
    /// <summary>
    /// Mask R-CNN (He et al., 2017) as torchvision builds it, read top to bottom like the paper's figure:
    /// transform -> backbone (ResNet + FPN) -> region proposal network -> RoI heads (boxes, classes, masks) -> back to
    /// the original image size. Fields are named as torchvision's state-dict keys (backbone, rpn, roi_heads).
    /// In training mode the forward returns the five losses with torchvision's keys; in evaluation mode, one
    /// <see cref="Detections"/> per image.
    /// </summary>
    public sealed class MaskRcnnModel : nn.Module<IReadOnlyList<Tensor>, IReadOnlyList<DetectionTarget>?, MaskRcnnOutput>
    {
        private readonly ResNetFpnBackbone backbone;
        private readonly RegionProposalNetwork rpn;
        private readonly RoIHeads roi_heads;
        private readonly Generator generator;

        /// <summary>Builds the network (randomly initialised) from <paramref name="options"/>.</summary>
        public MaskRcnnModel(MaskRcnnOptions options) : base(nameof(MaskRcnnModel))
        {
            (options ?? throw new ArgumentNullException(nameof(options))).Validate();
            Options = options.Clone();
            generator = new Generator((ulong)Options.Seed);
            Transform = new ImageTransform(Options.MinSize, Options.MaxSize, Options.TrainingMinSizes, Options.ImageMean, Options.ImageStd);
            backbone = new ResNetFpnBackbone(Options.BackboneDepth, Options.BackboneNormalization, Options.TrainableBackboneStages, Options.FpnChannels,
                                             Options.BackboneStageBlocks);
            rpn = new RegionProposalNetwork(Options, Options.FpnChannels, generator);
            roi_heads = new RoIHeads(Options, Options.FpnChannels, generator);
            RegisterComponents();
        }

        /// <summary>The options the model was built with (a copy; changing it has no effect).</summary>
        public MaskRcnnOptions Options { get; }

        /// <summary>Normalisation, resizing and batching of the input images.</summary>
        public ImageTransform Transform { get; }

        internal RegionProposalNetwork Rpn => rpn;

        internal ResNetFpnBackbone Backbone => backbone;

        /// <summary>The state of the generator behind the samplers and the scale jitter (saved in training checkpoints).</summary>
        internal Tensor GetRandomState() => generator.get_state();

        /// <summary>Restores a state captured by <see cref="GetRandomState"/>.</summary>
        internal void SetRandomState(Tensor state) => generator.set_state(state);

        internal RoIHeads RoIHeads => roi_heads;

        /// <summary>
        /// Runs the network on images ([3, H, W] float in [0, 1], any sizes). Training mode needs <paramref name="targets"/>
        /// and returns losses; evaluation mode returns detections in each image's own coordinates.
        /// </summary>
        public override MaskRcnnOutput forward(IReadOnlyList<Tensor> images, IReadOnlyList<DetectionTarget>? targets)
        {
            if (images is null || images.Count == 0) throw new ArgumentException("The batch is empty: give at least one image.", nameof(images));
            if (training && targets is null) throw new ArgumentException("Training mode needs one target per image.", nameof(targets));
            using var scope = NewDisposeScope();
            var originalSizes = images.Select(i => (i.shape[^2], i.shape[^1])).ToArray();
            var (detections, losses, imageSizes) = TransformAndRun(images, training ? targets : null);
            if (training)
                return new MaskRcnnOutput(losses.ToDictionary(p => p.Key, p => p.Value.MoveToOuterDisposeScope()), null);
            // The network's maps are freed but still resident in glibc's heaps: give them back before the paste allocates
            // the pass's largest tensor, when the heaps cannot serve it themselves.
            Native.FreedMemory.ReturnToSystemBefore(
                detections.Select((d, i) => d.MaskProbabilities.shape[0] * originalSizes[i].Item1 * originalSizes[i].Item2 * sizeof(float)).DefaultIfEmpty(0).Max());
            var results = new Detections[detections.Length];
            for (int i = 0; i < detections.Length; i++)
            {
                var d = detections[i];
                var boxes = ImageTransform.ResizeBoxes(d.Boxes, imageSizes[i], originalSizes[i]);
                var masks = MaskPaste.Paste(d.MaskProbabilities, boxes, originalSizes[i].Item1, originalSizes[i].Item2);
                results[i] = new Detections(boxes.MoveToOuterDisposeScope(), d.Labels.MoveToOuterDisposeScope(),
                                            d.Scores.MoveToOuterDisposeScope(), masks.MoveToOuterDisposeScope());
            }
            return new MaskRcnnOutput(null, results);
        }

        /// <summary>The five training losses (loss_classifier, loss_box_reg, loss_mask, loss_objectness, loss_rpn_box_reg).</summary>
        public Dictionary<string, Tensor> Losses(IReadOnlyList<Tensor> images, IReadOnlyList<DetectionTarget> targets)
        {
            if (!training) throw new InvalidOperationException("Losses are computed in training mode: call train() first.");
            return call(images, targets).Losses!;
        }

        /// <summary>Detections for each image (evaluation mode, no gradients recorded).</summary>
        public Detections[] Detect(IReadOnlyList<Tensor> images)
        {
            if (training) throw new InvalidOperationException("Detection runs in evaluation mode: call eval() first.");
            using var noGrad = no_grad();
            return call(images, null).Detections!;
        }

        /// <summary>
        /// Detections in the frame of the transformed batch <paramref name="batch"/> (evaluation mode): boxes in each
        /// resized image, masks as 28x28 probabilities over their boxes, before mapping back and pasting (what the ONNX
        /// export computes).
        /// </summary>
        internal RoIHeadsDetections[] DetectInTransformedBatch(Tensor batch, (long height, long width)[] imageSizes)
        {
            if (training) throw new InvalidOperationException("Detection runs in evaluation mode: call eval() first.");
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            return MoveToOuterScope(Run(batch, imageSizes, null)).detections;
        }

        // In its own dispose scope, so that the batch, the feature maps and the proposals are released before the caller
        // pastes the masks (the pass's largest tensor, [K, 1, H, W] float): only the detections and losses come out.
        private (RoIHeadsDetections[] detections, Dictionary<string, Tensor> losses, (long height, long width)[] imageSizes) TransformAndRun(
            IReadOnlyList<Tensor> images, IReadOnlyList<DetectionTarget>? targets)
        {
            using var scope = NewDisposeScope();
            var (batch, imageSizes, resizedTargets) = Transform.Transform(images, targets, training, generator);
            var (detections, losses) = MoveToOuterScope(Run(batch, imageSizes, resizedTargets));
            return (detections, losses, imageSizes);
        }

        /// <summary>The network on a transformed batch, in the caller's dispose scope.</summary>
        private (RoIHeadsDetections[] detections, Dictionary<string, Tensor> losses) Run(Tensor batch, (long height, long width)[] imageSizes,
                                                                                        IReadOnlyList<DetectionTarget>? resizedTargets)
        {
            var features = backbone.call(batch);
            var (proposals, proposalLosses) = rpn.call(new RpnInput(batch, imageSizes, features, resizedTargets));
            var named = LevelsForRegionPooling(features);
            var (detections, detectorLosses) = roi_heads.call(new RoIHeadsInput(named, proposals, imageSizes, resizedTargets));
            return (detections, detectorLosses.Concat(proposalLosses).ToDictionary(p => p.Key, p => p.Value));
        }

        private static (RoIHeadsDetections[] detections, Dictionary<string, Tensor> losses) MoveToOuterScope(
            (RoIHeadsDetections[] detections, Dictionary<string, Tensor> losses) outputs)
        {
            foreach (var loss in outputs.losses.Values) loss.MoveToOuterDisposeScope();
            foreach (var d in outputs.detections)
            {
                d.Boxes.MoveToOuterDisposeScope();
                d.Labels.MoveToOuterDisposeScope();
                d.Scores.MoveToOuterDisposeScope();
                d.MaskProbabilities.MoveToOuterDisposeScope();
            }
            return outputs;
        }

        // RoIAlign reads the default layout (NCHW): channels-last levels are copied once here, for both the box and the mask
        // head, instead of once per head and level inside RoIAlign, and the channels-last copies go now that the proposals
        // are made (the autograd graph keeps what backward needs).
        private static Dictionary<string, Tensor> LevelsForRegionPooling(Tensor[] features)
        {
            var named = new Dictionary<string, Tensor>();
            for (int i = 0; i < features.Length; i++)
            {
                var level = features[i];
                if (!level.is_contiguous())
                {
                    var copy = level.contiguous();
                    level.Dispose();
                    level = copy;
                }
                named[ResNetFpnBackbone.LevelNames[i]] = level;
            }
            return named;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) generator.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>The result of a forward pass: losses (training) or detections (evaluation).</summary>
    public sealed record MaskRcnnOutput(Dictionary<string, Tensor>? Losses, Detections[]? Detections);
}
