using System;
using System.Collections.Generic;

namespace Microsoft.ML.MaskRcnn.Data
{
    /// <summary>A random transformation of a sample (image, boxes and masks together).</summary>
    public interface ISampleAugmentation
    {
        /// <summary>Returns the transformed sample (a new object; the input is not changed), drawing from <paramref name="random"/>.</summary>
        InstanceSegmentationSample Apply(InstanceSegmentationSample sample, SeededRandom random);
    }

    /// <summary>
    /// Augmentations applied in order, each sample with its own generator derived from (seed, epoch, index), so the
    /// result does not depend on the order or the thread in which samples are loaded.
    /// </summary>
    public sealed class AugmentationPipeline
    {
        private readonly ISampleAugmentation[] steps;

        /// <summary>Creates the pipeline.</summary>
        public AugmentationPipeline(int seed, params ISampleAugmentation[] steps)
        {
            Seed = seed;
            this.steps = steps ?? throw new ArgumentNullException(nameof(steps));
        }

        /// <summary>The seed every sample's generator derives from.</summary>
        public int Seed { get; }

        /// <summary>The steps, in order.</summary>
        public IReadOnlyList<ISampleAugmentation> Steps => steps;

        /// <summary>Augments sample <paramref name="index"/> of epoch <paramref name="epoch"/>.</summary>
        public InstanceSegmentationSample Apply(InstanceSegmentationSample sample, int epoch, int index)
        {
            var random = SeededRandom.Derive(Seed, epoch, index);
            foreach (var step in steps) sample = step.Apply(sample, random);
            return sample;
        }
    }
}
