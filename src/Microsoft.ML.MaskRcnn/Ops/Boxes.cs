using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Ops
{
    /// <summary>How the four numbers of a box are laid out (torchvision's box formats).</summary>
    public enum BoxFormat
    {
        /// <summary>Corners: x1, y1 (top left), x2, y2 (bottom right). The format every other operation expects.</summary>
        xyxy,

        /// <summary>Top-left corner, width and height: x1, y1, w, h.</summary>
        xywh,

        /// <summary>Centre, width and height: cx, cy, w, h.</summary>
        cxcywh,
    }

    /// <summary>
    /// Detection operators for TorchSharp that torchvision has and TorchSharp's TorchVision lacks or runs slowly:
    /// box utilities, non-maximum suppression and RoIAlign. Names, arguments and results follow
    /// <c>torchvision.ops</c> 0.14, so code ports line by line: <c>using static Microsoft.ML.MaskRcnn.Ops.DetectionOps;</c>
    /// then <c>nms(boxes, scores, 0.7)</c>. Boxes are (x1, y1, x2, y2) unless stated otherwise. Every function
    /// returns new tensors owned by the caller's dispose scope and disposes its own temporaries.
    /// </summary>
    public static partial class DetectionOps
    {
        /// <summary>Areas of boxes [N, 4] as [N] ((x2 - x1) * (y2 - y1); half precision and small integers upcast).</summary>
        public static Tensor box_area(Tensor boxes)
        {
            ArgumentChecks.Boxes(boxes, nameof(boxes));
            using var scope = NewDisposeScope();
            var b = Upcast(boxes);
            var area = (b.select(1, 2) - b.select(1, 0)) * (b.select(1, 3) - b.select(1, 1));
            return area.MoveToOuterDisposeScope();
        }

        /// <summary>
        /// Intersection over union of every pair: [N, M] for boxes1 [N, 4] and boxes2 [M, 4]. A pair of zero-area
        /// boxes gives NaN (0 / 0), as in torchvision.
        /// </summary>
        public static Tensor box_iou(Tensor boxes1, Tensor boxes2)
        {
            ArgumentChecks.Boxes(boxes1, nameof(boxes1));
            ArgumentChecks.Boxes(boxes2, nameof(boxes2));
            using var scope = NewDisposeScope();
            var area1 = box_area(boxes1);
            var area2 = box_area(boxes2);
            var first = boxes1.unsqueeze(1);
            var topLeft = first.narrow(2, 0, 2).maximum(boxes2.narrow(1, 0, 2));        // [N, M, 2]
            var bottomRight = first.narrow(2, 2, 2).minimum(boxes2.narrow(1, 2, 2));    // [N, M, 2]
            var size = Upcast(bottomRight - topLeft).clamp(min: 0);
            var intersection = size.select(2, 0) * size.select(2, 1);
            var union = area1.unsqueeze(1) + area2 - intersection;
            return (intersection / union).MoveToOuterDisposeScope();
        }

        /// <summary>
        /// Clamps boxes [..., 4] to an image: x into [0, width], y into [0, height]. Works on any leading shape,
        /// such as the [N, classes, 4] boxes of a detection head.
        /// </summary>
        public static Tensor clip_boxes_to_image(Tensor boxes, (long height, long width) size)
        {
            ArgumentChecks.NotNull(boxes, nameof(boxes));
            var shape = boxes.Sizes();
            if (shape.Length == 0 || shape[^1] != 4)
                throw new ArgumentException($"{nameof(boxes)} must have shape [..., 4], got {ArgumentChecks.Format(shape)}.", nameof(boxes));
            if (size.height < 0 || size.width < 0)
                throw new ArgumentOutOfRangeException(nameof(size), $"The image size must not be negative, got {size}.");
            using var scope = NewDisposeScope();
            var x = boxes[TensorIndex.Ellipsis, TensorIndex.Slice(0, null, 2)].clamp(0, size.width);
            var y = boxes[TensorIndex.Ellipsis, TensorIndex.Slice(1, null, 2)].clamp(0, size.height);
            var clipped = torch.stack(new[] { x, y }, shape.Length).reshape(shape);
            return clipped.MoveToOuterDisposeScope();
        }

        /// <summary>Indices (int64) of the boxes [N, 4] whose width and height are both at least <paramref name="min_size"/>.</summary>
        public static Tensor remove_small_boxes(Tensor boxes, double min_size)
        {
            ArgumentChecks.Boxes(boxes, nameof(boxes));
            using var scope = NewDisposeScope();
            var widths = boxes.select(1, 2) - boxes.select(1, 0);
            var heights = boxes.select(1, 3) - boxes.select(1, 1);
            var keep = (widths >= min_size) & (heights >= min_size);
            return torch.where(keep)[0].MoveToOuterDisposeScope();
        }

        /// <summary>Converts boxes [..., 4] between formats; the same format returns a copy.</summary>
        public static Tensor box_convert(Tensor boxes, BoxFormat in_fmt, BoxFormat out_fmt)
        {
            ArgumentChecks.NotNull(boxes, nameof(boxes));
            var shape = boxes.Sizes();
            if (shape.Length == 0 || shape[^1] != 4)
                throw new ArgumentException($"{nameof(boxes)} must have shape [..., 4], got {ArgumentChecks.Format(shape)}.", nameof(boxes));
            if (!Enum.IsDefined(in_fmt)) throw new ArgumentOutOfRangeException(nameof(in_fmt));
            if (!Enum.IsDefined(out_fmt)) throw new ArgumentOutOfRangeException(nameof(out_fmt));
            if (in_fmt == out_fmt) return boxes.clone();
            using var scope = NewDisposeScope();
            var xyxy = in_fmt switch
            {
                BoxFormat.xywh => FromXywh(boxes),
                BoxFormat.cxcywh => FromCxcywh(boxes),
                _ => boxes,
            };
            var result = out_fmt switch
            {
                BoxFormat.xywh => ToXywh(xyxy),
                BoxFormat.cxcywh => ToCxcywh(xyxy),
                _ => xyxy,
            };
            return result.MoveToOuterDisposeScope();
        }

        private static Tensor FromXywh(Tensor boxes)
        {
            var c = boxes.unbind(-1);
            return torch.stack(new[] { c[0], c[1], c[0] + c[2], c[1] + c[3] }, -1);
        }

        private static Tensor FromCxcywh(Tensor boxes)
        {
            var c = boxes.unbind(-1);
            var halfW = c[2] * 0.5;
            var halfH = c[3] * 0.5;
            return torch.stack(new[] { c[0] - halfW, c[1] - halfH, c[0] + halfW, c[1] + halfH }, -1);
        }

        private static Tensor ToXywh(Tensor boxes)
        {
            var c = boxes.unbind(-1);
            return torch.stack(new[] { c[0], c[1], c[2] - c[0], c[3] - c[1] }, -1);
        }

        private static Tensor ToCxcywh(Tensor boxes)
        {
            var c = boxes.unbind(-1);
            return torch.stack(new[] { (c[0] + c[2]) / 2, (c[1] + c[3]) / 2, c[2] - c[0], c[3] - c[1] }, -1);
        }

        /// <summary>Guards products against overflow: half floats to float32, small integers to int32 (as torchvision).</summary>
        private static Tensor Upcast(Tensor t) => t.dtype switch
        {
            ScalarType.Float32 or ScalarType.Float64 or ScalarType.Int32 or ScalarType.Int64 => t,
            ScalarType.Float16 or ScalarType.BFloat16 => t.to(ScalarType.Float32),
            _ => t.to(ScalarType.Int32),
        };
    }
}
