using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Imaging;
using Microsoft.ML.MaskRcnn.Modeling;
using Microsoft.ML.MaskRcnn.Training;

namespace Microsoft.ML.MaskRcnn.Tests.Training
{
    /// <summary>Small, fast settings for trainer tests.</summary>
    internal static class TrainingTestData
    {
        public static SyntheticShapesOptions TinyImages => new() { Width = 80, Height = 64, MinShapes = 1, MaxShapes = 2, MinShapeSize = 14, MaxShapeSize = 30 };

        public static MaskRcnnTrainerOptions TinyOptions(int steps, string? checkpoints = null)
        {
            var options = MaskRcnnTrainerOptions.SmallFromScratch(4);
            var m = options.Model;
            m.MinSize = 64; m.MaxSize = 96; m.TrainingMinSizes = null;
            m.FpnChannels = 32; m.RepresentationSize = 32; m.MaskHeadChannels = 8; m.MaskHeadLayers = 1;
            m.BoxBatchSizePerImage = 32; m.RpnPreNmsTopNTrain = 200; m.RpnPostNmsTopNTrain = 100; m.RpnPreNmsTopNTest = 100; m.RpnPostNmsTopNTest = 50;
            m.AnchorSizes = new[] { new[] { 8.0 }, new[] { 16.0 }, new[] { 32.0 }, new[] { 64.0 }, new[] { 128.0 } };
            options.MaxSteps = steps;
            options.BatchSize = 2;
            options.WarmupSteps = 2;
            options.Threads = 1;
            options.Seed = 7;
            options.CheckpointDirectory = checkpoints;
            return options;
        }

        public static string TemporaryFolder()
        {
            string path = Path.Combine(Path.GetTempPath(), "maskrcnn-tests", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(path);
            return path;
        }
    }

    /// <summary>A synthetic dataset in which one image cannot be decoded.</summary>
    internal sealed class DatasetWithBrokenImage : InstanceSegmentationDataset
    {
        private readonly SyntheticShapesDataset inner;
        private readonly int broken;

        public DatasetWithBrokenImage(SyntheticShapesDataset inner, int broken)
        {
            this.inner = inner;
            this.broken = broken;
        }

        public string BrokenPath => GetDescriptor(broken).Path;
        public override int Count => inner.Count;
        public override CategoryMap Categories => inner.Categories;
        public override IReadOnlyList<string> Warnings => inner.Warnings;
        public override ImageDescriptor GetDescriptor(int index) => inner.GetDescriptor(index);
        public override InstanceAnnotations LoadAnnotations(int index) => inner.LoadAnnotations(index);

        public override ImageBuffer LoadImage(int index) =>
            index == broken ? throw new ImageDecodeException(BrokenPath, ImageDecodeError.Corrupt, $"'{BrokenPath}' is truncated.") : inner.LoadImage(index);

        public override InstanceSegmentationSample Load(int index) => new(GetDescriptor(index), LoadImage(index), LoadAnnotations(index));
    }
}
