using System;
using System.Linq;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Evaluation;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.Data
{
    [TestClass]
    public class SyntheticShapesDatasetTests
    {
        [TestMethod]
        public void ImagesAreDeterministicBySeedAndIndex()
        {
            var a = new SyntheticShapesDataset(50, seed: 3).Load(17);
            var b = new SyntheticShapesDataset(10_000, seed: 3).Load(17);
            CollectionAssert.AreEqual(a.Image.Data, b.Image.Data);
            CollectionAssert.AreEqual(a.Annotations.Masks, b.Annotations.Masks);
            CollectionAssert.AreEqual(a.Annotations.Boxes, b.Annotations.Boxes);
            var other = new SyntheticShapesDataset(50, seed: 4).Load(17);
            CollectionAssert.AreNotEqual(a.Image.Data, other.Image.Data, "another seed draws another image");
            CollectionAssert.AreNotEqual(a.Image.Data, new SyntheticShapesDataset(50, seed: 3).Load(18).Image.Data);
        }

        [TestMethod]
        public void MasksAreExactDisjointAndMatchBoxesAndAreas()
        {
            var dataset = new SyntheticShapesDataset(40, seed: 11);
            int instances = 0;
            var labelsSeen = new System.Collections.Generic.HashSet<int>();
            for (int i = 0; i < dataset.Count; i++)
            {
                var annotations = dataset.LoadAnnotations(i);
                int w = annotations.Width, h = annotations.Height;
                Assert.IsTrue(annotations.Count is >= 1 and <= 4, $"image {i} has {annotations.Count} shapes");
                var owners = new int[w * h];
                for (int k = 0; k < annotations.Count; k++)
                {
                    instances++;
                    labelsSeen.Add(annotations.Labels[k]);
                    Assert.IsTrue(annotations.Labels[k] is >= 1 and <= 3);
                    var mask = annotations.GetMask(k).ToArray();
                    int area = 0, x0 = w, y0 = h, x1 = -1, y1 = -1;
                    for (int y = 0; y < h; y++)
                        for (int x = 0; x < w; x++)
                        {
                            if (mask[y * w + x] == 0) continue;
                            Assert.AreEqual(0, owners[y * w + x], $"image {i}: pixel ({x},{y}) belongs to two instances");
                            owners[y * w + x] = k + 1;
                            area++;
                            x0 = Math.Min(x0, x); x1 = Math.Max(x1, x); y0 = Math.Min(y0, y); y1 = Math.Max(y1, y);
                        }
                    Assert.IsTrue(area >= 16, $"image {i} instance {k} has only {area} pixels");
                    Assert.AreEqual(area, annotations.Areas[k]);
                    CollectionAssert.AreEqual(new float[] { x0, y0, x1 + 1, y1 + 1 }, annotations.Boxes.Skip(4 * k).Take(4).ToArray(),
                                              $"image {i} instance {k}: the box must enclose exactly the mask");
                }
            }
            Assert.IsTrue(instances >= 60, "about 2.5 shapes per image on average");
            CollectionAssert.AreEquivalent(new[] { 1, 2, 3 }, labelsSeen.ToArray(), "all three classes occur");
        }

        [TestMethod]
        public void ShapesStandOutFromTheirSurroundings()
        {
            // The contrast rule: a shape's pixels differ clearly from the background around it.
            var dataset = new SyntheticShapesDataset(20, seed: 5);
            for (int i = 0; i < dataset.Count; i++)
            {
                var sample = dataset.Load(i);
                int w = sample.Width, h = sample.Height;
                var anyMask = new bool[w * h];
                for (int k = 0; k < sample.Annotations.Count; k++)
                {
                    var m = sample.Annotations.GetMask(k);
                    for (int p = 0; p < m.Length; p++) anyMask[p] |= m[p] != 0;
                }
                for (int k = 0; k < sample.Annotations.Count; k++)
                {
                    var mask = sample.Annotations.GetMask(k).ToArray();
                    double[] inside = Mean(sample, p => mask[p] != 0), outside = Mean(sample, p => !anyMask[p]);
                    if (double.IsNaN(outside[0])) continue;
                    double distance = Math.Sqrt(inside.Zip(outside, (a, b) => (a - b) * (a - b)).Sum());
                    Assert.IsTrue(distance > 25, $"image {i} shape {k}: mean colour distance to the background is only {distance:F1}");
                }
            }
        }

        private static double[] Mean(InstanceSegmentationSample sample, Func<int, bool> where)
        {
            var sum = new double[3];
            int count = 0;
            var data = sample.Image.Data;
            for (int p = 0; p < sample.Width * sample.Height; p++)
            {
                if (!where(p)) continue;
                for (int c = 0; c < 3; c++) sum[c] += data[3 * p + c];
                count++;
            }
            return sum.Select(s => s / count).ToArray();
        }

        [TestMethod]
        public void PerfectDetectionsScoreOneOnTheGroundTruthBuiltFromTheDataset()
        {
            var dataset = new SyntheticShapesDataset(12, seed: 9);
            var groundTruth = CocoGroundTruth.FromDataset(dataset);
            var detections = Enumerable.Range(0, dataset.Count).SelectMany(i =>
            {
                var a = dataset.LoadAnnotations(i);
                return CocoDetection.FromInstances(dataset.GetDescriptor(i).ImageId, dataset.Categories, a.Boxes, a.Labels,
                                                   Enumerable.Repeat(0.9f, a.Count).ToArray(), a.Masks, a.Height, a.Width);
            }).ToList();
            Assert.AreEqual(1.0, new CocoEvaluator(groundTruth, CocoIouType.Segm).Evaluate(detections).AP50);
            Assert.AreEqual(1.0, new CocoEvaluator(groundTruth, CocoIouType.Bbox).Evaluate(detections).AP);
        }

        [TestMethod]
        public void LargeDatasetsAreLazyAndBadArgumentsAreNamed()
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var huge = new SyntheticShapesDataset(100_000, seed: 1);
            Assert.AreEqual(100_000, huge.Count);
            Assert.IsTrue(watch.ElapsedMilliseconds < 1000, "nothing is generated up front");
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => huge.Load(100_000));
            var ex = Assert.ThrowsExactly<ArgumentException>(() => new SyntheticShapesDataset(5, 1, new SyntheticShapesOptions { MinShapes = 3, MaxShapes = 2 }));
            StringAssert.Contains(ex.Message, "MaxShapes");
            var empty = new SyntheticShapesDataset(30, 2, new SyntheticShapesOptions { MinShapes = 0, MaxShapes = 1 });
            Assert.IsTrue(Enumerable.Range(0, 30).Any(i => empty.LoadAnnotations(i).Count == 0), "MinShapes = 0 allows images without objects");
        }
    }
}
