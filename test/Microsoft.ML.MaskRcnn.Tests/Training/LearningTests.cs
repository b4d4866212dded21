using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Modeling;
using Microsoft.ML.MaskRcnn.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

namespace Microsoft.ML.MaskRcnn.Tests.Training
{
    /// <summary>
    /// Does training from scratch really learn? A CI-sized run on the embedded shapes dataset (small images, a small network,
    /// about two minutes on two cores) must reach a validation mask AP50 that a model without training cannot reach, and its
    /// losses must fall.
    /// </summary>
    [TestClass]
    public class LearningTests
    {
        /// <summary>
        /// The mask AP50 bound. A model that has not learned produces detections unrelated to the image, no better than an
        /// image-blind predictor emitting the same ranked boxes and labels for every image. Shapes here are placed uniformly
        /// over a 96x80 image with sides of 20-40 px and one of three classes, so a fixed box reaches IoU 0.5 with a given
        /// shape for only a few percent of images, and only a third of those with the right label; tiling the image with
        /// up to 100 fixed boxes raises recall but holds precision near 1.5 shapes / 100 boxes: such a predictor stays at a few
        /// hundredths at most (the untrained network, measured in the same test, scores about 0.0001). Reaching 0.25 requires
        /// localising, classifying and segmenting a large share of the shapes. The recipe reaches about 0.35 in 800 steps
        /// (about two minutes on two cores); the margin absorbs the run-to-run spread of floating-point reductions across
        /// machines.
        /// </summary>
        private const double MaskAp50Bound = 0.25;

        private static SyntheticShapesOptions Images => new() { Width = 96, Height = 80, MinShapes = 1, MaxShapes = 2, MinShapeSize = 20, MaxShapeSize = 40 };

        private static MaskRcnnTrainerOptions Recipe()
        {
            var options = MaskRcnnTrainerOptions.SmallFromScratch(SyntheticShapesDataset.ClassNames.Count + 1);
            var m = options.Model;
            m.BackboneNormalization = BackboneNormalization.BatchNorm;
            m.TrainableBackboneStages = 5;
            m.MinSize = 80; m.MaxSize = 96; m.TrainingMinSizes = null;
            m.FpnChannels = 32; m.RepresentationSize = 128; m.MaskHeadChannels = 16; m.MaskHeadLayers = 2;
            m.BoxBatchSizePerImage = 32; m.RpnPreNmsTopNTrain = 300; m.RpnPostNmsTopNTrain = 150; m.RpnPreNmsTopNTest = 150; m.RpnPostNmsTopNTest = 75;
            m.AnchorSizes = new[] { new[] { 16.0 }, new[] { 32.0 }, new[] { 64.0 }, new[] { 128.0 }, new[] { 256.0 } };
            options.BatchSize = 4;
            options.LearningRate = 0.01;
            options.WarmupSteps = 30;
            options.MaxSteps = 800;
            options.Decay = LearningRateDecay.Cosine;
            options.GradientClipNorm = 10;
            options.Threads = Math.Min(Environment.ProcessorCount, 2);
            options.Seed = 3;
            return options;
        }

        [TestMethod]
        public void AShortRunFromScratchOnTheEmbeddedDatasetLearnsMasksThatAnUntrainedModelCannotProduce()
        {
            var options = Recipe();
            var training = new SyntheticShapesDataset(1600, seed: 41, Images);
            var validation = new SyntheticShapesDataset(50, seed: 42, Images);

            double untrainedAp50;
            torch.manual_seed(options.Seed);
            using (var untrained = new TrainedMaskRcnn(new MaskRcnnModel(options.Model), training.Categories, torch.CPU))
                untrainedAp50 = ModelEvaluation.Evaluate(untrained, validation).Masks.AP50;

            var result = new MaskRcnnTrainer(options).Train(training);
            ModelEvaluationResult trained;
            using (result.Model) trained = ModelEvaluation.Evaluate(result.Model, validation);
            Console.WriteLine($"untrained mask AP50 {untrainedAp50:F4}; after {result.Steps} steps ({result.Duration.TotalSeconds:F0} s): " +
                              $"mask AP50 {trained.Masks.AP50:F4} AP {trained.Masks.AP:F4}, box AP50 {trained.Boxes.AP50:F4}");

            // The loss curves fall: the mean of the last 50 steps against that of the first 50. The box regression term is
            // only required to fall: it first grows as the proposals improve and more of them are sampled as positives.
            var history = result.History;
            var notFalling = new List<string>();
            foreach (var (term, factor) in new[] { ("loss_classifier", 0.8), ("loss_mask", 0.8), ("loss_objectness", 0.8), ("loss", 0.8), ("loss_box_reg", 1.0) })
            {
                double first = history.Take(50).Average(h => h.Losses[term]);
                double last = history.Skip(history.Count - 50).Average(h => h.Losses[term]);
                Console.WriteLine($"{term}: first 50 steps {first:F4}, last 50 steps {last:F4}");
                if (!(last < factor * first)) notFalling.Add($"{term} ({first:F4} -> {last:F4}, required below {factor:P0} of the start)");
            }

            Assert.AreEqual(options.MaxSteps, result.Steps);
            Assert.IsTrue(untrainedAp50 < 0.05, $"an untrained model scored mask AP50 {untrainedAp50:F4}: the bound's premise fails");
            Assert.IsTrue(trained.Masks.AP50 >= MaskAp50Bound, $"mask AP50 {trained.Masks.AP50:F4} after {result.Steps} steps is below {MaskAp50Bound}");
            Assert.IsTrue(trained.Boxes.AP50 >= MaskAp50Bound, $"box AP50 {trained.Boxes.AP50:F4} is below {MaskAp50Bound}");
            Assert.AreEqual(0, notFalling.Count, "losses that did not fall enough: " + string.Join(", ", notFalling));
        }
    }
}
