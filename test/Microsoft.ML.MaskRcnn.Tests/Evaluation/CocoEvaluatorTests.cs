using System;
using System.Linq;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Evaluation;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static Microsoft.ML.MaskRcnn.Tests.Evaluation.GroundTruthBuilder;

namespace Microsoft.ML.MaskRcnn.Tests.Evaluation
{
    /// <summary>
    /// COCO evaluation on hand-built cases whose AP and AR follow from COCO's definition by hand. Precision is
    /// tp / (tp + fp + 2^-52) as in pycocotools, so a lone true positive has precision 1 - 2^-52: those cases compare
    /// within 1e-12; cases whose values are exact in binary compare exactly.
    /// </summary>
    [TestClass]
    public class CocoEvaluatorTests
    {
        private const double Tolerance = 1e-12;

        [TestMethod]
        public void PerfectDetectionsGiveOne()
        {
            // A small (400 px) and a medium (1600 px) object, both found exactly.
            var gt = new GroundTruthBuilder().Image(1).Category(1).Box(1, 1, 10, 10, 20, 20).Box(1, 1, 50, 50, 40, 40).Build();
            var result = new CocoEvaluator(gt, CocoIouType.Bbox).Evaluate(new[] { Det(1, 1, 0.9, 10, 10, 20, 20), Det(1, 1, 0.8, 50, 50, 40, 40) });
            // Two true positives: precision 2/(2 + 2^-52) rounds to exactly 1 and the envelope carries it to rank 1.
            Assert.AreEqual(1.0, result.AP);
            Assert.AreEqual(1.0, result.AP50);
            Assert.AreEqual(1.0, result.AP75);
            Assert.AreEqual(1.0, result.AR10);
            Assert.AreEqual(1.0, result.AR100);
            Assert.AreEqual(0.5, result.AR1, "one detection per image finds one of two objects");
            // Per area range a single object counts: precision 1/(1 + 2^-52) = 1 - 2^-52.
            Assert.AreEqual(1.0, result.APSmall, Tolerance);
            Assert.AreEqual(1.0, result.APMedium, Tolerance);
            Assert.AreEqual(1.0, result.ARSmall);
            Assert.AreEqual(-1.0, result.APLarge, "no large object: nothing to measure");
            Assert.AreEqual(-1.0, result.ARLarge);
        }

        [TestMethod]
        public void ShiftedBoxMatchesOnlyBelowItsIou()
        {
            // Shifting a 10x10 box by 2 px: intersection 80, union 120, IoU 2/3 >= .50, .55, .60, .65 and < .70 ... .95.
            Assert.AreEqual(2.0 / 3.0, CocoIou.Box(new CocoBox(2, 0, 10, 10), new CocoBox(0, 0, 10, 10), false), 1e-15);
            var gt = new GroundTruthBuilder().Image(1).Category(1).Box(1, 1, 0, 0, 10, 10).Build();
            var result = new CocoEvaluator(gt, CocoIouType.Bbox).Evaluate(new[] { Det(1, 1, 0.9, 2, 0, 10, 10) });
            Assert.AreEqual(0.4, result.AP, Tolerance);  // 4 of 10 thresholds at precision 1, 6 at 0
            Assert.AreEqual(1.0, result.AP50, Tolerance);
            Assert.AreEqual(0.0, result.AP75);
            Assert.AreEqual(0.4, result.AR100);  // recall 1 at 4 thresholds, 0 at 6: exactly 404/1010 after numpy's mean
        }

        [TestMethod]
        public void FalsePositiveRankedFirstLowersApByAThird()
        {
            var gt = new GroundTruthBuilder().Image(1).Category(1).Box(1, 1, 0, 0, 10, 10).Box(1, 1, 20, 20, 10, 10).Build();
            var evaluator = new CocoEvaluator(gt, CocoIouType.Bbox);
            var hitA = Det(1, 1, 0.8, 0, 0, 10, 10);
            var hitB = Det(1, 1, 0.7, 20, 20, 10, 10);

            // FP first: ranks give tp 0,1,2 and fp 1,1,1: recall 0, 1/2, 1 and precision 0, 1/2, 2/3, whose envelope is 2/3
            // everywhere (2/(3 + 2^-52) rounds to 2/3).
            var first = evaluator.Evaluate(new[] { Det(1, 1, 0.9, 50, 50, 10, 10), hitA, hitB });
            Assert.AreEqual(2.0 / 3.0, first.AP, Tolerance);

            // FP second: recall 1/2, 1/2, 1 and precision 1, 1/2, 2/3: the 51 recall points 0 .. 0.50 read 1 and the 50
            // points above read 2/3, so AP = (51 + 50 x 2/3) / 101 = 253/303.
            var second = evaluator.Evaluate(new[] { hitA, Det(1, 1, 0.75, 50, 50, 10, 10), hitB });
            Assert.AreEqual(253.0 / 303.0, second.AP, Tolerance);

            // FP last: it comes after full recall and changes nothing.
            var last = evaluator.Evaluate(new[] { hitA, hitB, Det(1, 1, 0.1, 50, 50, 10, 10) });
            Assert.AreEqual(1.0, last.AP);
        }

        [TestMethod]
        public void EqualScoresKeepInputOrder()
        {
            // pycocotools sorts with a stable mergesort: of two detections with equal scores, the earlier ranks first.
            var gt = new GroundTruthBuilder().Image(1).Category(1).Box(1, 1, 0, 0, 10, 10).Build();
            var evaluator = new CocoEvaluator(gt, CocoIouType.Bbox);
            var miss = Det(1, 1, 0.5, 50, 50, 10, 10);
            var hit = Det(1, 1, 0.5, 0, 0, 10, 10);
            Assert.AreEqual(0.5, evaluator.Evaluate(new[] { miss, hit }).AP);  // precision 0, 1/2 -> envelope 1/2
            Assert.AreEqual(1.0, evaluator.Evaluate(new[] { hit, miss }).AP, Tolerance);
        }

        [TestMethod]
        public void MatchesToACrowdAreIgnoredNotFalsePositives()
        {
            // IoU against a crowd divides by the detection's own area: a 10x10 box inside a 50x50 crowd scores 1, not 0.04.
            Assert.AreEqual(1.0, CocoIou.Box(new CocoBox(45, 45, 10, 10), new CocoBox(40, 40, 50, 50), true));
            Assert.AreEqual(0.04, CocoIou.Box(new CocoBox(45, 45, 10, 10), new CocoBox(40, 40, 50, 50), false), 1e-15);

            var detections = new[] { Det(1, 1, 0.9, 45, 45, 10, 10), Det(1, 1, 0.8, 0, 0, 10, 10), Det(1, 1, 0.7, 60, 60, 10, 10) };
            var crowd = new GroundTruthBuilder().Image(1).Category(1).Box(1, 1, 0, 0, 10, 10).Box(1, 1, 40, 40, 50, 50, crowd: true).Build();
            var withCrowd = new CocoEvaluator(crowd, CocoIouType.Bbox).Evaluate(detections);
            // Both boxes in the crowd match it (a crowd absorbs any number) and are ignored; the one object is found.
            Assert.AreEqual(1.0, withCrowd.AP, Tolerance);
            Assert.AreEqual(1.0, withCrowd.AR100);

            // The same region as an ordinary object: the two boxes are false positives (IoU 0.04) ranked around the hit:
            // recall 0, 1/2, 1/2 and precision 0, 1/2, 1/3 -> envelope 1/2 up to recall 0.50 (51 points), 0 beyond.
            var plain = new GroundTruthBuilder().Image(1).Category(1).Box(1, 1, 0, 0, 10, 10).Box(1, 1, 40, 40, 50, 50).Build();
            var withoutCrowd = new CocoEvaluator(plain, CocoIouType.Bbox).Evaluate(detections);
            Assert.AreEqual(51 * 0.5 / 101, withoutCrowd.AP, Tolerance);
            Assert.AreEqual(0.5, withoutCrowd.AR100);
        }

        [TestMethod]
        public void EmptyCategoriesGiveMinusOne()
        {
            // Category 1 is found perfectly; 2 has nothing at all; 3 has only a detection (no object to recall).
            var gt = new GroundTruthBuilder().Image(1).Category(1, "one").Category(2, "two").Category(3, "three").Box(1, 1, 0, 0, 10, 10).Build();
            var result = new CocoEvaluator(gt, CocoIouType.Bbox).Evaluate(new[] { Det(1, 1, 0.9, 0, 0, 10, 10), Det(1, 3, 0.9, 50, 50, 10, 10) });
            var perCategory = result.PerCategoryAP();
            CollectionAssert.AreEqual(new long[] { 1, 2, 3 }, perCategory.Select(c => c.CategoryId).ToArray());
            Assert.AreEqual(1.0, perCategory[0].AP, Tolerance);
            Assert.AreEqual(-1.0, perCategory[1].AP);
            Assert.AreEqual(-1.0, perCategory[2].AP);
            Assert.AreEqual(1.0, result.AP, Tolerance, "the summary averages only measured categories");
            StringAssert.Contains(result.FormatPerCategory(), "| two      | nan    |");

            var nothing = new GroundTruthBuilder().Image(1).Category(1).Build();
            var empty = new CocoEvaluator(nothing, CocoIouType.Bbox).Evaluate(new[] { Det(1, 1, 0.9, 0, 0, 10, 10) });
            CollectionAssert.AreEqual(Enumerable.Repeat(-1.0, 12).ToArray(), empty.Stats.ToArray());
        }

        [TestMethod]
        public void AreaRangesIgnoreObjectsAndDetectionsOutsideThem()
        {
            // A small (100 px) and a large (10000 px) object, both found, and a small false positive ranked first.
            var gt = new GroundTruthBuilder().Image(1, 200, 200).Category(1).Box(1, 1, 0, 0, 10, 10).Box(1, 1, 50, 50, 100, 100).Build();
            var result = new CocoEvaluator(gt, CocoIouType.Bbox).Evaluate(new[]
            {
                Det(1, 1, 0.95, 180, 0, 5, 10),  // false positive, 50 px
                Det(1, 1, 0.9, 0, 0, 10, 10),
                Det(1, 1, 0.8, 50, 50, 100, 100),
            });
            // All: tp 0,1,2 / fp 1,1,1 -> 2/3 (as with a false positive first).
            Assert.AreEqual(2.0 / 3.0, result.AP, Tolerance);
            // Small: the large object is ignored, so the detection matched to it is ignored too: tp 0,1,1 / fp 1,1,1 ->
            // recall 0, 1, 1 and precision 0, 1/2, 1/2 -> 1/2.
            Assert.AreEqual(0.5, result.APSmall);
            // Large: the small false positive is unmatched and outside the range, so ignored; the small hit matched an
            // ignored object, so ignored: only the large hit counts.
            Assert.AreEqual(1.0, result.APLarge, Tolerance);
            Assert.AreEqual(-1.0, result.APMedium);
            Assert.AreEqual(-1.0, result.ARMedium);
        }

        [TestMethod]
        public void MaxDetectionsCapsTheRanking()
        {
            var gt = new GroundTruthBuilder().Image(1, 2000, 2000).Category(1).Box(1, 1, 0, 0, 10, 10).Box(1, 1, 20, 0, 10, 10).Build();
            var evaluator = new CocoEvaluator(gt, CocoIouType.Bbox);
            var two = evaluator.Evaluate(new[] { Det(1, 1, 0.9, 0, 0, 10, 10), Det(1, 1, 0.8, 20, 0, 10, 10) });
            Assert.AreEqual(0.5, two.AR1);
            Assert.AreEqual(1.0, two.AR10);

            // 98 misses scored above both hits: the hits rank 99th and 100th, inside the cap of 100.
            var misses = Enumerable.Range(0, 98).Select(i => Det(1, 1, 0.99, 100 + 15 * (i % 100), 500 + 15 * (i / 100), 10, 10)).ToList();
            var inside = evaluator.Evaluate(misses.Concat(new[] { Det(1, 1, 0.5, 0, 0, 10, 10), Det(1, 1, 0.4, 20, 0, 10, 10) }));
            Assert.AreEqual(1.0, inside.AR100);
            // Precision at full recall is 2/100, and the envelope carries it to every recall point: AP = 0.02.
            Assert.AreEqual(0.02, inside.AP, Tolerance);
            // One more miss pushes the second hit to rank 101: it no longer takes part.
            misses.Add(Det(1, 1, 0.99, 1900, 1900, 10, 10));
            var outside = evaluator.Evaluate(misses.Concat(new[] { Det(1, 1, 0.5, 0, 0, 10, 10), Det(1, 1, 0.4, 20, 0, 10, 10) }));
            Assert.AreEqual(0.5, outside.AR100);
        }

        [TestMethod]
        public void DetectionsArePooledAcrossImagesByScore()
        {
            // Image 1: one object found at 0.6. Image 2: a miss at 0.9 and its object found at 0.3.
            // Pooled: miss, hit, hit -> tp 0,1,2 / fp 1,1,1 -> AP 2/3.
            var gt = new GroundTruthBuilder().Image(1).Image(2).Category(1).Box(1, 1, 0, 0, 10, 10).Box(2, 1, 0, 0, 10, 10).Build();
            var result = new CocoEvaluator(gt, CocoIouType.Bbox).Evaluate(new[]
            {
                Det(1, 1, 0.6, 0, 0, 10, 10), Det(2, 1, 0.9, 50, 50, 10, 10), Det(2, 1, 0.3, 0, 0, 10, 10),
            });
            Assert.AreEqual(2.0 / 3.0, result.AP, Tolerance);
        }

        [TestMethod]
        public void MaskIouIsExactAndInclusiveAtTheThreshold()
        {
            // A 10x10 image; the object covers rows 0-3 (40 px).
            var gt = new GroundTruthBuilder().Image(1, 10, 10).Category(1).Mask(1, 1, Rows(10, 10, 0, 4)).Build();
            var evaluator = new CocoEvaluator(gt, CocoIouType.Segm);
            CocoDetection Mask(int from, int to) { var m = Rows(10, 10, from, to); return new CocoDetection(1, 1, 0.9, m.ToBoundingBox(), m); }

            // Rows 0-4: IoU 40/50 = 0.8 exactly, which passes the 0.8 threshold (>=) and fails 0.85, 0.9, 0.95: 7 of 10.
            Assert.AreEqual(0.8, CocoIou.Mask(Rows(10, 10, 0, 5), Rows(10, 10, 0, 4), false));
            Assert.AreEqual(0.7, evaluator.Evaluate(new[] { Mask(0, 5) }).AP, Tolerance);
            // Rows 2-5: IoU 20/60 = 1/3, below every threshold.
            Assert.AreEqual(0.0, evaluator.Evaluate(new[] { Mask(2, 6) }).AP);
            // Against a crowd mask the denominator is the detection's area: 20/40 = 0.5.
            Assert.AreEqual(0.5, CocoIou.Mask(Rows(10, 10, 2, 6), Rows(10, 10, 0, 4), true));
        }

        [TestMethod]
        public void ThresholdsAreNumpysLinspace()
        {
            // The doubles numpy.linspace gives pycocotools (printed by numpy 1.24): note 0.8999999999999999 and 0.5700000000000001.
            var p = new CocoEvaluationParameters();
            string[] expected = { "0.5", "0.55", "0.6", "0.65", "0.7", "0.75", "0.8", "0.85", "0.8999999999999999", "0.95" };
            CollectionAssert.AreEqual(expected, p.IouThresholds.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)).ToArray());
            Assert.AreEqual(101, p.RecallThresholds.Length);
            Assert.AreEqual("0.5700000000000001", p.RecallThresholds[57].ToString("R", System.Globalization.CultureInfo.InvariantCulture));
            Assert.AreEqual(0.29, p.RecallThresholds[29]);
            Assert.AreEqual(0.5, p.RecallThresholds[50]);
        }

        [TestMethod]
        public void SummaryUsesCocosTableLayout()
        {
            var gt = new GroundTruthBuilder().Image(1).Category(1).Box(1, 1, 0, 0, 10, 10).Build();
            var result = new CocoEvaluator(gt, CocoIouType.Bbox).Evaluate(new[] { Det(1, 1, 0.9, 2, 0, 10, 10) });
            var lines = result.FormatSummary().TrimEnd('\n').Split('\n');
            Assert.AreEqual(12, lines.Length);
            Assert.AreEqual(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.400", lines[0]);
            Assert.AreEqual(" Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=100 ] = 1.000", lines[1]);
            Assert.AreEqual(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ] = -1.000", lines[4]);
            Assert.AreEqual(" Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ] = 0.400", lines[6]);
            Assert.AreEqual(" Average Recall     (AR) @[ IoU=0.50:0.95 | area= large | maxDets=100 ] = -1.000", lines[11]);
        }

        [TestMethod]
        public void InvalidDetectionsAreNamed()
        {
            var gt = new GroundTruthBuilder().Image(1).Category(1).Box(1, 1, 0, 0, 10, 10).Build();
            var bbox = new CocoEvaluator(gt, CocoIouType.Bbox);
            var e = Assert.ThrowsExactly<System.IO.InvalidDataException>(() => bbox.Evaluate(new[] { Det(1, 1, 0.9, 0, 0, 10, 10), Det(7, 1, 0.9, 0, 0, 10, 10) }));
            StringAssert.Contains(e.Message, "detection #1 (image 7");
            // An unknown category is dropped, as pycocotools drops it, and counted.
            Assert.AreEqual(1, bbox.Evaluate(new[] { Det(1, 1, 0.9, 0, 0, 10, 10), Det(1, 5, 0.9, 0, 0, 10, 10) }).DroppedDetections);
            var segm = new CocoEvaluator(new GroundTruthBuilder().Image(1, 10, 10).Category(1).Mask(1, 1, Rows(10, 10, 0, 4)).Build(), CocoIouType.Segm);
            e = Assert.ThrowsExactly<System.IO.InvalidDataException>(() => segm.Evaluate(new[] { Det(1, 1, 0.9, 0, 0, 10, 10) }));
            StringAssert.Contains(e.Message, "needs a mask");
            Assert.ThrowsExactly<ArgumentException>(() => Det(1, 1, double.NaN, 0, 0, 1, 1));
            Assert.ThrowsExactly<ArgumentException>(() => new CocoEvaluator(gt, CocoIouType.Bbox, new CocoEvaluationParameters { CategoryIds = new long[] { 4 } }));
        }

        [TestMethod]
        public void ParametersRestrictImagesAndCategories()
        {
            // Two images and two categories, each found once; restricted to image 2 and category 1 only its object counts.
            var gt = new GroundTruthBuilder().Image(1).Image(2).Category(1).Category(2)
                .Box(1, 1, 0, 0, 10, 10).Box(2, 1, 0, 0, 10, 10).Box(2, 2, 50, 50, 10, 10).Build();
            var detections = new[] { Det(1, 1, 0.9, 50, 50, 10, 10), Det(2, 1, 0.8, 0, 0, 10, 10), Det(2, 2, 0.95, 0, 0, 10, 10) };
            var all = new CocoEvaluator(gt, CocoIouType.Bbox).Evaluate(detections);
            Assert.AreEqual(0.25, all.AR100, "category 1 recalls 1 of 2, category 2 none of 1: (0.5 + 0) / 2");
            var parameters = new CocoEvaluationParameters { ImageIds = new long[] { 2 }, CategoryIds = new long[] { 1 }, MaxDetections = new[] { 100, 1, 10 } };
            var restricted = new CocoEvaluator(gt, CocoIouType.Bbox, parameters).Evaluate(detections);
            Assert.AreEqual(1.0, restricted.AP, Tolerance);
            Assert.AreEqual(1, restricted.CategoryIds.Count);
            CollectionAssert.AreEqual(new[] { 100, 1, 10 }, parameters.MaxDetections, "the caller's parameters are not changed");
            CollectionAssert.AreEqual(new[] { 1, 10, 100 }, restricted.Parameters.MaxDetections);
        }
    }
}
