using System;
using System.Threading.Tasks;
using Microsoft.ML.MaskRcnn.Scoring;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Modeling
{
    /// <summary>
    /// Pastes mask probabilities into the image with the paste the ONNX scoring path uses (<see cref="MaskPasting"/>,
    /// torchvision's paste_masks_in_image in plain C#), so that both paths give the same masks: the probabilities and
    /// boxes are read to the CPU, each detection is pasted into its own plane of the result, and the result goes to the
    /// masks' device.
    /// </summary>
    internal static class MaskPaste
    {
        /// <summary>Masks [K, 1, M, M] over boxes [K, 4] (in the image) as [K, 1, imageHeight, imageWidth] probabilities.</summary>
        public static Tensor Paste(Tensor masks, Tensor boxes, long imageHeight, long imageWidth)
        {
            long count = masks.shape[0];
            if (count == 0) return torch.zeros(new[] { 0, 1, imageHeight, imageWidth }, masks.dtype, masks.device);
            int maskSize = (int)masks.shape[^1], height = (int)imageHeight, width = (int)imageWidth;
            var probabilities = TensorArrays.ToArray<float>(masks);
            var corners = TensorArrays.ToArray<float>(boxes);
            var pasted = torch.zeros(new[] { count, 1, imageHeight, imageWidth }, ScalarType.Float32);
            long plane = imageHeight * imageWidth;
            IntPtr data = Ops.OpsNative.Data(pasted);
            Parallel.For(0, (int)count, i =>
            {
                unsafe
                {
                    var image = new Span<float>((float*)data + i * plane, (int)plane);
                    MaskPasting.PasteInto(probabilities, maskSize, corners, i, height, width, image);
                }
            });
            GC.KeepAlive(pasted);
            if (masks.dtype == ScalarType.Float32 && masks.device_type == DeviceType.CPU) return pasted;
            using (pasted) return pasted.to(masks.dtype, masks.device);
        }
    }
}
