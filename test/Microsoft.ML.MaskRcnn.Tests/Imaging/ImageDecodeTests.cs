using System.IO;
using Microsoft.ML.MaskRcnn.Imaging;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.Imaging
{
    /// <summary>Decoded pixels equal the arrays the files were made from (and PIL's decoding of them).</summary>
    [TestClass]
    public class ImageDecodeTests
    {
        [TestMethod]
        [DataRow("gray8.png", "unchanged", ImageColorMode.Unchanged, 0)]
        [DataRow("gray8.png", "gray", ImageColorMode.Gray, 8)]
        [DataRow("gray8.png", "rgb", ImageColorMode.Rgb, 8)]
        [DataRow("gray8.png", "rgba", ImageColorMode.Rgba, 8)]
        [DataRow("gray16.png", "unchanged", ImageColorMode.Unchanged, 0)]
        [DataRow("gray16.png", "unchanged8", ImageColorMode.Unchanged, 8)]
        [DataRow("gray16.png", "rgb8", ImageColorMode.Rgb, 8)]
        [DataRow("rgb8.png", "unchanged", ImageColorMode.Unchanged, 0)]
        [DataRow("rgb8.png", "gray", ImageColorMode.Gray, 8)]
        [DataRow("rgb8.png", "rgba", ImageColorMode.Rgba, 8)]
        [DataRow("rgb8.png", "rgb16", ImageColorMode.Rgb, 16)]
        [DataRow("rgba8.png", "unchanged", ImageColorMode.Unchanged, 0)]
        [DataRow("rgba8.png", "rgb", ImageColorMode.Rgb, 8)]
        [DataRow("rgba8.png", "gray", ImageColorMode.Gray, 8)]
        [DataRow("gray_alpha.png", "unchanged", ImageColorMode.Unchanged, 0)]
        [DataRow("gray_alpha.png", "gray", ImageColorMode.Gray, 8)]
        [DataRow("gray_alpha.png", "rgba", ImageColorMode.Rgba, 8)]
        [DataRow("palette.png", "unchanged", ImageColorMode.Unchanged, 0)]
        [DataRow("palette.png", "rgb", ImageColorMode.Rgb, 8)]
        [DataRow("palette.png", "rgba", ImageColorMode.Rgba, 8)]
        [DataRow("palette.png", "gray", ImageColorMode.Gray, 8)]
        [DataRow("rgb16.png", "unchanged", ImageColorMode.Unchanged, 0)]
        [DataRow("rgb16.png", "rgb8", ImageColorMode.Rgb, 8)]
        [DataRow("rgb16.png", "gray8", ImageColorMode.Gray, 8)]
        [DataRow("rgb16.png", "gray16", ImageColorMode.Gray, 16)]
        [DataRow("gray4.png", "unchanged", ImageColorMode.Unchanged, 0)]
        [DataRow("gray4.png", "gray", ImageColorMode.Gray, 8)]
        [DataRow("interlaced.png", "rgb", ImageColorMode.Rgb, 8)]
        [DataRow("color.jpg", "rgb", ImageColorMode.Rgb, 8)]
        [DataRow("color.jpg", "gray", ImageColorMode.Gray, 8)]
        [DataRow("color.jpg", "unchanged", ImageColorMode.Unchanged, 0)]
        [DataRow("progressive.jpg", "rgb", ImageColorMode.Rgb, 8)]
        [DataRow("gray.jpg", "gray", ImageColorMode.Gray, 8)]
        [DataRow("gray.jpg", "rgb", ImageColorMode.Rgb, 8)]
        [DataRow("gray.jpg", "unchanged", ImageColorMode.Unchanged, 0)]
        public void DecodeFileMatchesExpectedPixels(string file, string expectation, ImageColorMode mode, int depth)
        {
            var (shape, expected) = ImagingReference.Array($"{file}/{expectation}");
            var image = ImageCodec.Decode(ImagingReference.File(file), new ImageDecodeOptions { Mode = mode, BitDepth = depth });
            AssertPixels(shape, expected, image, file);

            // The same bytes decoded from memory give the same pixels.
            var fromMemory = ImageCodec.Decode(File.ReadAllBytes(ImagingReference.File(file)), new ImageDecodeOptions { Mode = mode, BitDepth = depth });
            CollectionAssert.AreEqual(image.Data, fromMemory.Data, $"{file}: memory and file decoding differ");
        }

        [TestMethod]
        [DataRow("gray16.png", ImageFileFormat.Png, 1, 16, false)]
        [DataRow("palette.png", ImageFileFormat.Png, 1, 8, true)]
        [DataRow("rgba8.png", ImageFileFormat.Png, 4, 8, false)]
        [DataRow("gray4.png", ImageFileFormat.Png, 1, 4, false)]
        [DataRow("color.jpg", ImageFileFormat.Jpeg, 3, 8, false)]
        [DataRow("gray.jpg", ImageFileFormat.Jpeg, 1, 8, false)]
        public void ProbeReadsTheHeader(string file, ImageFileFormat format, int channels, int bitDepth, bool palette)
        {
            var info = ImageCodec.Probe(ImagingReference.File(file));
            var (shape, _) = ImagingReference.Array(file + "/unchanged");
            Assert.AreEqual(format, info.Format);
            Assert.AreEqual((int)shape[0], info.Height);
            Assert.AreEqual((int)shape[1], info.Width);
            Assert.AreEqual(channels, info.Channels);
            Assert.AreEqual(bitDepth, info.BitDepth);
            Assert.AreEqual(palette, info.IsPalette);
            var fromMemory = ImageCodec.Probe(File.ReadAllBytes(ImagingReference.File(file)));
            Assert.AreEqual(info, fromMemory);
        }

        [TestMethod]
        public void SixteenBitSamplesReadAsUInt16()
        {
            var image = ImageCodec.Decode(ImagingReference.File("gray16.png"), ImageDecodeOptions.Unchanged);
            var samples = image.AsUInt16();
            // The script pinned the first row's first samples: 0, 1, 375 (a nuclei instance id) and 65535.
            CollectionAssert.AreEqual(new ushort[] { 0, 1, 375, 65535 }, samples.Slice(0, 4).ToArray());
            Assert.AreEqual(375, image[0, 2]);
        }

        internal static void AssertPixels(long[] shape, double[] expected, ImageBuffer image, string what)
        {
            Assert.AreEqual((int)shape[0], image.Height, $"{what}: height");
            Assert.AreEqual((int)shape[1], image.Width, $"{what}: width");
            Assert.AreEqual((int)shape[2], image.Channels, $"{what}: channels");
            int mismatches = 0, first = -1;
            for (int i = 0; i < expected.Length; i++)
            {
                int actual = image.BitDepth == 8 ? image.Data[i] : image.Data[2 * i] | (image.Data[2 * i + 1] << 8);
                if (actual != (int)expected[i])
                {
                    mismatches++;
                    if (first < 0) first = i;
                }
            }
            Assert.AreEqual(0, mismatches, $"{what}: {mismatches} samples differ, the first at flat index {first}");
        }
    }
}
