using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Imaging;

namespace Microsoft.ML.MaskRcnn.Training
{
    /// <summary>A batch of decoded, augmented samples (plain arrays), and the images that could not be loaded.</summary>
    internal sealed record LoadedBatch(int EpochBatch, InstanceSegmentationSample[] Samples, string[] Skipped);

    /// <summary>
    /// The batches of each epoch: indices grouped by aspect ratio and shuffled from (seed, epoch), samples loaded
    /// lazily and augmented from (seed, epoch, index) — so any batch can be reproduced without replaying the ones
    /// before it, which is what makes resuming exact. The next batch is loaded on a worker thread while the current
    /// one trains.
    /// </summary>
    internal sealed class TrainingBatches
    {
        private readonly InstanceSegmentationDataset dataset;
        private readonly AspectRatioBatchSampler sampler;
        private readonly AugmentationPipeline augmentation;
        private readonly bool skipUnreadable;

        public TrainingBatches(InstanceSegmentationDataset dataset, MaskRcnnTrainerOptions options)
        {
            if (dataset.Count == 0) throw new ArgumentException("The training set is empty.", nameof(dataset));
            this.dataset = dataset;
            sampler = new AspectRatioBatchSampler(dataset, options.BatchSize, options.Seed, shuffle: true, dropLast: false);
            augmentation = options.HorizontalFlipProbability > 0
                ? new AugmentationPipeline(options.Seed, new HorizontalFlip(options.HorizontalFlipProbability))
                : new AugmentationPipeline(options.Seed);
            skipUnreadable = options.SkipUnreadableImages;
        }

        /// <summary>Batches per epoch.</summary>
        public int BatchesPerEpoch(int epoch) => sampler.GetBatches(epoch).Count();

        /// <summary>
        /// The batches of <paramref name="epoch"/> from the <paramref name="firstBatch"/>-th on, loaded one ahead. Stopping is
        /// the caller's: a batch being loaded when it stops is simply not used.
        /// </summary>
        public IEnumerable<LoadedBatch> Epoch(int epoch, int firstBatch)
        {
            var batches = sampler.GetBatches(epoch).Skip(firstBatch).ToArray();
            Task<LoadedBatch>? next = batches.Length > 0 ? Task.Run(() => Load(epoch, firstBatch, batches[0])) : null;
            for (int b = 0; b < batches.Length; b++)
            {
                var current = next!.GetAwaiter().GetResult();
                int following = b + 1;
                next = following < batches.Length ? Task.Run(() => Load(epoch, firstBatch + following, batches[following])) : null;
                yield return current;
            }
        }

        private LoadedBatch Load(int epoch, int epochBatch, int[] indices)
        {
            var samples = new List<InstanceSegmentationSample>(indices.Length);
            var skipped = new List<string>();
            foreach (var index in indices)
            {
                try
                {
                    var sample = augmentation.Apply(dataset.Load(index), epoch, index);
                    var clean = SampleTensors.WithoutDegenerateBoxes(sample.Annotations);
                    samples.Add(ReferenceEquals(clean, sample.Annotations) ? sample : new InstanceSegmentationSample(sample.Descriptor, sample.Image, clean));
                }
                catch (Exception e) when (skipUnreadable && e is ImageDecodeException or System.IO.IOException)
                {
                    skipped.Add(dataset.GetDescriptor(index).Path);
                }
            }
            return new LoadedBatch(epochBatch, samples.ToArray(), skipped.ToArray());
        }
    }
}
