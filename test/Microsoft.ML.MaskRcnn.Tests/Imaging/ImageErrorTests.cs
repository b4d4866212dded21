using System;
using System.IO;
using System.Text;
using Microsoft.ML.MaskRcnn.Imaging;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.Imaging
{
    /// <summary>Missing, corrupt, truncated, unsupported and oversized files each give an exception that names the path.</summary>
    [TestClass]
    public class ImageErrorTests
    {
        private static string folder = "";

        [ClassInitialize]
        public static void CreateFolder(TestContext context)
        {
            folder = Path.Combine(Path.GetTempPath(), "maskrcnn-imaging-errors-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
        }

        [ClassCleanup]
        public static void DeleteFolder() => Directory.Delete(folder, recursive: true);

        [TestMethod]
        public void MissingFileNamesThePath()
        {
            string path = Path.Combine(folder, "does-not-exist.png");
            var e = Assert.ThrowsExactly<FileNotFoundException>(() => ImageCodec.Decode(path));
            StringAssert.Contains(e.Message, path);
            Assert.AreEqual(path, e.FileName);
            Assert.ThrowsExactly<FileNotFoundException>(() => ImageCodec.Probe(path));
        }

        [TestMethod]
        public void TruncatedPngNamesThePath()
        {
            byte[] png = File.ReadAllBytes(ImagingReference.File("rgb8.png"));
            string path = Write("truncated.png", png.AsSpan(0, png.Length - 40).ToArray());
            AssertDecodeFails(path, ImageDecodeError.Corrupt, "truncated");
        }

        [TestMethod]
        public void PngWithBadChecksumNamesThePath()
        {
            byte[] png = File.ReadAllBytes(ImagingReference.File("rgb8.png"));
            png[20] ^= 0x01;  // a byte of the IHDR width: its CRC no longer matches
            string path = Write("bad-crc.png", png);
            AssertDecodeFails(path, ImageDecodeError.Corrupt, "CRC");
        }

        [TestMethod]
        public void PngWithCorruptPixelDataNamesThePath()
        {
            // A valid header followed by an IDAT chunk whose zlib stream is garbage (with a correct CRC).
            var png = new MemoryStream();
            png.Write(PngCrafting.Signature);
            PngCrafting.WriteChunk(png, "IHDR", PngCrafting.Ihdr(8, 8, bitDepth: 8, colorType: 2));
            PngCrafting.WriteChunk(png, "IDAT", Encoding.ASCII.GetBytes("this is not a zlib stream at all"));
            PngCrafting.WriteChunk(png, "IEND", Array.Empty<byte>());
            string path = Write("bad-idat.png", png.ToArray());
            AssertDecodeFails(path, ImageDecodeError.Corrupt, null);
        }

        [TestMethod]
        public void TruncatedJpegNamesThePath()
        {
            byte[] jpeg = File.ReadAllBytes(ImagingReference.File("color.jpg"));
            string path = Write("truncated.jpg", jpeg.AsSpan(0, jpeg.Length / 2).ToArray());
            AssertDecodeFails(path, ImageDecodeError.Corrupt, "Premature end");
        }

        [TestMethod]
        public void JpegWithCorruptHeaderNamesThePath()
        {
            // SOI then an SOF0 marker whose segment is nonsense.
            byte[] bytes = { 0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x03, 0x01, 0xFF, 0xD9 };
            string path = Write("corrupt.jpg", bytes);
            AssertDecodeFails(path, ImageDecodeError.Corrupt, null);
        }

        [TestMethod]
        public void UnsupportedFormatsNameThePath()
        {
            AssertDecodeFails(Write("image.gif", Encoding.ASCII.GetBytes("GIF89a\x01\x00\x01\x00\x00\x00\x00;")), ImageDecodeError.UnsupportedFormat, "GIF");
            AssertDecodeFails(Write("image.bmp", Encoding.ASCII.GetBytes("BM this is a bitmap header")), ImageDecodeError.UnsupportedFormat, "BMP");
            AssertDecodeFails(Write("notes.png", Encoding.ASCII.GetBytes("hello, I am text")), ImageDecodeError.UnsupportedFormat, "not a PNG or JPEG");
        }

        [TestMethod]
        public void EmptyFileNamesThePath() =>
            AssertDecodeFails(Write("empty.png", Array.Empty<byte>()), ImageDecodeError.Corrupt, "empty");

        [TestMethod]
        public void DecompressionBombIsRefusedBeforeDecoding()
        {
            // A few dozen bytes declaring 100000 x 100000 RGB pixels (30 GB decoded), with a token IDAT.
            var png = new MemoryStream();
            png.Write(PngCrafting.Signature);
            PngCrafting.WriteChunk(png, "IHDR", PngCrafting.Ihdr(100_000, 100_000, bitDepth: 8, colorType: 2));
            PngCrafting.WriteChunk(png, "IDAT", new byte[] { 0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01 });
            PngCrafting.WriteChunk(png, "IEND", Array.Empty<byte>());
            Assert.IsTrue(png.Length < 100);
            string path = Write("bomb.png", png.ToArray());

            var info = ImageCodec.Probe(path);  // the header alone is harmless
            Assert.AreEqual(100_000, info.Width);
            var e = AssertDecodeFails(path, ImageDecodeError.TooLarge, "10000000000 pixels");
            StringAssert.Contains(e.Message, ImageDecodeOptions.DefaultMaxPixels.ToString());

            // The limit is configurable: a genuine 17x13 image is refused below 221 pixels and accepted at 221.
            string small = ImagingReference.File("rgb8.png");
            AssertDecodeFails(small, ImageDecodeError.TooLarge, "221 pixels", new ImageDecodeOptions { MaxPixels = 220 });
            Assert.AreEqual(17, ImageCodec.Decode(small, new ImageDecodeOptions { MaxPixels = 221 }).Width);
        }

        [TestMethod]
        public void NativeDecoderAlsoEnforcesTheLimit()
        {
            // The managed check runs first; the codec checks again (a file swapped after the probe). Call it directly.
            byte[] png = File.ReadAllBytes(ImagingReference.File("rgb8.png"));
            var buffer = new byte[17 * 13 * 3];
            unsafe
            {
                fixed (byte* data = png)
                fixed (byte* output = buffer)
                {
                    int status = ImagingNative.DecodeMemory(data, png.Length, 3, 8, 100, output, buffer.Length, null);
                    Assert.AreEqual(ImagingNative.ErrorTooLarge, status);
                    StringAssert.Contains(ImagingNative.LastError(), "more than the limit of 100");
                    status = ImagingNative.DecodeMemory(data, png.Length, 3, 8, 0, output, buffer.Length - 1, null);
                    Assert.AreEqual(ImagingNative.ErrorCorrupt, status, "a buffer of the wrong size is refused");
                }
            }
        }

        [TestMethod]
        public void CorruptDataInMemorySaysSo()
        {
            byte[] jpeg = File.ReadAllBytes(ImagingReference.File("color.jpg"));
            var e = Assert.ThrowsExactly<ImageDecodeException>(() => ImageCodec.Decode(jpeg.AsSpan(0, 300)));
            StringAssert.Contains(e.Message, "from memory (300 bytes)");
            Assert.IsNull(e.Path);
        }

        private static ImageDecodeException AssertDecodeFails(string path, ImageDecodeError error, string? detail, ImageDecodeOptions? options = null)
        {
            var e = Assert.ThrowsExactly<ImageDecodeException>(() => ImageCodec.Decode(path, options));
            Assert.AreEqual(error, e.Error, e.Message);
            Assert.AreEqual(path, e.Path);
            StringAssert.Contains(e.Message, path);
            if (detail != null) StringAssert.Contains(e.Message, detail);
            return e;
        }

        private static string Write(string name, byte[] bytes)
        {
            string path = Path.Combine(folder, name);
            File.WriteAllBytes(path, bytes);
            return path;
        }
    }

    /// <summary>Builds PNG chunks by hand (with their CRC-32), to craft files no encoder would write.</summary>
    internal static class PngCrafting
    {
        public static readonly byte[] Signature = { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A };

        public static byte[] Ihdr(int width, int height, byte bitDepth, byte colorType)
        {
            var data = new byte[13];
            WriteBigEndian(data, 0, (uint)width);
            WriteBigEndian(data, 4, (uint)height);
            data[8] = bitDepth;
            data[9] = colorType;
            return data;  // compression, filter and interlace methods 0
        }

        public static void WriteChunk(Stream stream, string type, byte[] data)
        {
            var header = new byte[4];
            WriteBigEndian(header, 0, (uint)data.Length);
            stream.Write(header);
            byte[] typeAndData = new byte[4 + data.Length];
            Encoding.ASCII.GetBytes(type).CopyTo(typeAndData, 0);
            data.CopyTo(typeAndData, 4);
            stream.Write(typeAndData);
            var crc = new byte[4];
            WriteBigEndian(crc, 0, Crc32(typeAndData));
            stream.Write(crc);
        }

        // CRC-32 (ISO-HDLC, reflected polynomial 0xEDB88320), as PNG specifies.
        public static uint Crc32(byte[] bytes)
        {
            uint crc = 0xFFFFFFFF;
            foreach (byte b in bytes)
            {
                crc ^= b;
                for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
            return ~crc;
        }

        private static void WriteBigEndian(byte[] buffer, int offset, uint value)
        {
            buffer[offset] = (byte)(value >> 24);
            buffer[offset + 1] = (byte)(value >> 16);
            buffer[offset + 2] = (byte)(value >> 8);
            buffer[offset + 3] = (byte)value;
        }
    }
}
