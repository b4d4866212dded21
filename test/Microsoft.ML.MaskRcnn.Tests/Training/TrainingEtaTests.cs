using System;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.Training
{
    /// <summary>The time-left estimate, driven by a clock the test moves by hand; expected values are computed in the comments.</summary>
    [TestClass]
    public sealed class TrainingEtaTests
    {

        private static void Steps(TrainingEta eta, FakeClock clock, int count, double seconds, int images = 4)
        {
            for (int i = 0; i < count; i++)
            {
                clock.Advance(seconds);
                eta.StepDone(images);
            }
        }

        [TestMethod]
        public void WithoutValidationItIsTheRecentStepTimeTimesTheStepsLeft()
        {
            var clock = new FakeClock();
            var eta = new TrainingEta(clock, totalSteps: 100, evaluationInterval: 0, stepsPerEpoch: 30, validationImages: 0);
            Steps(eta, clock, 10, 2.0);
            // 90 steps left at 2 s.
            Assert.AreEqual(TimeSpan.FromSeconds(180), eta.Remaining(10));
            // 4 images every 2 s.
            Assert.AreEqual(2.0, eta.ImagesPerSecond, 1e-12);
        }

        [TestMethod]
        public void OnlyTheRecentStepsCountSoASlowStartIsForgotten()
        {
            var clock = new FakeClock();
            var eta = new TrainingEta(clock, totalSteps: 100, evaluationInterval: 0, stepsPerEpoch: 100, validationImages: 0);
            Steps(eta, clock, 5, 10.0);
            Steps(eta, clock, 20, 1.0);
            // The window holds the last 20 steps (all 1 s): 75 steps left.
            Assert.AreEqual(TimeSpan.FromSeconds(75), eta.Remaining(25));
        }

        [TestMethod]
        public void ValidationPassesToComeAreAddedAtATrainingImagesCostUntilOneIsTimed()
        {
            var clock = new FakeClock();
            var eta = new TrainingEta(clock, totalSteps: 100, evaluationInterval: 25, stepsPerEpoch: 30, validationImages: 50);
            Steps(eta, clock, 10, 2.0);
            // Steps: 90 x 2 s = 180 s. Validations after step 10: at 25, 50, 75 and 100 = 4, each 50 images at
            // 2 s / 4 images = 0.5 s per image = 25 s: 100 s.
            Assert.AreEqual(4, eta.ValidationsToCome(10));
            Assert.AreEqual(TimeSpan.FromSeconds(280), eta.Remaining(10));

            Steps(eta, clock, 15, 2.0);
            clock.Advance(7.0);
            eta.ValidationFinished();
            // The validation's 7 s is not a step's: the next step took 2 s, not 9.
            Steps(eta, clock, 1, 2.0);
            // After step 26: 74 x 2 s = 148 s, and validations at 50, 75, 100 at 7 s = 21 s.
            Assert.AreEqual(TimeSpan.FromSeconds(169), eta.Remaining(26));
        }

        [TestMethod]
        public void ValidationPassesFollowTheTrainersSchedule()
        {
            var clock = new FakeClock();
            // Every epoch of 30 steps (30, 60, 90) and once at the end (100); a step's own pass comes after it ends.
            var byEpoch = new TrainingEta(clock, totalSteps: 100, evaluationInterval: 0, stepsPerEpoch: 30, validationImages: 5);
            Assert.AreEqual(4, byEpoch.ValidationsToCome(0));
            Assert.AreEqual(4, byEpoch.ValidationsToCome(30), "step 30's own pass is still to come");
            Assert.AreEqual(3, byEpoch.ValidationsToCome(31));
            Assert.AreEqual(1, byEpoch.ValidationsToCome(95));
            Assert.AreEqual(1, byEpoch.ValidationsToCome(100), "the final pass");
            // The end falls on an epoch's end: no extra pass (30, 60, 90).
            Assert.AreEqual(3, new TrainingEta(clock, 90, 0, 30, 5).ValidationsToCome(0));
            Assert.AreEqual(1, new TrainingEta(clock, 90, 0, 30, 5).ValidationsToCome(90));
            // Every 40 steps (40, 80) and at the end (100).
            Assert.AreEqual(3, new TrainingEta(clock, 100, 40, 30, 5).ValidationsToCome(0));
            Assert.AreEqual(2, new TrainingEta(clock, 100, 40, 30, 5).ValidationsToCome(80));
            Assert.AreEqual(1, new TrainingEta(clock, 100, 40, 30, 5).ValidationsToCome(81));
            // No validation set: none.
            Assert.AreEqual(0, new TrainingEta(clock, 100, 40, 30, 0).ValidationsToCome(0));
        }

        [TestMethod]
        public void TheTrainersReportsUseTheClockItWasGiven()
        {
            // Every time the trainer reads the clock it moves on by one second: whatever the real speed of the machine,
            // a step and a validation pass each cost one read, and the estimate is made of them.
            var clock = new TickingClock();
            var options = TrainingTestData.TinyOptions(steps: 4);
            options.EvaluationInterval = 2;
            var trainer = new MaskRcnnTrainer(options, clock);
            var reports = new System.Collections.Generic.List<TrainingStepEventArgs>();
            trainer.StepCompleted += (_, e) => reports.Add(e);
            using var result = trainer.Train(new SyntheticShapesDataset(8, 3, TrainingTestData.TinyImages), new SyntheticShapesDataset(2, 4, TrainingTestData.TinyImages)).Model;
            Assert.AreEqual(4, reports.Count);
            // Step 1 ended one read after the start (1 s): 3 steps left at 1 s, and 2 validations (steps 2, 4) of 2
            // images at 1 s / 2 images (batch 2) = 1 s each: 5 s.
            Assert.AreEqual(TimeSpan.FromSeconds(5), reports[0].EstimatedRemaining);
            // After step 3 the validation at step 2 has been timed (one read after step 2's end: 1 s). The window
            // holds steps of 1 s each (the validation's time is not a step's): 1 step left and 1 validation = 2 s.
            Assert.AreEqual(TimeSpan.FromSeconds(2), reports[2].EstimatedRemaining);
            // After step 4: no step left, its own validation (1 s) still to come.
            Assert.AreEqual(TimeSpan.FromSeconds(1), reports[3].EstimatedRemaining);
        }

    }
}
