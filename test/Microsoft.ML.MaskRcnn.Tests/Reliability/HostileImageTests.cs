using System;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.ML.Data;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Imaging;
using Microsoft.ML.MaskRcnn.Tests.Training;
using Microsoft.ML.MaskRcnn.TestUtilities;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.Reliability
{
    /// <summary>
    /// Images whose headers claim 100,000 x 100,000 pixels (a PNG of about 2 KB) or 65,500 x 65,500 (a JPEG's largest):
    /// every reader of ours refuses them from the header, naming the file, with the process's peak memory barely moving.
    /// </summary>
    [TestClass]
    public sealed class HostileImageTests
    {
        /// <summary>What reading a refused image may add to the peak resident memory (the claims are 30 GB and 12.9 GB).</summary>
        private const long MemoryBound = 64L << 20;

        private static string folder = "";

        [ClassInitialize]
        public static void CreateFiles(TestContext context)
        {
            folder = TrainingTestData.TemporaryFolder();
            File.WriteAllBytes(Path.Combine(folder, "huge.png"), HostileImageFiles.Png(100_000, 100_000));
            File.WriteAllBytes(Path.Combine(folder, "huge.jpg"), HostileImageFiles.Jpeg(65_500, 65_500));
        }

        [ClassCleanup]
        public static void DeleteFiles() => Directory.Delete(folder, recursive: true);

        [TestMethod]
        [DataRow("huge.png", 100_000)]
        [DataRow("huge.jpg", 65_500)]
        public void TheNativeCodecRefusesTheClaimFromTheHeader(string name, int side)
        {
            string path = Path.Combine(folder, name);
            Assert.AreEqual((side, side), (ImageCodec.Probe(path).Width, ImageCodec.Probe(path).Height), "the file does claim the size");
            ImageDecodeException? error = null;
            long rise = PeakMemory.RiseDuring(() => error = Assert.ThrowsExactly<ImageDecodeException>(() => ImageCodec.Decode(path, ImageDecodeOptions.Rgb8)));
            Assert.AreEqual(ImageDecodeError.TooLarge, error!.Error);
            StringAssert.Contains(error.Message, path);
            StringAssert.Contains(error.Message, $"{side} x {side}");
            Assert.IsTrue(rise < MemoryBound, $"peak memory rose by {rise >> 20} MB");
        }

        [TestMethod]
        [DataRow("huge.png")]
        [DataRow("huge.jpg")]
        public void TheDatasetReaderRefusesTheClaimFromTheHeader(string name)
        {
            string path = Path.Combine(folder, name);
            ImageDecodeException? error = null;
            long rise = PeakMemory.RiseDuring(() => error = Assert.ThrowsExactly<ImageDecodeException>(() => SkiaImageReader.DecodeRgb(path, ImageDecodeOptions.DefaultMaxPixels)));
            Assert.AreEqual(ImageDecodeError.TooLarge, error!.Error);
            StringAssert.Contains(error.Message, path);
            Assert.IsTrue(rise < MemoryBound, $"peak memory rose by {rise >> 20} MB");
        }

        [TestMethod]
        public void TheDatasetCheckListsTheImageBeforeAnyTraining()
        {
            const string polygon = "\"segmentation\": [[0, 0, 20, 0, 20, 20]]";
            string json = "{\"images\": [{\"id\": 7, \"file_name\": \"huge.png\", \"width\": 100000, \"height\": 100000}]," +
                          "\"categories\": [{\"id\": 1, \"name\": \"thing\"}], \"annotations\": [{\"id\": 70, \"image_id\": 7, \"category_id\": 1, " + polygon + "}]}";
            var dataset = new CocoDataset(CocoAnnotationFile.Parse(Encoding.UTF8.GetBytes(json)), folder);
            var (problems, total) = DatasetCheck.FindProblems(dataset);
            Assert.AreEqual(1, total, string.Join("\n", problems));
            StringAssert.StartsWith(problems[0], $"image 7 '{Path.Combine(folder, "huge.png")}': ");
            StringAssert.Contains(problems[0], "10000000000 pixels");
        }

        [TestMethod]
        public void MLNetsImageLoaderFailsWithoutTakingTheMemory()
        {
            var ml = new MLContext(seed: 1);
            var view = ml.Data.LoadFromEnumerable(new[] { new MLNet.PathInput { ImagePath = "huge.png" } });
            var loaded = ml.Transforms.LoadImages("Image", folder, nameof(MLNet.PathInput.ImagePath)).Fit(view).Transform(view);
            Exception? error = null;
            long rise = PeakMemory.RiseDuring(() =>
            {
                try { loaded.GetColumn<MLImage>("Image").ToList(); }
                catch (Exception e) { error = e; }
            });
            Console.WriteLine($"{error?.GetType()}: {error?.Message} (peak rise {rise >> 20} MB)");
            Assert.IsNotNull(error);
            Assert.IsTrue(rise < MemoryBound, $"peak memory rose by {rise >> 20} MB");
        }
    }
}
