using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Cli.Tests
{
    /// <summary>Ctrl-C as a user presses it: SIGINT to a training maskrcnn process.</summary>
    [TestClass]
    public sealed class CliInterruptTests
    {
        [DllImport("libc", SetLastError = true)]
        private static extern int kill(int pid, int signal);

        private const int SigInt = 2;

        private static readonly string[] Training =
        {
            "train", "--synthetic", "24", "--steps", "30", "--preset", "small", "--min-size", "64", "--max-size", "96", "--batch", "2",
            "--threads", "1", "--log-every", "1", "--seed", "5",
        };

        [TestMethod]
        [Timeout(10 * 60 * 1000, CooperativeCancellation = true)]
        public void CtrlCStopsAfterTheStepKeepsAResumableCheckpointAndLeavesNoTemporaryFolder()
        {
            Assert.IsTrue(OperatingSystem.IsLinux(), "the test sends a POSIX signal");
            string root = TestSetup.NewFolder("interrupt");
            string temp = Path.Combine(root, "tmp"), checkpoints = Path.Combine(root, "checkpoints"), model = Path.Combine(root, "model.zip");
            Directory.CreateDirectory(temp);

            // Through env --default-signal: a test host started in the background of a non-interactive shell has SIGINT
            // ignored, and a child inherits that (the .NET runtime then leaves it ignored), so the signal would never land.
            var start = new ProcessStartInfo("env")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root,
            };
            start.ArgumentList.Add("--default-signal=INT");
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "maskrcnn"));
            foreach (var arg in Training.Concat(new[] { "--checkpoints", checkpoints, "--model", model })) start.ArgumentList.Add(arg);
            // Everything the run puts in the temporary folder must be gone when it ends.
            start.Environment["TMPDIR"] = temp;
            using var process = Process.Start(start)!;
            var output = new StringBuilder();
            var thirdStep = new ManualResetEventSlim();
            process.OutputDataReceived += (_, e) =>
            {
                lock (output) output.AppendLine(e.Data);
                if (e.Data?.Contains("Step 3/30") == true) thirdStep.Set();
            };
            var error = process.StandardError.ReadToEndAsync();
            process.BeginOutputReadLine();
            Assert.IsTrue(thirdStep.Wait(TimeSpan.FromMinutes(3)), "training reached step 3:\n" + output);
            Assert.AreEqual(0, kill(process.Id, SigInt));
            Assert.IsTrue(process.WaitForExit(TimeSpan.FromMinutes(2)), "the process ends after the current step");
            process.WaitForExit();
            string stderr = error.Result, stdout = output.ToString();

            Assert.AreEqual(130, process.ExitCode, stdout + stderr);
            string checkpoint = Path.Combine(checkpoints, "checkpoint.zip");
            StringAssert.Contains(stderr, "stopping after the current step");
            StringAssert.Contains(stderr, "interrupted: Training was cancelled after step ");
            StringAssert.Contains(stderr, $"the checkpoint '{checkpoint}'");
            Assert.IsTrue(File.Exists(checkpoint));
            Assert.IsFalse(File.Exists(model), "no model zip from an interrupted run");
            Assert.AreEqual(0, Directory.EnumerateFileSystemEntries(temp).Count(), "temporary folders left: " + string.Join(", ", Directory.EnumerateFileSystemEntries(temp)));
            int stoppedAt = int.Parse(stderr.Split("cancelled after step ")[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            Assert.IsTrue(stoppedAt is >= 3 and < 30, $"stopped at step {stoppedAt}");

            // The checkpoint resumes: the run continues from that step to the end and saves the model.
            var resumed = CliRun.Of(Training.Concat(new[] { "--resume", checkpoint, "--model", model }).ToArray());
            Assert.AreEqual(0, resumed.ExitCode, resumed.ToString());
            StringAssert.Contains(resumed.Out, $"Resumed from '{checkpoint}' at step {stoppedAt}");
            StringAssert.Contains(resumed.Out, "Step 30/30");
            Assert.IsFalse(resumed.Out.Contains($"Step {stoppedAt}/30"), "the steps before the checkpoint are not trained again");
            Assert.IsTrue(File.Exists(model));
        }
    }
}
