using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn
{
    /// <summary>Copies tensors into .NET arrays.</summary>
    internal static class TensorArrays
    {
        /// <summary>
        /// The elements of <paramref name="tensor"/> (copied to the CPU first when elsewhere) in a new array. The CPU copy
        /// and the accessor's reference to the storage are released here: left to the finalizer, they keep the whole
        /// tensor's memory (a batch of full-image masks, say) alive until the next garbage collection.
        /// </summary>
        internal static T[] ToArray<T>(Tensor tensor) where T : unmanaged
        {
            using var scope = NewDisposeScope();
            using var accessor = tensor.cpu().data<T>();
            return accessor.ToArray();
        }
    }
}
