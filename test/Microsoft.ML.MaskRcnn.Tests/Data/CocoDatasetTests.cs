using System;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Imaging;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.Data
{
    /// <summary>COCO datasets: samples, the skip/repair rules with their warnings, strict mode and lazy loading.</summary>
    [TestClass]
    public class CocoDatasetTests
    {
        private static string folder = "";

        [ClassInitialize]
        public static void WriteImages(TestContext context)
        {
            folder = Path.Combine(Path.GetTempPath(), "maskrcnn-coco-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            var a = new ImageBuffer(4, 3, 3);
            for (int i = 0; i < a.Data.Length; i++) a.Data[i] = (byte)(i * 7);
            ImageCodec.EncodePng(a, Path.Combine(folder, "a.jpg"));  // the codec goes by content, not extension
            ImageCodec.EncodePng(new ImageBuffer(8, 8, 3), Path.Combine(folder, "b.jpg"));
        }

        [ClassCleanup]
        public static void DeleteImages() => Directory.Delete(folder, recursive: true);

        [TestMethod]
        public void SamplesCarryImageMasksBoxesLabelsAndIds()
        {
            var file = CocoAnnotationFile.Parse(CocoAnnotationFileTests.Json(
                "{\"id\": 1, \"image_id\": 10, \"category_id\": 17, \"segmentation\": [[0, 0, 2, 0, 2, 3, 0, 3]], \"area\": 6.5, \"bbox\": [0, 0, 2, 3]}",
                "{\"id\": 2, \"image_id\": 10, \"category_id\": 90, \"segmentation\": {\"size\": [3, 4], \"counts\": [2, 5, 5]}, \"iscrowd\": 1}"));
            var dataset = new CocoDataset(file, folder);
            Assert.AreEqual(2, dataset.Count, "image 30 has no annotation and is kept");
            Assert.AreEqual(0, dataset.Warnings.Count);
            var sample = dataset.Load(0);
            Assert.AreEqual(10, sample.Descriptor.ImageId);
            Assert.AreEqual(Path.Combine(folder, "a.jpg"), sample.Descriptor.Path);
            Assert.AreEqual("4x3x3 (8-bit)", sample.Image.ToString());
            Assert.AreEqual(42, sample.Image[0, 2, 0], "pixel (x 2, y 0) red is flat sample 6, written as 6 x 7");
            var a = sample.Annotations;
            CollectionAssert.AreEqual(new long[] { 1, 2 }, a.AnnotationIds);
            CollectionAssert.AreEqual(new[] { 2, 3 }, a.Labels, "category 17 -> label 2, 90 -> label 3");
            CollectionAssert.AreEqual(new[] { false, true }, a.IsCrowd);
            // The polygon covers columns 0-1 of all 3 rows.
            CollectionAssert.AreEqual(new byte[] { 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0 }, a.GetMask(0).ToArray());
            CollectionAssert.AreEqual(new byte[] { 0, 1, 1, 0, 0, 1, 0, 0, 1, 1, 0, 0 }, a.GetMask(1).ToArray());
            CollectionAssert.AreEqual(new float[] { 0, 0, 2, 3, 0, 0, 3, 3 }, a.Boxes, "the RLE object had no bbox: its mask's box");
            CollectionAssert.AreEqual(new[] { 6.5, 5.0 }, a.Areas, "the given area, else the mask's");
            Assert.AreEqual(0, dataset.LoadAnnotations(1).Count);
        }

        [TestMethod]
        public void RecoverableProblemsAreRepairedOrSkippedWithWarnings()
        {
            var json = CocoAnnotationFileTests.Json(
                "{\"id\": 1, \"image_id\": 10, \"category_id\": 5, \"segmentation\": [[0, 0, 1, 1], [0, 0, 2, 0, 2, 2]]}",
                "{\"id\": 2, \"image_id\": 10, \"category_id\": 5, \"segmentation\": [[0, 0, 3, 3]]}",
                "{\"id\": 3, \"image_id\": 10, \"category_id\": 5, \"segmentation\": [[2, 1, 4, 1, 4, 3]], \"bbox\": [2, 1, 5, 5]}",
                "{\"id\": 4, \"image_id\": 10, \"category_id\": 5, \"segmentation\": [[0, 0, 1, 0, 1, 1]], \"bbox\": [10, 10, 2, 2]}",
                "{\"id\": 5, \"image_id\": 10, \"category_id\": 5, \"bbox\": [0, 0, 2, 2]}",
                "{\"id\": 6, \"image_id\": 10, \"category_id\": 5, \"segmentation\": [[0, 0, 4, 0, 4, 3]], \"bbox\": [0, 0, 4.4, 3]}");
            var received = new System.Collections.Generic.List<string>();
            var dataset = new CocoDataset(CocoAnnotationFile.Parse(json, "t.json"), folder, new CocoDatasetOptions { Warning = received.Add });
            var w = dataset.Warnings;
            CollectionAssert.AreEqual(w.ToArray(), received.ToArray(), "every warning also goes to the callback");
            Assert.AreEqual(6, w.Count, string.Join("\n", w));
            StringAssert.Contains(w[0], "t.json: annotation 1 (image 10): polygon 0 has 2 point(s), fewer than 3; it is dropped");
            StringAssert.Contains(w[1], "annotation 2 (image 10): polygon 0 has 2 point(s)");
            StringAssert.Contains(w[2], "annotation 2 (image 10): it has no usable segmentation");
            StringAssert.Contains(w[3], "annotation 3 (image 10): its box [2, 1, 5, 5] reaches 3 px outside the 4x3 image; it is clipped");
            StringAssert.Contains(w[4], "annotation 4 (image 10): its box [10, 10, 2, 2] is empty or outside");
            StringAssert.Contains(w[5], "annotation 5 (image 10): it has no usable segmentation (Mask R-CNN needs a mask); it is skipped");
            var kept = dataset.LoadAnnotations(0);
            CollectionAssert.AreEqual(new long[] { 1, 3, 6 }, kept.AnnotationIds, "2, 4 and 5 are skipped");
            CollectionAssert.AreEqual(new float[] { 2, 1, 4, 3 }, kept.Boxes.Skip(4).Take(4).ToArray(), "annotation 3's box clipped to the image");
            CollectionAssert.AreEqual(new float[] { 0, 0, 4, 3 }, kept.Boxes.Skip(8).Take(4).ToArray(), "0.4 px over: clipped silently");
        }

        [TestMethod]
        public void StrictModeTurnsWarningsIntoErrorsNamingTheAnnotation()
        {
            var json = CocoAnnotationFileTests.Json("{\"id\": 77, \"image_id\": 10, \"category_id\": 5, \"segmentation\": [[0, 0, 3, 3]]}");
            var e = Assert.ThrowsExactly<InvalidDataException>(() => new CocoDataset(CocoAnnotationFile.Parse(json, "t.json"), folder, new CocoDatasetOptions { Strict = true }));
            StringAssert.StartsWith(e.Message, "t.json: annotation 77 (image 10): polygon 0 has 2 point(s)");
        }

        [TestMethod]
        public void OptionsDropCrowdsAndEmptyImages()
        {
            var json = CocoAnnotationFileTests.Json("{\"id\": 1, \"image_id\": 10, \"category_id\": 5, \"segmentation\": {\"size\": [3, 4], \"counts\": [2, 5, 5]}, \"iscrowd\": 1}");
            var dataset = new CocoDataset(CocoAnnotationFile.Parse(json), folder, new CocoDatasetOptions { IncludeCrowd = false, IncludeImagesWithoutAnnotations = false });
            Assert.AreEqual(0, dataset.Count);
        }

        [TestMethod]
        public void NothingIsReadUntilASampleIsLoaded()
        {
            // 100,000 images that do not exist: building the dataset reads only the JSON.
            var json = new StringBuilder("{\"categories\": [{\"id\": 1, \"name\": \"thing\"}], \"images\": [");
            for (int i = 0; i < 100_000; i++) json.Append(i > 0 ? "," : "").Append("{\"id\":").Append(i).Append(",\"file_name\":\"img").Append(i).Append(".jpg\",\"width\":640,\"height\":480}");
            json.Append("], \"annotations\": [");
            for (int i = 0; i < 100_000; i++) json.Append(i > 0 ? "," : "").Append("{\"id\":").Append(i + 1).Append(",\"image_id\":").Append(i).Append(",\"category_id\":1,\"segmentation\":[[10,10,100,10,100,100]],\"bbox\":[10,10,90,90],\"area\":4050}");
            json.Append("]}");
            string missingFolder = Path.Combine(folder, "not-there");
            var dataset = new CocoDataset(CocoAnnotationFile.Parse(Encoding.UTF8.GetBytes(json.ToString())), missingFolder);
            Assert.AreEqual(100_000, dataset.Count);
            Assert.AreEqual(640, dataset.GetDescriptor(99_999).Width);
            Assert.AreEqual(1, dataset.LoadAnnotations(99_999).Count, "annotations are rasterised on demand, without the image");
            var e = Assert.ThrowsExactly<FileNotFoundException>(() => dataset.Load(5));
            StringAssert.Contains(e.Message, Path.Combine(missingFolder, "img5.jpg"));
        }

        [TestMethod]
        public void ImageSizeDifferentFromTheJsonIsAnError()
        {
            // b.jpg is 8x8 as the JSON says; describe a.jpg (4x3) as 8x8 instead.
            var json = Encoding.UTF8.GetBytes("{\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\", \"width\": 8, \"height\": 8}], \"categories\": [], \"annotations\": []}");
            var dataset = new CocoDataset(CocoAnnotationFile.Parse(json), folder);
            var e = Assert.ThrowsExactly<InvalidDataException>(() => dataset.Load(0));
            StringAssert.Contains(e.Message, "a.jpg");
            StringAssert.Contains(e.Message, "4x3");
        }
    }
}
