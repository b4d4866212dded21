using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Evaluation;
using Microsoft.ML.MaskRcnn.Tests.Imaging;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.Evaluation
{
    /// <summary>COCO results JSON: the layout pycocotools' loadRes reads, exact round trips, and named errors.</summary>
    [TestClass]
    public class CocoResultsFileTests
    {
        private static List<CocoDetection> Detections()
        {
            var mask = PolygonRasterizer.Rasterize(new double[] { 1, 1, 9, 1, 5, 7 }, 10, 12);
            return new List<CocoDetection>
            {
                new(3, 17, 0.1 + 0.2, new CocoBox(1.0 / 3, 2.5, 10.125, 1e-3), mask),
                new(4, 5, 0.9, new CocoBox(0, 0, 4, 4)),
            };
        }

        [TestMethod]
        public void WrittenFilesReadBackExactly()
        {
            string path = Path.Combine(Path.GetTempPath(), $"maskrcnn-results-{Guid.NewGuid():N}.json");
            try
            {
                CocoResultsFile.Write(path, Detections());
                var back = CocoResultsFile.Read(path);
                var original = Detections();
                Assert.AreEqual(2, back.Count);
                for (int i = 0; i < 2; i++)
                {
                    Assert.AreEqual(original[i].ImageId, back[i].ImageId);
                    Assert.AreEqual(original[i].CategoryId, back[i].CategoryId);
                    Assert.AreEqual(original[i].Score, back[i].Score, 0.0, "shortest round-trip doubles");
                    Assert.AreEqual(original[i].Box, back[i].Box);
                }
                CollectionAssert.AreEqual(original[0].Mask!.Counts.ToArray(), back[0].Mask!.Counts.ToArray());
                Assert.IsNull(back[1].Mask);

                // Python's json module sees COCO's results layout: ints, a 4-number bbox, a float score, and an RLE
                // object with "size" [h, w] and a "counts" string (what pycocotools' loadRes and detectron2 expect).
                string check = ImageEncodeTests.RunPython(
                    "import json, sys; r = json.load(open(sys.argv[1])); a = r[0]; " +
                    "print(type(r).__name__, type(a['image_id']).__name__, type(a['category_id']).__name__, len(a['bbox']), type(a['score']).__name__, " +
                    "a['segmentation']['size'], type(a['segmentation']['counts']).__name__, 'segmentation' in r[1])", path);
                Assert.AreEqual("list int int 4 float [10, 12] str False", check);
            }
            finally
            {
                File.Delete(path);
            }
        }

        [TestMethod]
        public void MaskOnlyResultsTakeTheMasksBox()
        {
            var json = Encoding.UTF8.GetBytes("[{\"image_id\": 1, \"category_id\": 2, \"score\": 0.5, \"segmentation\": {\"size\": [3, 4], \"counts\": \"255\"}}]");
            var d = CocoResultsFile.Parse(json).Single();
            Assert.AreEqual(new CocoBox(0, 0, 3, 3), d.Box);
            Assert.AreEqual(5, d.Mask!.Area);
        }

        [TestMethod]
        public void MalformedResultsNameTheEntry()
        {
            void Fails(string json, string detail)
            {
                var e = Assert.ThrowsExactly<InvalidDataException>(() => CocoResultsFile.Parse(Encoding.UTF8.GetBytes(json), "r.json"));
                StringAssert.Contains(e.Message, detail);
            }
            Fails("[{\"image_id\": 1, \"category_id\": 2, \"bbox\": [0, 0, 1, 1]}]", "r.json: result #0: \"score\" is missing");
            Fails("[{\"image_id\": 1, \"category_id\": 2, \"score\": 1, \"bbox\": [0, 0, 1, 1]}, {\"image_id\": 1, \"category_id\": 2, \"score\": 1, \"bbox\": [0, 1]}]", "r.json: result #1: \"bbox\" must be");
            Fails("[{\"image_id\": 1, \"category_id\": 2, \"score\": 1, \"segmentation\": [[0, 0, 1, 0, 1, 1]]}]", "pycocotools reads no polygons");
            Fails("[{\"image_id\": 1, \"category_id\": 2, \"score\": 1}]", "needs \"bbox\" or \"segmentation\"");
            Fails("{\"image_id\": 1}", "a JSON array");
            Fails("[{", "invalid JSON");
        }

        [TestMethod]
        public void ModelOutputsBecomeDetectionsOfTheDatasetsCategories()
        {
            // Labels 1..K map back to the dataset's (non-contiguous) category ids; masks are encoded as RLE.
            var categories = new CategoryMap(new[] { (17L, "fig"), (5L, "date") });
            var masks = new byte[2 * 2 * 3];
            masks[0] = 1;           // instance 0: pixel (0, 0)
            masks[6 + 5] = 1;       // instance 1: pixel (x 2, y 1)
            var detections = CocoDetection.FromInstances(9, categories, new float[] { 0, 0, 1, 1, 2, 1, 3, 2 }, new[] { 2, 1 }, new[] { 0.7f, 0.6f }, masks, 2, 3);
            Assert.AreEqual(17, detections[0].CategoryId);
            Assert.AreEqual(5, detections[1].CategoryId);
            Assert.AreEqual(new CocoBox(2, 1, 1, 1), detections[1].Box);
            Assert.AreEqual(new CocoBox(2, 1, 1, 1), detections[1].Mask!.ToBoundingBox());
            Assert.AreEqual((double)0.7f, detections[0].Score);
        }
    }
}
