using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.MaskRcnn.Modeling;
using Microsoft.ML.MaskRcnn.Ops;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Onnx
{
    /// <summary>The detections of one image as ONNX values: boxes [D, 4], labels int64 [D], scores [D], mask probabilities [D, 1, M, M].</summary>
    internal sealed record OnnxDetections(string Boxes, string Labels, string Scores, string MaskProbabilities);

    /// <summary>
    /// The second stage at inference as ONNX nodes (RoIHeads' evaluation path): multi-scale RoIAlign of the proposals,
    /// the box head and predictor, decoding, per-class score and size filters, NMS per class, the top detections by
    /// score, and the mask head on the final boxes, each detection's mask taken from its class's channel.
    /// </summary>
    internal static class OnnxRoIHeadsGraph
    {
        internal static OnnxDetections Build(OnnxGraphBuilder g, RoIHeads heads, MaskRcnnOptions options, IReadOnlyList<string> features,
                                             string proposals, string imageHeight, string imageWidth)
        {
            var pooled = OnnxRoIPooling.Build(g, ModuleTree.Child<MultiScaleRoIAlign>(heads, "box_roi_pool"), features, proposals);
            var boxHead = ModuleTree.Child<nn.Module>(heads, "box_head");
            var hidden = g.Relu(g.Linear(g.Flatten(pooled, 1), ModuleTree.Child<Linear>(boxHead, "fc6"), "roi_heads.box_head.fc6"));
            hidden = g.Relu(g.Linear(hidden, ModuleTree.Child<Linear>(boxHead, "fc7"), "roi_heads.box_head.fc7"));
            var predictor = ModuleTree.Child<nn.Module>(heads, "box_predictor");
            var classLogits = g.Linear(hidden, ModuleTree.Child<Linear>(predictor, "cls_score"), "roi_heads.box_predictor.cls_score");
            var boxRegression = g.Linear(hidden, ModuleTree.Child<Linear>(predictor, "bbox_pred"), "roi_heads.box_predictor.bbox_pred");

            var (boxes, labels, scores) = Postprocess(g, options, classLogits, boxRegression, proposals, imageHeight, imageWidth);
            return new OnnxDetections(boxes, labels, scores, MaskProbabilities(g, heads, features, boxes, labels));
        }

        private static (string boxes, string labels, string scores) Postprocess(OnnxGraphBuilder g, MaskRcnnOptions options, string classLogits,
                                                                                string boxRegression, string proposals, string imageHeight, string imageWidth)
        {
            var w = options.BoxRegressionWeights;
            var coder = new BoxCoder((w[0], w[1], w[2], w[3]));
            var decoded = OnnxBoxOps.Decode(g, g.Reshape(boxRegression, 0, -1, 4), proposals, coder);
            var clipped = OnnxBoxOps.ClipToImage(g, decoded, imageHeight, imageWidth);
            var probabilities = g.Softmax(classLogits, -1);
            // Column 0 is the background class. Candidates are (proposal, class) pairs, grouped by class for NMS.
            var classBoxes = g.Transpose(g.Slice(clipped, 1, options.NumClasses, 1), 1, 0, 2);
            var classScores = g.Transpose(g.Slice(probabilities, 1, options.NumClasses, 1), 1, 0);
            var valid = g.And(g.Greater(classScores, g.Scalar((float)options.BoxScoreThreshold)), OnnxBoxOps.IsLargeEnough(g, classBoxes, 1e-2));
            var grouped = g.Unsqueeze(g.Where(valid, classScores, g.Scalar(-1f)), 1);
            var selected = OnnxBoxOps.Nms(g, classBoxes, grouped, options.BoxNmsThreshold);
            var pairs = g.Concat(1, g.Slice(selected, 0, 1, 1), g.Slice(selected, 2, 3, 1));
            var keptBoxes = g.GatherND(classBoxes, pairs);
            var keptScores = g.GatherND(classScores, pairs);
            var keptClasses = g.Reshape(g.Slice(pairs, 0, 1, 1), -1);
            // The network's candidate order is proposal-major (proposal * foreground classes + class): equal scores keep it.
            var proposalIndex = g.Reshape(g.Slice(pairs, 1, 2, 1), -1);
            var rank = g.Add(g.Mul(proposalIndex, g.ScalarInt64(options.NumClasses - 1)), keptClasses);
            var positions = g.Range(g.ScalarInt64(0), g.Element(g.Shape(keptScores), 0), g.ScalarInt64(1));
            var top = OnnxBoxOps.TopByScore(g, positions, keptScores, options.DetectionsPerImage, rank);
            return (g.Gather(keptBoxes, top), g.Add(g.Gather(keptClasses, top), g.ScalarInt64(1)), g.Gather(keptScores, top));
        }

        private static string MaskProbabilities(OnnxGraphBuilder g, RoIHeads heads, IReadOnlyList<string> features, string boxes, string labels)
        {
            var x = OnnxRoIPooling.Build(g, ModuleTree.Child<MultiScaleRoIAlign>(heads, "mask_roi_pool"), features, boxes);
            var maskHead = ModuleTree.Child<nn.Module>(heads, "mask_head");
            foreach (var (index, block) in maskHead.named_children())
                x = g.Relu(g.Conv(x, ModuleTree.Child<Conv2d>(block, "0"), $"roi_heads.mask_head.{index}.0"));
            var predictor = ModuleTree.Child<nn.Module>(heads, "mask_predictor");
            x = g.Relu(g.Conv(x, ModuleTree.Child<ConvTranspose2d>(predictor, "conv5_mask"), "roi_heads.mask_predictor.conv5_mask"));
            var probabilities = g.Sigmoid(g.Conv(x, ModuleTree.Child<Conv2d>(predictor, "mask_fcn_logits"), "roi_heads.mask_predictor.mask_fcn_logits"));
            var rows = g.Range(g.ScalarInt64(0), g.Element(g.Shape(labels), 0), g.ScalarInt64(1));
            var rowAndClass = g.Concat(1, g.Unsqueeze(rows, 1), g.Unsqueeze(labels, 1));
            return g.Unsqueeze(g.GatherND(probabilities, rowAndClass), 1);
        }
    }

    /// <summary>
    /// MultiScaleRoIAlign as ONNX nodes: each box's pyramid level from its size (FPN eq. 1, as the module computes it),
    /// then per level the boxes of that level pooled with RoiAlign (aligned = false: output_half_pixel) and scattered
    /// back into the boxes' order.
    /// </summary>
    internal static class OnnxRoIPooling
    {
        internal static string Build(OnnxGraphBuilder g, MultiScaleRoIAlign pool, IReadOnlyList<string> features, string boxes)
        {
            var names = pool.FeatmapNames;
            // The pooled levels are the first of the pyramid's, strides 4, 8, 16, ...; a model that has run already knows its scales.
            var scales = pool.Scales?.ToArray() ?? names.Select((_, i) => Math.Pow(2, -(i + 2))).ToArray();
            var levels = names.Select(n => ResNetFpnBackbone.LevelNames.ToList().IndexOf(n)).ToArray();
            if (levels.Any(l => l < 0)) throw new NotSupportedException($"The RoI pooling reads levels [{string.Join(", ", names)}], not all of the pyramid's.");
            double levelMin = -Math.Log2(scales[0]), levelMax = -Math.Log2(scales[^1]);

            var (height, width) = pool.OutputSize;
            var x1 = g.Slice(boxes, 0, 1, 1);
            var y1 = g.Slice(boxes, 1, 2, 1);
            var area = g.Reshape(g.Mul(g.Sub(g.Slice(boxes, 2, 3, 1), x1), g.Sub(g.Slice(boxes, 3, 4, 1), y1)), -1);
            var log2 = g.Div(g.Log(g.Div(g.Sqrt(area), g.Scalar(pool.CanonicalScale))), g.Scalar((float)Math.Log(2)));
            var target = g.Floor(g.Add(g.Add(log2, g.Scalar(pool.CanonicalLevel)), g.Scalar(1e-6f)));
            var level = g.Cast(g.Sub(g.Clip(target, g.Scalar((float)levelMin), g.Scalar((float)levelMax)), g.Scalar((float)levelMin)), OnnxElementType.Int64);

            var channels = g.Element(g.Shape(features[levels[0]]), 1);
            var resultShape = g.Concat(0, g.Shape(level), g.Unsqueeze(channels, 0), g.Int64s(height, width));
            var result = g.ConstantOfShape(resultShape);
            for (int i = 0; i < levels.Length; i++)
            {
                var inLevel = g.Reshape(g.NonZero(g.Equal(level, g.ScalarInt64(i))), -1);
                var batchIndex = g.Expand(g.ScalarInt64(0), g.Shape(inLevel));
                var pooled = g.Op("RoiAlign", new[] { features[levels[i]], g.Gather(boxes, inLevel), batchIndex },
                                  OnnxAttribute.Of("mode", "avg"), OnnxAttribute.Of("output_height", height), OnnxAttribute.Of("output_width", width),
                                  OnnxAttribute.Of("sampling_ratio", Math.Max(0, pool.SamplingRatio)), OnnxAttribute.Of("spatial_scale", (float)scales[i]),
                                  OnnxAttribute.Of("coordinate_transformation_mode", "output_half_pixel"));
                result = g.ScatterND(result, g.Unsqueeze(inLevel, 1), pooled);
            }
            return result;
        }
    }
}
