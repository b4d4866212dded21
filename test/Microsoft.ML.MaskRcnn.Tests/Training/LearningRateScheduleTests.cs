using Microsoft.ML.MaskRcnn.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.Training
{
    [TestClass]
    public class LearningRateScheduleTests
    {
        [TestMethod]
        public void WarmupThenStepDecayFollowsTheFormula()
        {
            var options = new MaskRcnnTrainerOptions { LearningRate = 0.02, WarmupSteps = 100, WarmupFactor = 0.001, Decay = LearningRateDecay.Step, StepMilestones = new[] { 0.5, 0.75 }, StepGamma = 0.1 };
            var schedule = new LearningRateSchedule(options, 1000);
            Assert.AreEqual(0.02 * 0.001, schedule.At(0), 1e-15);
            // Half-way through the warm-up: factor = 0.001 * 0.5 + 0.5.
            Assert.AreEqual(0.02 * 0.5005, schedule.At(50), 1e-15);
            Assert.AreEqual(0.02, schedule.At(100), 1e-15);
            Assert.AreEqual(0.02, schedule.At(499), 1e-15);
            Assert.AreEqual(0.002, schedule.At(500), 1e-15);
            Assert.AreEqual(0.0002, schedule.At(750), 1e-15);
            Assert.AreEqual(0.0002, schedule.At(999), 1e-15);
        }

        [TestMethod]
        public void AShortScheduleCapsTheWarmupAtItsFraction()
        {
            var options = new MaskRcnnTrainerOptions { LearningRate = 0.02, WarmupSteps = 100, WarmupFactor = 0.001, Decay = LearningRateDecay.Cosine, MaxWarmupFraction = 0.2 };
            // 150 steps: the warm-up lasts floor(0.2 * 150) = 30 steps, not 100.
            var schedule = new LearningRateSchedule(options, 150);
            Assert.AreEqual(30, schedule.WarmupSteps);
            Assert.AreEqual(0.02 * (0.001 * 0.5 + 0.5), schedule.At(15), 1e-15);
            Assert.AreEqual(0.02, schedule.At(30), 1e-15);
            // Then the cosine spans the remaining 120 steps: half-way at step 90.
            Assert.AreEqual(0.02 * 0.5, schedule.At(90), 1e-12);
            Assert.AreEqual(100, new LearningRateSchedule(options, 1000).WarmupSteps, "a long schedule keeps the options' warm-up");
        }

        [TestMethod]
        public void CosineDecayReachesItsFloorAtTheEnd()
        {
            var options = new MaskRcnnTrainerOptions { LearningRate = 0.1, WarmupSteps = 10, Decay = LearningRateDecay.Cosine, MinLearningRateFactor = 0.1 };
            var schedule = new LearningRateSchedule(options, 110);
            Assert.AreEqual(0.1, schedule.At(10), 1e-15);
            // Half-way through the decay: 0.1 + 0.9 * 0.5 * (1 + cos(pi / 2)).
            Assert.AreEqual(0.1 * (0.1 + 0.9 * 0.5), schedule.At(60), 1e-12);
            Assert.AreEqual(0.01, schedule.At(110), 1e-12);
        }
    }
}
