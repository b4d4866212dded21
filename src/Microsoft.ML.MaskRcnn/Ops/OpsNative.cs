using System;
using TorchSharp;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.ML.MaskRcnn.Native;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Ops
{
    /// <summary>
    /// The C ABI of libMaskRcnnOps.so (src/Native/maskrcnn_ops/api.cpp): kernels over contiguous CPU buffers. The managed
    /// side checks the arguments, allocates every output as a tensor and passes data pointers and sizes; the library
    /// includes no libtorch header and links no libtorch library, so it does not depend on the libtorch version.
    /// </summary>
    internal static class OpsNative
    {
        private const string Lib = NativeLibraryResolver.Ops;

        /// <summary>The ABI version this binding was written for (MRO_ABI_VERSION in api.cpp).</summary>
        internal const int AbiVersion = 2;

        private const int StatusInvalidArgument = -2;

        [DllImport(Lib)] private static extern int mro_abi_version();
        [DllImport(Lib)] private static extern IntPtr mro_last_error();
        [DllImport(Lib)] private static extern void mro_clear_last_error();

        [DllImport(Lib)]
        internal static extern int mro_roi_align_forward_f32(IntPtr input, long n, long c, long h, long w, IntPtr rois, long k, double spatialScale,
                                                             long pooledHeight, long pooledWidth, long samplingRatio, bool aligned, IntPtr output,
                                                             int numThreads);
        [DllImport(Lib)]
        internal static extern int mro_roi_align_forward_f64(IntPtr input, long n, long c, long h, long w, IntPtr rois, long k, double spatialScale,
                                                             long pooledHeight, long pooledWidth, long samplingRatio, bool aligned, IntPtr output,
                                                             int numThreads);
        [DllImport(Lib)]
        internal static extern int mro_roi_align_backward_f32(IntPtr gradOutput, IntPtr rois, long k, double spatialScale, long pooledHeight,
                                                              long pooledWidth, long samplingRatio, bool aligned, long n, long c, long h, long w,
                                                              IntPtr gradInput, int numThreads);
        [DllImport(Lib)]
        internal static extern int mro_roi_align_backward_f64(IntPtr gradOutput, IntPtr rois, long k, double spatialScale, long pooledHeight,
                                                              long pooledWidth, long samplingRatio, bool aligned, long n, long c, long h, long w,
                                                              IntPtr gradInput, int numThreads);
        [DllImport(Lib)] internal static extern long mro_nms_f32(IntPtr boxes, IntPtr scores, long n, double iouThreshold, IntPtr keep, int numThreads);
        [DllImport(Lib)] internal static extern long mro_nms_f64(IntPtr boxes, IntPtr scores, long n, double iouThreshold, IntPtr keep, int numThreads);
        [DllImport(Lib)]
        internal static extern long mro_batched_nms_f32(IntPtr boxes, IntPtr scores, IntPtr idxs, long n, double iouThreshold, IntPtr keep, int numThreads);
        [DllImport(Lib)]
        internal static extern long mro_batched_nms_f64(IntPtr boxes, IntPtr scores, IntPtr idxs, long n, double iouThreshold, IntPtr keep, int numThreads);

        private static readonly Lazy<string?> unavailableReason = new(Probe);

        /// <summary>True when libMaskRcnnOps.so could be loaded and speaks this binding's ABI.</summary>
        internal static bool IsAvailable => unavailableReason.Value is null;

        /// <summary>Why the library cannot be used (null when it can).</summary>
        internal static string? UnavailableReason => unavailableReason.Value;

        private static string? Probe()
        {
            try
            {
                int version = mro_abi_version();
                return version == AbiVersion ? null : $"libMaskRcnnOps.so has ABI version {version}, this assembly expects {AbiVersion}";
            }
            catch (DllNotFoundException e) { return e.Message; }
            catch (EntryPointNotFoundException e) { return e.Message; }
            catch (BadImageFormatException e) { return e.Message; }
        }

        /// <summary>Threads the kernels may use: libtorch's intra-op thread count, as at::parallel_for would.</summary>
        internal static int Threads => Math.Max(1, TorchSharp.torch.get_num_threads());

        /// <summary>
        /// Throws for a non-zero status: an <see cref="ArgumentException"/> for <paramref name="parameterName"/> when the
        /// library refused an argument, an <see cref="ExternalException"/> otherwise (out of memory, an internal error).
        /// The message is the library's.
        /// </summary>
        internal static void Check(long status, string parameterName)
        {
            if (status >= 0) return;
            string message = Marshal.PtrToStringUTF8(mro_last_error()) ?? "";
            mro_clear_last_error();
            if (message.Length == 0) message = "MaskRcnnOps reported an error without a message";
            if (status == StatusInvalidArgument) throw new ArgumentException(message, parameterName);
            throw new ExternalException(message);
        }

        /// <summary>
        /// The address of the first element of a contiguous CPU tensor (zero for an empty one). Valid while the tensor is
        /// alive and not resized: keep it alive with <see cref="GC.KeepAlive"/> until the native call returned.
        /// </summary>
        internal static unsafe IntPtr Data(Tensor tensor)
        {
            long bytes = tensor.NumberOfElements * tensor.ElementSize;
            if (bytes == 0) return IntPtr.Zero;
            if (bytes <= int.MaxValue)
            {
                // Tensor.bytes: the tensor's own data pointer (checks contiguity and the CPU device).
                Span<byte> span = tensor.bytes;
                return (IntPtr)Unsafe.AsPointer(ref MemoryMarshal.GetReference(span));
            }
            if (!tensor.is_contiguous() || tensor.device_type != DeviceType.CPU)
                throw new InvalidOperationException("A native kernel needs a contiguous CPU tensor.");
            // Above 2 GiB Tensor.bytes refuses: take the storage's base address plus the tensor's offset.
            using var scope = NewDisposeScope();
            IntPtr storage = tensor.dtype switch
            {
                ScalarType.Float32 => tensor.storage<float>().data_ptr(),
                ScalarType.Float64 => tensor.storage<double>().data_ptr(),
                ScalarType.Int64 => tensor.storage<long>().data_ptr(),
                _ => throw new NotSupportedException($"No native kernel takes {tensor.dtype} tensors."),
            };
            return storage + (nint)(tensor.storage_offset() * tensor.ElementSize);
        }
    }
}
