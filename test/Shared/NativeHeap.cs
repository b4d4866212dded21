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
    }
}
