using System;
using System.IO;
using System.Linq;

namespace Microsoft.ML.MaskRcnn.TestUtilities
{
    /// <summary>
    /// The process's peak resident memory over a stretch of code: Linux's VmHWM, reset by writing 5 to
    /// /proc/self/clear_refs, so that "refused before a large allocation" is measured, not assumed.
    /// </summary>
    public static class PeakMemory
    {
        /// <summary>How far the peak resident memory rose above the resident memory at the start while <paramref name="action"/> ran.</summary>
        public static long RiseDuring(Action action)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            File.WriteAllText("/proc/self/clear_refs", "5");
            long start = StatusKilobytes("VmRSS") * 1024;
            action();
            return StatusKilobytes("VmHWM") * 1024 - start;
        }

        private static long StatusKilobytes(string field)
        {
            string line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
            return long.Parse(line.Substring(field.Length + 1).Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
