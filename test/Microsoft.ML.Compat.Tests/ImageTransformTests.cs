using System;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.Compat.Tests
{
    /// <summary>MLImage, resizing and pixel extraction, checked against values computed by hand.</summary>
    [TestClass]
    public sealed class ImageTransformTests
    {
        private readonly MLContext ml = new MLContext(seed: 1);

        private sealed class FixedImageRow
        {
            [ImageType(2, 4)]
            public MLImage Image;
        }

        [TestMethod]
        public void MLImageFormatsAndPngRoundTrip()
        {
            var rgba = TestImages.Rgba(5, 3, seed: 9);
            using var image = MLImage.CreateFromPixels(5, 3, MLPixelFormat.Rgba32, rgba);
            Assert.AreEqual(32, image.BitsPerPixel);
            var bgr = image.GetBGRPixels;
            Assert.AreEqual(5 * 3 * 3, bgr.Length);
            Assert.AreEqual(rgba[2], bgr[0]);
            Assert.AreEqual(rgba[1], bgr[1]);
            Assert.AreEqual(rgba[0], bgr[2]);

            string path = Path.Combine(TestSetup.NewFolder("png"), "x.png");
            image.Save(path);
            using var decoded = MLImage.CreateFromFile(path);
            Assert.AreEqual(MLPixelFormat.Bgra32, decoded.PixelFormat, "decoded images are Bgra32, as ML.NET's on little-endian machines");
            CollectionAssert.AreEqual(bgr, decoded.GetBGRPixels);
            using var fromStream = MLImage.CreateFromStream(File.OpenRead(path));
            CollectionAssert.AreEqual(decoded.Pixels.ToArray(), fromStream.Pixels.ToArray());

            Assert.ThrowsExactly<ArgumentException>(() => MLImage.CreateFromPixels(2, 2, MLPixelFormat.Unknown, new byte[16]));
            Assert.ThrowsExactly<ArgumentException>(() => MLImage.CreateFromPixels(2, 2, MLPixelFormat.Bgra32, new byte[15]));
            Assert.ThrowsExactly<ArgumentException>(() => image.Save(Path.ChangeExtension(path, ".bmp")));
            decoded.Dispose();
            Assert.ThrowsExactly<InvalidOperationException>(() => _ = decoded.Width);
        }

        [TestMethod]
        public void ExtractPixelsFollowsOrderInterleaveOffsetAndScale()
        {
            var rgba = TestImages.Rgba(4, 2, seed: 3);
            var data = ml.Data.LoadFromEnumerable(new[] { new FixedImageRow { Image = MLImage.CreateFromPixels(4, 2, MLPixelFormat.Rgba32, rgba) } });

            float[] Extract(ImagePixelExtractingEstimator estimator) => estimator.Fit(data).Transform(data).GetColumn<float[]>("P").Single();
            byte Channel(int pixel, char c) => rgba[pixel * 4 + "rgba".IndexOf(c)];

            // Planar RGB (the default ARGB order without alpha): plane-major, then row-major pixels.
            var planar = Extract(ml.Transforms.ExtractPixels("P", "Image"));
            Assert.AreEqual(3 * 8, planar.Length);
            for (int p = 0; p < 8; p++)
            {
                Assert.AreEqual(Channel(p, 'r'), planar[p]);
                Assert.AreEqual(Channel(p, 'g'), planar[8 + p]);
                Assert.AreEqual(Channel(p, 'b'), planar[16 + p]);
            }

            // Interleaved, all colours in ABGR order, offset subtracted before scaling.
            var interleaved = Extract(ml.Transforms.ExtractPixels("P", "Image", ImagePixelExtractingEstimator.ColorBits.All,
                ImagePixelExtractingEstimator.ColorsOrder.ABGR, interleavePixelColors: true, offsetImage: 100f, scaleImage: 0.5f));
            Assert.AreEqual(4 * 8, interleaved.Length);
            for (int p = 0; p < 8; p++)
            {
                Assert.AreEqual((Channel(p, 'a') - 100f) * 0.5f, interleaved[4 * p]);
                Assert.AreEqual((Channel(p, 'b') - 100f) * 0.5f, interleaved[4 * p + 1]);
                Assert.AreEqual((Channel(p, 'g') - 100f) * 0.5f, interleaved[4 * p + 2]);
                Assert.AreEqual((Channel(p, 'r') - 100f) * 0.5f, interleaved[4 * p + 3]);
            }

            // Bytes of green and blue in AGBR order; offset and scale are ignored for bytes.
            var model = ml.Transforms.ExtractPixels("P", "Image", ImagePixelExtractingEstimator.ColorBits.Green | ImagePixelExtractingEstimator.ColorBits.Blue,
                ImagePixelExtractingEstimator.ColorsOrder.AGBR, offsetImage: 7f, outputAsFloatArray: false).Fit(data);
            var output = model.Transform(data);
            Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Byte, 2, 2, 4), output.Schema["P"].Type);
            var bytes = output.GetColumn<byte[]>("P").Single();
            for (int p = 0; p < 8; p++)
            {
                Assert.AreEqual(Channel(p, 'g'), bytes[p]);
                Assert.AreEqual(Channel(p, 'b'), bytes[8 + p]);
            }
        }

        [TestMethod]
        public void ResizingKindsAndAnchors()
        {
            // A 4 x 2 image: left half red, right half blue.
            var pixels = new byte[4 * 2 * 4];
            for (int y = 0; y < 2; y++)
                for (int x = 0; x < 4; x++)
                {
                    int i = (y * 4 + x) * 4;
                    pixels[i] = (byte)(x < 2 ? 200 : 0);
                    pixels[i + 2] = (byte)(x < 2 ? 0 : 200);
                    pixels[i + 3] = 255;
                }
            var data = ml.Data.LoadFromEnumerable(new[] { new FixedImageRow { Image = MLImage.CreateFromPixels(4, 2, MLPixelFormat.Rgba32, pixels) } });

            MLImage Resize(int w, int h, ImageResizingEstimator.ResizingKind kind, ImageResizingEstimator.Anchor anchor = ImageResizingEstimator.Anchor.Center) =>
                ml.Transforms.ResizeImages("R", w, h, "Image", kind, anchor).Fit(data).Transform(data).GetColumn<MLImage>("R").Single();
            (byte R, byte G, byte B, byte A) At(MLImage image, int x, int y)
            {
                var px = image.Pixels;
                int i = (y * image.Width + x) * 4;
                return image.PixelFormat == MLPixelFormat.Bgra32 ? (px[i + 2], px[i + 1], px[i], px[i + 3]) : (px[i], px[i + 1], px[i + 2], px[i + 3]);
            }

            // IsoCrop to a 2 x 2 square keeps the anchored half.
            var left = Resize(2, 2, ImageResizingEstimator.ResizingKind.IsoCrop, ImageResizingEstimator.Anchor.Left);
            Assert.AreEqual((200, 0, 0, 255), At(left, 0, 0));
            Assert.AreEqual((200, 0, 0, 255), At(left, 1, 1));
            var right = Resize(2, 2, ImageResizingEstimator.ResizingKind.IsoCrop, ImageResizingEstimator.Anchor.Right);
            Assert.AreEqual((0, 0, 200, 255), At(right, 0, 0));
            Assert.AreEqual((0, 0, 200, 255), At(right, 1, 1));
            var center = Resize(2, 2, ImageResizingEstimator.ResizingKind.IsoCrop);
            Assert.AreEqual((200, 0, 0, 255), At(center, 0, 0));
            Assert.AreEqual((0, 0, 200, 255), At(center, 1, 0));

            // IsoPad into 4 x 4: the picture fills rows 1-2, black above and below.
            var padded = Resize(4, 4, ImageResizingEstimator.ResizingKind.IsoPad);
            Assert.AreEqual((0, 0, 0, 255), At(padded, 0, 0));
            Assert.AreEqual((0, 0, 0, 255), At(padded, 3, 3));
            Assert.AreEqual((200, 0, 0, 255), At(padded, 0, 1));
            Assert.AreEqual((0, 0, 200, 255), At(padded, 3, 2));

            // Fill stretches (nearest neighbour): 2 x 4 keeps the left column red, the right one blue.
            var filled = Resize(2, 4, ImageResizingEstimator.ResizingKind.Fill);
            Assert.AreEqual(2, filled.Width);
            Assert.AreEqual(4, filled.Height);
            Assert.AreEqual((200, 0, 0, 255), At(filled, 0, 3));
            Assert.AreEqual((0, 0, 200, 255), At(filled, 1, 0));

            // Same size: a copy with the same pixels.
            var same = Resize(4, 2, ImageResizingEstimator.ResizingKind.IsoCrop);
            CollectionAssert.AreEqual(pixels, same.Pixels.ToArray());
        }
    }
}
