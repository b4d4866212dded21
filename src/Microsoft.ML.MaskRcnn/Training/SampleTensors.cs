using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Imaging;
using Microsoft.ML.MaskRcnn.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Training
{
    /// <summary>Converts decoded samples (plain arrays) into the tensors the network reads.</summary>
    public static class SampleTensors
    {
        /// <summary>An 8-bit RGB image as a [3, H, W] float tensor in [0, 1] on <paramref name="device"/>.</summary>
        public static Tensor Image(ImageBuffer image, Device? device = null)
        {
            if (image.Channels != 3 || image.BitDepth != 8)
                throw new ArgumentException($"Expected an 8-bit RGB image, got {image}.", nameof(image));
            using var scope = NewDisposeScope();
            var hwc = torch.tensor(image.Data, new long[] { image.Height, image.Width, 3 });
            var chw = hwc.permute(2, 0, 1).to(ScalarType.Float32).div_(255);
            return (device is null || device.type == DeviceType.CPU ? chw : chw.to(device)).MoveToOuterDisposeScope();
        }

        /// <summary>
        /// The training target of a sample: boxes [N, 4], labels [N] (int64) and masks [N, H, W] (uint8) of the
        /// instances that are not crowd regions (crowds are ignored in training, as torchvision's reference does).
        /// </summary>
        public static DetectionTarget Target(InstanceAnnotations annotations, Device? device = null)
        {
            var keep = Enumerable.Range(0, annotations.Count).Where(i => !annotations.IsCrowd[i]).ToArray();
            int h = annotations.Height, w = annotations.Width;
            var boxes = new float[keep.Length * 4];
            var labels = new long[keep.Length];
            var masks = new byte[(long)keep.Length * h * w];
            for (int k = 0; k < keep.Length; k++)
            {
                int i = keep[k];
                Array.Copy(annotations.Boxes, 4 * i, boxes, 4 * k, 4);
                labels[k] = annotations.Labels[i];
                annotations.GetMask(i).CopyTo(masks.AsSpan((int)((long)k * h * w), h * w));
            }
            Tensor Put(Tensor t) => device is null || device.type == DeviceType.CPU ? t : t.to(device, disposeAfter: true);
            return new DetectionTarget(
                Put(torch.tensor(boxes, new long[] { keep.Length, 4 })),
                Put(torch.tensor(labels)),
                Put(torch.tensor(masks, new long[] { keep.Length, h, w })));
        }

        /// <summary>Drops degenerate instances (zero width or height after augmentation), which the network refuses.</summary>
        internal static InstanceAnnotations WithoutDegenerateBoxes(InstanceAnnotations annotations)
        {
            var keep = Enumerable.Range(0, annotations.Count)
                .Where(i => annotations.Boxes[4 * i + 2] > annotations.Boxes[4 * i] && annotations.Boxes[4 * i + 3] > annotations.Boxes[4 * i + 1])
                .ToArray();
            if (keep.Length == annotations.Count) return annotations;
            int plane = annotations.Height * annotations.Width;
            var masks = new byte[(long)keep.Length * plane];
            for (int k = 0; k < keep.Length; k++) annotations.GetMask(keep[k]).CopyTo(masks.AsSpan(k * plane, plane));
            return new InstanceAnnotations(annotations.Height, annotations.Width,
                keep.SelectMany(i => annotations.Boxes.Skip(4 * i).Take(4)).ToArray(), keep.Select(i => annotations.Labels[i]).ToArray(),
                keep.Select(i => annotations.IsCrowd[i]).ToArray(), keep.Select(i => annotations.AnnotationIds[i]).ToArray(),
                keep.Select(i => annotations.Areas[i]).ToArray(), masks);
        }
    }
}
