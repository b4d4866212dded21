using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.Compat.Tests
{
    /// <summary>Models are saved in ML.NET's zip layout and load back to transformers that give identical output.</summary>
    [TestClass]
    public sealed class PersistenceTests
    {
        private readonly MLContext ml = new MLContext(seed: 1);

        [TestMethod]
        public void ImageChainSavedAndLoadedGivesIdenticalOutput()
        {
            var fixture = new ImagePipelineFixture(ml);
            var model = fixture.Pipeline().Fit(fixture.Data);
            var before = ImagePipelineFixture.Pixels(model.Transform(fixture.Data));
            Assert.AreEqual(3, before.Length);
            Assert.AreEqual(3 * 8 * 8, before[0].Length);

            string path = Path.Combine(TestSetup.NewFolder("model"), "model.zip");
            ml.Model.Save(model, fixture.Data.Schema, path);
            var loaded = new MLContext(seed: 7).Model.Load(path, out var inputSchema);

            Assert.IsInstanceOfType(loaded, typeof(TransformerChain<ITransformer>));
            var chain = ((TransformerChain<ITransformer>)loaded).ToArray();
            Assert.AreEqual(3, chain.Length);
            Assert.IsInstanceOfType(chain[0], typeof(ImageLoadingTransformer));
            Assert.AreEqual(Path.GetFullPath(fixture.Folder), ((ImageLoadingTransformer)chain[0]).ImageFolder);
            Assert.IsInstanceOfType(chain[1], typeof(ImageResizingTransformer));
            Assert.IsInstanceOfType(chain[2], typeof(ImagePixelExtractingTransformer));
            Assert.AreEqual(1, inputSchema.Count);
            Assert.AreEqual(TextDataViewType.Instance, inputSchema["ImagePath"].Type);

            var after = ImagePipelineFixture.Pixels(loaded.Transform(fixture.Data));
            Assert.AreEqual(before.Length, after.Length);
            for (int i = 0; i < before.Length; i++) CollectionAssert.AreEqual(before[i], after[i], $"row {i}");
            Assert.AreEqual(model.GetOutputSchema(fixture.Data.Schema)["Pixels"].Type, loaded.GetOutputSchema(inputSchema)["Pixels"].Type);
        }

        [TestMethod]
        public void SaveLoadSaveIsBitIdenticalPerEntry()
        {
            var fixture = new ImagePipelineFixture(ml);
            var model = fixture.Pipeline(ImageResizingEstimator.ResizingKind.IsoPad).Fit(fixture.Data);
            var first = Entries(fixture.SaveToBytes(model, fixture.Data.Schema));
            var loaded = ml.Model.Load(new MemoryStream(fixture.SaveToBytes(model, fixture.Data.Schema)), out var schema);
            var second = Entries(fixture.SaveToBytes(loaded, schema));

            CollectionAssert.AreEquivalent(first.Keys.ToArray(), second.Keys.ToArray());
            foreach (var name in first.Keys) CollectionAssert.AreEqual(first[name], second[name], name);
        }

        [TestMethod]
        public void ZipLayoutFollowsMlNet()
        {
            var fixture = new ImagePipelineFixture(ml);
            var model = fixture.Pipeline().Fit(fixture.Data);
            var entries = Entries(fixture.SaveToBytes(model, fixture.Data.Schema));

            CollectionAssert.AreEquivalent(new[]
            {
                "TrainingInfo/Version.txt", "TransformerChain/Model.key", "TransformerChain/Transform_000/Model.key",
                "TransformerChain/Transform_001/Model.key", "TransformerChain/Transform_002/Model.key", "Schema",
            }, entries.Keys.ToArray());
            StringAssert.StartsWith(Encoding.UTF8.GetString(entries["TrainingInfo/Version.txt"]), "4.0.3");
            CollectionAssert.AreEqual(Encoding.ASCII.GetBytes("CML\0DVB\0"), entries["Schema"].Take(8).ToArray());

            var chain = ModelKey.Parse(entries["TransformerChain/Model.key"]);
            Assert.AreEqual("XF\0CHAIN", chain.ModelSignature);
            Assert.AreEqual("TransformerChain", chain.LoaderSignature);
            Assert.AreEqual(0x00010001u, chain.ModelVerWritten);
            StringAssert.StartsWith(chain.AssemblyName, "Microsoft.ML, Version=");
            using (var block = new BinaryReader(new MemoryStream(chain.Block)))
            {
                Assert.AreEqual(3, block.ReadInt32());
                for (int i = 0; i < 3; i++) Assert.AreEqual((int)TransformerScope.Everything, block.ReadInt32());
            }

            var loader = ModelKey.Parse(entries["TransformerChain/Transform_000/Model.key"]);
            Assert.AreEqual("IMGLOADR", loader.ModelSignature);
            Assert.AreEqual("ImageLoaderTransform", loader.LoaderSignature);
            Assert.AreEqual(0x00010003u, loader.ModelVerWritten);
            CollectionAssert.AreEqual(new[] { "Image", "ImagePath", Path.GetFullPath(fixture.Folder) }, loader.Strings);
            using (var block = new BinaryReader(new MemoryStream(loader.Block)))
            {
                Assert.AreEqual(1, block.ReadInt32());
                Assert.AreEqual(0, block.ReadInt32());
                Assert.AreEqual(1, block.ReadInt32());
                Assert.AreEqual(2, block.ReadInt32());
                Assert.IsTrue(block.ReadBoolean());
                Assert.AreEqual(block.BaseStream.Length, block.BaseStream.Position);
            }

            var resizer = ModelKey.Parse(entries["TransformerChain/Transform_001/Model.key"]);
            Assert.AreEqual("IMGSCALF", resizer.ModelSignature);
            Assert.AreEqual("ImageScalerTransform", resizer.LoaderSignature);
            CollectionAssert.AreEqual(new[] { "Resized", "Image" }, resizer.Strings);
            using (var block = new BinaryReader(new MemoryStream(resizer.Block)))
            {
                Assert.AreEqual(1, block.ReadInt32());
                block.ReadInt64();
                Assert.AreEqual(8, block.ReadInt32());
                Assert.AreEqual(8, block.ReadInt32());
                Assert.AreEqual((byte)ImageResizingEstimator.ResizingKind.IsoCrop, block.ReadByte());
                Assert.AreEqual((byte)ImageResizingEstimator.Anchor.Center, block.ReadByte());
            }

            var extractor = ModelKey.Parse(entries["TransformerChain/Transform_002/Model.key"]);
            Assert.AreEqual("IMGPXEXT", extractor.ModelSignature);
            Assert.AreEqual("ImagePixelExtractor", extractor.LoaderSignature);
            Assert.AreEqual(0x00010002u, extractor.ModelVerReadable);
            using (var block = new BinaryReader(new MemoryStream(extractor.Block)))
            {
                Assert.AreEqual(1, block.ReadInt32());
                block.ReadInt64();
                Assert.AreEqual((byte)ImagePixelExtractingEstimator.ColorBits.Rgb, block.ReadByte());
                Assert.AreEqual((byte)ImagePixelExtractingEstimator.ColorsOrder.ARGB, block.ReadByte());
                Assert.AreEqual((byte)1, block.ReadByte());
                Assert.AreEqual(10f, block.ReadSingle());
                Assert.AreEqual(0.5f, block.ReadSingle());
                Assert.AreEqual((byte)0, block.ReadByte());
            }
        }

        [TestMethod]
        public void SingleTransformerIsSavedDirectlyAndSchemaIsOptional()
        {
            var fixture = new ImagePipelineFixture(ml);
            var loader = ml.Transforms.LoadImages("Image", fixture.Folder, "ImagePath").Fit(fixture.Data);
            var bytes = fixture.SaveToBytes(loader, null);
            var entries = Entries(bytes);
            CollectionAssert.AreEquivalent(new[] { "TrainingInfo/Version.txt", "TransformerChain/Model.key" }, entries.Keys.ToArray());
            Assert.AreEqual("IMGLOADR", ModelKey.Parse(entries["TransformerChain/Model.key"]).ModelSignature);

            var loaded = ml.Model.Load(new MemoryStream(bytes), out var schema);
            Assert.IsNull(schema);
            Assert.IsInstanceOfType(loaded, typeof(ImageLoadingTransformer));
            var images = loaded.Transform(fixture.Data).GetColumn<MLImage>("Image").ToArray();
            CollectionAssert.AreEqual(new[] { 12, 8, 5 }, images.Select(i => i.Width).ToArray());
        }

        [TestMethod]
        public void SchemaEntryKeepsTypesHiddenColumnsAndAnnotations()
        {
            var builder = new DataViewSchema.Builder();
            var keyValues = new VBuffer<ReadOnlyMemory<char>>(3, new[] { "a".AsMemory(), "b".AsMemory(), "c".AsMemory() });
            var annotations = new DataViewSchema.Annotations.Builder();
            annotations.Add("KeyValues", new VectorDataViewType(TextDataViewType.Instance, 3), (ref VBuffer<ReadOnlyMemory<char>> v) => keyValues.CopyTo(ref v));
            annotations.AddPrimitiveValue("IsNormalized", BooleanDataViewType.Instance, true);
            builder.AddColumn("Label", new KeyDataViewType(typeof(uint), 3), annotations.ToAnnotations());
            builder.AddColumn("Features", new VectorDataViewType(NumberDataViewType.Single, 2, 5));
            builder.AddColumn("Features", NumberDataViewType.Double);
            builder.AddColumn("Image", new ImageDataViewType(4, 4));
            builder.AddColumn("Ids", new VectorDataViewType(new KeyDataViewType(typeof(ulong), 100)));
            builder.AddColumn("Flag", BooleanDataViewType.Instance);
            var schema = builder.ToSchema();

            using var stream = new MemoryStream();
            ml.Model.Save(null, schema, stream);
            stream.Position = 0;
            var loadedModel = ml.Model.Load(stream, out var loaded);

            Assert.AreEqual(0, ((TransformerChain<ITransformer>)loadedModel).Count());
            Assert.IsNull(loaded.GetColumnOrNull("Image"), "images have no binary codec: ML.NET leaves them out of the schema");
            Assert.AreEqual(5, loaded.Count);
            Assert.AreEqual(new KeyDataViewType(typeof(uint), 3), loaded["Label"].Type);
            Assert.IsTrue(loaded[1].IsHidden);
            Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 2, 5), loaded[1].Type);
            Assert.AreEqual(NumberDataViewType.Double, loaded["Features"].Type);
            Assert.AreEqual(new VectorDataViewType(new KeyDataViewType(typeof(ulong), 100)), loaded["Ids"].Type);
            VBuffer<ReadOnlyMemory<char>> values = default;
            loaded["Label"].Annotations.GetValue("KeyValues", ref values);
            CollectionAssert.AreEqual(new[] { "a", "b", "c" }, values.DenseValues().Select(m => m.ToString()).ToArray());
            bool normalized = false;
            loaded["Label"].Annotations.GetValue("IsNormalized", ref normalized);
            Assert.IsTrue(normalized);
        }

        internal static Dictionary<string, byte[]> Entries(byte[] zip)
        {
            using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
            return archive.Entries.ToDictionary(e => e.FullName, e =>
            {
                using var s = e.Open();
                using var m = new MemoryStream();
                s.CopyTo(m);
                return m.ToArray();
            });
        }
    }

    /// <summary>An independent reader of ML.NET's Model.key layout, written from the format description.</summary>
    internal sealed class ModelKey
    {
        public string ModelSignature = "";
        public uint ModelVerWritten;
        public uint ModelVerReadable;
        public string LoaderSignature = "";
        public string AssemblyName = "";
        public string[] Strings = Array.Empty<string>();
        public byte[] Block = Array.Empty<byte>();

        public static ModelKey Parse(byte[] bytes)
        {
            var r = new BinaryReader(new MemoryStream(bytes));
            CollectionAssert.AreEqual(Encoding.ASCII.GetBytes("ML\0MODEL"), r.ReadBytes(8), "signature");
            Assert.AreEqual(0x00010002u, r.ReadUInt32(), "header version written");
            Assert.AreEqual(0x00010002u, r.ReadUInt32(), "header version readable");
            long fpModel = r.ReadInt64(), cbModel = r.ReadInt64();
            long fpTable = r.ReadInt64(), cbTable = r.ReadInt64(), fpChars = r.ReadInt64(), cbChars = r.ReadInt64();
            Assert.AreEqual(0x100L, fpModel);
            var key = new ModelKey { ModelSignature = Encoding.ASCII.GetString(r.ReadBytes(8)), ModelVerWritten = r.ReadUInt32(), ModelVerReadable = r.ReadUInt32() };
            key.LoaderSignature = Encoding.ASCII.GetString(r.ReadBytes(24)).TrimEnd('\0');
            r.ReadBytes(24);
            long fpTail = r.ReadInt64(), fpLim = r.ReadInt64(), fpAssembly = r.ReadInt64();
            uint cbAssembly = r.ReadUInt32();
            Assert.IsTrue(bytes.Skip(0x9C).Take(0x100 - 0x9C).All(b => b == 0), "the rest of the header is zero");
            Assert.AreEqual(bytes.Length, (int)fpLim);
            CollectionAssert.AreEqual(Encoding.ASCII.GetBytes("LEDOM\0LM"), bytes.Skip((int)fpTail).ToArray(), "tail");
            key.Block = bytes.Skip((int)fpModel).Take((int)cbModel).ToArray();
            if (fpTable != 0)
            {
                Assert.AreEqual(fpModel + cbModel, fpTable);
                var ends = Enumerable.Range(0, (int)(cbTable / 8)).Select(i => BitConverter.ToInt64(bytes, (int)fpTable + 8 * i)).ToArray();
                long start = 0;
                key.Strings = ends.Select(end =>
                {
                    var s = Encoding.Unicode.GetString(bytes, (int)(fpChars + start), (int)(end - start));
                    start = end;
                    return s;
                }).ToArray();
                Assert.AreEqual(cbChars, start);
            }
            key.AssemblyName = Encoding.Unicode.GetString(bytes, (int)fpAssembly, (int)cbAssembly);
            return key;
        }
    }
}
