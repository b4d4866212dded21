using System;
using System.Linq;
using Microsoft.ML.MaskRcnn.Ops;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static Microsoft.ML.MaskRcnn.Tests.Ops.OpsReference;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Tests.Ops
{
    [TestClass]
    public class BalancedPositiveNegativeSamplerTests
    {
        [TestMethod]
        public void SeededSamplerDrawsWhatTorchvisionDrawsAfterManualSeed()
        {
            using var scope = NewDisposeScope();
            using var generator = new Generator(77);
            var (positive, negative) = new BalancedPositiveNegativeSampler(64, 0.25, generator).call(new[] { In("sampler/m0"), In("sampler/m1") });
            for (int i = 0; i < 2; i++)
            {
                CollectionAssert.AreEqual(TensorAssert.Longs(Out($"sampler/pos{i}")), TensorAssert.Longs(positive[i]), $"positives of image {i}");
                CollectionAssert.AreEqual(TensorAssert.Longs(Out($"sampler/neg{i}")), TensorAssert.Longs(negative[i]), $"negatives of image {i}");
                Assert.AreEqual(ScalarType.Bool, positive[i].dtype);
            }
        }

        [TestMethod]
        public void SamplesRespectTheBatchSizeAndPositiveFraction()
        {
            using var scope = NewDisposeScope();
            var labels = In("sampler/m0");
            var sampler = new BalancedPositiveNegativeSampler(64, 0.25, new Generator(3));
            var (positive, negative) = sampler.call(new[] { labels });
            var l = TensorAssert.Longs(labels);
            var p = TensorAssert.Longs(positive[0]);
            var n = TensorAssert.Longs(negative[0]);
            Assert.AreEqual(16, p.Sum(), "int(64 * 0.25) positives");
            Assert.AreEqual(Math.Min(48, l.Count(v => v == 0)), n.Sum(), "the rest negatives, as far as there are some");
            for (int i = 0; i < l.Length; i++)
            {
                if (p[i] == 1) Assert.IsTrue(l[i] >= 1);
                if (n[i] == 1) Assert.AreEqual(0, l[i]);
            }
            // Few positives: all taken, negatives fill the batch.
            var few = torch.tensor(new long[] { 1, 0, 0, -1, 0, 2, 0, 0, 0, 0 });
            var (p2, n2) = new BalancedPositiveNegativeSampler(6, 0.5, new Generator(1)).call(new[] { few });
            Assert.AreEqual(2, TensorAssert.Longs(p2[0]).Sum());
            Assert.AreEqual(4, TensorAssert.Longs(n2[0]).Sum());
            // Same seed, same draw.
            var again = new BalancedPositiveNegativeSampler(64, 0.25, new Generator(3)).call(new[] { labels });
            CollectionAssert.AreEqual(p, TensorAssert.Longs(again.positive[0]));
        }
    }
}
