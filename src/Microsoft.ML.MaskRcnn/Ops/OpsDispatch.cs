using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Ops
{
    public static partial class DetectionOps
    {
        private static volatile bool forceTensorOps;

        /// <summary>
        /// True when <paramref name="tensor"/>'s operator runs the native kernels of libMaskRcnnOps.so: the tensor is on the
        /// CPU, the library could be loaded and <see cref="ForceTensorOps"/> is off. Otherwise the operators run their
        /// implementations in TorchSharp tensor operations (RoIAlignTensorOps, NmsTensorOps), which work on any device.
        /// </summary>
        internal static bool UsesNativeKernels(Tensor tensor) =>
            !forceTensorOps && tensor.device_type == DeviceType.CPU && OpsNative.IsAvailable;

        /// <summary>
        /// Makes roi_align, nms and batched_nms use the tensor-operation implementations on the CPU too (for tests that
        /// hold both implementations to the same results), process-wide, until the returned object is disposed.
        /// </summary>
        internal static IDisposable ForceTensorOps()
        {
            bool previous = forceTensorOps;
            forceTensorOps = true;
            return new Restore(previous);
        }

        private sealed class Restore : IDisposable
        {
            private readonly bool previous;
            private bool disposed;
            public Restore(bool previous) => this.previous = previous;
            public void Dispose()
            {
                if (disposed) return;
                disposed = true;
                forceTensorOps = previous;
            }
        }
    }
}
