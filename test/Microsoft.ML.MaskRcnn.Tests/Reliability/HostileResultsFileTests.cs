using System;
using System.IO;
using System.Linq;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Evaluation;
using Microsoft.ML.MaskRcnn.TestUtilities;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.Reliability
{
    /// <summary>
    /// COCO results files (what <c>maskrcnn evaluate</c> reads) of a gigabyte, generated on the fly: read through a small
    /// window, refused where they turn hostile, read to the end when harmless, all within 64 MB of peak memory.
    /// </summary>
    [TestClass]
    public sealed class HostileResultsFileTests
    {
        private const long Gigabyte = 1L << 30;
        private const long MemoryBound = 64L << 20;

        private const string Entry = "{\"image_id\": 7, \"category_id\": 2, \"bbox\": [1, 2, 3, 4], \"score\": 0.5, \"segmentation\": {\"size\": [4, 5], \"counts\": \"52=\"}}";

        private static (Exception? Error, CocoDetection[]? Detections, long Rise, long Read) Load(string prefix, string unit, string suffix)
        {
            var stream = new RepeatingStream(prefix, unit, Gigabyte, suffix);
            Exception? error = null;
            CocoDetection[]? detections = null;
            long rise = PeakMemory.RiseDuring(() =>
            {
                try { detections = CocoResultsFile.Read(stream, "huge-results.json").ToArray(); }
                catch (Exception e) { error = e; }
            });
            Console.WriteLine($"read {stream.Position >> 20} MB, peak memory +{rise >> 20} MB: {error?.Message ?? $"{detections!.Length} detections"}");
            return (error, detections, rise, stream.Position);
        }

        [TestMethod]
        public void AGigabyteOfOpeningBracketsIsRefusedAtDepth64()
        {
            var (error, _, rise, read) = Load("[" + Entry + ", ", "[", "");
            Assert.IsInstanceOfType<InvalidDataException>(error);
            StringAssert.StartsWith(error!.Message, "huge-results.json: invalid JSON (line 1, byte ");
            StringAssert.Contains(error.Message, "maximum configured depth of 64");
            Assert.IsTrue(read < 1 << 20, $"{read} bytes read");
            Assert.IsTrue(rise < MemoryBound, $"peak memory rose by {rise >> 20} MB");
        }

        [TestMethod]
        public void AGigabyteOfRleRunsIsRefusedNamingTheEntryOnceItPassesTheLimit()
        {
            var (error, _, rise, read) = Load("[" + Entry + ", {\"image_id\": 7, \"category_id\": 2, \"score\": 0.5, \"segmentation\": {\"size\": [4, 5], \"counts\": [", "0, ", "");
            Assert.IsInstanceOfType<InvalidDataException>(error);
            Assert.AreEqual("huge-results.json: result #1: \"counts\" holds more than 4194304 numbers", error!.Message);
            Assert.IsTrue(read < 64 << 20, $"{read} bytes read");
            Assert.IsTrue(rise < MemoryBound + (32L << 20), $"peak memory rose by {rise >> 20} MB (the runs held are 32 MB as doubles)");
        }

        [TestMethod]
        public void AGigabyteOfNestedArraysUnderAnUnknownKeyIsReadThroughInBoundedMemory()
        {
            var (error, detections, rise, read) = Load("[" + Entry + ", {\"extra\": [", "[[1.25, -3.5e2], [\"some padding text\", [7]]], ",
                                                       "[]], \"image_id\": 8, \"category_id\": 3, \"bbox\": [0, 0, 1, 1], \"score\": 0.25}]");
            Assert.IsNull(error, error?.ToString());
            Assert.AreEqual(Gigabyte, read, 0.01 * Gigabyte, "the whole file is read");
            Assert.AreEqual(2, detections!.Length);
            // The first entry's RLE "52=" on a 4 x 5 mask: runs 5, 2, 13 (5 background, 2 foreground, column-major).
            Assert.AreEqual(2, detections[0].Mask!.Area);
            Assert.AreEqual(new CocoBox(1, 2, 3, 4), detections[0].Box);
            Assert.AreEqual(8L, detections[1].ImageId);
            Assert.AreEqual(0.25, detections[1].Score);
            Assert.IsTrue(rise < MemoryBound, $"peak memory rose by {rise >> 20} MB");
        }

        [TestMethod]
        public void AGigabyteStringIsRefusedAtTheTokenLimit()
        {
            var (error, _, rise, _) = Load("[{\"image_id\": 7, \"category_id\": 2, \"score\": 0.5, \"segmentation\": {\"size\": [4, 5], \"counts\": \"", "a", "\"}}]");
            Assert.IsInstanceOfType<InvalidDataException>(error);
            StringAssert.Contains(error!.Message, "is longer than 67108864 bytes; such a file is not read.");
            Assert.IsTrue(rise < MemoryBound + (64L << 20), $"peak memory rose by {rise >> 20} MB");
        }
    }
}
