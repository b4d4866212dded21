using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.MaskRcnn.Ops;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.MaskRcnn.Modeling
{
    /// <summary>Chooses training examples among matched anchors or proposals: per image, masks of positives and negatives.</summary>
    internal delegate (Tensor[] positive, Tensor[] negative) ExampleSampler(IList<Tensor> matched);

    /// <summary>
    /// Region Proposal Network (torchvision's RegionProposalNetwork): the head scores anchors and regresses them; the
    /// best pre-NMS top-n per level are decoded, clipped, filtered (small boxes, NMS per level at 0.7) and the
    /// post-NMS top-n kept. In training it also returns loss_objectness (BCE over 256 sampled anchors, half positive)
    /// and loss_rpn_box_reg (smooth L1, beta 1/9, over the positives, divided by the number sampled).
    /// </summary>
    public sealed class RegionProposalNetwork : nn.Module<RpnInput, (Tensor[] proposals, Dictionary<string, Tensor> losses)>
    {
        private readonly RpnHead head;
        private readonly AnchorGenerator anchorGenerator;
        private readonly BoxCoder boxCoder = new BoxCoder((1.0, 1.0, 1.0, 1.0));
        private readonly Matcher matcher;
        private readonly MaskRcnnOptions options;

        internal RegionProposalNetwork(MaskRcnnOptions options, long channels, Generator generator) : base(nameof(RegionProposalNetwork))
        {
            this.options = options;
            anchorGenerator = new AnchorGenerator(options.AnchorSizes, options.AnchorAspectRatios);
            head = new RpnHead(channels, anchorGenerator.AnchorsPerLocation.Distinct().Single());
            matcher = new Matcher(options.RpnForegroundIouThreshold, options.RpnBackgroundIouThreshold, allow_low_quality_matches: true);
            Sampler = new BalancedPositiveNegativeSampler(options.RpnBatchSizePerImage, options.RpnPositiveFraction, generator).call;
            RegisterComponents();
        }

        internal AnchorGenerator Anchors => anchorGenerator;

        /// <summary>The anchor sampler (replaceable by tests with a deterministic one).</summary>
        internal ExampleSampler Sampler { get; set; }

        public override (Tensor[] proposals, Dictionary<string, Tensor> losses) forward(RpnInput input)
        {
            using var scope = NewDisposeScope();
            var features = input.Features;
            int images = (int)input.Batch.shape[0];
            var (objectnessPerLevel, deltasPerLevel) = head.call(features);
            var anchors = anchorGenerator.Generate(input.Batch.shape[2], input.Batch.shape[3], features);
            var anchorsPerLevel = objectnessPerLevel.Select(o => o.shape[1] * o.shape[2] * o.shape[3]).ToArray();
            var (objectness, deltas) = FlattenPredictions(objectnessPerLevel, deltasPerLevel);

            var perImageAnchors = Enumerable.Repeat(anchors, images).ToArray();
            var decoded = boxCoder.decode(deltas.detach(), perImageAnchors).view(images, -1, 4);
            var proposals = FilterProposals(decoded, objectness, input.ImageSizes, anchorsPerLevel);

            var losses = new Dictionary<string, Tensor>();
            if (training)
            {
                if (input.Targets is null) throw new ArgumentException("Training needs targets for every image.");
                var (labels, matchedBoxes) = AssignTargets(perImageAnchors, input.Targets);
                var regressionTargets = boxCoder.encode(matchedBoxes, perImageAnchors);
                var (objectnessLoss, boxLoss) = Loss(objectness, deltas, labels, regressionTargets);
                losses["loss_objectness"] = objectnessLoss.MoveToOuterDisposeScope();
                losses["loss_rpn_box_reg"] = boxLoss.MoveToOuterDisposeScope();
            }
            return (proposals.Select(p => p.MoveToOuterDisposeScope()).ToArray(), losses);
        }

        // (N, A*C, H, W) per level -> (N * sum(H*W*A), C), levels concatenated, anchors ordered (h, w, a) as the anchors.
        private static (Tensor objectness, Tensor deltas) FlattenPredictions(Tensor[] objectness, Tensor[] deltas)
        {
            var flatObjectness = new List<Tensor>();
            var flatDeltas = new List<Tensor>();
            for (int level = 0; level < objectness.Length; level++)
            {
                flatObjectness.Add(PermuteAndFlatten(objectness[level], 1));
                flatDeltas.Add(PermuteAndFlatten(deltas[level], 4));
            }
            return (torch.cat(flatObjectness, 1).flatten(0, -2), torch.cat(flatDeltas, 1).reshape(-1, 4));
        }

        private static Tensor PermuteAndFlatten(Tensor layer, long channels)
        {
            long n = layer.shape[0], h = layer.shape[2], w = layer.shape[3];
            long anchors = layer.shape[1] / channels;
            return layer.view(n, anchors, channels, h, w).permute(0, 3, 4, 1, 2).reshape(n, -1, channels);
        }

        private Tensor[] FilterProposals(Tensor proposals, Tensor objectness, (long height, long width)[] imageSizes, long[] anchorsPerLevel)
        {
            int images = (int)proposals.shape[0];
            var scores = objectness.detach().reshape(images, -1);
            var levels = torch.cat(anchorsPerLevel.Select((n, i) => torch.full(new[] { n }, i, ScalarType.Int64, scores.device)).ToList(), 0)
                              .reshape(1, -1).expand_as(scores);
            long preNms = training ? options.RpnPreNmsTopNTrain : options.RpnPreNmsTopNTest;
            long postNms = training ? options.RpnPostNmsTopNTrain : options.RpnPostNmsTopNTest;

            var topIndices = new List<Tensor>();
            long offset = 0;
            foreach (var (levelScores, count) in scores.split(anchorsPerLevel, 1).Zip(anchorsPerLevel))
            {
                var (_, indices) = levelScores.topk((int)Math.Min(preNms, count), 1);
                topIndices.Add(indices + offset);
                offset += count;
            }
            var top = torch.cat(topIndices, 1);
            var batchIndex = torch.arange(images, device: scores.device).unsqueeze(1);
            var topScores = scores[batchIndex, top].sigmoid();
            var topLevels = levels[batchIndex, top];
            var topBoxes = proposals[batchIndex, top];

            var result = new Tensor[images];
            for (int i = 0; i < images; i++)
            {
                var boxes = DetectionOps.clip_boxes_to_image(topBoxes[i], imageSizes[i]);
                var keep = DetectionOps.remove_small_boxes(boxes, options.RpnMinSize);
                boxes = boxes[keep];
                var s = topScores[i][keep];
                var l = topLevels[i][keep];
                keep = torch.where(s >= options.RpnScoreThreshold)[0];
                boxes = boxes[keep];
                s = s[keep];
                l = l[keep];
                keep = DetectionOps.batched_nms(boxes, s, l, options.RpnNmsThreshold);
                keep = keep.narrow(0, 0, Math.Min(postNms, keep.shape[0]));
                result[i] = boxes[keep];
            }
            return result;
        }

        private (Tensor[] labels, Tensor[] matchedBoxes) AssignTargets(Tensor[] anchors, IReadOnlyList<DetectionTarget> targets)
        {
            var labels = new Tensor[anchors.Length];
            var matched = new Tensor[anchors.Length];
            for (int i = 0; i < anchors.Length; i++)
            {
                var gt = targets[i].Boxes;
                if (gt.shape[0] == 0)
                {
                    // An image without objects: every anchor is background.
                    matched[i] = torch.zeros_like(anchors[i]);
                    labels[i] = torch.zeros(new[] { anchors[i].shape[0] }, anchors[i].dtype, anchors[i].device);
                    continue;
                }
                var matches = matcher.call(DetectionOps.box_iou(gt, anchors[i]));
                matched[i] = gt[matches.clamp(min: 0)];
                var label = (matches >= 0).to(anchors[i].dtype);
                label.masked_fill_(matches == Matcher.BELOW_LOW_THRESHOLD, 0.0);
                label.masked_fill_(matches == Matcher.BETWEEN_THRESHOLDS, -1.0);
                labels[i] = label;
            }
            return (labels, matched);
        }

        private (Tensor objectness, Tensor box) Loss(Tensor objectness, Tensor deltas, Tensor[] labels, Tensor[] regressionTargets)
        {
            var (positiveMasks, negativeMasks) = Sampler(labels);
            var positives = torch.where(torch.cat(positiveMasks, 0))[0];
            var negatives = torch.where(torch.cat(negativeMasks, 0))[0];
            var sampled = torch.cat(new[] { positives, negatives }, 0);
            var allLabels = torch.cat(labels, 0);
            var allTargets = torch.cat(regressionTargets, 0);
            var boxLoss = F.smooth_l1_loss(deltas[positives], allTargets[positives], nn.Reduction.Sum, 1.0 / 9) / sampled.numel();
            var objectnessLoss = F.binary_cross_entropy_with_logits(objectness.flatten()[sampled], allLabels[sampled]);
            return (objectnessLoss, boxLoss);
        }
    }

    /// <summary>What the RPN reads: the padded batch, each image's size within it, the feature maps, and (training) the targets.</summary>
    public sealed record RpnInput(Tensor Batch, (long height, long width)[] ImageSizes, Tensor[] Features, IReadOnlyList<DetectionTarget>? Targets);
}
