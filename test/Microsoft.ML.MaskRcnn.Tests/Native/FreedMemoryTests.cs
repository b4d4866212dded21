using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.ML.MaskRcnn.Native;
using Microsoft.ML.MaskRcnn.Tests.Reliability;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.Native
{
    /// <summary>
    /// <see cref="FreedMemory.ReturnToSystem"/> against the kernel's own count of the process's anonymous memory, in a fresh
    /// process (the fault child's freed-memory mode), where no other test allocates meanwhile: 125 MiB of small tensors
    /// freed stay resident in glibc's heap until it is called, and leave when it is, unless the application set glibc's
    /// trim threshold.
    /// </summary>
    [TestClass]
    public sealed class FreedMemoryTests
    {
        private const long FilledKiB = 2000 * 64;

        [TestMethod]
        public void FreedTensorsLeaveTheProcessOnlyWhenReturned()
        {
            var kib = Report(new Dictionary<string, string?>());
            Assert.IsTrue(kib["freed"] - kib["returned"] > FilledKiB * 3 / 4,
                $"ReturnToSystem gave back only {kib["freed"] - kib["returned"]} KiB of {FilledKiB} KiB freed");
        }

        [TestMethod]
        public void AnApplicationsOwnTrimThresholdIsKept()
        {
            // The benchmarks' "retain" setting: the application keeps freed memory for reuse, and ReturnToSystem leaves it.
            var kib = Report(new Dictionary<string, string?> { ["GLIBC_TUNABLES"] = "glibc.malloc.trim_threshold=4294967295" });
            Assert.IsTrue(kib["freed"] - kib["returned"] < FilledKiB / 4,
                $"ReturnToSystem gave back {kib["freed"] - kib["returned"]} KiB although the application set glibc's trim threshold");
        }

        [TestMethod]
        public void OnlyABlockTooLargeForTheHeapsIsWorthTrimmingFor()
        {
            long largest = FreedMemory.LargestHeapBlockBytes;
            var small = Report(new Dictionary<string, string?>(), largest);
            Assert.IsTrue(small["freed"] - small["returned"] < FilledKiB / 4,
                $"memory was given back before a {largest}-byte block, which the heaps can serve themselves");
            var large = Report(new Dictionary<string, string?>(), largest + 1);
            Assert.IsTrue(large["freed"] - large["returned"] > FilledKiB * 3 / 4,
                $"only {large["freed"] - large["returned"]} KiB given back before a block larger than the heaps serve");
        }

        private static Dictionary<string, long> Report(IReadOnlyDictionary<string, string?> environment, long? allocationBytes = null)
        {
            if (!OperatingSystem.IsLinux()) Assert.Inconclusive("RssAnon and glibc's malloc_trim are Linux's.");
            using var child = new FaultChildProcess(environment, allocationBytes is long bytes
                ? new[] { "freed-memory", bytes.ToString(CultureInfo.InvariantCulture) }
                : new[] { "freed-memory" });
            child.WaitFor(line => line.StartsWith("freed-memory ", StringComparison.Ordinal), "its freed-memory report");
            string line = child.All().Single(l => l.StartsWith("freed-memory ", StringComparison.Ordinal));
            var kib = line.Split(' ').Skip(1).Select(f => f.Split('=')).ToDictionary(f => f[0], f => long.Parse(f[1], CultureInfo.InvariantCulture));
            Assert.IsTrue(kib["filled"] - kib["freed"] < FilledKiB / 4,
                $"freeing gave back {kib["filled"] - kib["freed"]} KiB by itself: glibc did not keep the freed tensors, nothing is left to test ({line})");
            return kib;
        }
    }
}
