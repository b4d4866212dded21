using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.MaskRcnn.Experiments;
using Microsoft.ML.MaskRcnn.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.MLNet
{
    // ML.NET 6 has a namespace Microsoft.ML.SearchSpace, which code inside namespace Microsoft.ML finds first.
    using SearchSpace = Microsoft.ML.MaskRcnn.Experiments.SearchSpace;

    /// <summary>The AutoML-style experiment over DetectInstances pipelines, on tiny synthetic data.</summary>
    [TestClass]
    public sealed class MaskRcnnExperimentTests
    {
        [TestMethod]
        public void ATwoTrialSweepReportsEachTrialAndReturnsTheBestFittedTransformer()
        {
            var trainData = MLNetTestData.Create(6, seed: 11);
            var validData = MLNetTestData.Create(4, seed: 12);
            var ml = new MLContext(seed: 1);
            var training = trainData.Load(ml, trainData.Rows);
            var validation = validData.Load(ml, validData.Rows);
            var options = MLNetTestData.TinyOptions(steps: 3);
            options.ScoreThreshold = 0.5;
            var settings = new ExperimentSettings
            {
                Strategy = SearchStrategy.Grid,
                SearchSpace = new SearchSpace().Choice("Model.FpnChannels", 16, 32),
                OptimizingMetric = ExperimentMetric.MaskAP50,
            };
            var experiment = ml.Transforms.CreateInstanceSegmentationExperiment(options, settings);
            var reported = new List<TrialResult>();
            experiment.TrialCompleted += (_, t) => reported.Add(t);

            var result = experiment.Execute(training, validation);

            Assert.AreEqual(2, result.Trials.Count);
            CollectionAssert.AreEqual(result.Trials.ToArray(), reported.ToArray(), "trials are reported as they finish, in order");
            Assert.IsTrue(result.Trials.All(t => t.Status == TrialStatus.Succeeded), string.Join("\n", result.Trials));
            using var best = result.BestModel!;
            Assert.AreEqual(result.BestTrial!.Parameters["Model.FpnChannels"], best.Model.Model.Options.FpnChannels);
            Assert.AreEqual(0.5, best.ScoreThreshold, "the user's threshold is kept on the returned transformer");
            // Independent check: the trainer's own COCO evaluation of the returned model on the validation images.
            var again = ModelEvaluation.Evaluate(best.Model, validData.Dataset);
            Assert.AreEqual(again.Masks.AP50, result.BestTrial.Metric, 1e-12);
            Assert.AreEqual(result.Trials.Max(t => t.Metric), result.BestTrial.Metric);
        }

        [TestMethod]
        public void AFailingTrialIsRecordedAndTheNextOneStillRuns()
        {
            var data = MLNetTestData.Create(4, seed: 13);
            var ml = new MLContext(seed: 1);
            var view = data.Load(ml, data.Rows);
            var settings = new ExperimentSettings
            {
                Strategy = SearchStrategy.Grid,
                SearchSpace = new SearchSpace().Choice("Model.BackboneDepth", 19, 18),
            };
            var result = ml.Transforms.CreateInstanceSegmentationExperiment(MLNetTestData.TinyOptions(steps: 2), settings).Execute(view, view);
            Assert.AreEqual(TrialStatus.Failed, result.Trials[0].Status);
            StringAssert.Contains(result.Trials[0].Error!.Message, "BackboneDepth");
            Assert.AreEqual(TrialStatus.Succeeded, result.Trials[1].Status);
            Assert.AreSame(result.Trials[1], result.BestTrial);
            result.BestModel!.Dispose();
        }
    }
}
