using System;
using System.IO;
using System.Linq;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Evaluation;
using Microsoft.ML.MaskRcnn.Tests.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.Evaluation
{
    /// <summary>COCO evaluation on a real COCO file (../shared/data/fruits-nuts; inconclusive when absent).</summary>
    [TestClass]
    public class SharedDataEvaluationTests
    {
        [TestMethod]
        public void GroundTruthScoredAgainstItselfIsPerfect()
        {
            // Every object of fruits-nuts as a detection: AP 1 for boxes and masks, on real polygons.
            string root = SharedDatasetTests.Require("fruits-nuts");
            var file = CocoAnnotationFile.Load(Path.Combine(root, "trainval.json"));
            var detections = file.Annotations.Select(a =>
            {
                var image = file.GetImage(a.ImageId);
                return new CocoDetection(a.ImageId, a.CategoryId, 1.0, a.Box!.Value, a.Segmentation!.ToRle(image.Height, image.Width));
            }).ToList();
            foreach (var type in new[] { CocoIouType.Bbox, CocoIouType.Segm })
            {
                var result = new CocoEvaluator(file, type).Evaluate(detections);
                Assert.AreEqual(1.0, result.AP, 1e-12, type.ToString());
                Assert.AreEqual(1.0, result.AR100, 1e-12, type.ToString());
                Assert.IsTrue(result.PerCategoryAP().All(c => Math.Abs(c.AP - 1) < 1e-12));
            }
        }
    }
}
