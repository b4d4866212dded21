using System;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Imaging;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.Data
{
    /// <summary>The check before any work: every problem of a dataset at once, each naming the image id and file.</summary>
    [TestClass]
    public sealed class DatasetCheckTests
    {
        private static string NewFolder()
        {
            string folder = Path.Combine(Path.GetTempPath(), "maskrcnn-check-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            return folder;
        }

        /// <summary>
        /// A COCO file of four images: 10 is fine, 20 is missing, 30 is not an image, 40 is 5x5 where the file says 8x8.
        /// </summary>
        private static CocoDataset BrokenCoco(string folder)
        {
            ImageCodec.EncodePng(new ImageBuffer(4, 3, 3), Path.Combine(folder, "a.png"));
            File.WriteAllText(Path.Combine(folder, "c.png"), "not an image");
            ImageCodec.EncodePng(new ImageBuffer(5, 5, 3), Path.Combine(folder, "d.png"));
            const string polygon = "\"segmentation\": [[0, 0, 2, 0, 2, 2]]";
            string json = "{\"images\": [" +
                "{\"id\": 10, \"file_name\": \"a.png\", \"width\": 4, \"height\": 3}, {\"id\": 20, \"file_name\": \"b.png\", \"width\": 4, \"height\": 3}," +
                "{\"id\": 30, \"file_name\": \"c.png\", \"width\": 4, \"height\": 3}, {\"id\": 40, \"file_name\": \"d.png\", \"width\": 8, \"height\": 8}]," +
                "\"categories\": [{\"id\": 1, \"name\": \"thing\"}], \"annotations\": [" +
                string.Join(",", new[] { 10, 20, 30, 40 }.Select(i => $"{{\"id\": {i + 1}, \"image_id\": {i}, \"category_id\": 1, {polygon}}}")) + "]}";
            return new CocoDataset(CocoAnnotationFile.Parse(Encoding.UTF8.GetBytes(json)), folder);
        }

        [TestMethod]
        public void EveryBrokenImageIsReportedWithItsIdAndFileAndTheGoodOneIsNot()
        {
            string folder = NewFolder();
            try
            {
                var (problems, total) = DatasetCheck.FindProblems(BrokenCoco(folder));
                Assert.AreEqual(3, total, string.Join("\n", problems));
                StringAssert.StartsWith(problems[0], $"image 20 '{Path.Combine(folder, "b.png")}': the file does not exist");
                StringAssert.StartsWith(problems[1], $"image 30 '{Path.Combine(folder, "c.png")}': ");
                Assert.AreEqual($"image 40 '{Path.Combine(folder, "d.png")}': the file is 5x5, not the 8x8 its annotations describe", problems[2]);
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        [TestMethod]
        public void TheExceptionListsUpToTheLimitAndCountsTheRest()
        {
            string folder = NewFolder();
            try
            {
                var error = Assert.ThrowsExactly<DatasetProblemsException>(() => DatasetCheck.ThrowIfInvalid(BrokenCoco(folder), "COCO file 'x.json'", maxProblems: 2));
                Assert.AreEqual(3, error.Total);
                Assert.AreEqual(2, error.Problems.Count);
                var lines = error.Message.Split('\n');
                Assert.AreEqual("The COCO file 'x.json' has 3 problems (the first 2 listed):", lines[0]);
                StringAssert.Contains(lines[1], "image 20");
                StringAssert.Contains(lines[2], "image 30");
                Assert.AreEqual("  ... and 1 more", lines[3]);
                Assert.AreEqual(4, lines.Length);
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        [TestMethod]
        public void AnnotationsThatFailToLoadAreReportedForTheirImage()
        {
            string images = NewFolder(), masks = NewFolder();
            try
            {
                // p.png's mask matches it; q.png's mask has another size.
                ImageCodec.EncodePng(new ImageBuffer(6, 4, 3), Path.Combine(images, "p.png"));
                ImageCodec.EncodePng(new ImageBuffer(6, 4, 3), Path.Combine(images, "q.png"));
                var mask = new ImageBuffer(6, 4, 1);
                mask.Data[0] = 1;
                ImageCodec.EncodePng(mask, Path.Combine(masks, "p.png"));
                var wrong = new ImageBuffer(3, 4, 1);
                wrong.Data[0] = 1;
                ImageCodec.EncodePng(wrong, Path.Combine(masks, "q.png"));
                var dataset = new InstanceMaskFolderDataset(images, masks, new InstanceMaskFolderOptions { CategoryNames = new[] { "object" } });
                var (problems, total) = DatasetCheck.FindProblems(dataset);
                Assert.AreEqual(1, total, string.Join("\n", problems));
                StringAssert.StartsWith(problems[0], $"image 2 '{Path.Combine(images, "q.png")}': its annotations: ");
                StringAssert.Contains(problems[0], "3x4");
            }
            finally
            {
                Directory.Delete(images, recursive: true);
                Directory.Delete(masks, recursive: true);
            }
        }

        [TestMethod]
        public void ImageFilesByPathAreCheckedForExistenceAndAHeader()
        {
            string folder = NewFolder();
            try
            {
                string good = Path.Combine(folder, "good.png"), garbage = Path.Combine(folder, "garbage.jpg"), missing = Path.Combine(folder, "missing.png");
                ImageCodec.EncodePng(new ImageBuffer(2, 2, 3), good);
                File.WriteAllBytes(garbage, new byte[] { 0xFF, 0xD8, 0xFF, 0x00 });
                var (problems, total) = DatasetCheck.FindImageProblems(new[] { good, garbage, missing });
                Assert.AreEqual(2, total);
                StringAssert.StartsWith(problems[0], $"'{garbage}': ");
                Assert.AreEqual($"'{missing}': the file does not exist", problems[1]);
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
