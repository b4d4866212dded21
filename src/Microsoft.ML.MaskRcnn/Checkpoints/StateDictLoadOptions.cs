using System;
using System.Collections.Generic;

namespace Microsoft.ML.MaskRcnn.Checkpoints
{
    /// <summary>How <see cref="StateDictLoader"/> loads a state dict into a module.</summary>
    public sealed class StateDictLoadOptions
    {
        /// <summary>
        /// torchvision's Mask R-CNN predictor layers, whose shapes depend on the number of classes:
        /// <c>roi_heads.box_predictor.</c> (the class scores and per-class box deltas, <c>cls_score</c> and
        /// <c>bbox_pred</c>) and <c>roi_heads.mask_predictor.mask_fcn_logits.</c> (the per-class mask logits). Skip them
        /// to fine-tune COCO weights (91 classes) on another number of classes; every other layer of
        /// maskrcnn_resnet50_fpn, including <c>roi_heads.mask_predictor.conv5_mask</c>, does not depend on it.
        /// </summary>
        public static IReadOnlyList<string> MaskRcnnPredictorPrefixes { get; } =
            new[] { "roi_heads.box_predictor.", "roi_heads.mask_predictor.mask_fcn_logits." };

        /// <summary>
        /// When true, any missing key, unexpected key or shape mismatch (outside <see cref="SkipPrefixes"/>) throws a
        /// <see cref="StateDictLoadException"/> listing every problem, before anything is copied. When false (the default)
        /// the entries that match are loaded and the problems are only reported.
        /// </summary>
        public bool Strict { get; init; }

        /// <summary>
        /// Key prefixes to leave alone on both sides: matching module entries keep their current values and matching
        /// state-dict entries are ignored; they are listed in <see cref="StateDictLoadReport.SkippedKeys"/>, never as
        /// missing or unexpected. Compared ordinally; end a prefix with '.' to match whole module names.
        /// </summary>
        public IReadOnlyList<string> SkipPrefixes { get; init; } = Array.Empty<string>();

        /// <summary>
        /// Options for fine-tuning torchvision Mask R-CNN weights on another number of classes: skip
        /// <see cref="MaskRcnnPredictorPrefixes"/> and (by default) require everything else to match exactly.
        /// </summary>
        public static StateDictLoadOptions ExceptMaskRcnnPredictors(bool strict = true) =>
            new() { Strict = strict, SkipPrefixes = MaskRcnnPredictorPrefixes };
    }
}
