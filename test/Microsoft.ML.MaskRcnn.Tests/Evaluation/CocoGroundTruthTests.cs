using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Evaluation;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.Evaluation
{
    /// <summary>Ground truth built from a dataset, scored against the model-output form of the same instances.</summary>
    [TestClass]
    public class CocoGroundTruthTests
    {
        /// <summary>Two 6x6 images with hand-made instances and categories 40 ("a") and 7 ("b").</summary>
        private sealed class TinyDataset : InstanceSegmentationDataset
        {
            private readonly CategoryMap categories = new(new[] { (40L, "a"), (7L, "b") });

            public override int Count => 2;
            public override CategoryMap Categories => categories;
            public override IReadOnlyList<string> Warnings => new List<string>();
            public override ImageDescriptor GetDescriptor(int index) => new(100 + index, $"img{index}.png", 6, 6);

            public override InstanceAnnotations LoadAnnotations(int index)
            {
                // Instance 0: a 2x3 block at (1, 1); instance 1 (crowd on image 1): the bottom row.
                var masks = new byte[2 * 36];
                for (int y = 1; y < 4; y++) for (int x = 1; x < 3; x++) masks[y * 6 + x] = 1;
                for (int x = 0; x < 6; x++) masks[36 + 30 + x] = 1;
                return new InstanceAnnotations(6, 6, new float[] { 1, 1, 3, 4, 0, 5, 6, 6 }, new[] { 1, 2 }, new[] { false, index == 1 },
                                               new long[] { index * 10 + 1, index * 10 + 2 }, new[] { 6.0, 6.0 }, masks);
            }
        }

        [TestMethod]
        public void DatasetGroundTruthKeepsIdsMasksAndCategories()
        {
            var dataset = new TinyDataset();
            var gt = CocoGroundTruth.FromDataset(dataset);
            Assert.AreEqual(2, gt.Images.Count);
            Assert.AreEqual(4, gt.Annotations.Count);
            var first = gt.Annotations[0];
            Assert.AreEqual(1, first.Id);
            Assert.AreEqual(100, first.ImageId);
            Assert.AreEqual(7, first.CategoryId, "label 1 is the smallest id, 7");
            Assert.AreEqual(new CocoBox(1, 1, 2, 3), first.Box);
            Assert.AreEqual(6, first.Segmentation!.Rle!.Area);
            Assert.IsTrue(gt.Annotations[3].IsCrowd);

            // The instances as a model would output them score perfectly; the crowd's match is ignored, not counted.
            var detections = new List<CocoDetection>();
            for (int i = 0; i < dataset.Count; i++)
            {
                var a = dataset.LoadAnnotations(i);
                detections.AddRange(CocoDetection.FromInstances(100 + i, dataset.Categories, a.Boxes, a.Labels, new[] { 0.9f, 0.8f }, a.Masks, 6, 6));
            }
            foreach (var type in new[] { CocoIouType.Bbox, CocoIouType.Segm })
            {
                var result = new CocoEvaluator(gt, type).Evaluate(detections);
                // Category 40 counts one object (the other is a crowd): precision 1/(1 + 2^-52), hence the tolerance.
                Assert.AreEqual(1.0, result.AP, 1e-12, type.ToString());
                Assert.AreEqual(1.0, result.AR100, type.ToString());
                Assert.AreEqual(2, result.PerCategoryAP().Count(c => System.Math.Abs(c.AP - 1.0) < 1e-12));
            }
        }
    }
}
