using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Microsoft.ML.MaskRcnn.Fuzz;
using Microsoft.ML.MaskRcnn.TestUtilities;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Cli.Tests
{
    /// <summary>
    /// Every input the fuzz campaigns kept (test/Fuzz/Managed/corpus/TARGET: the minimised queues of ./build.sh fuzz) and
    /// every finding fixed since (test/Fuzz/Managed/findings/TARGET), run once through its harness: accepted or refused
    /// with the parser's documented exception, each within the campaign's 10-second hang limit.
    /// </summary>
    [TestClass]
    public sealed class FuzzCorpusReplayTests
    {
        private static readonly string Managed = Path.Combine(RepositoryPaths.Root, "test", "Fuzz", "Managed");

        public static System.Collections.Generic.IEnumerable<object[]> Targets() => FuzzTarget.All.Select(t => new object[] { t.Name });

        [TestMethod]
        [DynamicData(nameof(Targets))]
        public void TheSavedCorpusAndFixedFindingsReplayWithoutAFinding(string name)
        {
            var target = FuzzTarget.Find(name);
            var files = new[] { "corpus", "findings" }
                .Select(kind => Path.Combine(Managed, kind, name))
                .Where(Directory.Exists)
                .SelectMany(Directory.GetFiles)
                .OrderBy(f => f, StringComparer.Ordinal)
                .ToList();
            Assert.IsTrue(files.Count > 0, $"no saved corpus for '{name}' in {Managed}/corpus/{name}: run ./build.sh fuzz {name} MINUTES and commit it");
            int accepted = 0;
            foreach (string file in files)
            {
                var watch = Stopwatch.StartNew();
                string? refusal;
                try
                {
                    refusal = target.Run(File.ReadAllBytes(file));
                }
                catch (Exception e)
                {
                    throw new AssertFailedException($"{file}: a finding: {e}");
                }
                Assert.IsTrue(watch.Elapsed < TimeSpan.FromSeconds(10), $"{file} took {watch.Elapsed.TotalSeconds:F1} s (a hang for the campaign)");
                if (refusal is null) accepted++;
            }
            Console.WriteLine($"{name}: {files.Count} inputs, {accepted} accepted, {files.Count - accepted} refused with a clear error");
        }

        [TestMethod]
        public void EveryTargetsSeedsReachPastTheFirstCheck()
        {
            // Seeds made by the product's own writers must be accepted (model-zip's are refused by design: their weights
            // are emptied, which the recorded digest catches), or the campaign would start at the parser's front door.
            foreach (var target in FuzzTarget.All.Where(t => t.Name is not ("model-zip" or "checkpoint")))
                foreach (var (seed, bytes) in target.Seeds())
                    Assert.IsNull(target.Run(bytes), $"{target.Name} seed {seed} is refused");
        }
    }
}
