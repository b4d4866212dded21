using System;
using System.IO;
using System.Linq;
using Microsoft.ML.MaskRcnn.Imaging;
using Microsoft.ML.MaskRcnn.Tests.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.Imaging
{
    /// <summary>
    /// Dataset images decode with SkiaSharp (<see cref="SkiaImageReader"/>): its 8-bit RGB equals PIL's on the reference
    /// files of every PNG and JPEG variant, equals our codec's on the real datasets, and its failures name the file.
    /// </summary>
    [TestClass]
    public class SkiaImageReaderTests
    {
        [TestMethod]
        [DataRow("rgb8.png", "unchanged")]
        [DataRow("rgba8.png", "rgb")]
        [DataRow("gray8.png", "rgb")]
        [DataRow("palette.png", "rgb")]
        [DataRow("interlaced.png", "rgb")]
        [DataRow("rgb16.png", "rgb8")]
        [DataRow("gray16.png", "rgb8")]
        [DataRow("color.jpg", "rgb")]
        [DataRow("progressive.jpg", "rgb")]
        [DataRow("gray.jpg", "rgb")]
        public void RgbEqualsPils(string file, string expectation)
        {
            var (shape, expected) = ImagingReference.Array($"{file}/{expectation}");
            var image = SkiaImageReader.DecodeRgb(ImagingReference.File(file), ImageDecodeOptions.DefaultMaxPixels);
            ImageDecodeTests.AssertPixels(shape, expected, image, file);
            Assert.AreEqual((image.Width, image.Height), SkiaImageReader.ProbeSize(ImagingReference.File(file)), $"{file}: probed size");
        }

        [TestMethod]
        [DataRow("fruits-nuts", "images", "*.jpg")]
        [DataRow("penn-fudan", "PNGImages", "*.png")]
        public void RgbEqualsOurCodecsOnTheSharedData(string dataset, string folder, string pattern)
        {
            string root = SharedDatasetTests.Require(dataset);
            var files = Directory.GetFiles(Path.Combine(root, folder), pattern).Order(StringComparer.Ordinal).Take(20).ToArray();
            Assert.IsTrue(files.Length > 0, $"no {pattern} in {folder}");
            foreach (string file in files)
                CollectionAssert.AreEqual(ImageCodec.Decode(file, ImageDecodeOptions.Rgb8).Data,
                                          SkiaImageReader.DecodeRgb(file, ImageDecodeOptions.DefaultMaxPixels).Data, file);
        }

        [TestMethod]
        public void FailuresNameTheFile()
        {
            string folder = Path.Combine(Path.GetTempPath(), "maskrcnn-skia-errors-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            try
            {
                string missing = Path.Combine(folder, "missing.png");
                var notFound = Assert.ThrowsExactly<FileNotFoundException>(() => SkiaImageReader.DecodeRgb(missing, ImageDecodeOptions.DefaultMaxPixels));
                Assert.AreEqual(missing, notFound.FileName);

                byte[] jpeg = File.ReadAllBytes(ImagingReference.File("color.jpg"));
                AssertFails(Write(folder, "truncated.jpg", jpeg.AsSpan(0, jpeg.Length / 2).ToArray()), ImageDecodeError.Corrupt, "truncated");
                AssertFails(Write(folder, "text.png", "not an image"u8.ToArray()), ImageDecodeError.UnsupportedFormat, "not supported");
                byte[] signatureOnly = { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3 };
                AssertFails(Write(folder, "broken.png", signatureOnly), ImageDecodeError.Corrupt, "truncated");

                string png = ImagingReference.File("rgb8.png");
                var (width, height) = SkiaImageReader.ProbeSize(png);
                var e = Assert.ThrowsExactly<ImageDecodeException>(() => SkiaImageReader.DecodeRgb(png, (long)width * height - 1));
                Assert.AreEqual(ImageDecodeError.TooLarge, e.Error);
                StringAssert.Contains(e.Message, png);
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        private static void AssertFails(string path, ImageDecodeError error, string detail)
        {
            var e = Assert.ThrowsExactly<ImageDecodeException>(() => SkiaImageReader.DecodeRgb(path, ImageDecodeOptions.DefaultMaxPixels));
            Assert.AreEqual(error, e.Error, e.Message);
            Assert.AreEqual(path, e.Path);
            StringAssert.Contains(e.Message, path);
            StringAssert.Contains(e.Message, detail);
        }

        private static string Write(string folder, string name, byte[] bytes)
        {
            string path = Path.Combine(folder, name);
            File.WriteAllBytes(path, bytes);
            return path;
        }
    }
}
