using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.Data
{
    /// <summary>Deterministic splits and aspect-ratio batches.</summary>
    [TestClass]
    public class SplitAndBatchingTests
    {
        [TestMethod]
        public void SplitIsDeterministicDisjointAndComplete()
        {
            var (train, validation) = DatasetSplit.Split(1000, 0.2, seed: 7);
            Assert.AreEqual(200, validation.Length);
            Assert.AreEqual(800, train.Length);
            CollectionAssert.AreEqual(Enumerable.Range(0, 1000).ToArray(), train.Concat(validation).OrderBy(i => i).ToArray());
            var again = DatasetSplit.Split(1000, 0.2, seed: 7);
            CollectionAssert.AreEqual(validation, again.Validation);
            var other = DatasetSplit.Split(1000, 0.2, seed: 8);
            CollectionAssert.AreNotEqual(validation, other.Validation);
            Assert.AreEqual(3, DatasetSplit.Split(10, 0.25, 1).Validation.Length, "round(2.5) = 3, away from zero");
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => DatasetSplit.Split(10, 1.5, 1));
        }

        [TestMethod]
        public void SeededRandomIsFixedByItsSeed()
        {
            // SplitMix64's published first output for seed 0 (state advanced by 0x9E3779B97F4A7C15 once).
            Assert.AreEqual(0xE220A8397B1DCDAFUL, new SeededRandom(0).NextUInt64());
            var r = new SeededRandom(42);
            var counts = new int[4];
            for (int i = 0; i < 40_000; i++) counts[r.NextInt(4)]++;
            Assert.IsTrue(counts.All(c => c > 9_500 && c < 10_500), string.Join(", ", counts));
        }

        [TestMethod]
        public void BatchesShareAnAspectRatioGroupAndCoverEveryIndexOnce()
        {
            // Even indices landscape (w > h), odd portrait; 3 of them square (portrait group).
            var sizes = Enumerable.Range(0, 23).Select(i => i % 2 == 0 ? (640, 480) : i % 7 == 0 ? (500, 500) : (480, 640)).ToList();
            var sampler = new AspectRatioBatchSampler(sizes, batchSize: 4, seed: 3);
            foreach (int epoch in new[] { 0, 1 })
            {
                var batches = sampler.GetBatches(epoch).ToList();
                CollectionAssert.AreEqual(Enumerable.Range(0, 23).ToArray(), batches.SelectMany(b => b).OrderBy(i => i).ToArray());
                foreach (var batch in batches)
                    Assert.AreEqual(1, batch.Select(i => sizes[i].Item1 > sizes[i].Item2).Distinct().Count(), "one group per batch");
                // 12 landscape -> 3 full batches; 11 portrait -> 2 full and one of 3.
                Assert.AreEqual(6, batches.Count);
                Assert.AreEqual(1, batches.Count(b => b.Length < 4));
            }
            var first = sampler.GetBatches(0).Select(b => string.Join(",", b)).ToList();
            CollectionAssert.AreEqual(first, sampler.GetBatches(0).Select(b => string.Join(",", b)).ToList(), "same epoch, same batches");
            CollectionAssert.AreNotEqual(first, sampler.GetBatches(1).Select(b => string.Join(",", b)).ToList(), "a new epoch reshuffles");
            var dropLast = new AspectRatioBatchSampler(sizes, 4, 3, dropLast: true).GetBatches(0).ToList();
            Assert.AreEqual(5, dropLast.Count);
            Assert.IsTrue(dropLast.All(b => b.Length == 4));
            var ordered = new AspectRatioBatchSampler(sizes, 4, 3, shuffle: false).GetBatches(0).First();
            CollectionAssert.AreEqual(new[] { 0, 2, 4, 6 }, ordered);
        }
    }
}
