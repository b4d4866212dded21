using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Evaluation;
using Microsoft.ML.MaskRcnn.Experiments;
using Microsoft.ML.MaskRcnn.Tests.Training;
using Microsoft.ML.MaskRcnn.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.Experiments
{
    // ML.NET 6 has a namespace Microsoft.ML.SearchSpace, which code inside namespace Microsoft.ML finds first.
    using SearchSpace = Microsoft.ML.MaskRcnn.Experiments.SearchSpace;

    [TestClass]
    public class ExperimentTests
    {
        private static readonly SyntheticShapesDataset Validation = new(12, 5, TrainingTestData.TinyImages);

        /// <summary>Stands in for a trained model so the sweep's bookkeeping can be checked without training.</summary>
        private sealed class ProbeModel : IDisposable
        {
            public ProbeModel(MaskRcnnTrainerOptions options) => Options = options;
            public MaskRcnnTrainerOptions Options { get; }
            public bool Disposed { get; private set; }
            public void Dispose() => Disposed = true;
        }

        /// <summary>
        /// COCO metrics of an oracle that returns the exact ground truth on the first <paramref name="fraction"/> of the
        /// validation images and nothing on the rest: AP is 1 when the fraction is 1, 0 when it is 0, and grows with it.
        /// </summary>
        private static ModelEvaluationResult OracleEvaluation(double fraction)
        {
            var groundTruth = CocoGroundTruth.FromDataset(Validation);
            var detections = new List<CocoDetection>();
            int answered = (int)Math.Round(fraction * Validation.Count);
            for (int i = 0; i < answered; i++)
            {
                var a = Validation.LoadAnnotations(i);
                long imageId = Validation.GetDescriptor(i).ImageId;
                for (int k = 0; k < a.Count; k++)
                    detections.Add(new CocoDetection(imageId, Validation.Categories.ToCategoryId(a.Labels[k]), 0.9, a.GetBox(k),
                                                     RleMask.Encode(a.GetMask(k), a.Height, a.Width)));
            }
            return new ModelEvaluationResult(new CocoEvaluator(groundTruth, CocoIouType.Bbox).Evaluate(detections),
                                             new CocoEvaluator(groundTruth, CocoIouType.Segm).Evaluate(detections), Validation.Count, TimeSpan.Zero);
        }

        private static MaskRcnnTrainerOptions BaseOptions() => TrainingTestData.TinyOptions(3);

        [TestMethod]
        public void GridSearchVisitsEveryCombinationInOrderAndKeepsTheBest()
        {
            var settings = new ExperimentSettings
            {
                Strategy = SearchStrategy.Grid,
                SearchSpace = new SearchSpace().Choice("Model.BackboneDepth", 18, 34).Range("LearningRate", 0.01, 0.04, gridPoints: 4),
            };
            var probes = new List<ProbeModel>();
            var experiment = new InstanceSegmentationExperiment(BaseOptions(), settings);
            var reported = new List<int>();
            experiment.TrialCompleted += (_, t) => reported.Add(t.Index);
            var result = experiment.Execute((options, _) =>
            {
                var probe = new ProbeModel(options);
                probes.Add(probe);
                // Quality grows with the learning rate and is best with the deeper backbone.
                double fraction = options.LearningRate / 0.04 * (options.Model.BackboneDepth == 34 ? 1.0 : 0.5);
                return (probe, OracleEvaluation(fraction));
            });

            var expected = new[] { 18, 34 }.SelectMany(d => new[] { 0.01, 0.02, 0.03, 0.04 }.Select(lr => (d, lr))).ToArray();
            Assert.AreEqual(8, result.Trials.Count);
            CollectionAssert.AreEqual(Enumerable.Range(0, 8).ToArray(), reported.ToArray(), "each trial is reported as it finishes");
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.AreEqual(expected[i].d, result.Trials[i].Parameters["Model.BackboneDepth"]);
                Assert.AreEqual(expected[i].lr, (double)result.Trials[i].Parameters["LearningRate"]!, 1e-12);
                Assert.AreEqual(expected[i].d, probes[i].Options.Model.BackboneDepth, "the trial trained with its own options");
                Assert.AreEqual(expected[i].lr, probes[i].Options.LearningRate, 1e-12);
                Assert.AreEqual(TrialStatus.Succeeded, result.Trials[i].Status);
            }
            Assert.AreEqual(7, result.BestTrial!.Index);
            Assert.AreEqual(1.0, result.BestTrial.Metric, 1e-12, "exact ground truth scores mask AP 1");
            Assert.AreSame(probes[7], result.BestModel);
            Assert.IsFalse(probes[7].Disposed, "the best model is handed back alive");
            Assert.IsTrue(probes.Take(7).All(p => p.Disposed), "the other models are disposed");
            Assert.IsTrue(result.Trials[4].Metric < result.Trials[5].Metric && result.Trials[5].Metric < result.Trials[6].Metric,
                          "answering more images scores higher");
        }

        [TestMethod]
        public void AFailingTrialIsRecordedAndTheSweepContinues()
        {
            var settings = new ExperimentSettings
            {
                Strategy = SearchStrategy.Grid,
                SearchSpace = new SearchSpace().Choice("Model.BackboneDepth", 18, 19, 34, 50),
            };
            var result = new InstanceSegmentationExperiment(BaseOptions(), settings).Execute((options, _) =>
            {
                if (options.Model.BackboneDepth == 34) throw new TrainingDivergedException(2, "loss_mask", double.NaN, null);
                return (new ProbeModel(options), OracleEvaluation(options.Model.BackboneDepth / 50.0));
            });

            CollectionAssert.AreEqual(new[] { TrialStatus.Succeeded, TrialStatus.Failed, TrialStatus.Failed, TrialStatus.Succeeded },
                                      result.Trials.Select(t => t.Status).ToArray());
            StringAssert.Contains(result.Trials[1].Error!.Message, "BackboneDepth", "an invalid option value is named");
            Assert.IsInstanceOfType(result.Trials[2].Error, typeof(TrainingDivergedException));
            Assert.IsTrue(double.IsNaN(result.Trials[1].Metric));
            Assert.AreEqual(3, result.BestTrial!.Index);
            StringAssert.Contains(result.Trials[2].ToString(), "failed");
        }

        [TestMethod]
        public void RandomSearchIsSeededStaysInRangeAndDoesNotRepeatADiscreteSpace()
        {
            ExperimentSettings Settings(int seed) => new()
            {
                Seed = seed,
                SearchSpace = new SearchSpace().Choice("Model.MinSize", 64, 80).Choice("BatchSize", 1, 2),
            };
            string Run(int seed) => string.Join(";", new InstanceSegmentationExperiment(BaseOptions(), Settings(seed))
                .Execute((o, _) => (new ProbeModel(o), OracleEvaluation(0.5))).Trials
                .Select(t => $"{t.Parameters["Model.MinSize"]},{t.Parameters["BatchSize"]}"));

            string first = Run(3);
            var visited = first.Split(';');
            Assert.AreEqual(4, visited.Length, "a space of four configurations ends after four trials");
            Assert.AreEqual(4, visited.Distinct().Count());
            Assert.AreEqual(first, Run(3), "the same seed gives the same trials");

            var ranged = new ExperimentSettings
            {
                MaxTrials = 20, Seed = 1,
                SearchSpace = new SearchSpace().Range("LearningRate", 0.001, 0.1, logScale: true).Range("Model.FpnChannels", 8, 40),
            };
            var seen = new InstanceSegmentationExperiment(BaseOptions(), ranged).Execute((o, _) => (new ProbeModel(o), OracleEvaluation(1)));
            Assert.AreEqual(20, seen.Trials.Count, "MaxTrials bounds a continuous space");
            var rates = seen.Trials.Select(t => (double)t.Parameters["LearningRate"]!).ToArray();
            Assert.IsTrue(rates.All(r => r is >= 0.001 and <= 0.1));
            Assert.IsTrue(rates.Count(r => r < 0.01) >= 4, "log-uniform draws put about half the trials below the geometric middle");
            Assert.IsTrue(seen.Trials.All(t => t.Parameters["Model.FpnChannels"] is double c && c is >= 8 and <= 40));
        }

        [TestMethod]
        public void TheTimeBudgetStopsARunningTrialAndNoOtherStarts()
        {
            var settings = new ExperimentSettings
            {
                MaxExperimentTime = TimeSpan.FromMilliseconds(300),
                SearchSpace = new SearchSpace().Choice("BatchSize", 1, 2, 3),
            };
            int started = 0;
            var result = new InstanceSegmentationExperiment(BaseOptions(), settings).Execute<ProbeModel>((o, token) =>
            {
                started++;
                token.WaitHandle.WaitOne(TimeSpan.FromSeconds(30));
                token.ThrowIfCancellationRequested();
                throw new InvalidOperationException("the deadline never fired");
            });
            Assert.AreEqual(1, started);
            Assert.AreEqual(TrialStatus.TimedOut, result.Trials.Single().Status);
            Assert.IsNull(result.BestTrial);
            Assert.IsNull(result.BestModel);
        }

        [TestMethod]
        public void UnknownOrMistypedOptionsAreNamed()
        {
            var typo = Assert.ThrowsExactly<ArgumentException>(() => new InstanceSegmentationExperiment(BaseOptions(),
                new ExperimentSettings { SearchSpace = new SearchSpace().Choice("Model.BackbonDepth", 18) }));
            StringAssert.Contains(typo.Message, "'Model.BackbonDepth'");
            var mistyped = Assert.ThrowsExactly<ArgumentException>(() => new InstanceSegmentationExperiment(BaseOptions(),
                new ExperimentSettings { SearchSpace = new SearchSpace().Choice("BatchSize", "two") }));
            StringAssert.Contains(mistyped.Message, "'BatchSize'");
            var twice = Assert.ThrowsExactly<ArgumentException>(() => new SearchSpace().Choice("BatchSize", 1).Range("BatchSize", 1, 4));
            StringAssert.Contains(twice.Message, "twice");
            var empty = Assert.ThrowsExactly<ArgumentException>(() => new InstanceSegmentationExperiment(BaseOptions(), new ExperimentSettings()));
            StringAssert.Contains(empty.Message, "empty");
            var budget = Assert.ThrowsExactly<ArgumentException>(() => new InstanceSegmentationExperiment(BaseOptions(),
                new ExperimentSettings { MaxExperimentTime = TimeSpan.Zero, SearchSpace = new SearchSpace().Choice("BatchSize", 1) }));
            StringAssert.Contains(budget.Message, "MaxExperimentTime");
        }

        [TestMethod]
        public void ATwoTrialSweepTrainsAndScoresRealModels()
        {
            var training = new SyntheticShapesDataset(8, 21, TrainingTestData.TinyImages);
            var settings = new ExperimentSettings
            {
                Strategy = SearchStrategy.Grid,
                SearchSpace = new SearchSpace().Choice("Model.FpnChannels", 16, 32),
                OptimizingMetric = ExperimentMetric.BoxAP50,
            };
            var result = new InstanceSegmentationExperiment(BaseOptions(), settings).Execute(training, Validation);
            Assert.AreEqual(2, result.Trials.Count);
            Assert.IsTrue(result.Trials.All(t => t.Status == TrialStatus.Succeeded), string.Join("\n", result.Trials));
            using var best = result.BestModel!;
            Assert.AreEqual(result.Trials.Max(t => t.Metric), result.BestTrial!.Metric);
            Assert.AreEqual(result.BestTrial.Parameters["Model.FpnChannels"], best.Model.Options.FpnChannels);
            // The reported figure is the best model's own score on the validation set.
            var again = ModelEvaluation.Evaluate(best, Validation);
            Assert.AreEqual(again.Boxes.AP50, result.BestTrial.Metric, 1e-12);
        }
    }
}
