using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Cli.Tests
{
    /// <summary>
    /// <c>maskrcnn predict</c> writes each image's predictions as it finishes (predictions.jsonl), so that an interrupted,
    /// failed or killed run keeps what it did and <c>--resume</c> ends where an uninterrupted run ends: the same
    /// predictions.json, byte for byte, and the same overlays. The truth is an uninterrupted run on the same images.
    /// </summary>
    [TestClass]
    public sealed class CliPredictResumeTests
    {
        // Enough that a kill after the third image lands well before the last (ML.NET predicts a few images ahead).
        private const int ImageCount = 120;
        private static CliTestData data = null!;
        private static string modelPath = "";
        private static string uninterrupted = "";

        [ClassInitialize]
        public static void TrainAndPredictOnce(TestContext context)
        {
            string root = TestSetup.NewFolder("predict-resume");
            var train = CliTestData.Create(Path.Combine(root, "train"), 6, seed: 31, firstImageId: 1);
            data = CliTestData.Create(Path.Combine(root, "images"), ImageCount, seed: 32, firstImageId: 1001);
            modelPath = Path.Combine(root, "model.zip");
            var training = CliRun.Of(new[] { "train", "--coco", train.CocoFile, "--images", train.Folder, "--model", modelPath, "--steps", "3", "--seed", "3" }
                .Concat(CliEndToEndTests.TinyTraining).ToArray());
            Assert.AreEqual(0, training.ExitCode, training.ToString());
            uninterrupted = Path.Combine(root, "uninterrupted");
            var run = CliRun.Of(Predict(uninterrupted));
            Assert.AreEqual(0, run.ExitCode, run.ToString());
            Assert.IsFalse(File.Exists(Path.Combine(uninterrupted, "predictions.jsonl")), "a finished run leaves no journal");
        }

        // A threshold of 0 keeps every detection, so the files compared hold all the model said.
        private static string[] Predict(string output, params string[] more) =>
            new[] { "predict", "--model", modelPath, "--coco", data.CocoFile, "--images", data.Folder, "--out", output, "--score-threshold", "0", "--threads", "1" }
                .Concat(more).ToArray();

        [TestMethod]
        [Timeout(10 * 60 * 1000, CooperativeCancellation = true)]
        public void AKilledRunKeepsEveryFinishedImageAndResumesToTheUninterruptedResult()
        {
            Assert.IsTrue(OperatingSystem.IsLinux(), "the test kills a child process");
            string output = Path.Combine(TestSetup.NewFolder("predict-killed"), "out");
            var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "maskrcnn")) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in Predict(output, "--no-progress")) start.ArgumentList.Add(arg);
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            var outputText = process.StandardOutput.ReadToEndAsync();
            // Killed once the journal holds three images (its description is the first line).
            string journal = Path.Combine(output, "predictions.jsonl");
            var waited = Stopwatch.StartNew();
            while (!process.HasExited && JournalLines(journal) < 4 && waited.Elapsed < TimeSpan.FromMinutes(3)) Thread.Sleep(5);
            process.Kill();   // SIGKILL: nothing of the process runs after it
            process.WaitForExit();

            Assert.IsTrue(File.Exists(journal), $"the killed run (exit {process.ExitCode}) left {journal}: the folder holds " +
                string.Join(", ", Directory.Exists(output) ? Directory.EnumerateFileSystemEntries(output).Select(Path.GetFileName) : new[] { "nothing" }) + "\n" + outputText.Result + error.Result);
            var lines = File.ReadAllLines(journal);
            int kept = lines.Length - 1;
            Assert.IsTrue(kept >= 3 && kept < ImageCount, $"the journal holds {kept} of {ImageCount} images (the kill must land mid-run)");
            Assert.IsFalse(File.Exists(Path.Combine(output, "predictions.json")), "no predictions.json from an unfinished run");
            using (var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(uninterrupted, "predictions.json"))))
            {
                var expectedImages = expected.RootElement.GetProperty("images").EnumerateArray().ToArray();
                for (int i = 0; i < kept; i++)
                {
                    // Each kept line is whole, and is the uninterrupted run's record of that image; its overlay is in place.
                    using var line = JsonDocument.Parse(lines[i + 1]);
                    Assert.AreEqual(Canonical(expectedImages[i]), Canonical(line.RootElement), $"line {i + 2}");
                    CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(uninterrupted, "overlays", data.FileNames[i])),
                                              File.ReadAllBytes(Path.Combine(output, "overlays", data.FileNames[i])), $"overlay of image {i}");
                }
            }

            // A kill while a line is being written leaves part of it: resuming drops that part.
            File.AppendAllText(journal, "{\"file\": \"img0");
            var resumed = CliRun.Of(Predict(output, "--resume"));
            Assert.AreEqual(0, resumed.ExitCode, resumed.ToString());
            StringAssert.Contains(resumed.Out, $"{kept} image(s) done, {ImageCount - kept} of {ImageCount} to predict");
            AssertSameOutputs(uninterrupted, output);
        }

        [TestMethod]
        public void CtrlCKeepsWhatWasPredictedSaysSoAndResumes()
        {
            string output = Path.Combine(TestSetup.NewFolder("predict-ctrl-c"), "new", "out");
            using var interrupt = new CancellationTokenSource();
            // Ctrl-C as the second image's line is printed; the run stops at the next image.
            var stdout = new LineWatcher(line => line.StartsWith("  img001", StringComparison.Ordinal), interrupt.Cancel);
            var stderr = new StringWriter();
            int code = MaskRcnnCli.Run(Predict(output), stdout, stderr, interrupt.Token);
            Assert.AreEqual(130, code, stdout + "\n" + stderr);
            StringAssert.Contains(stderr.ToString(), "Prediction was cancelled;");
            StringAssert.Contains(stderr.ToString(), $"are kept in {Path.Combine(output, "predictions.jsonl")} (the same command with --resume continues)");
            int kept = File.ReadAllLines(Path.Combine(output, "predictions.jsonl")).Length - 1;
            Assert.IsTrue(kept >= 2 && kept < ImageCount, $"kept {kept}");

            // Without --resume the unfinished run is not overwritten.
            var again = CliRun.Of(Predict(output));
            Assert.AreEqual(2, again.ExitCode, again.ToString());
            StringAssert.Contains(again.Error, "add --resume to continue it");
            Assert.AreEqual(kept + 1, File.ReadAllLines(Path.Combine(output, "predictions.jsonl")).Length, "the journal is untouched");

            var resumed = CliRun.Of(Predict(output, "--resume"));
            Assert.AreEqual(0, resumed.ExitCode, resumed.ToString());
            AssertSameOutputs(uninterrupted, output);
        }

        [TestMethod]
        public void ResumeRefusesAnotherRunAFinishedRunAndNothing()
        {
            string output = Path.Combine(TestSetup.NewFolder("predict-refusals"), "out");
            var none = CliRun.Of(Predict(output, "--resume"));
            Assert.AreEqual(2, none.ExitCode, none.ToString());
            StringAssert.Contains(none.Error, "holds no predictions.jsonl, so there is no unfinished run to continue");
            Assert.IsFalse(Directory.Exists(output), "a refused run creates nothing");

            var finished = CliRun.Of(Predict(uninterrupted, "--resume"));
            Assert.AreEqual(2, finished.ExitCode, finished.ToString());
            StringAssert.Contains(finished.Error, "is finished (predictions.json is there)");

            // An unfinished run (its description and one image, as a kill leaves it), resumed with other settings.
            Directory.CreateDirectory(output);
            var lines = UnfinishedJournal(2);
            File.WriteAllLines(Path.Combine(output, "predictions.jsonl"), lines.Take(2));
            var otherThreshold = CliRun.Of(new[] { "predict", "--model", modelPath, "--coco", data.CocoFile, "--images", data.Folder, "--out", output,
                                                   "--score-threshold", "0.3", "--threads", "1", "--resume" });
            Assert.AreEqual(2, otherThreshold.ExitCode, otherThreshold.ToString());
            StringAssert.Contains(otherThreshold.Error, "records another run (score threshold 0, not 0.3)");
            var noOverlays = CliRun.Of(Predict(output, "--resume", "--no-overlays"));
            Assert.AreEqual(2, noOverlays.ExitCode, noOverlays.ToString());
            StringAssert.Contains(noOverlays.Error, "records another run (overlays, not --no-overlays)");

            // A damaged line is an error naming the file and line, and the journal stays for the user to look at.
            File.WriteAllLines(Path.Combine(output, "predictions.jsonl"), lines.Take(2).Append("not json").Append(lines[2]));
            var damaged = CliRun.Of(Predict(output, "--resume"));
            Assert.AreEqual(1, damaged.ExitCode, damaged.ToString());
            StringAssert.Contains(damaged.Error, $"{Path.Combine(output, "predictions.jsonl")}, line 3: not JSON");
            Assert.IsTrue(File.Exists(Path.Combine(output, "predictions.jsonl")));
        }

        /// <summary>predictions.json and coco-results.json byte for byte, every overlay byte for byte, and no journal left.</summary>
        private static void AssertSameOutputs(string expected, string actual)
        {
            foreach (var name in new[] { "predictions.json", "coco-results.json" })
                Assert.AreEqual(File.ReadAllText(Path.Combine(expected, name)), File.ReadAllText(Path.Combine(actual, name)), name);
            foreach (var file in data.FileNames)
                CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(expected, "overlays", file)), File.ReadAllBytes(Path.Combine(actual, "overlays", file)), file);
            Assert.AreEqual(ImageCount, Directory.GetFiles(Path.Combine(actual, "overlays")).Length);
            Assert.IsFalse(File.Exists(Path.Combine(actual, "predictions.jsonl")), "the journal is removed once the run is complete");
        }

        /// <summary>
        /// The journal lines of an unfinished run of <see cref="Predict"/> holding the first <paramref name="images"/>
        /// images, made as docs/cli.md describes the file: the run's description, then the uninterrupted run's records.
        /// </summary>
        private static string[] UnfinishedJournal(int images)
        {
            using var finished = JsonDocument.Parse(File.ReadAllText(Path.Combine(uninterrupted, "predictions.json")));
            string sha;
            using (var model = File.OpenRead(modelPath)) sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(model));
            var run = new
            {
                model = modelPath,
                modelSha256 = sha,
                input = data.CocoFile,
                scoreThreshold = 0,
                classes = finished.RootElement.GetProperty("classes").EnumerateArray().Select(c => c.GetString()).ToArray(),
                overlays = true,
            };
            return new[] { JsonSerializer.Serialize(run) }
                .Concat(finished.RootElement.GetProperty("images").EnumerateArray().Take(images).Select(Canonical)).ToArray();
        }

        private static int JournalLines(string path)
        {
            try
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                int lines = 0;
                for (int b; (b = stream.ReadByte()) >= 0;) if (b == '\n') lines++;
                return lines;
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                return 0;
            }
        }

        private static string Canonical(JsonElement element) => JsonSerializer.Serialize(element);

        /// <summary>A writer that calls <paramref name="act"/> once, when a line matching <paramref name="match"/> is written.</summary>
        private sealed class LineWatcher(Func<string, bool> match, Action act) : StringWriter
        {
            private bool fired;

            public override void WriteLine(string? value)
            {
                base.WriteLine(value);
                if (!fired && value is not null && match(value))
                {
                    fired = true;
                    act();
                }
            }
        }
    }
}
