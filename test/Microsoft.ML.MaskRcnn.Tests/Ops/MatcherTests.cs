using System;
using Microsoft.ML.MaskRcnn.Ops;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static Microsoft.ML.MaskRcnn.Tests.Ops.OpsReference;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Tests.Ops
{
    [TestClass]
    public class MatcherTests
    {
        [TestMethod]
        public void MatchesLikeTorchvision()
        {
            using var scope = NewDisposeScope();
            var quality = In("matcher/quality");
            TensorAssert.SameIndices(Out("matcher/rpn"), new Matcher(0.7, 0.3, true).call(quality), "RPN matcher");
            TensorAssert.SameIndices(Out("matcher/rcnn"), new Matcher(0.5, 0.5, false).call(quality), "box-head matcher");
            TensorAssert.SameIndices(Out("matcher/mid"), new Matcher(0.6, 0.2, false).call(quality), "matcher");
        }

        [TestMethod]
        public void ThresholdsSplitPredictionsIntoMatchesIgnoredAndNegatives()
        {
            using var scope = NewDisposeScope();
            var quality = torch.tensor(new float[] { 0.9f, 0.4f, 0.1f, 0.6f, 0.2f, 0.75f, 0.05f, 0.65f }, new long[] { 2, 4 });
            var matches = new Matcher(0.7, 0.3).call(quality);
            // torchvision's codes: BELOW_LOW_THRESHOLD = -1, BETWEEN_THRESHOLDS = -2.
            CollectionAssert.AreEqual(new long[] { 0, 1, -1, -2 }, TensorAssert.Longs(matches));
            CollectionAssert.AreEqual(new long[] { -1, -2 }, new[] { Matcher.BELOW_LOW_THRESHOLD, Matcher.BETWEEN_THRESHOLDS });
        }

        [TestMethod]
        public void LowQualityMatchesGiveEveryGroundTruthItsBestPredictionsTiesIncluded()
        {
            using var scope = NewDisposeScope();
            // gt 0's best prediction (0) is only "between"; gt 1's best (0.25) is tied by predictions 1 and 2, both below.
            var quality = torch.tensor(new float[] { 0.5f, 0.2f, 0.1f, 0.1f, 0.25f, 0.25f }, new long[] { 2, 3 });
            CollectionAssert.AreEqual(new long[] { -2, -1, -1 }, TensorAssert.Longs(new Matcher(0.7, 0.3).call(quality)));
            CollectionAssert.AreEqual(new long[] { 0, 1, 1 }, TensorAssert.Longs(new Matcher(0.7, 0.3, allow_low_quality_matches: true).call(quality)));
        }

        [TestMethod]
        public void EmptyMatricesAndInconsistentThresholdsAreRejected()
        {
            using var scope = NewDisposeScope();
            var matcher = new Matcher(0.7, 0.3);
            var noGt = Assert.Throws<ArgumentException>(() => matcher.call(torch.zeros(0, 5)));
            StringAssert.Contains(noGt.Message, "ground-truth");
            var noProposal = Assert.Throws<ArgumentException>(() => matcher.call(torch.zeros(3, 0)));
            StringAssert.Contains(noProposal.Message, "proposal");
            NmsTests.AssertArgument("low_threshold", () => new Matcher(0.3, 0.7));
        }
    }
}
