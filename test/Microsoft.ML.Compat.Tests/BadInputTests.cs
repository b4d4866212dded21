using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.Compat.Tests
{
    /// <summary>Bad input fails early with a .NET exception naming the column, file or model entry.</summary>
    [TestClass]
    public sealed class BadInputTests
    {
        private readonly MLContext ml = new MLContext(seed: 1);

        private sealed class NumberPathRow
        {
            public float ImagePath;
        }

        private sealed class WrongTypeRow
        {
            public int Name;
        }

        [TestMethod]
        public void MissingColumnIsNamed()
        {
            var fixture = new ImagePipelineFixture(ml);
            var pipeline = ml.Transforms.LoadImages("Image", fixture.Folder, "NoSuchColumn");
            var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => pipeline.Fit(fixture.Data));
            StringAssert.Contains(ex.Message, "Could not find input column 'NoSuchColumn'");

            var chain = ml.Transforms.LoadImages("Image", fixture.Folder, "ImagePath").Append(ml.Transforms.ResizeImages("Small", 4, 4, "Imagee"));
            ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => chain.Fit(fixture.Data));
            StringAssert.Contains(ex.Message, "'Imagee'");

            var model = fixture.Pipeline().Fit(fixture.Data);
            var other = ml.Data.LoadFromEnumerable(new[] { new TextRow { Name = "x" } });
            ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.Transform(other));
            StringAssert.Contains(ex.Message, "'ImagePath'");

            ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Data.CreateEnumerable<ScalarRow>(other, reuseRowObject: false));
            StringAssert.Contains(ex.Message, "'Single'");
            Assert.AreEqual(1, ml.Data.CreateEnumerable<ScalarRow>(other, false, ignoreMissingColumns: true).Count());
        }

        [TestMethod]
        public void ColumnOfTheWrongTypeIsNamedWithBothTypes()
        {
            var fixture = new ImagePipelineFixture(ml);
            var numbers = ml.Data.LoadFromEnumerable(new[] { new NumberPathRow { ImagePath = 1 } });
            var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Transforms.LoadImages("Image", fixture.Folder, "ImagePath").Fit(numbers));
            StringAssert.Contains(ex.Message, "Schema mismatch for input column 'ImagePath': expected String, got Single");

            var unsized = ml.Transforms.LoadImages("Image", fixture.Folder, "ImagePath").Append(ml.Transforms.ExtractPixels("Pixels", "Image"));
            ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => unsized.Fit(fixture.Data));
            StringAssert.Contains(ex.Message, "input column 'Image': expected known-size image, got unknown-size image");

            var text = ml.Data.LoadFromEnumerable(new[] { new TextRow { Name = "x" } });
            var bind = Assert.ThrowsExactly<InvalidOperationException>(() => ml.Data.CreateEnumerable<WrongTypeRow>(text, reuseRowObject: false));
            StringAssert.Contains(bind.Message, "column 'Name' of type 'String'");

            using var cursor = text.GetRowCursor(text.Schema);
            var getter = Assert.ThrowsExactly<InvalidOperationException>(() => cursor.GetGetter<float>(text.Schema["Name"]));
            StringAssert.Contains(getter.Message, "column 'Name'");
        }

        [TestMethod]
        public void MissingOrUndecodableImageFileIsNamed()
        {
            var fixture = new ImagePipelineFixture(ml);
            File.WriteAllText(Path.Combine(fixture.Folder, "notes.png"), "this is not a png");
            var rows = new[] { new ImagePathRow { ImagePath = "square.png" }, new ImagePathRow { ImagePath = "missing.png" }, new ImagePathRow { ImagePath = "notes.png" } };
            var data = ml.Data.LoadFromEnumerable(rows);
            var model = ml.Transforms.LoadImages("Image", fixture.Folder, "ImagePath").Fit(data);
            var transformed = model.Transform(data);

            using var cursor = transformed.GetRowCursor(transformed.Schema);
            var getter = cursor.GetGetter<MLImage>(transformed.Schema["Image"]);
            MLImage image = null;
            Assert.IsTrue(cursor.MoveNext());
            getter(ref image);
            Assert.AreEqual(8, image.Width);

            Assert.IsTrue(cursor.MoveNext());
            var missing = Assert.ThrowsExactly<FileNotFoundException>(() => getter(ref image));
            string expected = Path.Combine(Path.GetFullPath(fixture.Folder), "missing.png");
            Assert.AreEqual(expected, missing.FileName);
            StringAssert.Contains(missing.Message, expected);
            StringAssert.Contains(missing.Message, "column 'Image', row 1");

            Assert.IsTrue(cursor.MoveNext());
            var corrupt = Assert.ThrowsExactly<ArgumentException>(() => getter(ref image));
            StringAssert.Contains(corrupt.Message, Path.Combine(Path.GetFullPath(fixture.Folder), "notes.png"));

            var direct = Assert.ThrowsExactly<ArgumentException>(() => MLImage.CreateFromFile(Path.Combine(fixture.Folder, "nope.jpg")));
            StringAssert.Contains(direct.Message, "nope.jpg");
            Assert.ThrowsExactly<ArgumentException>(() => ml.Transforms.LoadImages("Image", Path.Combine(fixture.Folder, "no-such-dir"), "ImagePath"));
        }

        [TestMethod]
        public void TruncatedOrNonZipFileNamesTheFile()
        {
            var fixture = new ImagePipelineFixture(ml);
            var bytes = fixture.SaveToBytes(fixture.Pipeline().Fit(fixture.Data), fixture.Data.Schema);
            string folder = TestSetup.NewFolder("bad-models");

            string truncated = Path.Combine(folder, "truncated.zip");
            File.WriteAllBytes(truncated, bytes.Take(bytes.Length / 2).ToArray());
            var ex = Assert.ThrowsExactly<FormatException>(() => ml.Model.Load(truncated, out _));
            StringAssert.Contains(ex.Message, truncated);

            string text = Path.Combine(folder, "model.txt");
            File.WriteAllText(text, "not a zip at all");
            ex = Assert.ThrowsExactly<FormatException>(() => ml.Model.Load(text, out _));
            StringAssert.Contains(ex.Message, text);

            Assert.ThrowsExactly<FileNotFoundException>(() => ml.Model.Load(Path.Combine(folder, "absent.zip"), out _));
        }

        [TestMethod]
        public void TruncatedEntryIsNamed()
        {
            var fixture = new ImagePipelineFixture(ml);
            var bytes = fixture.SaveToBytes(fixture.Pipeline().Fit(fixture.Data), fixture.Data.Schema);
            var damaged = RewriteZip(bytes, (name, data) => name == "TransformerChain/Transform_001/Model.key" ? data.Take(data.Length - 5).ToArray() : data);
            var ex = Assert.ThrowsExactly<FormatException>(() => ml.Model.Load(new MemoryStream(damaged), out _));
            StringAssert.Contains(ex.Message, "entry 'TransformerChain/Transform_001/Model.key' of the model stream");

            var hugeCount = RewriteZip(bytes, (name, data) => name == "TransformerChain/Model.key" ? Patch(data, 0x100, int.MaxValue, 7) : data);
            ex = Assert.ThrowsExactly<FormatException>(() => ml.Model.Load(new MemoryStream(hugeCount), out _));
            StringAssert.Contains(ex.Message, "entry 'TransformerChain/Model.key'");

            var garbage = RewriteZip(bytes, (name, data) => name == "Schema" ? data.Take(100).ToArray() : data);
            ex = Assert.ThrowsExactly<FormatException>(() => ml.Model.Load(new MemoryStream(garbage), out _));
            StringAssert.Contains(ex.Message, "entry 'Schema'");
        }

        [TestMethod]
        public void ForeignZipIsRejectedNamingTheMissingEntry()
        {
            using var stream = new MemoryStream();
            using (var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
            using (var writer = new StreamWriter(archive.CreateEntry("docs/readme.txt").Open()))
                writer.Write("hello");
            stream.Position = 0;
            var ex = Assert.ThrowsExactly<FormatException>(() => ml.Model.Load(stream, out _));
            StringAssert.Contains(ex.Message, "is not an ML.NET model");
            StringAssert.Contains(ex.Message, "'TransformerChain/Model.key'");
            StringAssert.Contains(ex.Message, "docs/readme.txt");
        }

        [TestMethod]
        public void ModelOfANewerVersionIsRejected()
        {
            var fixture = new ImagePipelineFixture(ml);
            var bytes = fixture.SaveToBytes(fixture.Pipeline().Fit(fixture.Data), fixture.Data.Schema);

            // A component whose format needs a newer reader (ModelVerReadable at 0x4C).
            var newerComponent = RewriteZip(bytes, (name, data) => name == "TransformerChain/Transform_001/Model.key" ? Patch(data, 0x48, 0x00020001u, 0x00020001u) : data);
            var ex = Assert.ThrowsExactly<FormatException>(() => ml.Model.Load(new MemoryStream(newerComponent), out _));
            StringAssert.Contains(ex.Message, "'ImageScalerTransform'");
            StringAssert.Contains(ex.Message, "too new");
            StringAssert.Contains(ex.Message, "TransformerChain/Transform_001/Model.key");

            // A Model.key header format newer than this reader (VerWritten/VerReadable at 0x08).
            var newerHeader = RewriteZip(bytes, (name, data) => name == "TransformerChain/Model.key" ? Patch(data, 0x08, 0x00030000u, 0x00030000u) : data);
            ex = Assert.ThrowsExactly<FormatException>(() => ml.Model.Load(new MemoryStream(newerHeader), out _));
            StringAssert.Contains(ex.Message, "File is too new");
            StringAssert.Contains(ex.Message, "'TransformerChain/Model.key'");

            // A Schema written by a newer binary format (compatible version at offset 16).
            var newerSchema = RewriteZip(bytes, (name, data) => name == "Schema" ? PatchLong(data, 8, 0x0002000000000000UL, 0x0002000000000000UL) : data);
            ex = Assert.ThrowsExactly<FormatException>(() => ml.Model.Load(new MemoryStream(newerSchema), out _));
            StringAssert.Contains(ex.Message, "newer version");
            StringAssert.Contains(ex.Message, "entry 'Schema'");
        }

        private static byte[] Patch(byte[] data, int offset, uint first, uint second)
        {
            var copy = (byte[])data.Clone();
            BitConverter.GetBytes(first).CopyTo(copy, offset);
            BitConverter.GetBytes(second).CopyTo(copy, offset + 4);
            return copy;
        }

        private static byte[] PatchLong(byte[] data, int offset, ulong first, ulong second)
        {
            var copy = (byte[])data.Clone();
            BitConverter.GetBytes(first).CopyTo(copy, offset);
            BitConverter.GetBytes(second).CopyTo(copy, offset + 8);
            return copy;
        }

        internal static byte[] RewriteZip(byte[] zip, Func<string, byte[], byte[]> change)
        {
            var entries = PersistenceTests.Entries(zip);
            using var output = new MemoryStream();
            using (var archive = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
                foreach (var (name, data) in entries)
                {
                    using var stream = archive.CreateEntry(name).Open();
                    var changed = change(name, data);
                    stream.Write(changed, 0, changed.Length);
                }
            return output.ToArray();
        }
    }
}
