using System;
using System.Collections.Generic;

namespace Microsoft.ML.MaskRcnn.Data
{
    /// <summary>
    /// Yields batches of dataset indices whose images share an aspect-ratio group (landscape, w &gt; h, or not, as
    /// detectron2 groups them), so that padding a batch to one size wastes little. Each epoch visits every index once, in
    /// a seeded order; an index joins its group's open batch, which is yielded when full. The partial batches left at
    /// the end of an epoch are yielded afterwards (landscape first) unless <see cref="DropLast"/>.
    /// </summary>
    public sealed class AspectRatioBatchSampler
    {
        private readonly int[] groups;

        /// <summary>Groups the images of <paramref name="dataset"/> (reads only their sizes).</summary>
        public AspectRatioBatchSampler(InstanceSegmentationDataset dataset, int batchSize, int seed, bool shuffle = true, bool dropLast = false)
            : this(Sizes(dataset), batchSize, seed, shuffle, dropLast)
        {
        }

        /// <summary>Groups images of the given sizes (index i has size sizes[i]).</summary>
        public AspectRatioBatchSampler(IReadOnlyList<(int Width, int Height)> sizes, int batchSize, int seed, bool shuffle = true, bool dropLast = false)
        {
            if (sizes is null) throw new ArgumentNullException(nameof(sizes));
            if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be positive.");
            groups = new int[sizes.Count];
            for (int i = 0; i < groups.Length; i++) groups[i] = sizes[i].Width > sizes[i].Height ? 0 : 1;
            BatchSize = batchSize;
            Seed = seed;
            Shuffle = shuffle;
            DropLast = dropLast;
        }

        /// <summary>Images per batch.</summary>
        public int BatchSize { get; }

        /// <summary>The seed of the per-epoch order.</summary>
        public int Seed { get; }

        /// <summary>Whether each epoch visits the indices in a seeded random order (else in index order).</summary>
        public bool Shuffle { get; }

        /// <summary>Whether the partial batches at the end of an epoch are dropped.</summary>
        public bool DropLast { get; }

        /// <summary>The group of index <paramref name="index"/>: 0 landscape (w &gt; h), 1 portrait or square.</summary>
        public int GroupOf(int index) => groups[index];

        /// <summary>The batches of epoch <paramref name="epoch"/>.</summary>
        public IEnumerable<int[]> GetBatches(int epoch)
        {
            var order = new int[groups.Length];
            for (int i = 0; i < order.Length; i++) order[i] = i;
            if (Shuffle) SeededRandom.Derive(Seed, epoch).Shuffle(order.AsSpan());
            var open = new[] { new List<int>(BatchSize), new List<int>(BatchSize) };
            foreach (int index in order)
            {
                var batch = open[groups[index]];
                batch.Add(index);
                if (batch.Count == BatchSize)
                {
                    yield return batch.ToArray();
                    batch.Clear();
                }
            }
            if (DropLast) yield break;
            foreach (var batch in open)
                if (batch.Count > 0) yield return batch.ToArray();
        }

        private static IReadOnlyList<(int, int)> Sizes(InstanceSegmentationDataset dataset)
        {
            var sizes = new (int, int)[dataset.Count];
            for (int i = 0; i < sizes.Length; i++)
            {
                var d = dataset.GetDescriptor(i);
                sizes[i] = (d.Width, d.Height);
            }
            return sizes;
        }
    }
}
