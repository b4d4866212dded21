using System;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Compat.Tests;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.VisualStudio.TestTools.UnitTesting;

[assembly: LoadableClass(typeof(ScaleTransformer), null, typeof(SignatureLoadModel), "Scale transformer", ScaleTransformer.LoaderSignature)]

namespace Microsoft.ML.Compat.Tests
{
    /// <summary>
    /// A transformer written the way a friend assembly (the product) writes one: derived from RowToRowTransformerBase,
    /// saved through the internal ModelSaveContext with an extra binary stream, and loaded by its loader signature.
    /// Output = Input * Factor, where Factor lives in the side stream "Factor.bin".
    /// </summary>
    public sealed class ScaleTransformer : RowToRowTransformerBase
    {
        internal const string LoaderSignature = "ScaleTransformer";
        private readonly string input;
        private readonly string output;
        private readonly float factor;

        internal ScaleTransformer(IHostEnvironment env, string output, string input, float factor)
            : base(env.Register(nameof(ScaleTransformer)))
        {
            this.input = input;
            this.output = output;
            this.factor = factor;
        }

        private ScaleTransformer(IHostEnvironment env, ModelLoadContext ctx)
            : base(env.Register(nameof(ScaleTransformer)))
        {
            output = ctx.LoadNonEmptyString();
            input = ctx.LoadNonEmptyString();
            float stored = 0;
            Host.Check(ctx.TryLoadBinaryStream("Factor.bin", r => stored = r.ReadSingle()), "Factor.bin is missing");
            factor = stored;
        }

        private static ScaleTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            ctx.CheckAtModel(GetVersionInfo());
            return new ScaleTransformer(env, ctx);
        }

        private static VersionInfo GetVersionInfo() => new VersionInfo("SCALEXFM", 0x00010001, 0x00010001, 0x00010001,
            loaderAssemblyName: typeof(ScaleTransformer).Assembly.FullName, loaderSignature: LoaderSignature);

        private protected override void SaveModel(ModelSaveContext ctx)
        {
            ctx.CheckAtModel();
            ctx.SetVersionInfo(GetVersionInfo());
            ctx.SaveNonEmptyString(output);
            ctx.SaveNonEmptyString(input);
            ctx.SaveBinaryStream("Factor.bin", w => w.Write(factor));
        }

        private protected override IRowMapper MakeRowMapper(DataViewSchema schema) => new Mapper(this, schema);

        private sealed class Mapper : MapperBase
        {
            private readonly ScaleTransformer parent;
            private readonly int inputIndex;

            public Mapper(ScaleTransformer parent, DataViewSchema schema)
                : base(parent.Host.Register(nameof(Mapper)), schema, parent)
            {
                this.parent = parent;
                var column = schema.GetColumnOrNull(parent.input) ?? throw Host.ExceptSchemaMismatch(nameof(schema), "input", parent.input);
                if (column.Type != NumberDataViewType.Single)
                    throw Host.ExceptSchemaMismatch(nameof(schema), "input", parent.input, "Single", column.Type.ToString());
                inputIndex = column.Index;
            }

            protected override DataViewSchema.DetachedColumn[] GetOutputColumnsCore() =>
                new[] { new DataViewSchema.DetachedColumn(parent.output, NumberDataViewType.Single) };

            protected override Delegate MakeGetter(DataViewRow input, int iinfo, Func<int, bool> activeOutput, out Action disposer)
            {
                disposer = null;
                var source = input.GetGetter<float>(input.Schema[inputIndex]);
                float value = 0;
                return (ValueGetter<float>)((ref float dst) =>
                {
                    source(ref value);
                    dst = value * parent.factor;
                });
            }

            private protected override Func<int, bool> GetDependenciesCore(Func<int, bool> activeOutput) =>
                col => col == inputIndex && activeOutput(0);

            private protected override void SaveModel(ModelSaveContext ctx) => parent.SaveModel(ctx);
        }
    }

    [TestClass]
    public sealed class FriendComponentTests
    {
        public sealed class Number
        {
            public float X;
        }

        public sealed class Scaled
        {
            public float Y;
        }

        [TestMethod]
        public void FriendTransformerSavesWithASideStreamAndLoadsBack()
        {
            var ml = new MLContext(seed: 1);
            var data = ml.Data.LoadFromEnumerable(new[] { new Number { X = 1 }, new Number { X = -2.5f } });
            var model = new TransformerChain<ScaleTransformer>(new ScaleTransformer(ml, "Y", "X", 3f));
            CollectionAssert.AreEqual(new[] { 3f, -7.5f }, model.Transform(data).GetColumn<float>("Y").ToArray());

            using var stream = new MemoryStream();
            ml.Model.Save(model, data.Schema, stream);
            var entries = PersistenceTests.Entries(stream.ToArray());
            CollectionAssert.Contains(entries.Keys.ToArray(), "TransformerChain/Transform_000/Factor.bin");
            Assert.AreEqual(3f, BitConverter.ToSingle(entries["TransformerChain/Transform_000/Factor.bin"], 0));
            var key = ModelKey.Parse(entries["TransformerChain/Transform_000/Model.key"]);
            Assert.AreEqual("SCALEXFM", key.ModelSignature);
            StringAssert.StartsWith(key.AssemblyName, "Microsoft.ML.Compat.Tests, Version=");

            stream.Position = 0;
            var loaded = new MLContext().Model.Load(stream, out var schema);
            CollectionAssert.AreEqual(new[] { 3f, -7.5f }, loaded.Transform(data).GetColumn<float>("Y").ToArray());
            using var engine = ml.Model.CreatePredictionEngine<Number, Scaled>(loaded);
            Assert.AreEqual(30f, engine.Predict(new Number { X = 10 }).Y);

            var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => loaded.GetOutputSchema(ml.Data.LoadFromEnumerable(new[] { new Scaled() }).Schema));
            StringAssert.Contains(ex.Message, "'X'");
        }
    }
}
