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
