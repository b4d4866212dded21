using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Ops
{
    /// <summary>
    /// Encodes boxes as regression targets relative to reference boxes (anchors or proposals) and decodes predicted
    /// offsets back into boxes, as torchvision's <c>BoxCoder</c> (R-CNN parameterisation: dx = wx·(x - xa)/wa,
    /// dy = wy·(y - ya)/ha, dw = ww·log(w/wa), dh = wh·log(h/ha), centres and sizes of xyxy boxes).
    /// </summary>
    public sealed class BoxCoder
    {
        /// <summary>log(1000 / 16): the largest dw, dh decoded, so that exp() cannot blow up a box.</summary>
        public static readonly double DefaultBoxTransformClip = Math.Log(1000.0 / 16);

        /// <param name="weights">Multipliers of (dx, dy, dw, dh): (1, 1, 1, 1) for the RPN, (10, 10, 5, 5) for the box head.</param>
        /// <param name="bbox_xform_clip">Upper clamp of decoded dw and dh; default log(1000 / 16).</param>
        public BoxCoder((double wx, double wy, double ww, double wh) weights, double? bbox_xform_clip = null)
        {
            if (!(weights.wx > 0 && weights.wy > 0 && weights.ww > 0 && weights.wh > 0))
                throw new ArgumentOutOfRangeException(nameof(weights), $"The weights must be positive, got {weights}.");
            Weights = weights;
            BoxTransformClip = bbox_xform_clip ?? DefaultBoxTransformClip;
        }

        /// <summary>Multipliers of (dx, dy, dw, dh).</summary>
        public (double wx, double wy, double ww, double wh) Weights { get; }

        /// <summary>Upper clamp of decoded dw and dh.</summary>
        public double BoxTransformClip { get; }

        /// <summary>Regression targets per image: encodes <paramref name="reference_boxes"/>[i] relative to <paramref name="proposals"/>[i].</summary>
        public Tensor[] encode(IList<Tensor> reference_boxes, IList<Tensor> proposals)
        {
            ArgumentChecks.NotNull(reference_boxes, nameof(reference_boxes));
            ArgumentChecks.NotNull(proposals, nameof(proposals));
            if (reference_boxes.Count != proposals.Count)
                throw new ArgumentException($"{nameof(reference_boxes)} has {reference_boxes.Count} images but {nameof(proposals)} has {proposals.Count}.", nameof(proposals));
            using var scope = NewDisposeScope();
            var counts = reference_boxes.Select(b => b.Sizes()[0]).ToArray();
            var targets = encode_single(torch.cat(reference_boxes, 0), torch.cat(proposals, 0));
            var parts = targets.split(counts, 0);
            foreach (var p in parts) p.MoveToOuterDisposeScope();
            return parts;
        }

        /// <summary>Regression targets [N, 4] of boxes <paramref name="reference_boxes"/> [N, 4] relative to <paramref name="proposals"/> [N, 4].</summary>
        public Tensor encode_single(Tensor reference_boxes, Tensor proposals)
        {
            ArgumentChecks.Boxes(reference_boxes, nameof(reference_boxes));
            ArgumentChecks.Boxes(proposals, nameof(proposals));
            if (reference_boxes.Sizes()[0] != proposals.Sizes()[0])
                throw new ArgumentException($"{nameof(reference_boxes)} has {reference_boxes.Sizes()[0]} boxes but {nameof(proposals)} has {proposals.Sizes()[0]}.", nameof(proposals));
            using var scope = NewDisposeScope();
            // torchvision turns the weights into a tensor of the boxes' dtype first: round them the same way.
            var w = torch.tensor(new[] { Weights.wx, Weights.wy, Weights.ww, Weights.wh }, dtype: reference_boxes.dtype);
            var (wx, wy, ww, wh) = (w[0], w[1], w[2], w[3]);

            var (px1, py1, px2, py2) = Columns(proposals);
            var exWidths = px2 - px1;
            var exHeights = py2 - py1;
            var exCtrX = px1 + exWidths * 0.5;
            var exCtrY = py1 + exHeights * 0.5;

            var (gx1, gy1, gx2, gy2) = Columns(reference_boxes);
            var gtWidths = gx2 - gx1;
            var gtHeights = gy2 - gy1;
            var gtCtrX = gx1 + gtWidths * 0.5;
            var gtCtrY = gy1 + gtHeights * 0.5;

            var dx = wx * (gtCtrX - exCtrX) / exWidths;
            var dy = wy * (gtCtrY - exCtrY) / exHeights;
            var dw = ww * (gtWidths / exWidths).log();
            var dh = wh * (gtHeights / exHeights).log();
            return torch.stack(new[] { dx, dy, dw, dh }, 1).MoveToOuterDisposeScope();
        }

        /// <summary>
        /// Decodes <paramref name="rel_codes"/> against the per-image reference <paramref name="boxes"/> (concatenated):
        /// [total boxes, classes, 4] for codes of [total boxes, classes * 4].
        /// </summary>
        public Tensor decode(Tensor rel_codes, IList<Tensor> boxes)
        {
            ArgumentChecks.NotNull(rel_codes, nameof(rel_codes));
            ArgumentChecks.NotNull(boxes, nameof(boxes));
            using var scope = NewDisposeScope();
            long total = boxes.Sum(b => b.Sizes()[0]);
            var codes = total > 0 ? rel_codes.reshape(total, -1) : rel_codes;
            var predicted = decode_single(codes, torch.cat(boxes, 0));
            if (total > 0) predicted = predicted.reshape(total, -1, 4);
            return predicted.MoveToOuterDisposeScope();
        }

        /// <summary>
        /// Boxes [N, 4k] from codes [N, 4k] (k sets of dx, dy, dw, dh) relative to reference <paramref name="boxes"/> [N, 4].
        /// dw and dh are clamped to <see cref="BoxTransformClip"/> before exp().
        /// </summary>
        public Tensor decode_single(Tensor rel_codes, Tensor boxes)
        {
            ArgumentChecks.NotNull(rel_codes, nameof(rel_codes));
            ArgumentChecks.Boxes(boxes, nameof(boxes));
            var codeShape = rel_codes.Sizes();
            if (codeShape.Length != 2 || codeShape[1] % 4 != 0 || codeShape[0] != boxes.Sizes()[0])
                throw new ArgumentException($"{nameof(rel_codes)} must have shape [{boxes.Sizes()[0]}, 4k] (one row per box), got {ArgumentChecks.Format(codeShape)}.", nameof(rel_codes));
            using var scope = NewDisposeScope();
            var b = boxes.to(rel_codes.dtype);
            var (x1, y1, x2, y2) = Columns(b);
            var widths = (x2 - x1).unsqueeze(1);
            var heights = (y2 - y1).unsqueeze(1);
            var ctrX = x1.unsqueeze(1) + widths * 0.5;
            var ctrY = y1.unsqueeze(1) + heights * 0.5;

            var dx = Every4th(rel_codes, 0) / Weights.wx;
            var dy = Every4th(rel_codes, 1) / Weights.wy;
            var dw = (Every4th(rel_codes, 2) / Weights.ww).clamp(max: BoxTransformClip);
            var dh = (Every4th(rel_codes, 3) / Weights.wh).clamp(max: BoxTransformClip);

            var predCtrX = dx * widths + ctrX;
            var predCtrY = dy * heights + ctrY;
            var predW = dw.exp() * widths;
            var predH = dh.exp() * heights;
            var halfW = predW * 0.5;
            var halfH = predH * 0.5;
            var predicted = torch.stack(new[] { predCtrX - halfW, predCtrY - halfH, predCtrX + halfW, predCtrY + halfH }, 2).flatten(1);
            return predicted.MoveToOuterDisposeScope();
        }

        private static (Tensor, Tensor, Tensor, Tensor) Columns(Tensor boxes) =>
            (boxes.select(1, 0), boxes.select(1, 1), boxes.select(1, 2), boxes.select(1, 3));

        private static Tensor Every4th(Tensor codes, long start) => codes[TensorIndex.Colon, TensorIndex.Slice(start, null, 4)];
    }
}
