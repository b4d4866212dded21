using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Cli.Tests
{
    /// <summary><c>train --time-budget</c>: the plan is printed and the run (validation included) ends within the budget.</summary>
    [TestClass]
    public sealed class CliTimeBudgetTests
    {
        [TestMethod]
        public void ARunWithATimeBudgetPrintsItsPlanAndEndsWithinIt()
        {
            string root = TestSetup.NewFolder("time-budget");
            string model = Path.Combine(root, "m.zip");
            var run = CliRun.Of("train", "--synthetic", "24", "--val-synthetic", "4", "--eval-interval", "10", "--model", model, "--preset", "small",
                                "--min-size", "64", "--max-size", "96", "--batch", "2", "--threads", "1", "--log-every", "5", "--time-budget", "0.4");
            Assert.AreEqual(0, run.ExitCode, run.ToString());
            var plan = Regex.Match(run.Out, @"Time budget 00:00:24: after 10 steps at [0-9.]+ s each, (\d+) steps in all, warm-up (\d+) steps");
            Assert.IsTrue(plan.Success, run.Out);
            int steps = int.Parse(plan.Groups[1].Value), warmup = int.Parse(plan.Groups[2].Value);
            Assert.IsTrue(steps > 10, $"more than the measured steps fit in 24 s: {steps}");
            Assert.IsTrue(warmup <= steps / 5, "the warm-up is at most a fifth of the planned run");
            var trained = Regex.Match(run.Out, @"Trained (\d+) steps in ([0-9.]+) s\.");
            Assert.IsTrue(trained.Success, run.Out);
            // The plan ends 3% before the budget; a shared machine's noise may still eat into that (the exact arithmetic is
            // TrainingBudgetTests', on a fake clock), so a tenth over is tolerated here.
            Assert.IsTrue(double.Parse(trained.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) <= 24 * 1.1, run.Out);
            Assert.IsTrue(File.Exists(model));
        }

        [TestMethod]
        public void ATimeBudgetReplacesStepsAndEpochs()
        {
            foreach (var other in new[] { "--steps", "--epochs" })
            {
                var run = CliRun.Of("train", "--synthetic", "4", "--model", "m.zip", "--time-budget", "1", other, "3");
                Assert.AreEqual(2, run.ExitCode, run.ToString());
                StringAssert.Contains(run.Error, $"--time-budget and {other} cannot be combined");
            }
            var zero = CliRun.Of("train", "--synthetic", "4", "--model", "m.zip", "--time-budget", "0");
            Assert.AreEqual(2, zero.ExitCode);
            StringAssert.Contains(zero.Error, "--time-budget must be above 0");
        }
    }
}
