using System;
using System.Runtime.InteropServices;

namespace Microsoft.ML.MaskRcnn.Native
{
    /// <summary>
    /// Gives the memory glibc holds freed back to the system. libtorch frees a pass's feature maps with free(); glibc keeps
    /// what lies inside its heaps resident for reuse, and after the first pass most of a pass's tensors come from those heaps
    /// (each freed mapping raises glibc's threshold for mapping a block on its own, up to 32 MiB). An R50-FPN evaluation
    /// then started each pass with about 300 MiB more resident than the first, which the pasted masks (hundreds of MiB,
    /// mapped afresh) came on top of. Called between the network and the paste, malloc_trim took about 5 ms and the
    /// evaluation peak fell by about 170 MiB (docs/benchmarks.md, "Compute options"). Elsewhere than glibc it does nothing,
    /// and so it does where the application set glibc's trim threshold itself: it chose how much freed memory to keep.
    /// </summary>
    internal static class FreedMemory
    {
        private static bool available = OperatingSystem.IsLinux() && !ApplicationSetTrimThreshold();

        // glibc reads both at process start, from the environment .NET also copied then.
        private static bool ApplicationSetTrimThreshold() =>
            Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_") is not null ||
            (Environment.GetEnvironmentVariable("GLIBC_TUNABLES")?.Contains("glibc.malloc.trim_threshold", StringComparison.Ordinal) ?? false);

        /// <summary>
        /// glibc's largest threshold for mapping a block on its own (DEFAULT_MMAP_THRESHOLD_MAX on 64-bit): a larger block is
        /// always a fresh mapping, which memory freed inside the heaps cannot serve.
        /// </summary>
        internal const long LargestHeapBlockBytes = 32L << 20;

        /// <summary>
        /// Before an allocation of <paramref name="bytes"/>: returns the heaps' free pages when the block is too large for
        /// them to serve (<see cref="LargestHeapBlockBytes"/>); a smaller one reuses them, and trimming first only costs
        /// time (main job, 160x128 images: 6-10 ms more per image of 30-60 ms).
        /// </summary>
        internal static void ReturnToSystemBefore(long bytes)
        {
            if (bytes > LargestHeapBlockBytes) ReturnToSystem();
        }

        /// <summary>
        /// Returns the free pages of every glibc heap to the system; a no-op where malloc_trim does not exist or the
        /// application set glibc's trim threshold.
        /// </summary>
        internal static void ReturnToSystem()
        {
            if (!available) return;
            try
            {
                malloc_trim(0);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                available = false; // not glibc (no libc.so.6 or no malloc_trim): nothing to give back this way
            }
        }

        [DllImport("libc.so.6", EntryPoint = "malloc_trim")]
        private static extern int malloc_trim(nuint pad);
    }
}
