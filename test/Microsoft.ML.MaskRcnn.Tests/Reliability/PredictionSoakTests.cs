using System;
using System.Linq;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Tests.Training;
using Microsoft.ML.MaskRcnn.TestUtilities;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.Reliability
{
    /// <summary>
    /// Issue 17, item 5, at CI size: predictions through one PredictionEngine on a loaded model keep resident memory and
    /// live tensor handles flat, and engines on several threads over one loaded model agree exactly with one thread. The
    /// 10,000-prediction soak is the benchmark suite "soak" (docs/reliability.md).
    /// </summary>
    [TestClass]
    public sealed class PredictionSoakTests
    {
        private static PredictionSoak soak = null!;

        [ClassInitialize]
        public static void Create(TestContext context)
        {
            var shapes = new SyntheticShapesOptions { Width = 80, Height = 64, MinShapes = 1, MaxShapes = 2, MinShapeSize = 14, MaxShapeSize = 30 };
            var trainer = FaultTrialSetup.Trainer(2, null);
            trainer.Model.DetectionsPerImage = 10;  // as the soak suite: a barely trained network would keep 100
            soak = PredictionSoak.Create(TrainingTestData.TemporaryFolder(), trainer, shapes, imageCount: 4, scoreThreshold: 0);
        }

        [ClassCleanup]
        public static void Cleanup() => soak?.Dispose();

        [TestMethod]
        public void PredictionsThroughOneEngineKeepMemoryAndTensorHandlesFlat()
        {
            const int predictions = 200;
            var run = soak.Run(warmup: 50, predictions, sampleEvery: 25);
            Console.WriteLine($"{run.Seconds * 1000 / predictions:F1} ms a prediction; resident after warm-up {run.ResidentAfterWarmup / 1048576.0:F1} MiB, " +
                              $"samples {string.Join(", ", run.ResidentSamples.Select(r => (r / 1048576.0).ToString("F1")))}; handles {run.HandlesBefore} before, " +
                              $"{run.HandlesAfterWarmup} after warm-up, {run.HandlesAfterRun} after the run, {run.HandlesAfterDispose} after disposal");
            Assert.AreEqual(run.HandlesAfterWarmup, run.HandlesAfterRun, "live tensors grew over the predictions");
            Assert.IsTrue(run.HandlesAfterDispose <= run.HandlesBefore, $"{run.HandlesAfterDispose - run.HandlesBefore} tensors outlive the engine");
            Assert.IsTrue(run.MaxResidentDrift < 0.05, $"resident memory grew {run.MaxResidentDrift:P1} after the warm-up");
        }

        [TestMethod]
        public void EnginesOnThreeThreadsOverOneLoadedModelAgreeWithOneThread()
        {
            var single = soak.PredictOnThreads(1, rounds: 2)[0];
            Assert.IsTrue(single.Sum(p => p.Count) > 0, "the model detects nothing: the comparison would test little");
            var threads = soak.PredictOnThreads(3, rounds: 2);
            for (int t = 0; t < threads.Length; t++)
                for (int i = 0; i < single.Length; i++)
                    Assert.IsNull(PredictionSoak.Difference(single[i], threads[t][i]), $"thread {t}, prediction {i}: {PredictionSoak.Difference(single[i], threads[t][i])} differ");
        }
    }
}
