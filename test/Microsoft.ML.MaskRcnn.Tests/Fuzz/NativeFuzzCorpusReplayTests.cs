using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Microsoft.ML.MaskRcnn.TestUtilities;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.Fuzz
{
    /// <summary>
    /// Replays the saved, minimised libFuzzer corpora of the native C ABIs (test/Fuzz/Native/corpus/TARGET) through the
    /// harnesses built with AddressSanitizer and UndefinedBehaviorSanitizer (build/fuzz-native/, built by ./build.sh test
    /// or test/Fuzz/fuzz-native.sh build). Every input must run to the end without a sanitizer report and without a
    /// broken harness oracle; each input of a finding that was fixed is replayed by name as well.
    /// </summary>
    [TestClass]
    public class NativeFuzzCorpusReplayTests
    {
        private const string Packages = "clang libclang-rt-14-dev libfuzzer-14-dev";
        private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

        [TestMethod]
        [DataRow("roi_align")]
        [DataRow("nms")]
        [DataRow("image_decode")]
        [DataRow("resize")]
        [DataRow("png_encode")]
        public void TheSavedCorpusReplaysCleanly(string target)
        {
            string corpus = Corpus(target);
            Assert.IsTrue(Directory.Exists(corpus), $"the saved corpus {corpus} is missing: test/Fuzz/fuzz-native.sh {target} MINUTES writes it");
            int files = Directory.GetFiles(corpus).Length;
            Assert.IsGreaterThan(0, files, $"the saved corpus {corpus} is empty");
            string output = Replay(target, corpus);
            // libFuzzer reads the whole directory before its INITED line: every file ran.
            StringAssert.Contains(output, $"INFO: seed corpus: files: {files} ", output);
            StringAssert.Contains(output, "INITED", output);
        }

        // Finding 1: N*C*H*W and K*C*PH*PW were multiplied before any check (signed overflow, and with negative sizes a
        // product that passed the null-pointer test): now refused as MRO_INVALID_ARGUMENT first.
        [TestMethod]
        public void RoIAlignRefusesSizesWhoseProductOverflows() => ReplayFinding("roi_align", "regression-size-overflow");

        // Finding 1, second input: with such sizes the boxes were read (past a buffer the caller could not have sized) before
        // anything was refused.
        [TestMethod]
        public void RoIAlignRefusesSizesBeforeReadingBoxes() => ReplayFinding("roi_align", "regression-boxes-before-sizes");

        // Finding 2: no bound on the work of one call (a huge sampling_ratio or a huge box with adaptive sampling ran
        // for hours or exhausted memory): now refused beyond 2^22 samples per axis or 2^32 in all.
        [TestMethod]
        public void RoIAlignRefusesUnboundedWork() => ReplayFinding("roi_align", "regression-unbounded-work");

        // Finding 3: grid_h * grid_w overflowed int64 for a sampling_ratio near 2^63.
        [TestMethod]
        public void RoIAlignRefusesAnInt64SamplingRatio() => ReplayFinding("roi_align", "regression-grid-overflow");

        private static void ReplayFinding(string target, string name)
        {
            string input = Path.Combine(Corpus(target), name);
            Assert.IsTrue(File.Exists(input), $"the input of the finding is missing: {input}");
            Replay(target, input);
        }

        private static string Corpus(string target) => Path.Combine(RepositoryPaths.Root, "test", "Fuzz", "Native", "corpus", target);

        // Runs the harness over a directory or one file with -runs=0 (replay only, no fuzzing); returns its output.
        private static string Replay(string target, string input)
        {
            string harness = Path.Combine(RepositoryPaths.Root, "build", "fuzz-native", "fuzz_" + target);
            if (!File.Exists(harness))
            {
                if (!OnPath("clang++"))
                    Assert.Inconclusive($"clang is not installed, so the native fuzz harnesses cannot be built: apt-get install {Packages}");
                Assert.Fail($"{harness} is missing: run ./build.sh test (or test/Fuzz/fuzz-native.sh build), which builds the harnesses");
            }
            var info = new ProcessStartInfo(harness) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string argument in new[] { "-runs=0", "-timeout=10", "-rss_limit_mb=0", input }) info.ArgumentList.Add(argument);
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Limit))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"{harness} did not finish replaying {input} within {Limit.TotalSeconds} s");
            }
            string output = stdout.Result + stderr.Result;
            string tail = string.Join('\n', output.Split('\n').TakeLast(60));
            foreach (string report in new[] { "ERROR: AddressSanitizer", "ERROR: libFuzzer", "runtime error:", "FUZZ_CONTRACT_BROKEN", "SUMMARY: " })
                Assert.DoesNotContain(report, output, $"replaying {input}:\n{tail}");
            Assert.AreEqual(0, process.ExitCode, $"replaying {input}:\n{tail}");
            return output;
        }

        private static bool OnPath(string program) =>
            (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Any(dir => File.Exists(Path.Combine(dir, program)));
    }
}
