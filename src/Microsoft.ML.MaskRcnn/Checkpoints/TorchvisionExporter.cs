using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.ML.MaskRcnn.Modeling;

namespace Microsoft.ML.MaskRcnn.Checkpoints
{
    /// <summary>
    /// Writes a network as a torchvision-loadable state dict (<c>torch.save</c>'s zip format, keys exactly torchvision's),
    /// and the Python that builds the matching torchvision model, so that a model trained here continues in PyTorch (for
    /// instance with DistributedDataParallel on a cluster) and comes back through <see cref="StateDictLoader"/>.
    /// The default R50-FPN options build exactly <c>torchvision.models.detection.maskrcnn_resnet50_fpn</c>.
    /// </summary>
    public static class TorchvisionExporter
    {
        /// <summary>
        /// Writes the transformer's network to <paramref name="pthPath"/> and, when <paramref name="buildModelPythonPath"/> is
        /// given, <see cref="BuildModelPython"/> of its options there (each file replaced all at once).
        /// </summary>
        public static void Export(MaskRcnnTransformer transformer, string pthPath, string? buildModelPythonPath = null)
        {
            ArgumentNullException.ThrowIfNull(transformer);
            Export(transformer.Model.Model, pthPath, buildModelPythonPath);
        }

        /// <summary>
        /// Writes <paramref name="model"/>'s state dict (parameters and buffers, CPU copies in the network's precision) to
        /// <paramref name="pthPath"/> and, when <paramref name="buildModelPythonPath"/> is given, <see cref="BuildModelPython"/>
        /// of its options there. Each file is replaced all at once: a failed or killed export leaves the previous one.
        /// </summary>
        public static void Export(MaskRcnnModel model, string pthPath, string? buildModelPythonPath = null)
        {
            ArgumentNullException.ThrowIfNull(model);
            ArgumentException.ThrowIfNullOrEmpty(pthPath);
            var entries = model.state_dict().ToList();
            string? python = buildModelPythonPath is null ? null : BuildModelPython(model.Options);
            AtomicFile.Write(pthPath, stream => TorchSaveWriter.Write(stream, entries));
            if (python is not null)
                AtomicFile.Write(buildModelPythonPath!, stream => stream.Write(new UTF8Encoding(false).GetBytes(python)));
        }

        /// <summary>
        /// Python (torchvision 0.14 or later) defining <c>build_model()</c>, which returns the torchvision
        /// <c>MaskRCNN</c> whose state dict has the same keys and shapes as a network built with <paramref name="options"/>,
        /// and the same settings (sizes, anchors, thresholds, normalisation, frozen stages).
        /// </summary>
        public static string BuildModelPython(MaskRcnnOptions options)
        {
            ArgumentNullException.ThrowIfNull(options);
            options.Validate();
            var c = CultureInfo.InvariantCulture;
            // Python float literals: "10.0", not the integer "10".
            string F(double v)
            {
                string text = v.ToString("R", c);
                return text.IndexOfAny(new[] { '.', 'E', 'e', 'N', 'I' }) < 0 ? text + ".0" : text;
            }
            string Tuple<T>(IEnumerable<T> values, Func<T, string> format)
            {
                var items = values.Select(format).ToArray();
                return items.Length == 1 ? $"({items[0]},)" : $"({string.Join(", ", items)})";
            }
            bool bottleneck = options.BackboneDepth >= 50;
            var blocks = options.BackboneStageBlocks ?? ResNetBody.StandardStageBlocks(options.BackboneDepth);
            int stage2 = bottleneck ? 256 : 64;
            string norm = options.BackboneNormalization == BackboneNormalization.Frozen ? "FrozenBatchNorm2d" : "torch.nn.BatchNorm2d";
            int[] trainingSizes = options.TrainingMinSizes?.ToArray() ?? new[] { options.MinSize };

            var py = new StringBuilder();
            py.AppendLine("# The torchvision Mask R-CNN matching a Microsoft.ML.MaskRcnn network (written by TorchvisionExporter).");
            py.AppendLine("import torch");
            py.AppendLine("from torchvision.models.resnet import ResNet, BasicBlock, Bottleneck");
            py.AppendLine("from torchvision.models.detection import MaskRCNN");
            py.AppendLine("from torchvision.models.detection.anchor_utils import AnchorGenerator");
            py.AppendLine("from torchvision.models.detection.backbone_utils import BackboneWithFPN");
            py.AppendLine("from torchvision.models.detection.faster_rcnn import TwoMLPHead, FastRCNNPredictor");
            py.AppendLine("from torchvision.models.detection.mask_rcnn import MaskRCNNHeads, MaskRCNNPredictor");
            py.AppendLine("from torchvision.ops.feature_pyramid_network import LastLevelMaxPool");
            py.AppendLine("from torchvision.ops.misc import FrozenBatchNorm2d");
            py.AppendLine();
            py.AppendLine();
            py.AppendLine("def build_model():");
            py.AppendLine($"    body = ResNet({(bottleneck ? "Bottleneck" : "BasicBlock")}, [{string.Join(", ", blocks)}], norm_layer={norm})");
            py.AppendLine($"    # Trainable stages from layer4 down, as torchvision's resnet_fpn_backbone(trainable_layers={options.TrainableBackboneStages}).");
            py.AppendLine($"    trainable = [\"layer4\", \"layer3\", \"layer2\", \"layer1\", \"conv1\"][:{options.TrainableBackboneStages}]");
            py.AppendLine($"    if {options.TrainableBackboneStages} == 5:");
            py.AppendLine("        trainable.append(\"bn1\")");
            py.AppendLine("    for name, parameter in body.named_parameters():");
            py.AppendLine("        if all(not name.startswith(layer) for layer in trainable):");
            py.AppendLine("            parameter.requires_grad_(False)");
            py.AppendLine($"    backbone = BackboneWithFPN(body, {{\"layer1\": \"0\", \"layer2\": \"1\", \"layer3\": \"2\", \"layer4\": \"3\"}},");
            py.AppendLine($"                               [{stage2}, {stage2 * 2}, {stage2 * 4}, {stage2 * 8}], {options.FpnChannels}, extra_blocks=LastLevelMaxPool())");
            py.AppendLine($"    anchors = AnchorGenerator({Tuple(options.AnchorSizes, s => Tuple(s, v => ((int)v == v ? ((int)v).ToString(c) : F(v))))},");
            py.AppendLine($"                              {Tuple(options.AnchorAspectRatios, r => Tuple(r, F))})");
            py.AppendLine("    model = MaskRCNN(");
            py.AppendLine($"        backbone, num_classes=None, min_size={Tuple(trainingSizes, s => s.ToString(c))}, max_size={options.MaxSize},");
            py.AppendLine($"        image_mean={Python(options.ImageMean, F)}, image_std={Python(options.ImageStd, F)},");
            py.AppendLine("        rpn_anchor_generator=anchors,");
            py.AppendLine($"        rpn_pre_nms_top_n_train={options.RpnPreNmsTopNTrain}, rpn_pre_nms_top_n_test={options.RpnPreNmsTopNTest},");
            py.AppendLine($"        rpn_post_nms_top_n_train={options.RpnPostNmsTopNTrain}, rpn_post_nms_top_n_test={options.RpnPostNmsTopNTest},");
            py.AppendLine($"        rpn_nms_thresh={F(options.RpnNmsThreshold)}, rpn_fg_iou_thresh={F(options.RpnForegroundIouThreshold)}, rpn_bg_iou_thresh={F(options.RpnBackgroundIouThreshold)},");
            py.AppendLine($"        rpn_batch_size_per_image={options.RpnBatchSizePerImage}, rpn_positive_fraction={F(options.RpnPositiveFraction)}, rpn_score_thresh={F(options.RpnScoreThreshold)},");
            py.AppendLine($"        box_head=TwoMLPHead({options.FpnChannels} * 7 * 7, {options.RepresentationSize}),");
            py.AppendLine($"        box_predictor=FastRCNNPredictor({options.RepresentationSize}, {options.NumClasses}),");
            py.AppendLine($"        box_score_thresh={F(options.BoxScoreThreshold)}, box_nms_thresh={F(options.BoxNmsThreshold)}, box_detections_per_img={options.DetectionsPerImage},");
            py.AppendLine($"        box_fg_iou_thresh={F(options.BoxForegroundIouThreshold)}, box_bg_iou_thresh={F(options.BoxBackgroundIouThreshold)},");
            py.AppendLine($"        box_batch_size_per_image={options.BoxBatchSizePerImage}, box_positive_fraction={F(options.BoxPositiveFraction)},");
            py.AppendLine($"        bbox_reg_weights={Tuple(options.BoxRegressionWeights, F)},");
            py.AppendLine($"        mask_head=MaskRCNNHeads({options.FpnChannels}, {Tuple(Enumerable.Repeat(options.MaskHeadChannels, options.MaskHeadLayers), v => v.ToString(c))}, 1),");
            py.AppendLine($"        mask_predictor=MaskRCNNPredictor({options.MaskHeadChannels}, {options.MaskHeadChannels}, {options.NumClasses}))");
            py.AppendLine($"    model.rpn.min_size = {F(options.RpnMinSize)}");
            if (options.TrainingMinSizes is not null && options.TrainingMinSizes[^1] != options.MinSize)
                py.AppendLine($"    # torchvision evaluates at min_size[-1]; this network evaluates at {options.MinSize}: before evaluating, set model.transform.min_size = ({options.MinSize},)");
            py.AppendLine("    return model");
            return py.ToString();
        }

        private static string Python(IEnumerable<double> values, Func<double, string> format) => "[" + string.Join(", ", values.Select(format)) + "]";
    }
}
