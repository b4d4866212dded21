using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;

namespace Microsoft.ML.MaskRcnn.TestUtilities
{
    /// <summary>
    /// What the C heap has handed out (glibc's mallinfo2): libtorch's tensors and everything else allocated with malloc,
    /// whether or not a .NET handle refers to it. Unlike resident memory, it does not count freed pages the heap keeps.
    /// </summary>
    public static class NativeHeap
    {
        [StructLayout(LayoutKind.Sequential)]
        private struct MallocInfo
        {
            public nuint arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
        }

        [DllImport("libc", EntryPoint = "mallinfo2")]
        private static extern MallocInfo MallInfo2();

        /// <summary>Bytes in use: in the heap's arenas plus in separately mapped large blocks.</summary>
        public static long BytesInUse()
        {
            var info = MallInfo2();
            return (long)(info.uordblks + info.hblkhd);
        }

        /// <summary>
        /// <see cref="BytesInUse"/> once every unreachable .NET object has been finalized. TorchSharp 0.107 frees some small
        /// per-call native allocations only in finalizers (the delegate that <c>Tensor.shape</c> marshals, the Scalar of an
        /// implicit number conversion; about 100 bytes each, 35-47 KB per training step of the tiny test network). They
        /// are garbage, not leaks: the GC reclaims them with the managed objects that own them. A leak test that wants to
        /// see what the product keeps alive measures after a collection.
        /// </summary>
        public static long BytesInUseAfterCollection()
        {
            System.GC.Collect();
            System.GC.WaitForPendingFinalizers();
            System.GC.Collect();
            return BytesInUse();
        }

        /// <summary>
        /// The median growth between consecutive samples of <see cref="BytesInUse"/>: a leak repeats every iteration and
        /// shows here, where one-off growth (a cache filled once, the JIT's tiered recompilation) does not.
        /// </summary>
        public static long MedianGrowth(IReadOnlyList<long> samples)
        {
            var growth = Enumerable.Range(1, samples.Count - 1).Select(i => samples[i] - samples[i - 1]).OrderBy(d => d).ToArray();
            return growth[growth.Length / 2];
        }
    }
}
