using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.TestUtilities;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.Reliability
{
    /// <summary>
    /// COCO files of a gigabyte of nested arrays, generated on the fly (nothing on disk): the reader streams them through
    /// a small window, refuses the hostile ones where they turn hostile, and reads a harmless one to its end, all within
    /// 64 MB of peak memory.
    /// </summary>
    [TestClass]
    public sealed class HostileCocoFileTests
    {
        private const long Gigabyte = 1L << 30;
        private const long MemoryBound = 64L << 20;

        private const string Header = "{\"images\": [{\"id\": 1, \"file_name\": \"a.png\", \"width\": 10, \"height\": 10}], \"categories\": [{\"id\": 1, \"name\": \"thing\"}], ";

        private static (Exception? Error, CocoAnnotationFile? File, long Rise, long Read) Load(string prefix, string unit, string suffix)
        {
            var stream = new RepeatingStream(prefix, unit, Gigabyte, suffix);
            Exception? error = null;
            CocoAnnotationFile? file = null;
            long rise = PeakMemory.RiseDuring(() =>
            {
                try { file = CocoAnnotationFile.Load(stream, "huge.json"); }
                catch (Exception e) { error = e; }
            });
            return (error, file, rise, stream.Position);
        }

        [TestMethod]
        public void AGigabyteOfOpeningBracketsIsRefusedAtDepth64()
        {
            var (error, _, rise, read) = Load(Header + "\"annotations\": [], \"extra\": ", "[", "");
            Assert.IsInstanceOfType<InvalidDataException>(error);
            StringAssert.StartsWith(error!.Message, "huge.json: invalid JSON (line 1, byte ");
            StringAssert.Contains(error.Message, "maximum configured depth of 64");
            Assert.IsTrue(read < 1 << 20, $"{read} bytes read");
            Assert.IsTrue(rise < MemoryBound, $"peak memory rose by {rise >> 20} MB");
        }

        [TestMethod]
        [DataRow("0,", "\"segmentation\"")]
        [DataRow("[],", "\"segmentation\"")]
        public void AGigabytePolygonIsRefusedNamingTheAnnotationOnceItPassesTheLimit(string unit, string field)
        {
            var (error, _, rise, read) = Load(Header + "\"annotations\": [{\"id\": 5, \"image_id\": 1, \"category_id\": 1, \"segmentation\": [" + (unit == "0," ? "[" : ""), unit, "");
            Assert.IsInstanceOfType<InvalidDataException>(error);
            Assert.AreEqual($"huge.json: annotations[0] (id 5): {field} and the rest of the object hold more than 4194304 numbers; such a file is not read.", error!.Message);
            Assert.IsTrue(read < 64 << 20, $"{read} bytes read");
            Assert.IsTrue(rise < MemoryBound, $"peak memory rose by {rise >> 20} MB");
        }

        [TestMethod]
        public void AGigabyteStringIsRefusedAtTheTokenLimit()
        {
            var (error, _, rise, read) = Load(Header + "\"annotations\": [], \"extra\": \"", "a", "\"}");
            Assert.IsInstanceOfType<InvalidDataException>(error);
            StringAssert.Contains(error!.Message, "is longer than 67108864 bytes; such a file is not read.");
            Assert.IsTrue(read <= (64 << 20) + (1 << 20), $"{read} bytes read");
            // The window holds the 64 MB token (a real compressed RLE of a large mask needs a few megabytes).
            Assert.IsTrue(rise < MemoryBound + (64L << 20), $"peak memory rose by {rise >> 20} MB");
        }

        [TestMethod]
        public void AGigabyteOfNestedArraysUnderAnUnknownKeyIsReadThroughInBoundedMemory()
        {
            var watch = Stopwatch.StartNew();
            var (error, file, rise, read) = Load(Header + "\"annotations\": [{\"id\": 5, \"image_id\": 1, \"category_id\": 1, \"segmentation\": [[1, 1, 8, 1, 8, 8]]}], \"extra\": [",
                                                 "[[1.25, -3.5e2], [\"some padding text\", [7]]], ", "[]]}");
            Assert.IsNull(error, error?.ToString());
            Assert.AreEqual(Gigabyte + Header.Length, read, 0.01 * Gigabyte, "the whole file is read");
            Assert.AreEqual(1, file!.Annotations.Count);
            Assert.AreEqual(5L, file.Annotations[0].Id);
            Assert.IsTrue(rise < MemoryBound, $"peak memory rose by {rise >> 20} MB");
            Console.WriteLine($"1 GB read in {watch.Elapsed.TotalSeconds:F1} s, peak memory +{rise >> 20} MB");
        }

        [TestMethod]
        public void AStringOfInvalidUtf8IsRefusedAsInvalidData()
        {
            // Fuzz finding (coco-json, 2026-12-04): System.Text.Json checks a string's UTF-8 only when it is read, and
            // then throws InvalidOperationException, which escaped the reader's InvalidDataException contract.
            byte[] json = Encoding.UTF8.GetBytes(Header + "\"annotations\": []}");
            int at = Array.IndexOf(json, (byte)'a', Header.IndexOf("a.png", StringComparison.Ordinal));
            json[at] = 0x92;
            var e = Assert.ThrowsExactly<InvalidDataException>(() => CocoAnnotationFile.Parse(json, "bad.json"));
            StringAssert.StartsWith(e.Message, $"bad.json: the string at byte {Header.IndexOf("\"a.png", StringComparison.Ordinal)} is not valid UTF-8");
        }
    }
}
