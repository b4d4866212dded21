using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.MaskRcnn.Modeling;
using Microsoft.ML.MaskRcnn.Ops;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Onnx
{
    /// <summary>
    /// The region proposal network at inference as ONNX nodes (RegionProposalNetwork's evaluation path): the shared head
    /// on every level, anchors made from each level's grid and stride, the pre-NMS top-n per level decoded, clipped and
    /// filtered, NMS per level, and the post-NMS top-n by score.
    /// </summary>
    internal static class OnnxProposalGraph
    {
        /// <summary>Proposals [P, 4] (x1, y1, x2, y2) in the resized image, best first.</summary>
        internal static string Build(OnnxGraphBuilder g, RegionProposalNetwork rpn, MaskRcnnOptions options, string images,
                                     IReadOnlyList<string> features, string imageHeight, string imageWidth)
        {
            var head = ModuleTree.Child<nn.Module>(rpn, "head");
            var shared = ModuleTree.Child<Conv2d>(ModuleTree.Child<nn.Module>(ModuleTree.Child<nn.Module>(head, "conv"), "0"), "0");
            var objectnessConv = ModuleTree.Child<Conv2d>(head, "cls_logits");
            var deltasConv = ModuleTree.Child<Conv2d>(head, "bbox_pred");
            var coder = new BoxCoder((1.0, 1.0, 1.0, 1.0));

            var boxes = new List<string>();
            var scores = new List<string>();
            var levels = new List<string>();
            for (int level = 0; level < features.Count; level++)
            {
                var hidden = g.Relu(g.Conv(features[level], shared, "rpn.head.conv.0.0"));
                // (1, A, H, W) -> (H, W, A) flattened: the order of the anchors.
                var objectness = g.Reshape(g.Transpose(g.Conv(hidden, objectnessConv, "rpn.head.cls_logits"), 0, 2, 3, 1), -1);
                var deltas = g.Reshape(g.Transpose(g.Conv(hidden, deltasConv, "rpn.head.bbox_pred"), 0, 2, 3, 1), -1, 4);
                var anchors = Anchors(g, rpn.Anchors, level, features[level], images);

                var count = g.Min(g.Shape(objectness), g.Int64s(options.RpnPreNmsTopNTest));
                var (best, indices) = g.TopK(objectness, count, 0, largest: true);
                var decoded = OnnxBoxOps.Decode(g, g.Unsqueeze(g.Gather(deltas, indices), 1), g.Gather(anchors, indices), coder);
                boxes.Add(g.Reshape(decoded, -1, 4));
                scores.Add(g.Sigmoid(best));
                levels.Add(g.Expand(g.ScalarInt64(level), g.Shape(best)));
            }
            var candidates = OnnxBoxOps.ClipToImage(g, g.Concat(0, boxes.ToArray()), imageHeight, imageWidth);
            var candidateScores = g.Concat(0, scores.ToArray());
            var valid = g.And(OnnxBoxOps.IsLargeEnough(g, candidates, options.RpnMinSize),
                              g.GreaterOrEqual(candidateScores, g.Scalar((float)options.RpnScoreThreshold)));
            candidates = g.Compress(candidates, valid);
            candidateScores = g.Compress(candidateScores, valid);
            var candidateLevels = g.Compress(g.Concat(0, levels.ToArray()), valid);

            // One NMS group per level: a candidate's score stands in its own level's row and is -1 in the others.
            var levelIds = g.Int64s(Enumerable.Range(0, features.Count).Select(l => (long)l).ToArray());
            var inLevel = g.Equal(g.Unsqueeze(candidateLevels, 0), g.Unsqueeze(levelIds, 1));
            var grouped = g.Where(inLevel, g.Unsqueeze(candidateScores, 0), g.Scalar(-1f));
            var selected = OnnxBoxOps.Nms(g, g.Unsqueeze(candidates, 0), g.Unsqueeze(grouped, 0), options.RpnNmsThreshold);
            var kept = g.Reshape(g.Slice(selected, 2, 3, 1), -1);
            return g.Gather(candidates, OnnxBoxOps.TopByScore(g, kept, candidateScores, options.RpnPostNmsTopNTest));
        }

        // The level's anchors [H * W * A, 4]: the cell anchors (computed by the model's generator, so that they round as
        // its own do) shifted to every cell; the stride is the padded image's size over the level's, in integers.
        private static string Anchors(OnnxGraphBuilder g, AnchorGenerator generator, int level, string feature, string images)
        {
            string cells;
            using (var cellAnchors = generator.CellAnchors(level, ScalarType.Float32, torch.CPU))
            using (var shaped = cellAnchors.view(1, -1, 4))
                cells = g.Weight($"rpn.anchor_generator.cell_anchors.{level}", shaped);
            var featureShape = g.Shape(feature);
            var imageShape = g.Shape(images);
            var (height, width) = (g.Element(featureShape, 2), g.Element(featureShape, 3));
            var strideY = g.Div(g.Element(imageShape, 2), height);
            var strideX = g.Div(g.Element(imageShape, 3), width);
            var zero = g.ScalarInt64(0);
            var one = g.ScalarInt64(1);
            var xs = g.Cast(g.Mul(g.Range(zero, width, one), strideX), OnnxElementType.Float);
            var ys = g.Cast(g.Mul(g.Range(zero, height, one), strideY), OnnxElementType.Float);
            var grid = g.Concat(0, g.Unsqueeze(height, 0), g.Unsqueeze(width, 0));
            var shiftX = g.Unsqueeze(g.Expand(g.Unsqueeze(xs, 0), grid), 2);
            var shiftY = g.Unsqueeze(g.Expand(g.Unsqueeze(ys, 1), grid), 2);
            var shifts = g.Reshape(g.Concat(2, shiftX, shiftY, shiftX, shiftY), -1, 1, 4);
            return g.Reshape(g.Add(shifts, cells), -1, 4);
        }
    }
}
