using System.Linq;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Training;

namespace Microsoft.ML.MaskRcnn.TestUtilities
{
    /// <summary>
    /// The run that the fault child (test/Microsoft.ML.MaskRcnn.FaultChild) and the reliability tests both make, so that a
    /// checkpoint written by a killed child can be compared with the parent's uninterrupted run: the smallest network
    /// the options allow (ResNet-18 stem and widths with one block per stage, 32-channel FPN, narrow heads) on eight
    /// 80 x 64 synthetic images, one thread, a checkpoint after every step.
    /// </summary>
    public static class FaultTrialSetup
    {
        public static SyntheticShapesDataset Data() =>
            new(8, 21, new SyntheticShapesOptions { Width = 80, Height = 64, MinShapes = 1, MaxShapes = 2, MinShapeSize = 14, MaxShapeSize = 30 });

        /// <summary>Options for <paramref name="steps"/> steps with a checkpoint after each in <paramref name="checkpoints"/> (null: none).</summary>
        public static MaskRcnnTrainerOptions Trainer(int steps, string? checkpoints)
        {
            var options = MaskRcnnTrainerOptions.SmallFromScratch(SyntheticShapesDataset.ClassNames.Count + 1);
            var m = options.Model;
            m.BackboneStageBlocks = new[] { 1, 1, 1, 1 };
            m.MinSize = 64; m.MaxSize = 96; m.TrainingMinSizes = null;
            m.FpnChannels = 32; m.RepresentationSize = 32; m.MaskHeadChannels = 8; m.MaskHeadLayers = 1;
            m.BoxBatchSizePerImage = 32; m.RpnPreNmsTopNTrain = 200; m.RpnPostNmsTopNTrain = 100; m.RpnPreNmsTopNTest = 100; m.RpnPostNmsTopNTest = 50;
            m.AnchorSizes = new[] { 8.0, 16.0, 32.0, 64.0, 128.0 }.Select(s => new[] { s }).ToArray();
            options.MaxSteps = steps;
            options.BatchSize = 2;
            options.WarmupSteps = 2;
            options.Threads = 1;
            options.Seed = 7;
            options.CheckpointDirectory = checkpoints;
            options.CheckpointInterval = checkpoints is null ? 0 : 1;
            return options;
        }
    }
}
