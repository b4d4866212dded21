using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Threading;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Imaging;
using Microsoft.ML.MaskRcnn.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Tests.Training
{
    [TestClass]
    public class TrainerTests
    {
        private static SyntheticShapesDataset Data(int count = 8, int seed = 21) => new(count, seed, TrainingTestData.TinyImages);

        private static void AssertSameState(TrainedMaskRcnn expected, TrainedMaskRcnn actual)
        {
            var a = expected.Model.state_dict();
            var b = actual.Model.state_dict();
            CollectionAssert.AreEquivalent(a.Keys.ToArray(), b.Keys.ToArray());
            var different = a.Keys.Where(k => !a[k].equal(b[k]).all().item<bool>()).ToList();
            Assert.AreEqual(0, different.Count, "entries that differ: " + string.Join(", ", different.Take(10)));
        }

        [TestMethod]
        public void ResumingFromACheckpointEqualsAnUninterruptedRun()
        {
            string folder = TrainingTestData.TemporaryFolder();
            var data = Data();
            using var uninterrupted = new MaskRcnnTrainer(TrainingTestData.TinyOptions(6)).Train(data).Model;

            using var cancel = new CancellationTokenSource();
            var first = new MaskRcnnTrainer(TrainingTestData.TinyOptions(6, folder));
            first.StepCompleted += (_, e) => { if (e.Step == 3) cancel.Cancel(); };
            var interrupted = first.Train(data, cancellationToken: cancel.Token);
            Assert.IsTrue(interrupted.Cancelled);
            Assert.AreEqual(3, interrupted.Steps, "training stops after the step during which cancellation was requested");
            string checkpoint = Path.Combine(folder, MaskRcnnTrainer.CheckpointFileName);
            Assert.AreEqual(checkpoint, interrupted.LastCheckpoint);
            Assert.AreEqual(3, TrainingCheckpoint.Read(checkpoint).Step);
            interrupted.Model.Dispose();

            var resumed = new MaskRcnnTrainer(TrainingTestData.TinyOptions(6, folder)).Resume(checkpoint, data);
            Assert.AreEqual(6, resumed.Steps);
            Assert.AreEqual(3, resumed.History.Count, "the resumed run does the remaining three steps");
            using var resumedModel = resumed.Model;
            AssertSameState(uninterrupted, resumedModel);
        }

        [TestMethod]
        public void ACrashDuringASaveLeavesThePreviousCheckpointReadable()
        {
            string folder = TrainingTestData.TemporaryFolder();
            using (var result = new MaskRcnnTrainer(TrainingTestData.TinyOptions(2, folder)).Train(Data()).Model) { }
            string checkpoint = Path.Combine(folder, MaskRcnnTrainer.CheckpointFileName);
            // A save that died half-way leaves only its temporary file behind.
            File.WriteAllBytes(checkpoint + AtomicFile.TemporarySuffix, new byte[] { 0x50, 0x4B, 0x03, 0x04, 1, 2, 3 });
            Assert.AreEqual(2, TrainingCheckpoint.Read(checkpoint).Step);
            using var resumed = new MaskRcnnTrainer(TrainingTestData.TinyOptions(2, folder)).Resume(checkpoint, Data()).Model;

            var damaged = Path.Combine(folder, "damaged.zip");
            File.WriteAllBytes(damaged, File.ReadAllBytes(checkpoint).Take(200).ToArray());
            var ex = Assert.ThrowsExactly<InvalidDataException>(() => TrainingCheckpoint.Read(damaged));
            StringAssert.Contains(ex.Message, damaged);

            var newer = Path.Combine(folder, "newer.zip");
            File.Copy(checkpoint, newer);
            using (var zip = ZipFile.Open(newer, ZipArchiveMode.Update))
            {
                var entry = zip.GetEntry("trainer.json")!;
                string json;
                using (var reader = new StreamReader(entry.Open())) json = reader.ReadToEnd();
                entry.Delete();
                using var writer = new StreamWriter(zip.CreateEntry("trainer.json").Open());
                writer.Write(json.Replace("\"FormatVersion\": 1", "\"FormatVersion\": 99"));
            }
            StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => TrainingCheckpoint.Read(newer)).Message, "newer version");
        }

        [TestMethod]
        public void ADivergingLossStopsTrainingNamingTheStepAndTheTermAndKeepsTheLastGoodCheckpoint()
        {
            string folder = TrainingTestData.TemporaryFolder();
            var options = TrainingTestData.TinyOptions(20, folder);
            options.LearningRate = 1e6;
            options.WarmupSteps = 0;
            options.GradientClipNorm = 0;
            options.CheckpointInterval = 1;
            var ex = Assert.ThrowsExactly<TrainingDivergedException>(() => new MaskRcnnTrainer(options).Train(Data()));
            Assert.IsTrue(ex.Step >= 2, $"the first step starts from finite weights; failed at {ex.Step}");
            CollectionAssert.Contains(new[] { "loss_classifier", "loss_box_reg", "loss_mask", "loss_objectness", "loss_rpn_box_reg" }, ex.LossName);
            StringAssert.Contains(ex.Message, $"step {ex.Step}");
            StringAssert.Contains(ex.Message, ex.LossName);
            Assert.IsNotNull(ex.LastCheckpoint);
            Assert.AreEqual(ex.Step - 1, TrainingCheckpoint.Read(ex.LastCheckpoint!).Step, "the checkpoint holds the last step with finite losses");
        }

        [TestMethod]
        public void AnUnreadableImageIsReportedByPathOrSkippedAndCounted()
        {
            var data = new DatasetWithBrokenImage(Data(), broken: 3);
            var ex = Assert.ThrowsExactly<ImageDecodeException>(() => new MaskRcnnTrainer(TrainingTestData.TinyOptions(4)).Train(data));
            StringAssert.Contains(ex.Message, data.BrokenPath);

            var options = TrainingTestData.TinyOptions(4);
            options.SkipUnreadableImages = true;
            var messages = new List<string>();
            var trainer = new MaskRcnnTrainer(options);
            trainer.Message += (_, m) => messages.Add(m);
            using var result = new Disposer(trainer.Train(data));
            CollectionAssert.AreEqual(new[] { data.BrokenPath }, result.Value.SkippedImages.ToArray());
            Assert.IsTrue(messages.Any(m => m.Contains(data.BrokenPath)));
            Assert.AreEqual(4, result.Value.Steps);
        }

        [TestMethod]
        public void ProgressReportsLossesRateThroughputAndEta()
        {
            var options = TrainingTestData.TinyOptions(5);
            var reports = new List<TrainingStepEventArgs>();
            var trainer = new MaskRcnnTrainer(options);
            trainer.StepCompleted += (_, e) => reports.Add(e);
            using var result = new Disposer(trainer.Train(Data()));
            Assert.AreEqual(5, reports.Count);
            var schedule = new LearningRateSchedule(options, 5);
            for (int i = 0; i < reports.Count; i++)
            {
                var r = reports[i];
                Assert.AreEqual(i + 1, r.Step);
                CollectionAssert.AreEquivalent(new[] { "loss_classifier", "loss_box_reg", "loss_mask", "loss_objectness", "loss_rpn_box_reg", "loss" }, r.Losses.Keys.ToArray());
                Assert.AreEqual(r.Losses.Where(l => l.Key != "loss").Sum(l => l.Value), r.Loss, 1e-9);
                Assert.AreEqual(schedule.At(i), r.LearningRate, 1e-15);
                Assert.IsTrue(r.ImagesPerSecond > 0);
            }
            Assert.AreEqual(TimeSpan.Zero, reports[^1].EstimatedRemaining);
            Assert.IsTrue(reports[0].EstimatedRemaining > TimeSpan.Zero);
        }

        [TestMethod]
        public void ValidationRunsAtTheIntervalAndReportsCocoMetrics()
        {
            var options = TrainingTestData.TinyOptions(4);
            options.EvaluationInterval = 2;
            var steps = new List<int>();
            var trainer = new MaskRcnnTrainer(options);
            trainer.Evaluated += (_, e) => steps.Add(e.Step);
            using var result = new Disposer(trainer.Train(Data(), new SyntheticShapesDataset(3, 99, TrainingTestData.TinyImages)));
            CollectionAssert.AreEqual(new[] { 2, 4 }, steps);
            foreach (var (_, evaluation) in result.Value.Evaluations)
            {
                Assert.AreEqual(3, evaluation.Images);
                Assert.IsTrue(evaluation.Masks.AP50 is >= 0 and <= 1);
                Assert.IsTrue(evaluation.Boxes.AP is >= 0 and <= 1);
            }
        }

        [TestMethod]
        public void InvalidOptionsAndMismatchedClassCountsAreNamed()
        {
            var options = TrainingTestData.TinyOptions(2);
            options.BatchSize = 0;
            StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new MaskRcnnTrainer(options)).Message, "BatchSize");
            options = TrainingTestData.TinyOptions(2);
            options.Model.NumClasses = 7;
            StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new MaskRcnnTrainer(options).Train(Data())).Message, "NumClasses");
            options = TrainingTestData.TinyOptions(2);
            options.InitialWeights = "/nonexistent/weights.pth";
            StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new MaskRcnnTrainer(options)).Message, "InitialWeights");
        }

        /// <summary>Disposes a training result's model at the end of a test.</summary>
        private sealed class Disposer : IDisposable
        {
            public Disposer(MaskRcnnTrainingResult value) => Value = value;
            public MaskRcnnTrainingResult Value { get; }
            public void Dispose() => Value.Model.Dispose();
        }
    }
}
