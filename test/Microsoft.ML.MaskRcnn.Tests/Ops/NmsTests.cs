using System;
using System.Linq;
using System.Runtime.InteropServices;
using Microsoft.ML.MaskRcnn.Ops;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static Microsoft.ML.MaskRcnn.Ops.DetectionOps;
using static Microsoft.ML.MaskRcnn.Tests.Ops.OpsReference;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Tests.Ops
{
    [TestClass]
    public class NmsTests
    {
        [TestMethod]
        public void NmsKeepsExactlyTorchvisionsBoxes()
        {
            // 600 random boxes, among them a zero-width box, a point and a box outside the image.
            foreach (var t in new[] { 0.3, 0.5, 0.7 })
            {
                using var scope = NewDisposeScope();
                TensorAssert.SameIndices(Out($"nms/keep_{t}"), nms(In("nms/boxes"), In("nms/scores"), t), $"threshold {t}");
            }
        }

        [TestMethod]
        public void NmsBreaksTiesOfEqualScoresAsTorchvision()
        {
            using var scope = NewDisposeScope();
            var scores = In("nms_ties/scores");
            Assert.IsTrue(scores.unique().output.numel() <= 8, "the case must be full of equal scores");
            TensorAssert.SameIndices(Out("nms_ties/keep"), nms(In("nms_ties/boxes"), scores, 0.5), "ties");
        }

        [TestMethod]
        public void NmsOnThousandsOfBoxesMatchesTorchvisionOnOneAndTwoThreads()
        {
            using var scope = NewDisposeScope();
            foreach (int threads in new[] { 1, 2 })
            {
                var keep = Threads.With(threads, () => nms(In("nms_large/boxes"), In("nms_large/scores"), 0.5));
                TensorAssert.SameIndices(Out("nms_large/keep"), keep, $"{threads} threads");
            }
        }

        [TestMethod]
        public void NmsInFloat64MatchesTorchvision()
        {
            using var scope = NewDisposeScope();
            TensorAssert.SameIndices(Out("nms64/keep"), nms(In("nms64/boxes"), In("nms64/scores"), 0.5), "float64");
        }

        [TestMethod]
        public void NmsDropsBoxesWithNaNScores()
        {
            using var scope = NewDisposeScope();
            var keep = nms(In("nms_nan/boxes"), In("nms_nan/scores"), 0.5);
            // Defined behaviour: the result is torchvision's on the boxes whose score is a number.
            TensorAssert.SameIndices(Out("nms_nan/keep_without_nan"), keep, "NaN scores dropped");
            // torchvision instead ranks NaN first and keeps those boxes (documented difference).
            var nanRows = new long[] { 0, 3, 17, 50, 51, 120 };
            CollectionAssert.IsSubsetOf(nanRows, TensorAssert.Longs(Out("nms_nan/torchvision_keep")).ToArray());
            Assert.IsFalse(TensorAssert.Longs(keep).Intersect(nanRows).Any());
        }

        [TestMethod]
        public void NmsHandlesEmptySingleAndIdenticalBoxes()
        {
            using var scope = NewDisposeScope();
            var empty = nms(torch.zeros(0, 4), torch.zeros(0), 0.5);
            Assert.AreEqual(ScalarType.Int64, empty.dtype);
            CollectionAssert.AreEqual(new long[] { 0 }, empty.shape);

            var one = nms(torch.tensor(new float[] { 1, 2, 3, 4 }, new long[] { 1, 4 }), torch.tensor(new[] { 0.3f }), 0.5);
            CollectionAssert.AreEqual(new long[] { 0 }, TensorAssert.Longs(one));

            // Three copies of one box: only the best survives. A disjoint box survives too, ranked by its score.
            var boxes = torch.tensor(new float[] { 0, 0, 10, 10, 0, 0, 10, 10, 0, 0, 10, 10, 50, 50, 60, 60 }, new long[] { 4, 4 });
            var keep = nms(boxes, torch.tensor(new[] { 0.2f, 0.9f, 0.5f, 0.6f }), 0.5);
            CollectionAssert.AreEqual(new long[] { 1, 3 }, TensorAssert.Longs(keep));

            // IoU exactly at the threshold is not "greater than": both kept. [0,0,10,10] vs [5,0,15,10]: IoU = 50/150.
            var touching = torch.tensor(new double[] { 0, 0, 10, 10, 5, 0, 15, 10 }, new long[] { 2, 4 });
            var scores = torch.tensor(new[] { 0.9, 0.8 });
            CollectionAssert.AreEqual(new long[] { 0, 1 }, TensorAssert.Longs(nms(touching, scores, 1.0 / 3)));
            CollectionAssert.AreEqual(new long[] { 0 }, TensorAssert.Longs(nms(touching, scores, 0.33)));
        }

        [TestMethod]
        public void NmsNamesTheArgumentWithTheWrongShape()
        {
            using var scope = NewDisposeScope();
            var boxes = torch.rand(5, 4);
            AssertArgument("boxes", () => nms(torch.rand(5, 3), torch.rand(5), 0.5));
            AssertArgument("boxes", () => nms(torch.ones(5, 4, dtype: ScalarType.Int64), torch.rand(5), 0.5));
            AssertArgument("scores", () => nms(boxes, torch.rand(6), 0.5));
            AssertArgument("scores", () => nms(boxes, torch.rand(5, 1), 0.5));
            AssertArgument("scores", () => nms(boxes, torch.rand(5, dtype: ScalarType.Float64), 0.5));
            Assert.ThrowsExactly<ArgumentNullException>(() => nms(null!, torch.rand(5), 0.5));
        }

        [TestMethod]
        public void BatchedNmsKeepsExactlyTorchvisionsBoxes()
        {
            // "small" and "ties" take torchvision's coordinate-offset path, "large" (80 classes) and "large_ties" its
            // per-class loop, which ends with an unstable sort: equal scores come out in that sort's order.
            foreach (var name in new[] { "small", "ties", "large", "large_ties" })
            {
                using var scope = NewDisposeScope();
                var keep = batched_nms(In($"bnms_{name}/boxes"), In($"bnms_{name}/scores"), In($"bnms_{name}/idxs"), 0.5);
                TensorAssert.SameIndices(Out($"bnms_{name}/keep"), keep, name);
                var keep2 = Threads.With(2, () => batched_nms(In($"bnms_{name}/boxes"), In($"bnms_{name}/scores"), In($"bnms_{name}/idxs"), 0.5));
                TensorAssert.SameIndices(Out($"bnms_{name}/keep"), keep2, name + " on two threads");
            }
        }

        [TestMethod]
        public void BatchedNmsNeverSuppressesAcrossCategories()
        {
            using var scope = NewDisposeScope();
            var boxes = torch.tensor(new float[] { 0, 0, 10, 10, 0, 0, 10, 10, 1, 1, 10, 10, 0, 0, 10, 10 }, new long[] { 4, 4 });
            var scores = torch.tensor(new[] { 0.9f, 0.8f, 0.7f, 0.95f });
            var keep = batched_nms(boxes, scores, torch.tensor(new long[] { 0, 1, 0, 2 }), 0.5);
            // Box 2 overlaps box 0 of its class; boxes 1 and 3 are alone in theirs. Order: decreasing score.
            CollectionAssert.AreEqual(new long[] { 3, 0, 1 }, TensorAssert.Longs(keep));
            var sameClass = batched_nms(boxes, scores, torch.zeros(4, dtype: ScalarType.Int32), 0.5);
            CollectionAssert.AreEqual(new long[] { 3 }, TensorAssert.Longs(sameClass));
        }

        [TestMethod]
        public void BatchedNmsHandlesEmptyInputNaNScoresAndWrongArguments()
        {
            using var scope = NewDisposeScope();
            var empty = batched_nms(torch.zeros(0, 4), torch.zeros(0), torch.zeros(0, dtype: ScalarType.Int64), 0.5);
            CollectionAssert.AreEqual(new long[] { 0 }, empty.shape);

            var boxes = torch.tensor(new float[] { 0, 0, 10, 10, 0, 0, 10, 10, 20, 20, 30, 30 }, new long[] { 3, 4 });
            var keep = batched_nms(boxes, torch.tensor(new[] { float.NaN, 0.5f, 0.4f }), torch.zeros(3, dtype: ScalarType.Int64), 0.5);
            CollectionAssert.AreEqual(new long[] { 1, 2 }, TensorAssert.Longs(keep));

            AssertArgument("idxs", () => batched_nms(boxes, torch.rand(3), torch.zeros(4, dtype: ScalarType.Int64), 0.5));
            AssertArgument("idxs", () => batched_nms(boxes, torch.rand(3), torch.zeros(3), 0.5));
            AssertArgument("scores", () => batched_nms(boxes, torch.rand(2), torch.zeros(3, dtype: ScalarType.Int64), 0.5));
        }

        internal static void AssertArgument(string name, Action action)
        {
            var ex = Assert.Throws<ArgumentException>(action);
            Assert.AreEqual(name, ex.ParamName, ex.Message);
            StringAssert.Contains(ex.Message, name);
        }
    }
}
