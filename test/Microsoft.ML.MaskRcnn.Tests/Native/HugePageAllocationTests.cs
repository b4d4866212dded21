using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.ML.MaskRcnn.Native;
using Microsoft.ML.MaskRcnn.Tests.Reliability;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.Native
{
    /// <summary>
    /// The library turns on libtorch's huge-page allocation when it loads (<see cref="HugePageAllocation"/>), checked in a
    /// fresh process (the fault child's huge-pages mode) by two independent signs: libtorch's 2 MiB alignment of a large
    /// tensor, and the kernel's count of anonymous huge pages after a 64 MiB tensor is filled.
    /// </summary>
    [TestClass]
    public sealed class HugePageAllocationTests
    {
        private const long FilledKiB = 64 * 1024;

        [TestMethod]
        public void AFreshProcessThatUsesTheLibraryAllocatesForHugePages()
        {
            var report = Run(new Dictionary<string, string?> { [HugePageAllocation.Variable] = null });
            Assert.IsTrue(report.Active, "libtorch did not align a 4 MiB tensor to 2 MiB: huge-page allocation is off");
            if (KernelMode() is "always" or "madvise")
                Assert.IsTrue(report.GainedKiB >= FilledKiB / 4,
                    $"the kernel backed only {report.GainedKiB} KiB of a filled 64 MiB tensor with huge pages (mode {KernelMode()})");
        }

        [TestMethod]
        public void AnApplicationsOwnSettingIsKept()
        {
            var report = Run(new Dictionary<string, string?> { [HugePageAllocation.Variable] = "0" });
            Assert.IsFalse(report.Active, "THP_MEM_ALLOC_ENABLE=0 was overridden");
            // Only where huge pages need libtorch's advice; a kernel set to "always" gives them to every large mapping.
            if (KernelMode() == "madvise")
                Assert.IsTrue(report.GainedKiB < FilledKiB / 4, $"{report.GainedKiB} KiB of huge pages without libtorch's advice");
        }

        [TestMethod]
        public void ItCannotTakeEffectAfterLibtorchHasAllocated()
        {
            // The documented limit: libtorch reads the variable at its first allocation.
            var report = Run(new Dictionary<string, string?> { [HugePageAllocation.Variable] = null }, "torch-first");
            Assert.IsFalse(report.Active);
        }

        private static (bool Active, long GainedKiB) Run(IReadOnlyDictionary<string, string?> environment, params string[] extra)
        {
            using var child = new FaultChildProcess(environment, new[] { "huge-pages" }.Concat(extra).ToArray());
            child.WaitFor(line => line.StartsWith("huge-pages ", System.StringComparison.Ordinal), "its huge-page report");
            string line = child.All().Single(l => l.StartsWith("huge-pages ", System.StringComparison.Ordinal));
            var fields = line.Split(' ').Skip(1).Select(f => f.Split('=')).ToDictionary(f => f[0], f => f[1]);
            long before = long.Parse(fields["anon-huge-kib-before"], CultureInfo.InvariantCulture);
            long after = long.Parse(fields["after"], CultureInfo.InvariantCulture);
            return (bool.Parse(fields["active"]), after - before);
        }

        /// <summary>The kernel's transparent huge page mode (always, madvise, never), or null where it has none.</summary>
        private static string? KernelMode()
        {
            const string path = "/sys/kernel/mm/transparent_hugepage/enabled";
            if (!File.Exists(path)) return null;
            string text = File.ReadAllText(path);
            int open = text.IndexOf('['), close = text.IndexOf(']');
            return open >= 0 && close > open ? text[(open + 1)..close] : null;
        }
    }
}
