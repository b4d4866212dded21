using System;
using System.Runtime.InteropServices;
using Microsoft.ML.MaskRcnn.Native;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Ops
{
    /// <summary>
    /// The C ABI of libMaskRcnnOps.so (src/Native/maskrcnn_ops/api.cpp). Tensors cross as at::Tensor* handles:
    /// arguments are borrowed, results are new handles that <see cref="Result"/> wraps and owns.
    /// </summary>
    internal static class OpsNative
    {
        private const string Lib = NativeLibraryResolver.Ops;

        [DllImport(Lib)] private static extern IntPtr mro_last_error();
        [DllImport(Lib)] private static extern void mro_clear_last_error();
        [DllImport(Lib)] internal static extern IntPtr mro_nms(IntPtr boxes, IntPtr scores, double iouThreshold);
        [DllImport(Lib)] internal static extern IntPtr mro_batched_nms(IntPtr boxes, IntPtr scores, IntPtr idxs, double iouThreshold);
        [DllImport(Lib)]
        internal static extern IntPtr mro_roi_align(IntPtr input, IntPtr rois, double spatialScale, long pooledHeight, long pooledWidth,
                                                    long samplingRatio, bool aligned);

        /// <summary>
        /// Wraps a handle returned by the library, or throws the library's error (an <see cref="ExternalException"/>, as
        /// TorchSharp does for libtorch errors). The operands are kept alive until here, after the native call returned.
        /// </summary>
        internal static Tensor Result(IntPtr handle, Tensor operand1, Tensor? operand2 = null, Tensor? operand3 = null)
        {
            GC.KeepAlive(operand1);
            GC.KeepAlive(operand2);
            GC.KeepAlive(operand3);
            if (handle == IntPtr.Zero)
            {
                string message = Marshal.PtrToStringUTF8(mro_last_error()) ?? "";
                mro_clear_last_error();
                throw new ExternalException(message.Length == 0 ? "MaskRcnnOps reported an error without a message" : message);
            }
            return Tensor.UnsafeCreateTensor(handle);
        }
    }
}
