using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.MaskRcnn.Ops;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.MaskRcnn.Modeling
{
    /// <summary>What the RoI heads read: feature maps by name, proposals per image, image sizes, and (training) targets.</summary>
    public sealed record RoIHeadsInput(Dictionary<string, Tensor> Features, Tensor[] Proposals, (long height, long width)[] ImageSizes,
                                       IReadOnlyList<DetectionTarget>? Targets);

    /// <summary>Per image: boxes, labels and scores after post-processing, and mask probabilities [K, 1, 28, 28] (eval only).</summary>
    public sealed record RoIHeadsDetections(Tensor Boxes, Tensor Labels, Tensor Scores, Tensor MaskProbabilities);

    /// <summary>
    /// The second stage (torchvision's RoIHeads): MultiScaleRoIAlign 7x7 -> TwoMLPHead -> class scores and class-specific
    /// deltas; MultiScaleRoIAlign 14x14 -> mask head -> one 28x28 mask logit map per class. Training samples 512 proposals
    /// per image (25% positive, ground truth added), matched at IoU 0.5, and returns loss_classifier, loss_box_reg and
    /// loss_mask (BCE on the ground-truth class's mask against the RoIAlign of the ground-truth mask onto the proposal).
    /// Inference: softmax, per-class boxes, score > 0.05, per-class NMS 0.5, top 100, masks on the final boxes only.
    /// </summary>
    public sealed class RoIHeads : nn.Module<RoIHeadsInput, (RoIHeadsDetections[] detections, Dictionary<string, Tensor> losses)>
    {
        private static readonly string[] PooledLevels = { "0", "1", "2", "3" };

        private readonly MultiScaleRoIAlign box_roi_pool;
        private readonly TwoMlpHead box_head;
        private readonly FastRcnnPredictor box_predictor;
        private readonly MultiScaleRoIAlign mask_roi_pool;
        private readonly MaskRcnnHeads mask_head;
        private readonly MaskRcnnPredictor mask_predictor;
        private readonly BoxCoder boxCoder;
        private readonly Matcher matcher;
        private readonly MaskRcnnOptions options;

        internal RoIHeads(MaskRcnnOptions options, long channels, Generator generator) : base(nameof(RoIHeads))
        {
            this.options = options;
            box_roi_pool = new MultiScaleRoIAlign(PooledLevels, 7, 2);
            box_head = new TwoMlpHead(channels * 7 * 7, options.RepresentationSize);
            box_predictor = new FastRcnnPredictor(options.RepresentationSize, options.NumClasses);
            mask_roi_pool = new MultiScaleRoIAlign(PooledLevels, 14, 2);
            mask_head = new MaskRcnnHeads(channels, Enumerable.Repeat((long)options.MaskHeadChannels, options.MaskHeadLayers).ToArray());
            mask_predictor = new MaskRcnnPredictor(options.MaskHeadChannels, options.MaskHeadChannels, options.NumClasses);
            var w = options.BoxRegressionWeights;
            boxCoder = new BoxCoder((w[0], w[1], w[2], w[3]));
            matcher = new Matcher(options.BoxForegroundIouThreshold, options.BoxBackgroundIouThreshold, allow_low_quality_matches: false);
            Sampler = new BalancedPositiveNegativeSampler(options.BoxBatchSizePerImage, options.BoxPositiveFraction, generator).call;
            RegisterComponents();
        }

        /// <summary>The proposal sampler (replaceable by tests with a deterministic one).</summary>
        internal ExampleSampler Sampler { get; set; }

        public override (RoIHeadsDetections[] detections, Dictionary<string, Tensor> losses) forward(RoIHeadsInput input)
        {
            using var scope = NewDisposeScope();
            var proposals = input.Proposals;
            var losses = new Dictionary<string, Tensor>();
            Tensor[]? labels = null, matched = null, regressionTargets = null;
            if (training)
            {
                if (input.Targets is null) throw new ArgumentException("Training needs targets for every image.");
                (proposals, matched, labels, regressionTargets) = SelectTrainingSamples(proposals, input.Targets);
            }

            Tensor boxFeatures;
            using (var pooled = box_roi_pool.call(input.Features, proposals, input.ImageSizes))
                boxFeatures = box_head.call(pooled);
            var (classLogits, boxRegression) = box_predictor.call(boxFeatures);

            if (training)
            {
                var (classifierLoss, boxLoss) = FastRcnnLoss(classLogits, boxRegression, labels!, regressionTargets!);
                losses["loss_classifier"] = classifierLoss;
                losses["loss_box_reg"] = boxLoss;
                var maskProposals = new Tensor[proposals.Length];
                var positiveMatches = new Tensor[proposals.Length];
                for (int i = 0; i < proposals.Length; i++)
                {
                    var positive = torch.where(labels![i] > 0)[0];
                    maskProposals[i] = proposals[i][positive];
                    positiveMatches[i] = matched![i][positive];
                }
                var maskLogits = MaskLogits(input, maskProposals);
                losses["loss_mask"] = MaskLoss(maskLogits, maskProposals, input.Targets!, positiveMatches);
                foreach (var loss in losses.Values) loss.MoveToOuterDisposeScope();
                return (Array.Empty<RoIHeadsDetections>(), losses);
            }

            var detections = Postprocess(classLogits, boxRegression, proposals, input.ImageSizes);
            var logits = MaskLogits(input, detections.Select(d => d.boxes).ToArray());
            var allLabels = torch.cat(detections.Select(d => d.labels).ToList(), 0);
            // Each detection's own class first, then the sigmoid: the same values as torchvision's sigmoid of all classes,
            // without a second [K, classes, 28, 28] map.
            var selected = logits[torch.arange(allLabels.shape[0], device: allLabels.device), allLabels].sigmoid_().unsqueeze(1);
            var perImage = selected.split(detections.Select(d => d.boxes.shape[0]).ToArray(), 0);
            var result = detections.Select((d, i) => new RoIHeadsDetections(
                d.boxes.MoveToOuterDisposeScope(), d.labels.MoveToOuterDisposeScope(), d.scores.MoveToOuterDisposeScope(),
                perImage[i].MoveToOuterDisposeScope())).ToArray();
            return (result, losses);
        }

        private Tensor MaskLogits(RoIHeadsInput input, Tensor[] boxes)
        {
            using var pooled = mask_roi_pool.call(input.Features, boxes, input.ImageSizes);
            using var features = mask_head.call(pooled);
            return mask_predictor.call(features);
        }

        private (Tensor[] proposals, Tensor[] matched, Tensor[] labels, Tensor[] regressionTargets) SelectTrainingSamples(
            Tensor[] proposals, IReadOnlyList<DetectionTarget> targets)
        {
            int images = proposals.Length;
            // The ground-truth boxes are proposals too: early in training the RPN may miss objects altogether.
            var withGt = proposals.Select((p, i) => torch.cat(new[] { p, targets[i].Boxes.to(p.dtype) }, 0)).ToArray();
            var matchedIdxs = new Tensor[images];
            var labels = new Tensor[images];
            for (int i = 0; i < images; i++)
            {
                var gt = targets[i].Boxes;
                if (gt.shape[0] == 0)
                {
                    matchedIdxs[i] = torch.zeros(new[] { withGt[i].shape[0] }, ScalarType.Int64, withGt[i].device);
                    labels[i] = torch.zeros(new[] { withGt[i].shape[0] }, ScalarType.Int64, withGt[i].device);
                    continue;
                }
                var matches = matcher.call(DetectionOps.box_iou(gt.to(withGt[i].dtype), withGt[i]));
                matchedIdxs[i] = matches.clamp(min: 0);
                var label = targets[i].Labels[matchedIdxs[i]].to(ScalarType.Int64);
                label.masked_fill_(matches == Matcher.BELOW_LOW_THRESHOLD, 0);
                label.masked_fill_(matches == Matcher.BETWEEN_THRESHOLDS, -1);
                labels[i] = label;
            }
            var (positiveMasks, negativeMasks) = Sampler(labels);
            var sampledProposals = new Tensor[images];
            var matchedBoxes = new Tensor[images];
            for (int i = 0; i < images; i++)
            {
                var sampled = torch.where(positiveMasks[i].logical_or(negativeMasks[i]))[0];
                sampledProposals[i] = withGt[i][sampled];
                labels[i] = labels[i][sampled];
                matchedIdxs[i] = matchedIdxs[i][sampled];
                var gt = targets[i].Boxes.to(withGt[i].dtype);
                if (gt.shape[0] == 0) gt = torch.zeros(new long[] { 1, 4 }, gt.dtype, gt.device);
                matchedBoxes[i] = gt[matchedIdxs[i]];
            }
            var regressionTargets = boxCoder.encode(matchedBoxes, sampledProposals);
            return (sampledProposals, matchedIdxs, labels, regressionTargets);
        }

        private static (Tensor classifier, Tensor box) FastRcnnLoss(Tensor classLogits, Tensor boxRegression, Tensor[] labels, Tensor[] regressionTargets)
        {
            var allLabels = torch.cat(labels, 0);
            var allTargets = torch.cat(regressionTargets, 0);
            var classifierLoss = F.cross_entropy(classLogits, allLabels);
            var positive = torch.where(allLabels > 0)[0];
            var positiveLabels = allLabels[positive];
            var perClass = boxRegression.reshape(classLogits.shape[0], boxRegression.shape[^1] / 4, 4);
            var boxLoss = F.smooth_l1_loss(perClass[positive, positiveLabels], allTargets[positive], nn.Reduction.Sum, 1.0 / 9) / allLabels.numel();
            return (classifierLoss, boxLoss);
        }

        private static Tensor MaskLoss(Tensor maskLogits, Tensor[] proposals, IReadOnlyList<DetectionTarget> targets, Tensor[] matched)
        {
            long size = maskLogits.shape[^1];
            var labels = new List<Tensor>();
            var maskTargets = new List<Tensor>();
            for (int i = 0; i < proposals.Length; i++)
            {
                var gtMasks = targets[i].Masks ?? throw new ArgumentException($"Image {i} has no masks: Mask R-CNN trains on instance masks.");
                labels.Add(targets[i].Labels[matched[i]]);
                // The mask target is the ground-truth mask resampled (RoIAlign) onto the proposal's 28x28 grid.
                var rois = torch.cat(new[] { matched[i].to(proposals[i].dtype).unsqueeze(1), proposals[i] }, 1);
                var pooled = DetectionOps.roi_align(gtMasks.unsqueeze(1).to(proposals[i].dtype), rois, (size, size), 1.0);
                maskTargets.Add(pooled.select(1, 0));
            }
            var allLabels = torch.cat(labels, 0);
            var allTargets = torch.cat(maskTargets, 0);
            if (allTargets.numel() == 0) return maskLogits.sum() * 0;
            var chosen = maskLogits[torch.arange(allLabels.shape[0], device: allLabels.device), allLabels];
            return F.binary_cross_entropy_with_logits(chosen, allTargets);
        }

        private (Tensor boxes, Tensor scores, Tensor labels)[] Postprocess(Tensor classLogits, Tensor boxRegression, Tensor[] proposals,
                                                                          (long height, long width)[] imageSizes)
        {
            long numClasses = classLogits.shape[^1];
            var counts = proposals.Select(p => p.shape[0]).ToArray();
            var decoded = boxCoder.decode(boxRegression, proposals);
            var scores = F.softmax(classLogits, -1);
            var boxesPerImage = decoded.split(counts, 0);
            var scoresPerImage = scores.split(counts, 0);
            var result = new (Tensor, Tensor, Tensor)[proposals.Length];
            for (int i = 0; i < proposals.Length; i++)
            {
                var boxes = DetectionOps.clip_boxes_to_image(boxesPerImage[i].reshape(-1, 4), imageSizes[i]).reshape(-1, numClasses, 4);
                var s = scoresPerImage[i];
                var labels = torch.arange(numClasses, device: s.device).view(1, -1).expand_as(s);
                // Column 0 is the background class.
                boxes = boxes[TensorIndex.Colon, TensorIndex.Slice(1)].reshape(-1, 4);
                s = s[TensorIndex.Colon, TensorIndex.Slice(1)].reshape(-1);
                labels = labels[TensorIndex.Colon, TensorIndex.Slice(1)].reshape(-1);
                var keep = torch.where(s > options.BoxScoreThreshold)[0];
                boxes = boxes[keep]; s = s[keep]; labels = labels[keep];
                keep = DetectionOps.remove_small_boxes(boxes, 1e-2);
                boxes = boxes[keep]; s = s[keep]; labels = labels[keep];
                keep = DetectionOps.batched_nms(boxes, s, labels, options.BoxNmsThreshold);
                keep = keep.narrow(0, 0, Math.Min(options.DetectionsPerImage, keep.shape[0]));
                result[i] = (boxes[keep], s[keep], labels[keep]);
            }
            return result;
        }
    }
}
