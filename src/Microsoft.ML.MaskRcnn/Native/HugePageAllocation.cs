using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Native
{
    /// <summary>
    /// Transparent huge pages for libtorch's CPU tensors. libtorch 2.x aligns CPU allocations of 2 MiB and more to the page size
    /// and advises the kernel to back them with huge pages when <c>THP_MEM_ALLOC_ENABLE=1</c> is in the process
    /// environment at its first allocation (it reads the variable once). Mask R-CNN allocates and frees feature maps of
    /// tens to hundreds of MiB in every pass, which glibc maps afresh each time, 4 KiB page by page: with huge pages an
    /// R50-FPN evaluation on a CPU took 12% less time, at the same peak memory (docs/benchmarks.md, "Huge pages"). So the library sets the variable when it loads, on Linux, unless the
    /// process already has it: <c>THP_MEM_ALLOC_ENABLE=0</c> in the environment opts out. It cannot take effect when the
    /// application allocated a TorchSharp tensor before it first used this library.
    /// </summary>
    internal static class HugePageAllocation
    {
        /// <summary>The variable libtorch (c10's CPU allocator) reads.</summary>
        internal const string Variable = "THP_MEM_ALLOC_ENABLE";

        private const long ProbeBytes = 40L << 20;

        [ModuleInitializer]
        internal static void EnableUnlessSet()
        {
            if (!OperatingSystem.IsLinux()) return;
            try
            {
                // In libc's environment, where libtorch reads it (.NET's Environment keeps a copy of its own).
                SetIfAbsent(Variable, "1");
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                // Not glibc (no libc.so.6): libtorch keeps its default, ordinary pages.
            }
        }

        /// <summary>
        /// Whether libtorch allocates large CPU tensors for huge pages in this process: only then does it align them to the
        /// page size (otherwise to 64 bytes; glibc serves a block this large, above its largest mapping threshold of
        /// 32 MiB, with a mapping of its own whose first 64-byte boundary after the chunk header is 64 bytes into a page).
        /// </summary>
        internal static bool IsActive()
        {
            using var probe = empty(ProbeBytes, dtype: ScalarType.Byte);
            return probe.storage<byte>().data_ptr().ToInt64() % Environment.SystemPageSize == 0;
        }

        private static unsafe void SetIfAbsent(string name, string value)
        {
            byte[] nameBytes = Encoding.ASCII.GetBytes(name + "\0");
            byte[] valueBytes = Encoding.ASCII.GetBytes(value + "\0");
            fixed (byte* namePointer = nameBytes)
            fixed (byte* valuePointer = valueBytes)
                setenv(namePointer, valuePointer, overwrite: 0);
        }

        [DllImport("libc.so.6", EntryPoint = "setenv")]
        private static extern unsafe int setenv(byte* name, byte* value, int overwrite);
    }
}
