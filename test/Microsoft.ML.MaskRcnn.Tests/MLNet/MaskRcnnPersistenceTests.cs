using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.ML.Data;
using Microsoft.ML.MaskRcnn.TestUtilities;
using Microsoft.VisualStudio.TestTools.UnitTesting;

using static Microsoft.ML.MaskRcnn.Tests.MLNet.ModelZip;

namespace Microsoft.ML.MaskRcnn.Tests.MLNet
{
    /// <summary>
    /// The saved form of a trained pipeline (LoadImages -> DetectInstances, 2 steps): the zip's entries and the model block
    /// read by an independent parser, and clear <see cref="FormatException"/>s for damaged models and newer versions.
    /// </summary>
    [TestClass]
    public sealed class MaskRcnnPersistenceTests
    {
        private const string Dir = "TransformerChain/Transform_001/";
        private static MLNetTestData data = null!;
        private static MLContext ml = null!;
        private static TransformerChain<MaskRcnnTransformer> model = null!;
        private static byte[] zip = Array.Empty<byte>();

        [ClassInitialize]
        public static void Train(TestContext context)
        {
            data = MLNetTestData.Create(4, seed: 8);
            ml = new MLContext(seed: 3);
            var rows = ml.Data.LoadFromEnumerable(data.Rows);
            var options = MLNetTestData.TinyOptions(steps: 2);
            options.ScoreThreshold = 0.25;
            model = ml.Transforms.LoadImages("Image", data.Folder, nameof(TextLabelRow.ImagePath)).Append(ml.Transforms.DetectInstances(options)).Fit(rows);
            using var stream = new MemoryStream();
            ml.Model.Save(model, rows.Schema, stream);
            zip = stream.ToArray();
        }

        [ClassCleanup]
        public static void Cleanup() => model?.Dispose();

        /// <summary>The classes of the training rows: distinct names in ordinal order.</summary>
        private static string[] ClassNames => data.Rows.SelectMany(r => r.Label).Distinct().OrderBy(n => n, StringComparer.Ordinal).ToArray();

        /// <summary>
        /// Replaces stream <paramref name="name"/> and records its new length and SHA-256 in the model block (after the five
        /// column ids, the threshold, K and K name ids: the options' digest, then the weights'), as a writer would.
        /// </summary>
        private static void ReplaceStream(Dictionary<string, byte[]> entries, string name, byte[] bytes)
        {
            entries[Dir + name] = bytes;
            var key = entries[Dir + "Model.key"];
            int at = (int)BinaryPrimitives.ReadInt64LittleEndian(key.AsSpan(0x10)) + 5 * 4 + 8 + 4 + 4 * ClassNames.Length + (name == "TSModel" ? 40 : 0);
            BinaryPrimitives.WriteInt64LittleEndian(key.AsSpan(at), bytes.Length);
            SHA256.HashData(bytes).CopyTo(key.AsSpan(at + 8));
        }

        /// <summary>Reads Model.key in ML.NET's layout (its ModelHeader): header fields, string table, model block.</summary>
        private static (string Signature, uint Written, uint Readable, string Loader, byte[] Block, string[] Strings) ParseModelKey(byte[] key)
        {
            long Long(int at) => BinaryPrimitives.ReadInt64LittleEndian(key.AsSpan(at));
            Assert.AreEqual(0x4C45444F4D004C4DUL, BinaryPrimitives.ReadUInt64LittleEndian(key), "ML\\0MODEL");
            string signature = Encoding.ASCII.GetString(key, 0x40, 8).Replace('\0', ' ');
            uint written = BinaryPrimitives.ReadUInt32LittleEndian(key.AsSpan(0x48));
            uint readable = BinaryPrimitives.ReadUInt32LittleEndian(key.AsSpan(0x4C));
            string loader = Encoding.ASCII.GetString(key, 0x50, 24).TrimEnd('\0');
            long fpModel = Long(0x10), cbModel = Long(0x18), fpTable = Long(0x20), cbTable = Long(0x28), fpChars = Long(0x30);
            var strings = new string[cbTable / 8];
            long start = 0;
            for (int i = 0; i < strings.Length; i++)
            {
                long end = Long((int)fpTable + 8 * i);
                strings[i] = Encoding.Unicode.GetString(key, (int)(fpChars + start), (int)(end - start));
                start = end;
            }
            return (signature, written, readable, loader, key.AsSpan((int)fpModel, (int)cbModel).ToArray(), strings);
        }

        [TestMethod]
        public void TheZipHoldsTheModelBlockTheNetworkOptionsAndTheWeights()
        {
            var entries = Entries(zip);
            foreach (string name in new[] { "TrainingInfo/Version.txt", "Schema", "TransformerChain/Model.key", "TransformerChain/Transform_000/Model.key",
                                            Dir + "Model.key", Dir + "TSModel", Dir + "MaskRcnnOptions.json" })
                Assert.IsTrue(entries.ContainsKey(name), $"entry {name}; entries: {string.Join(", ", entries.Keys)}");

            var (signature, written, readable, loader, block, strings) = ParseModelKey(entries[Dir + "Model.key"]);
            Assert.AreEqual("MASKRCNN", signature);
            Assert.AreEqual(0x00010002u, written);
            Assert.AreEqual(0x00010001u, readable, "readers of 0x00010001 read it (they ignore the values' digest)");
            Assert.AreEqual("MaskRcnnTransformer", loader);
            using var reader = new BinaryReader(new MemoryStream(block));
            var columns = Enumerable.Range(0, 5).Select(_ => strings[reader.ReadInt32()]).ToArray();
            CollectionAssert.AreEqual(new[] { "Image", "PredictedLabel", "Score", "PredictedBoundingBoxes", "PredictedMasks" }, columns);
            Assert.AreEqual(0.25, reader.ReadDouble());
            int count = reader.ReadInt32();
            CollectionAssert.AreEqual(ClassNames, Enumerable.Range(0, count).Select(_ => strings[reader.ReadInt32()]).ToArray());
            foreach (string stream in new[] { "MaskRcnnOptions.json", "TSModel" })
            {
                Assert.AreEqual((long)entries[Dir + stream].Length, reader.ReadInt64(), stream + " length");
                CollectionAssert.AreEqual(SHA256.HashData(entries[Dir + stream]), reader.ReadBytes(32), stream + " SHA-256");
            }
            // The values' digest: the strings length-prefixed UTF-8, the threshold and K little-endian.
            var values = new MemoryStream();
            using (var w = new BinaryWriter(values, Encoding.UTF8, leaveOpen: true))
            {
                foreach (string column in columns) w.Write(column);
                w.Write(0.25);
                w.Write(count);
                foreach (string name in ClassNames) w.Write(name);
            }
            CollectionAssert.AreEqual(SHA256.HashData(values.ToArray()), reader.ReadBytes(32), "values SHA-256");
            Assert.AreEqual(block.Length, reader.BaseStream.Position, "nothing else in the block");

            using var json = JsonDocument.Parse(entries[Dir + "MaskRcnnOptions.json"]);
            Assert.AreEqual(ClassNames.Length + 1, json.RootElement.GetProperty("NumClasses").GetInt32());
            Assert.AreEqual(32, json.RootElement.GetProperty("FpnChannels").GetInt32());
            Assert.AreEqual("BatchNorm", json.RootElement.GetProperty("BackboneNormalization").GetString());

            // The weights are exactly TorchSharp's Module.save of the trained network.
            using var expected = new MemoryStream();
            using (var writer = new BinaryWriter(expected, Encoding.UTF8, leaveOpen: true)) model.LastTransformer.Model.Model.save(writer);
            CollectionAssert.AreEqual(expected.ToArray(), entries[Dir + "TSModel"]);
        }

        [TestMethod]
        public void ARewrittenZipOfTheSameEntriesLoadsAndPredictsTheSame()
        {
            var loaded = new MLContext().Model.Load(new MemoryStream(Zip(Entries(zip))), out _);
            var rows = ml.Data.LoadFromEnumerable(data.Rows);
            var expected = model.Transform(rows).GetColumn<VBuffer<float>>("Score").Select(v => string.Join(",", v.DenseValues())).ToArray();
            var actual = loaded.Transform(rows).GetColumn<VBuffer<float>>("Score").Select(v => string.Join(",", v.DenseValues())).ToArray();
            CollectionAssert.AreEqual(expected, actual);
            Assert.AreEqual(0.25, ((MaskRcnnTransformer)((TransformerChain<ITransformer>)loaded).LastTransformer).ScoreThreshold);
            (loaded as IDisposable)?.Dispose();
        }

        [TestMethod]
        public void ATruncatedZipIsNotOpened()
        {
            // ML.NET's own check, before any component is read.
            var ex = Assert.Throws<Exception>(() => new MLContext().Model.Load(new MemoryStream(zip.AsSpan(0, zip.Length / 2).ToArray()), out _));
            StringAssert.Contains(ex.Message, "Failed to open a zip archive");
        }

        [TestMethod]
        public void DamagedOrMissingWeightsAreNamed()
        {
            var entries = Entries(zip);
            var weights = entries[Dir + "TSModel"];
            entries[Dir + "TSModel"] = weights.AsSpan(0, weights.Length / 2).ToArray();
            var ex = LoadFails(Zip(entries));
            StringAssert.Contains(ex.Message, "the stream 'TransformerChain/Transform_001/TSModel' (the weights) is damaged");
            StringAssert.Contains(ex.Message, "entry 'TransformerChain/Transform_001/Model.key' of the model stream");

            // Consistent with the recorded digest but cut short, or followed by extra bytes: the state dict reader refuses it.
            entries = Entries(zip);
            ReplaceStream(entries, "TSModel", weights.AsSpan(0, weights.Length / 2).ToArray());
            StringAssert.Contains(LoadFails(Zip(entries)).Message, "the weights ('TransformerChain/Transform_001/TSModel') do not fit the network");
            ReplaceStream(entries, "TSModel", weights.Concat(new byte[] { 1, 2, 3 }).ToArray());
            StringAssert.Contains(LoadFails(Zip(entries)).Message, "bytes follow the last tensor");

            entries = Entries(zip);
            entries.Remove(Dir + "TSModel");
            StringAssert.Contains(LoadFails(Zip(entries)).Message, "the stream 'TransformerChain/Transform_001/TSModel' (the weights) is missing");
        }

        [TestMethod]
        public void WeightsOfAnotherNetworkAreRefusedNamingTheTensor()
        {
            var entries = Entries(zip);
            string json = Encoding.UTF8.GetString(entries[Dir + "MaskRcnnOptions.json"]);
            ReplaceStream(entries, "MaskRcnnOptions.json", Encoding.UTF8.GetBytes(json.Replace("\"FpnChannels\": 32", "\"FpnChannels\": 16")));
            var ex = LoadFails(Zip(entries));
            StringAssert.Contains(ex.Message, "do not fit the network");
            StringAssert.Contains(ex.Message, "fpn");
        }

        [TestMethod]
        public void MissingDamagedOrInvalidNetworkOptionsAreNamed()
        {
            var entries = Entries(zip);
            entries.Remove(Dir + "MaskRcnnOptions.json");
            StringAssert.Contains(LoadFails(Zip(entries)).Message, "the stream 'TransformerChain/Transform_001/MaskRcnnOptions.json' (the network's options) is missing");

            entries = Entries(zip);
            string json = Encoding.UTF8.GetString(entries[Dir + "MaskRcnnOptions.json"]);
            entries[Dir + "MaskRcnnOptions.json"] = Encoding.UTF8.GetBytes(json.Replace("\"MinSize\": 64", "\"MinSize\": 65"));
            StringAssert.Contains(LoadFails(Zip(entries)).Message, "(the network's options) is damaged");

            ReplaceStream(entries, "MaskRcnnOptions.json", Encoding.UTF8.GetBytes(json.Replace("\"FpnChannels\": 32", "\"FpnChannels\": -1")));
            StringAssert.Contains(LoadFails(Zip(entries)).Message, "MaskRcnnOptions.FpnChannels");

            ReplaceStream(entries, "MaskRcnnOptions.json", Encoding.UTF8.GetBytes(json.Replace("\"FpnChannels\": 32", "\"FpnChannels\": 32, \"FromTheFuture\": 1")));
            StringAssert.Contains(LoadFails(Zip(entries)).Message, "FromTheFuture");

            ReplaceStream(entries, "MaskRcnnOptions.json", Encoding.UTF8.GetBytes("{ not json"));
            StringAssert.Contains(LoadFails(Zip(entries)).Message, "the network's options ('TransformerChain/Transform_001/MaskRcnnOptions.json') are not valid");

            int classes = ClassNames.Length + 1;
            ReplaceStream(entries, "MaskRcnnOptions.json", Encoding.UTF8.GetBytes(json.Replace($"\"NumClasses\": {classes}", $"\"NumClasses\": {classes + 1}")));
            StringAssert.Contains(LoadFails(Zip(entries)).Message, $"the network has {classes + 1} classes (background included) but the model names {classes - 1}");
        }

        [TestMethod]
        [DataRow(new[] { "\"FpnChannels\": 32", "\"FpnChannels\": 1000000" }, "MaskRcnnOptions.FpnChannels: must be from 1 to 4096, got 1000000")]
        [DataRow(new[] { "\"FpnChannels\": 32", "\"FpnChannels\": 4096", "\"RepresentationSize\": 32", "\"RepresentationSize\": 16384" },
                 "the box head's first layer would hold 3288334336 weights")]
        [DataRow(new[] { "\"MaxSize\": 96", "\"MaxSize\": 1000000" }, "MaskRcnnOptions.MaxSize: must be at least MinSize (64) and at most 16384")]
        public void OptionsThatWouldBuildAHugeNetworkAreRefusedBeforeItIsBuilt(string[] replacements, string message)
        {
            var entries = Entries(zip);
            string json = Encoding.UTF8.GetString(entries[Dir + "MaskRcnnOptions.json"]);
            for (int i = 0; i < replacements.Length; i += 2)
            {
                Assert.IsTrue(json.Contains(replacements[i]), json);
                json = json.Replace(replacements[i], replacements[i + 1]);
            }
            ReplaceStream(entries, "MaskRcnnOptions.json", Encoding.UTF8.GetBytes(json));
            byte[] hostileZip = Zip(entries);
            FormatException? ex = null;
            long rise = PeakMemory.RiseDuring(() => ex = LoadFails(hostileZip));
            StringAssert.Contains(ex!.Message, message);
            Assert.IsTrue(rise < 64L << 20, $"peak memory rose by {rise >> 20} MB");
        }

        [TestMethod]
        public void AModelOfANewerFormatVersionIsRefusedAsTooNew()
        {
            var entries = Entries(zip);
            var key = entries[Dir + "Model.key"];
            BinaryPrimitives.WriteUInt32LittleEndian(key.AsSpan(0x48), 0x00020001);
            BinaryPrimitives.WriteUInt32LittleEndian(key.AsSpan(0x4C), 0x00020001);
            var ex = LoadFails(Zip(entries));
            // ML.NET's own message (it names the loader, not the versions).
            StringAssert.Contains(ex.Message, "too new");
            StringAssert.Contains(ex.Message, "MaskRcnnTransformer");

            // Written by a newer version that older readers can still read: loads.
            entries = Entries(zip);
            key = entries[Dir + "Model.key"];
            BinaryPrimitives.WriteUInt32LittleEndian(key.AsSpan(0x48), 0x00010003);
            var loaded = new MLContext().Model.Load(new MemoryStream(Zip(entries)), out _);
            (loaded as IDisposable)?.Dispose();
        }

        [TestMethod]
        public void ADamagedModelBlockIsNamed()
        {
            var entries = Entries(zip);
            var key = entries[Dir + "Model.key"];
            long fpModel = BinaryPrimitives.ReadInt64LittleEndian(key.AsSpan(0x10));
            // The class count (after five string ids and the threshold) becomes 0.
            BinaryPrimitives.WriteInt32LittleEndian(key.AsSpan((int)fpModel + 5 * 4 + 8), 0);
            var ex = LoadFails(Zip(entries));
            StringAssert.Contains(ex.Message, "the class count 0 is not in [1, 100000]");
            StringAssert.Contains(ex.Message, Dir + "Model.key");
        }

        [TestMethod]
        public void AChangedStringOfTheModelBlockIsRefusedNotLoadedUnderAnotherName()
        {
            // Found by the single-byte change campaign (docs/reliability.md): ML.NET keeps the block's strings in a table of
            // end offsets; one changed offset moved two characters from one column name to the next and the model loaded.
            var entries = Entries(zip);
            var key = entries[Dir + "Model.key"];
            int table = (int)BinaryPrimitives.ReadInt64LittleEndian(key.AsSpan(0x20));
            long end = BinaryPrimitives.ReadInt64LittleEndian(key.AsSpan(table));
            BinaryPrimitives.WriteInt64LittleEndian(key.AsSpan(table), end + 2);
            var ex = LoadFails(Zip(entries));
            StringAssert.Contains(ex.Message, "the model block is damaged");
            StringAssert.Contains(ex.Message, Dir + "Model.key");

            // A class name's character changed in place.
            entries = Entries(zip);
            key = entries[Dir + "Model.key"];
            int at = IndexOf(key, Encoding.Unicode.GetBytes(ClassNames[0]));
            key[at] ^= 0x01;
            StringAssert.Contains(LoadFails(Zip(entries)).Message, "the model block is damaged");
        }

        [TestMethod]
        public void ACorruptedByteInsideTheCompressedWeightsIsNamed()
        {
            // Flip a byte in the middle of the TSModel entry's compressed data: inflating fails or the recorded SHA-256 differs.
            var damaged = (byte[])zip.Clone();
            using (var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read))
            {
                var entry = archive.GetEntry(Dir + "TSModel")!;
                Assert.IsTrue(entry.CompressedLength > 1000);
            }
            int header = IndexOf(zip, Encoding.ASCII.GetBytes(Dir + "TSModel"));
            damaged[header + 600] ^= 0xFF;
            var ex = LoadFails(damaged);
            StringAssert.Contains(ex.Message, "TSModel");
        }

        /// <summary>
        /// The saved zip with its weights entry replaced by a deflate bomb: <paramref name="inflated"/> zero bytes in about a
        /// thousandth of the space. With <paramref name="declareRecordedLength"/> its headers lie, declaring the length that
        /// Model.key recorded; otherwise they declare the truth.
        /// </summary>
        private static byte[] WithWeightsBomb(long inflated, bool declareRecordedLength, byte[]? modelKey = null)
        {
            var entries = Entries(zip);
            if (modelKey is not null) entries[Dir + "Model.key"] = modelKey;
            using var stream = new MemoryStream();
            using (var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
                foreach (var (name, bytes) in entries)
                {
                    using var s = archive.CreateEntry(name, CompressionLevel.Fastest).Open();
                    if (name != Dir + "TSModel") { s.Write(bytes); continue; }
                    var zeros = new byte[1 << 20];
                    for (long done = 0; done < inflated; done += zeros.Length) s.Write(zeros, 0, (int)Math.Min(zeros.Length, inflated - done));
                }
            byte[] bomb = stream.ToArray();
            if (declareRecordedLength)
            {
                // Uncompressed-size fields: offset 22 of the local header, 24 of the central directory's record.
                byte[] name = Encoding.ASCII.GetBytes(Dir + "TSModel");
                uint recorded = (uint)entries[Dir + "TSModel"].Length;
                for (int at = 46; (at = IndexOf(bomb, name, at)) >= 0; at += name.Length)
                {
                    if (bomb.AsSpan(at - 30, 4).SequenceEqual("PK\x03\x04"u8)) BinaryPrimitives.WriteUInt32LittleEndian(bomb.AsSpan(at - 30 + 22), recorded);
                    else if (bomb.AsSpan(at - 46, 4).SequenceEqual("PK\x01\x02"u8)) BinaryPrimitives.WriteUInt32LittleEndian(bomb.AsSpan(at - 46 + 24), recorded);
                }
            }
            return bomb;
        }

        [TestMethod]
        public void AZipBombInPlaceOfTheWeightsIsRefusedBeforeItIsInflated()
        {
            const long inflated = 1L << 30;
            byte[] bomb = WithWeightsBomb(inflated, declareRecordedLength: false);
            Assert.IsTrue(bomb.Length < zip.Length + (4 << 20), $"the bomb takes {bomb.Length} bytes");
            FormatException? ex = null;
            long rise = PeakMemory.RiseDuring(() => ex = LoadFails(bomb));
            StringAssert.Contains(ex!.Message, $"'{Dir}TSModel'");
            StringAssert.Contains(ex.Message, $"declares {inflated} bytes");
            StringAssert.Contains(ex.Message, "not inflated");
            Assert.IsTrue(rise < 64L << 20, $"peak memory rose by {rise >> 20} MB");

        }

        [TestMethod]
        public void AZipBombRecordedAsItsWriterWouldIsRefusedByItsInflationRatio()
        {
            // Model.key records the bomb's length (its digest then matters no more: the entry is never inflated).
            const long inflated = 1L << 30;
            var key = Entries(zip)[Dir + "Model.key"];
            int at = (int)BinaryPrimitives.ReadInt64LittleEndian(key.AsSpan(0x10)) + 5 * 4 + 8 + 4 + 4 * ClassNames.Length + 40;
            BinaryPrimitives.WriteInt64LittleEndian(key.AsSpan(at), inflated);
            byte[] bomb = WithWeightsBomb(inflated, declareRecordedLength: false, modelKey: key);
            FormatException? ex = null;
            long rise = PeakMemory.RiseDuring(() => ex = LoadFails(bomb));
            StringAssert.Contains(ex!.Message, $"to {inflated}, more than 64 times: a zip bomb, not inflated");
            Assert.IsTrue(rise < 64L << 20, $"peak memory rose by {rise >> 20} MB");
        }

        [TestMethod]
        public void AZipBombWhoseHeadersLieIsInflatedOnlyAsFarAsTheyDeclare()
        {
            byte[] bomb = WithWeightsBomb(1L << 30, declareRecordedLength: true);
            FormatException? ex = null;
            long rise = PeakMemory.RiseDuring(() => ex = LoadFails(bomb));
            StringAssert.Contains(ex!.Message, $"the stream '{Dir}TSModel' (the weights) is damaged");
            StringAssert.Contains(ex.Message, "SHA-256 differs");
            Assert.IsTrue(rise < 64L << 20, $"peak memory rose by {rise >> 20} MB");
        }

        private static int IndexOf(byte[] haystack, byte[] needle, int start)
        {
            for (int i = start; i + needle.Length <= haystack.Length; i++)
                if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
            return -1;
        }

        private static int IndexOf(byte[] haystack, byte[] needle)
        {
            for (int i = 0; i + needle.Length <= haystack.Length; i++)
                if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
            throw new InvalidOperationException("not found");
        }
    }
}
