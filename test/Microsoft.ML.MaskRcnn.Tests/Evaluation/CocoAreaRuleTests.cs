using System;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Evaluation;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.Evaluation
{
    /// <summary>
    /// Which area puts a detection into the small / medium / large ranges. pycocotools' loadRes reads every result the
    /// way it reads the first: with a "bbox" (as in the CLI's results file), area = w x h, whatever the IoU type; without
    /// one, area = the mask's pixels. The hand-built case: a 200x200 image with one medium object (a 40x40 square, 1600
    /// px) found exactly at score 0.8, and a false positive ranked first (0.9) whose mask is an L of 156 px (small) and
    /// whose box is 40x40 (1600 px, medium).
    /// <list type="bullet">
    /// <item>Box areas: the false positive counts in the medium range: fp then tp, precision 1/2 at full recall, APm = 1/2.</item>
    /// <item>Mask areas: an unmatched detection outside the range is ignored, so only the hit counts: APm = 1.</item>
    /// </list>
    /// Over all areas both give 1/2; no object is small or large, so APs and APl are -1 either way.
    /// </summary>
    [TestClass]
    public class CocoAreaRuleTests
    {
        private const double Tolerance = 1e-12;  // precision is tp / (tp + fp + 2^-52), as in pycocotools

        private static readonly RleMask ObjectMask = Square(10, 10, 40);
        private static readonly RleMask LShapedMask = LShape(100, 100, 40);

        [TestMethod]
        public void TheHandBuiltMasksHaveTheAreasTheCaseNeeds()
        {
            Assert.AreEqual(1600, ObjectMask.Area);
            Assert.AreEqual(2 * 40 + 2 * 38, LShapedMask.Area);  // a 2-px column of 40 and a 2-px row of the other 38
            Assert.AreEqual(new CocoBox(100, 100, 40, 40), LShapedMask.ToBoundingBox());
        }

        [TestMethod]
        [DataRow(CocoIouType.Segm)]
        [DataRow(CocoIouType.Bbox)]
        public void DetectionsWithBoxesAreMeasuredByTheirBoxes(CocoIouType iouType)
        {
            var result = new CocoEvaluator(GroundTruth(), iouType).Evaluate(new[]
            {
                new CocoDetection(1, 1, 0.9, new CocoBox(100, 100, 40, 40), LShapedMask),
                new CocoDetection(1, 1, 0.8, new CocoBox(10, 10, 40, 40), ObjectMask),
            });
            Assert.AreEqual(0.5, result.AP, Tolerance);
            Assert.AreEqual(0.5, result.APMedium, Tolerance, "the false positive's box (1600 px) is medium: it counts");
            Assert.AreEqual(-1.0, result.APSmall);
            Assert.AreEqual(-1.0, result.APLarge);
        }

        [TestMethod]
        [DataRow(CocoIouType.Segm)]
        [DataRow(CocoIouType.Bbox)]
        public void DetectionsWithoutBoxesAreMeasuredByTheirMasks(CocoIouType iouType)
        {
            var result = new CocoEvaluator(GroundTruth(), iouType).Evaluate(new[]
            {
                new CocoDetection(1, 1, 0.9, LShapedMask),
                new CocoDetection(1, 1, 0.8, ObjectMask),
            });
            Assert.AreEqual(0.5, result.AP, Tolerance);
            Assert.AreEqual(1.0, result.APMedium, Tolerance, "the false positive's mask (156 px) is small: ignored in medium");
            Assert.AreEqual(-1.0, result.APSmall, "no small object to find");
        }

        [TestMethod]
        public void ResultsFilesFollowTheSameRule()
        {
            var evaluator = new CocoEvaluator(GroundTruth(), CocoIouType.Segm);
            // What the CLI writes: "bbox" and "segmentation" in every entry.
            string path = Path.Combine(Path.GetTempPath(), $"area-rule-{Guid.NewGuid():N}.json");
            try
            {
                CocoResultsFile.Write(path, new[]
                {
                    new CocoDetection(1, 1, 0.9, new CocoBox(100, 100, 40, 40), LShapedMask),
                    new CocoDetection(1, 1, 0.8, new CocoBox(10, 10, 40, 40), ObjectMask),
                });
                Assert.IsTrue(CocoResultsFile.Read(path).All(d => d.HasBox));
                Assert.AreEqual(0.5, evaluator.Evaluate(path).APMedium, Tolerance);
            }
            finally
            {
                File.Delete(path);
            }
            // The same results without "bbox" (as detectron2 writes them for segm evaluation).
            string Entry(double score, RleMask m) =>
                $"{{\"image_id\": 1, \"category_id\": 1, \"score\": {score}, \"segmentation\": {{\"size\": [200, 200], \"counts\": \"{m.ToCompressedString()}\"}}}}";
            var masksOnly = CocoResultsFile.Parse(Encoding.UTF8.GetBytes($"[{Entry(0.9, LShapedMask)}, {Entry(0.8, ObjectMask)}]"));
            Assert.IsTrue(masksOnly.All(d => !d.HasBox));
            Assert.AreEqual(new CocoBox(100, 100, 40, 40), masksOnly[0].Box, "a mask-only entry's box is its mask's");
            Assert.AreEqual(1.0, evaluator.Evaluate(masksOnly).APMedium, Tolerance);
        }

        [TestMethod]
        public void TheFirstDetectionDecidesAndTheOthersMustFollowIt()
        {
            var evaluator = new CocoEvaluator(GroundTruth(), CocoIouType.Segm);
            var withBox = new CocoDetection(1, 1, 0.8, new CocoBox(10, 10, 40, 40), ObjectMask);
            var withoutBox = new CocoDetection(1, 1, 0.9, LShapedMask);

            // Boxes first: a later detection without one cannot be measured that way (pycocotools fails there too).
            var e = Assert.ThrowsExactly<InvalidDataException>(() => evaluator.Evaluate(new[] { withBox, withoutBox }));
            StringAssert.Contains(e.Message, "detection #1 (image 1, category 1) has no box");

            // Masks first: every area is the mask's, including a detection that also has a box.
            var boxed = new CocoDetection(1, 1, 0.9, new CocoBox(100, 100, 40, 40), LShapedMask);
            Assert.AreEqual(1.0, evaluator.Evaluate(new[] { new CocoDetection(1, 1, 0.8, ObjectMask), boxed }).APMedium, Tolerance);

            // Masks first, then a box-only detection: nothing to take its area from.
            var boxOnly = new CocoDetection(1, 1, 0.5, new CocoBox(0, 0, 5, 5));
            var bbox = new CocoEvaluator(GroundTruth(), CocoIouType.Bbox);
            e = Assert.ThrowsExactly<InvalidDataException>(() => bbox.Evaluate(new[] { withoutBox, boxOnly }));
            StringAssert.Contains(e.Message, "detection #1 (image 1, category 1) has no mask");
        }

        private static CocoAnnotationFile GroundTruth() =>
            new GroundTruthBuilder().Image(1, 200, 200).Category(1).Mask(1, 1, ObjectMask).Build();

        private static RleMask Square(int x0, int y0, int side) =>
            Dense((x, y) => x >= x0 && x < x0 + side && y >= y0 && y < y0 + side);

        // A 2-px wide column down the left side of a side x side square and a 2-px high row along its bottom.
        private static RleMask LShape(int x0, int y0, int side) =>
            Dense((x, y) => x >= x0 && x < x0 + side && y >= y0 && y < y0 + side && (x < x0 + 2 || y >= y0 + side - 2));

        private static RleMask Dense(Func<int, int, bool> inside)
        {
            const int size = 200;
            var pixels = new byte[size * size];
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                    if (inside(x, y)) pixels[y * size + x] = 1;
            return RleMask.Encode(pixels, size, size);
        }
    }
}
