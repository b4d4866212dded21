using System;
using System.IO;
using System.Text;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Tests.Training;
using Microsoft.ML.MaskRcnn.TestUtilities;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.Reliability
{
    /// <summary>
    /// Annotations whose sizes are lies: RLE runs that cover more than their mask, and image sizes whose masks would not
    /// fit in memory. Each is refused with the annotation or image named, before the mask is allocated.
    /// </summary>
    [TestClass]
    public sealed class HostileAnnotationTests
    {
        private static string Coco(int width, int height, string segmentation, int annotations = 1)
        {
            var json = new StringBuilder($"{{\"images\": [{{\"id\": 3, \"file_name\": \"a.png\", \"width\": {width}, \"height\": {height}}}], ");
            json.Append("\"categories\": [{\"id\": 1, \"name\": \"thing\"}], \"annotations\": [");
            for (int i = 0; i < annotations; i++) json.Append(i > 0 ? ", " : "").Append($"{{\"id\": {30 + i}, \"image_id\": 3, \"category_id\": 1, \"segmentation\": {segmentation}}}");
            return json.Append("]}").ToString();
        }

        [TestMethod]
        public void PeakMemorySeesATouchedAllocation()
        {
            // The bound of the tests below is only worth something if the measure sees memory that is taken.
            long rise = PeakMemory.RiseDuring(() =>
            {
                var block = new byte[256 << 20];
                for (int i = 0; i < block.Length; i += 4096) block[i] = 1;
                GC.KeepAlive(block);
            });
            Assert.IsTrue(rise >= 250L << 20, $"peak memory rose by {rise >> 20} MB for 256 MB touched");
        }

        [TestMethod]
        public void CompressedRunsPastTheMaskAreRefusedNamingTheAnnotation()
        {
            // Runs of a 100,000-pixel mask (our encoder, on a valid mask), given for a 10 x 10 one.
            string counts = RleMask.Encode(new byte[100_000], 1, 100_000).ToCompressedString();
            var e = Assert.ThrowsExactly<InvalidDataException>(() =>
                CocoAnnotationFile.Parse(Encoding.UTF8.GetBytes(Coco(10, 10, $"{{\"size\": [10, 10], \"counts\": \"{counts}\"}}")), "hostile.json"));
            StringAssert.StartsWith(e.Message, "hostile.json: annotation 30: the RLE \"segmentation\" is invalid");
            StringAssert.Contains(e.Message, "cover more than the 10x10 = 100 pixels");

            var direct = Assert.ThrowsExactly<FormatException>(() => RleMask.FromCompressedString(counts + counts, 10, 10));
            StringAssert.Contains(direct.Message, "(run 0 ends at 100000)", "decoding stops at the first run past the end");
        }

        [TestMethod]
        public void UncompressedRunsPastTheMaskAreRefusedNamingTheAnnotation()
        {
            var e = Assert.ThrowsExactly<InvalidDataException>(() =>
                CocoAnnotationFile.Parse(Encoding.UTF8.GetBytes(Coco(10, 10, "{\"size\": [10, 10], \"counts\": [50, 60]}")), "hostile.json"));
            StringAssert.StartsWith(e.Message, "hostile.json: annotation 30: the RLE \"segmentation\" is invalid");
            StringAssert.Contains(e.Message, "110 pixels");
        }

        [TestMethod]
        public void AnImageSizeAboveTheLimitIsRefusedBeforeItsMasksAreDrawn()
        {
            string folder = TrainingTestData.TemporaryFolder();
            try
            {
                var file = CocoAnnotationFile.Parse(Encoding.UTF8.GetBytes(Coco(100_000, 100_000, "[[0, 0, 50000, 0, 50000, 50000]]")), "hostile.json");
                var dataset = new CocoDataset(file, folder);
                InvalidDataException? e = null;
                long rise = PeakMemory.RiseDuring(() => e = Assert.ThrowsExactly<InvalidDataException>(() => dataset.LoadAnnotations(0)));
                Assert.AreEqual("hostile.json: image 3 is 100000x100000 = 10000000000 pixels, more than the limit of 268435456; " +
                                "its masks are not decoded (raise DatasetOptions.MaxPixels if the image is genuine).", e!.Message);
                Assert.IsTrue(rise < 64L << 20, $"peak memory rose by {rise >> 20} MB");
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        [TestMethod]
        public void MasksThatWouldNotFitInOneArrayAreRefusedBeforeAllocation()
        {
            string folder = TrainingTestData.TemporaryFolder();
            try
            {
                // 16,000 x 16,000 is under the pixel limit (2^28), but nine masks of it are 2.3 GB, past an array's 2^31.
                var file = CocoAnnotationFile.Parse(Encoding.UTF8.GetBytes(Coco(16_000, 16_000, "[[0, 0, 10, 0, 10, 10]]", annotations: 9)), "hostile.json");
                var dataset = new CocoDataset(file, folder);
                var e = Assert.ThrowsExactly<InvalidDataException>(() => dataset.LoadAnnotations(0));
                StringAssert.Contains(e.Message, "image 3 has 9 instances of 16000x16000 pixels: their masks would take 2304000000 bytes");
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
