using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.Training
{
    /// <summary>Fitting a run to a time budget, driven by clocks the tests move; the expected plans are worked out in the comments.</summary>
    [TestClass]
    public sealed class TrainingBudgetTests
    {


        [TestMethod]
        public void ThePlanIsTheLongestRunWhoseStepsAndValidationsFitTheBudgetLessItsMargin()
        {
            var clock = new FakeClock();
            var eta = new TrainingEta(clock, totalSteps: 1000, evaluationInterval: 20, stepsPerEpoch: 50, validationImages: 6);
            for (int i = 0; i < 10; i++)
            {
                clock.Advance(1.0);
                eta.StepDone(4);
            }
            var budget = new TrainingBudget(TimeSpan.FromSeconds(100));
            Assert.IsTrue(budget.ShouldPlan(10, planned: false, eta));
            // Usable: 97 s; 10 s spent; 87 s left. A step takes 1 s, a validation pass 6 images at 1/4 s = 1.5 s (estimated).
            // N steps cost (N - 10) + 1.5 x (passes at 20, 40, ... <= N, and one at N unless N is a multiple of 20):
            // N = 89: 79 + 1.5 x 5 = 86.5 fits; N = 90: 80 + 7.5 = 87.5 does not.
            Assert.AreEqual(89, budget.Plan(10, eta));
        }

        [TestMethod]
        public void ARunOffItsPlanIsPlannedAgainAndAHopelessOneStopsAtOnce()
        {
            var clock = new FakeClock();
            var eta = new TrainingEta(clock, totalSteps: 50, evaluationInterval: 0, stepsPerEpoch: 1000, validationImages: 0);
            var budget = new TrainingBudget(TimeSpan.FromSeconds(100));
            for (int i = 0; i < 10; i++)
            {
                clock.Advance(1.0);
                eta.StepDone(2);
            }
            // 10 s spent, 40 steps of 1 s to come: the run would end at 50 s, well before 97 s: 87 more steps fit.
            Assert.IsTrue(budget.ShouldPlan(10, planned: true, eta));
            Assert.AreEqual(97, budget.Plan(10, eta));
            eta.TotalSteps = 97;
            Assert.IsFalse(budget.ShouldPlan(10, planned: true, eta), "now on time");
            for (int i = 0; i < 10; i++)
            {
                clock.Advance(5.0);
                eta.StepDone(2);
            }
            // 60 s spent; the last 20 steps took 3 s on average (10 of 1 s, 10 of 5 s): 77 steps to come would take 231 s.
            // 37 s are left: 12 steps.
            Assert.IsTrue(budget.ShouldPlan(20, planned: true, eta));
            Assert.AreEqual(32, budget.Plan(20, eta));
            Assert.IsFalse(budget.ShouldPlan(25, planned: true, eta), "checks come every 10 steps");
            clock.Advance(100);
            eta.StepDone(2);
            Assert.AreEqual(21, budget.Plan(21, eta), "160 s spent, over budget: no further step");
        }

        [TestMethod]
        public void TheTrainerFitsItsRunToTheBudgetAndSaysSo()
        {
            // Each clock read is one second: a step costs 1 s, a validation pass 1 s.
            var clock = new TickingClock();
            var options = TrainingTestData.TinyOptions(steps: 4);
            options.EvaluationInterval = 5;
            options.WarmupSteps = 100;
            options.TimeBudget = TimeSpan.FromSeconds(40);
            var trainer = new MaskRcnnTrainer(options, clock);
            var messages = new List<string>();
            trainer.Message += (_, m) => messages.Add(m);
            var reports = new List<TrainingStepEventArgs>();
            trainer.StepCompleted += (_, e) => reports.Add(e);
            var result = trainer.Train(new SyntheticShapesDataset(8, 3, TrainingTestData.TinyImages), new SyntheticShapesDataset(2, 4, TrainingTestData.TinyImages));
            using var model = result.Model;
            // The run's start is one read, the time estimate's first mark another. At step 10: 12 s spent (the set-up, 10
            // steps, the pass at step 5). Usable 38.8 s: 26.8 s left. N steps cost (N - 10) x 1 s + 1 s per pass at 10, 15,
            // ... <= N (and one at N unless a multiple of 5): N = 30 costs 20 + 5 (10, 15, 20, 25, 30) = 25 and fits; N = 31
            // costs 21 + 6 = 27 and does not. The checks at steps 20 and 30 find the run ending after 37 s: on time.
            Assert.AreEqual(30, result.TotalSteps);
            Assert.AreEqual(30, result.Steps);
            Assert.IsTrue(reports.Take(9).All(r => r.TotalSteps == 10), "the first steps run on the provisional length");
            Assert.IsTrue(reports.Skip(9).All(r => r.TotalSteps == 30));
            var plan = messages.Single(m => m.StartsWith("Time budget", StringComparison.Ordinal));
            StringAssert.Contains(plan, "Time budget 00:00:40: after 10 steps at 1.00 s each, 30 steps in all, warm-up 6 steps, 5 validation pass(es) of 1.0 s (measured)");
            // The warm-up is capped at a fifth of the planned run (the options ask for 100 steps).
            Assert.AreEqual(6, new LearningRateSchedule(options, 30).WarmupSteps);
        }
    }
}
