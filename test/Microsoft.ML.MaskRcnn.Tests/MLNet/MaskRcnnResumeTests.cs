using System;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.ML.MaskRcnn.Tests.Training;
using Microsoft.ML.MaskRcnn.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.MLNet
{
    /// <summary>MaskRcnnEstimator.Options.ResumeFrom: a Fit that continues an interrupted one.</summary>
    [TestClass]
    public sealed class MaskRcnnResumeTests
    {
        [TestMethod]
        public void AFitResumedFromACheckpointEndsWithTheWeightsOfAnUninterruptedFit()
        {
            var data = MLNetTestData.Create(6, seed: 31);
            string folder = TrainingTestData.TemporaryFolder();
            MaskRcnnEstimator.Options Options(string? checkpoints)
            {
                var o = MLNetTestData.TinyOptions(steps: 6);
                o.LogEveryNStep = 1;
                o.Trainer.CheckpointDirectory = checkpoints;
                return o;
            }

            var ml = new MLContext(seed: 1);
            var view = data.Load(ml, data.Rows);
            using var uninterrupted = ml.Transforms.DetectInstances(Options(null)).Fit(view);

            using var cancel = new CancellationTokenSource();
            var interruptedContext = new MLContext(seed: 1);
            interruptedContext.Log += (_, e) => { if (e.RawMessage.StartsWith("Step 3/6", StringComparison.Ordinal)) cancel.Cancel(); };
            using (var partial = interruptedContext.Transforms.DetectInstances(Options(folder)).Fit(data.Load(interruptedContext, data.Rows), cancel.Token))
            {
                Assert.IsTrue(partial.TrainingResult!.Cancelled);
                Assert.AreEqual(3, partial.TrainingResult.Steps);
            }
            string checkpoint = Path.Combine(folder, MaskRcnnTrainer.CheckpointFileName);
            Assert.AreEqual(3, TrainingCheckpoint.Read(checkpoint).Step);

            var resumedOptions = Options(folder);
            resumedOptions.ResumeFrom = checkpoint;
            var resumedContext = new MLContext(seed: 1);
            using var resumed = resumedContext.Transforms.DetectInstances(resumedOptions).Fit(data.Load(resumedContext, data.Rows));
            Assert.AreEqual(6, resumed.TrainingResult!.Steps);
            var a = uninterrupted.Model.Model.state_dict();
            var b = resumed.Model.Model.state_dict();
            var different = a.Keys.Where(k => !a[k].equal(b[k]).all().item<bool>()).ToList();
            Assert.AreEqual(0, different.Count, "entries that differ: " + string.Join(", ", different.Take(10)));
        }

        [TestMethod]
        public void CancellingOptionsCancellationStopsAPipelineFitAfterTheStepWithACheckpointAndNoTemporaryFolder()
        {
            var data = MLNetTestData.Create(6, seed: 33);
            string folder = TrainingTestData.TemporaryFolder(), temp = TrainingTestData.TemporaryFolder();
            using var cancel = new CancellationTokenSource();
            var options = MLNetTestData.TinyOptions(steps: 6);
            options.LogEveryNStep = 1;
            options.Trainer.CheckpointDirectory = folder;
            options.Cancellation = cancel.Token;
            var ml = new MLContext(seed: 1) { TempFilePath = temp };
            ml.Log += (_, e) => { if (e.RawMessage.StartsWith("Step 2/6", StringComparison.Ordinal)) cancel.Cancel(); };
            var error = Assert.ThrowsExactly<OperationCanceledException>(() => ml.Transforms.DetectInstances(options).Fit(data.Load(ml, data.Rows)));
            string checkpoint = Path.Combine(folder, MaskRcnnTrainer.CheckpointFileName);
            Assert.AreEqual($"Training was cancelled after step 2 of 6; the checkpoint '{checkpoint}' holds it (resume from it to continue).", error.Message);
            Assert.AreEqual(2, TrainingCheckpoint.Read(checkpoint).Step);
            Assert.AreEqual(0, Directory.EnumerateFileSystemEntries(temp).Count(), "the Fit's temporary image folder is removed");
        }

        [TestMethod]
        public void ResumingWithOtherClassesOrAMissingCheckpointIsRefused()
        {
            var data = MLNetTestData.Create(4, seed: 32);
            string folder = TrainingTestData.TemporaryFolder();
            var ml = new MLContext(seed: 1);
            var options = MLNetTestData.TinyOptions(steps: 1);
            options.Trainer.CheckpointDirectory = folder;
            ml.Transforms.DetectInstances(options).Fit(data.Load(ml, data.Rows)).Dispose();

            var missing = MLNetTestData.TinyOptions(steps: 1);
            missing.ResumeFrom = Path.Combine(folder, "nothing.zip");
            var e = Assert.ThrowsExactly<ArgumentException>(() => ml.Transforms.DetectInstances(missing));
            StringAssert.Contains(e.Message, "ResumeFrom");

            var renamed = data.Rows.Select(r => new TextLabelRow
            {
                ImagePath = r.ImagePath, BoundingBoxes = r.BoundingBoxes, Masks = r.Masks,
                Label = r.Label.Select(n => n == "circle" ? "disc" : n).ToArray(),
            }).ToList();
            var resume = MLNetTestData.TinyOptions(steps: 1);
            resume.ResumeFrom = Path.Combine(folder, MaskRcnnTrainer.CheckpointFileName);
            var mismatch = Assert.ThrowsExactly<InvalidOperationException>(() => ml.Transforms.DetectInstances(resume).Fit(data.Load(ml, renamed)));
            StringAssert.Contains(mismatch.Message, "disc");
        }
    }
}
