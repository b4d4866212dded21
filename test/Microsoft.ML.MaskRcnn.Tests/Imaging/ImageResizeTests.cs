using System;
using System.Linq;
using Microsoft.ML.MaskRcnn.Imaging;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.Imaging
{
    /// <summary>Resizing equals torch.nn.functional.interpolate (align_corners=False) on the same pixels.</summary>
    [TestClass]
    public class ImageResizeTests
    {
        [TestMethod]
        [DataRow(61, 80)]
        [DataRow(17, 20)]
        [DataRow(74, 106)]
        [DataRow(37, 53)]
        [DataRow(5, 101)]
        public void EightAndSixteenBitImagesMatchTorch(int height, int width)
        {
            var source = ToImage(ImagingReference.Array("resize/src"), 8);
            var (shape, nearest) = ImagingReference.Array($"resize/nearest_{height}x{width}");
            ImageDecodeTests.AssertPixels(shape, nearest, ImageCodec.Resize(source, width, height, ImageInterpolation.Nearest), $"nearest {height}x{width}");
            AssertRoundedHalfUp(ImagingReference.Array($"resize/bilinear_{height}x{width}"),
                                ImageCodec.Resize(source, width, height, ImageInterpolation.Bilinear), $"bilinear {height}x{width}");
            var source16 = ToImage(ImagingReference.Array("resize/src16"), 16);
            AssertRoundedHalfUp(ImagingReference.Array($"resize/bilinear16_{height}x{width}"),
                                ImageCodec.Resize(source16, width, height, ImageInterpolation.Bilinear), $"16-bit bilinear {height}x{width}");
        }

        [TestMethod]
        [DataRow(61, 80)]
        [DataRow(17, 20)]
        [DataRow(5, 101)]
        public void FloatImagesMatchTorch(int height, int width)
        {
            var (srcShape, src) = ImagingReference.Array("resize/srcf");
            float[] source = src.Select(v => (float)v).ToArray();
            foreach (var (mode, key, tolerance) in new[] { (ImageInterpolation.Bilinear, "bilinearf", 6e-8), (ImageInterpolation.Nearest, "nearestf", 0.0) })
            {
                var (_, expected) = ImagingReference.Array($"resize/{key}_{height}x{width}");
                var result = new float[height * width * 2];
                ImageCodec.Resize(source, (int)srcShape[1], (int)srcShape[0], 2, result, width, height, mode);
                double worst = expected.Select((e, i) => Math.Abs(e - result[i])).Max();
                Assert.IsTrue(worst <= tolerance, $"{key} {height}x{width}: largest difference {worst}");
            }
        }

        [TestMethod]
        public void BilinearOfATwoPixelRowIsTheHandComputedRamp()
        {
            // Two samples 0 and 100 stretched to 4: source positions max(0.5*(d+0.5)-0.5, 0) = 0, 0.25, 0.75, 1.25->clamped tap.
            var image = new ImageBuffer(new byte[] { 0, 100 }, 2, 1, 1);
            var resized = ImageCodec.Resize(image, 4, 1, ImageInterpolation.Bilinear);
            CollectionAssert.AreEqual(new byte[] { 0, 25, 75, 100 }, resized.Data);
            var nearest = ImageCodec.Resize(image, 3, 1, ImageInterpolation.Nearest);  // floor(d * 2/3) = 0, 0, 1
            CollectionAssert.AreEqual(new byte[] { 0, 0, 100 }, nearest.Data);
        }

        [TestMethod]
        public void InvalidSizesAreRejected()
        {
            var image = new ImageBuffer(2, 2, 1);
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ImageCodec.Resize(image, 0, 2, ImageInterpolation.Nearest));
            Assert.ThrowsExactly<ArgumentException>(() => ImageCodec.Resize(new float[3], 2, 2, 1, new float[4], 2, 2, ImageInterpolation.Nearest));
        }

        /// <summary>
        /// Each sample is PyTorch's float64 result rounded half up. Where that result lies within 1e-9 of a .5 tie, the
        /// last bit of either side's arithmetic decides, so either neighbour is accepted there (and only there).
        /// </summary>
        private static void AssertRoundedHalfUp((long[] Shape, double[] Values) reference, ImageBuffer actual, string what)
        {
            Assert.AreEqual((int)reference.Shape[0], actual.Height, what);
            Assert.AreEqual((int)reference.Shape[1], actual.Width, what);
            int wrong = 0, ties = 0;
            for (int i = 0; i < reference.Values.Length; i++)
            {
                double v = reference.Values[i];
                int got = actual.BitDepth == 8 ? actual.Data[i] : actual.Data[2 * i] | (actual.Data[2 * i + 1] << 8);
                bool tie = Math.Abs(v - Math.Floor(v) - 0.5) < 1e-9;
                if (tie) ties++;
                bool ok = tie ? got == (int)Math.Floor(v) || got == (int)Math.Floor(v) + 1 : got == (int)Math.Floor(v + 0.5);
                if (!ok) wrong++;
            }
            Assert.AreEqual(0, wrong, $"{what}: {wrong} samples differ from PyTorch's rounded result ({ties} ties)");
        }

        private static ImageBuffer ToImage((long[] Shape, double[] Values) array, int bitDepth)
        {
            var image = new ImageBuffer((int)array.Shape[1], (int)array.Shape[0], (int)array.Shape[2], bitDepth);
            for (int i = 0; i < array.Values.Length; i++)
            {
                int v = (int)array.Values[i];
                if (bitDepth == 8) image.Data[i] = (byte)v;
                else { image.Data[2 * i] = (byte)v; image.Data[2 * i + 1] = (byte)(v >> 8); }
            }
            return image;
        }
    }
}
