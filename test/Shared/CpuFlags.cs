using System;
using System.IO;
using System.Linq;

namespace Microsoft.ML.MaskRcnn.TestUtilities
{
    /// <summary>The CPU's features as the kernel reports them (/proc/cpuinfo): a truth independent of the product's CPUID reading.</summary>
    public static class CpuFlags
    {
        /// <summary>Whether /proc/cpuinfo lists avx512_bf16 or amx_bf16; null where there is no /proc/cpuinfo to read.</summary>
        public static bool? HasNativeBFloat16()
        {
            if (!File.Exists("/proc/cpuinfo")) return null;
            var flags = File.ReadLines("/proc/cpuinfo").First(l => l.StartsWith("flags", StringComparison.Ordinal)).Split(' ');
            return flags.Contains("avx512_bf16") || flags.Contains("amx_bf16");
        }
    }
}
