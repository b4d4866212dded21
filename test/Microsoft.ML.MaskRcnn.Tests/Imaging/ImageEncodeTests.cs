using System;
using System.Diagnostics;
using System.IO;
using System.Security.Cryptography;
using Microsoft.ML.MaskRcnn.Imaging;
using Microsoft.ML.MaskRcnn.TestUtilities;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.Imaging
{
    /// <summary>Encoded PNGs decode (by PIL and by us) to the pixels that were written.</summary>
    [TestClass]
    public class ImageEncodeTests
    {
        [TestMethod]
        [DataRow(1, 8)]
        [DataRow(2, 8)]
        [DataRow(3, 8)]
        [DataRow(4, 8)]
        [DataRow(1, 16)]
        public void PilReadsWhatWeWrite(int channels, int bitDepth)
        {
            var image = RandomImage(23, 11, channels, bitDepth, seed: channels * 100 + bitDepth);
            string path = Path.Combine(Path.GetTempPath(), $"maskrcnn-encode-{Guid.NewGuid():N}.png");
            try
            {
                ImageCodec.EncodePng(image, path);
                // PIL's array of a 16-bit gray PNG is uint16 little-endian, the layout of ImageBuffer.Data.
                string digest = RunPython(
                    "import sys, hashlib, numpy as np; from PIL import Image; a = np.ascontiguousarray(np.array(Image.open(sys.argv[1])));" +
                    "a = a.astype('<u2') if a.dtype != np.uint8 else a; print(a.shape[0], a.shape[1], hashlib.sha256(a.tobytes()).hexdigest())", path);
                Assert.AreEqual($"11 23 {Convert.ToHexString(SHA256.HashData(image.Data)).ToLowerInvariant()}", digest);
            }
            finally
            {
                File.Delete(path);
            }
        }

        [TestMethod]
        [DataRow(1, 8)]
        [DataRow(3, 8)]
        [DataRow(4, 16)]
        [DataRow(2, 16)]
        public void MemoryRoundTripKeepsEverySample(int channels, int bitDepth)
        {
            var image = RandomImage(31, 7, channels, bitDepth, seed: 7 + channels);
            foreach (int level in new[] { 0, 6, 9 })
            {
                byte[] png = ImageCodec.EncodePng(image, level);
                var decoded = ImageCodec.Decode(png, ImageDecodeOptions.Unchanged);
                Assert.AreEqual(image.ToString(), decoded.ToString());
                CollectionAssert.AreEqual(image.Data, decoded.Data, $"level {level}");
            }
        }

        [TestMethod]
        public void HigherCompressionGivesSmallerFiles()
        {
            var image = new ImageBuffer(64, 64, 1);
            for (int y = 0; y < 64; y++) for (int x = 0; x < 64; x++) image[y, x] = (x / 8 + y / 8) % 2 * 200;
            Assert.IsTrue(ImageCodec.EncodePng(image, 9).Length < ImageCodec.EncodePng(image, 0).Length / 4);
        }

        [TestMethod]
        public void WritingIntoAMissingFolderNamesThePath()
        {
            string path = Path.Combine(Path.GetTempPath(), "no-such-folder-" + Guid.NewGuid().ToString("N"), "out.png");
            var e = Assert.ThrowsExactly<IOException>(() => ImageCodec.EncodePng(new ImageBuffer(2, 2, 3), path));
            StringAssert.Contains(e.Message, path);
        }

        internal static ImageBuffer RandomImage(int width, int height, int channels, int bitDepth, int seed)
        {
            var image = new ImageBuffer(width, height, channels, bitDepth);
            new Random(seed).NextBytes(image.Data);
            return image;
        }

        internal static string RunPython(string code, params string[] arguments)
        {
            var start = new ProcessStartInfo(PythonReference.Interpreter) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(code);
            foreach (var a in arguments) start.ArgumentList.Add(a);
            using var process = Process.Start(start)!;
            string stdout = process.StandardOutput.ReadToEnd();
            string stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0) Assert.Fail($"python failed: {stderr}");
            return stdout.Trim();
        }
    }
}
