using System;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.Compat.Tests
{
    /// <summary>LoadFromEnumerable -> CreateEnumerable gives back the same values, with the column types ML.NET assigns.</summary>
    [TestClass]
    public sealed class RoundTripTests
    {
        private readonly MLContext ml = new MLContext(seed: 1);

        [TestMethod]
        public void ScalarsRoundTrip()
        {
            var rows = new[]
            {
                new ScalarRow { Single = 1.5f, Double = -2.25, Int32 = -7, Int64 = long.MaxValue, Byte = 255, SByte = -128, Int16 = -300,
                    UInt16 = 65535, UInt32 = 4000000000, UInt64 = ulong.MaxValue, Boolean = true, When = new DateTime(2024, 2, 29, 12, 0, 0),
                    Duration = TimeSpan.FromMinutes(90), Text = "héllo", Ignored = "x" },
                new ScalarRow { Single = float.NaN, Text = "" },
            };
            var data = ml.Data.LoadFromEnumerable(rows);

            var schema = data.Schema;
            Assert.AreEqual(NumberDataViewType.Single, schema["Single"].Type);
            Assert.AreEqual(NumberDataViewType.UInt64, schema["UInt64"].Type);
            Assert.AreEqual(BooleanDataViewType.Instance, schema["Boolean"].Type);
            Assert.AreEqual(DateTimeDataViewType.Instance, schema["When"].Type);
            Assert.AreEqual(TimeSpanDataViewType.Instance, schema["Duration"].Type);
            Assert.AreEqual(TextDataViewType.Instance, schema["Renamed"].Type);
            Assert.IsNull(schema.GetColumnOrNull("Ignored"));
            Assert.IsNull(schema.GetColumnOrNull("Text"));
            Assert.AreEqual(2L, data.GetRowCount());

            var back = ml.Data.CreateEnumerable<ScalarRow>(data, reuseRowObject: false).ToArray();
            Assert.AreEqual(2, back.Length);
            var a = back[0];
            Assert.AreEqual(1.5f, a.Single);
            Assert.AreEqual(-2.25, a.Double);
            Assert.AreEqual(-7, a.Int32);
            Assert.AreEqual(long.MaxValue, a.Int64);
            Assert.AreEqual((byte)255, a.Byte);
            Assert.AreEqual((sbyte)-128, a.SByte);
            Assert.AreEqual((short)-300, a.Int16);
            Assert.AreEqual((ushort)65535, a.UInt16);
            Assert.AreEqual(4000000000u, a.UInt32);
            Assert.AreEqual(ulong.MaxValue, a.UInt64);
            Assert.IsTrue(a.Boolean);
            Assert.AreEqual(new DateTime(2024, 2, 29, 12, 0, 0), a.When);
            Assert.AreEqual(TimeSpan.FromMinutes(90), a.Duration);
            Assert.AreEqual("héllo", a.Text);
            Assert.IsNull(a.Ignored);
            Assert.IsTrue(float.IsNaN(back[1].Single));
            Assert.AreEqual("", back[1].Text);
        }

        [TestMethod]
        public void VectorsRoundTrip()
        {
            var rows = new[]
            {
                new VectorRow { Fixed = new[] { 1f, 2f, 3f }, Variable = new[] { 0.5 }, Matrix = new[] { 1, 2, 3, 4, 5, 6 },
                    Sparse = new VBuffer<float>(6, 2, new[] { 7f, 8f }, new[] { 1, 4 }), Words = new[] { "a", "bc" } },
                new VectorRow { Fixed = new[] { -1f, 0f, 1f }, Variable = new double[0], Matrix = new int[6],
                    Sparse = new VBuffer<float>(3, new[] { 1f, 2f, 3f }), Words = new string[0] },
            };
            var data = ml.Data.LoadFromEnumerable(rows);

            Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 3), data.Schema["Fixed"].Type);
            Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Double), data.Schema["Variable"].Type);
            Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Int32, 2, 3), data.Schema["Matrix"].Type);
            Assert.AreEqual("Vector<Int32, 2, 3>", data.Schema["Matrix"].Type.ToString());
            Assert.AreEqual(new VectorDataViewType(TextDataViewType.Instance), data.Schema["Words"].Type);

            var back = ml.Data.CreateEnumerable<VectorRow>(data, reuseRowObject: false).ToArray();
            CollectionAssert.AreEqual(rows[0].Fixed, back[0].Fixed);
            CollectionAssert.AreEqual(rows[0].Variable, back[0].Variable);
            CollectionAssert.AreEqual(rows[0].Matrix, back[0].Matrix);
            CollectionAssert.AreEqual(new[] { 0f, 7f, 0f, 0f, 8f, 0f }, back[0].Sparse.DenseValues().ToArray());
            Assert.IsFalse(back[0].Sparse.IsDense);
            CollectionAssert.AreEqual(rows[0].Words, back[0].Words);
            CollectionAssert.AreEqual(rows[1].Fixed, back[1].Fixed);
            Assert.AreEqual(0, back[1].Variable.Length);
            CollectionAssert.AreEqual(new[] { 1f, 2f, 3f }, back[1].Sparse.DenseValues().ToArray());
            Assert.AreEqual(0, back[1].Words.Length);
        }

        [TestMethod]
        public void KeysRoundTrip()
        {
            var rows = new[] { new KeyRow { Label = 3, Labels = new uint[] { 1, 5, 0 }, Small = 2 } };
            var data = ml.Data.LoadFromEnumerable(rows);

            Assert.AreEqual(new KeyDataViewType(typeof(uint), 10), data.Schema["Label"].Type);
            Assert.AreEqual("Key<UInt32, 0-9>", data.Schema["Label"].Type.ToString());
            Assert.AreEqual(new VectorDataViewType(new KeyDataViewType(typeof(uint), 5)), data.Schema["Labels"].Type);
            Assert.AreEqual(new KeyDataViewType(typeof(byte), 3), data.Schema["Small"].Type);

            var back = ml.Data.CreateEnumerable<KeyRow>(data, reuseRowObject: true).Single();
            Assert.AreEqual(3u, back.Label);
            CollectionAssert.AreEqual(new uint[] { 1, 5, 0 }, back.Labels);
            Assert.AreEqual((byte)2, back.Small);

            var shape = SchemaShape.Create(data.Schema);
            var label = shape.Single(c => c.Name == "Label");
            Assert.IsTrue(label.IsKey);
            Assert.AreEqual(NumberDataViewType.UInt32, label.ItemType);
            Assert.AreEqual(SchemaShape.Column.VectorKind.VariableVector, shape.Single(c => c.Name == "Labels").Kind);
        }

        [TestMethod]
        public void TextRoundTrip()
        {
            var rows = new[]
            {
                new TextRow { Name = "first", Memory = "some memory".AsMemory(3, 6) },
                new TextRow { Name = null, Memory = ReadOnlyMemory<char>.Empty },
            };
            var data = ml.Data.LoadFromEnumerable(rows);
            Assert.AreEqual(TextDataViewType.Instance, data.Schema["Memory"].Type);

            var back = ml.Data.CreateEnumerable<TextRow>(data, reuseRowObject: false).ToArray();
            Assert.AreEqual("first", back[0].Name);
            Assert.AreEqual("e memo", back[0].Memory.ToString());
            Assert.AreEqual("", back[1].Name, "a null string is read as empty text, as in ML.NET");
            Assert.AreEqual(0, back[1].Memory.Length);
            CollectionAssert.AreEqual(new[] { "first", "" }, data.GetColumn<string>("Name").ToArray());
        }

        [TestMethod]
        public void ImagesRoundTrip()
        {
            var fixedPixels = TestImages.Rgba(6, 4);
            var anyPixels = TestImages.Rgba(3, 2, seed: 5);
            var rows = new[]
            {
                new ImageRow
                {
                    Fixed = MLImage.CreateFromPixels(6, 4, MLPixelFormat.Rgba32, fixedPixels),
                    Any = MLImage.CreateFromPixels(3, 2, MLPixelFormat.Bgra32, anyPixels),
                },
            };
            var data = ml.Data.LoadFromEnumerable(rows);
            Assert.AreEqual(new ImageDataViewType(4, 6), data.Schema["Fixed"].Type);
            Assert.AreEqual("Image<4, 6>", data.Schema["Fixed"].Type.ToString());
            Assert.AreEqual(new ImageDataViewType(), data.Schema["Any"].Type);
            Assert.AreEqual("Image", data.Schema["Any"].Type.ToString());

            var back = ml.Data.CreateEnumerable<ImageRow>(data, reuseRowObject: false).Single();
            Assert.AreEqual(6, back.Fixed.Width);
            Assert.AreEqual(4, back.Fixed.Height);
            Assert.AreEqual(MLPixelFormat.Rgba32, back.Fixed.PixelFormat);
            CollectionAssert.AreEqual(fixedPixels, back.Fixed.Pixels.ToArray());
            Assert.AreEqual(MLPixelFormat.Bgra32, back.Any.PixelFormat);
            CollectionAssert.AreEqual(anyPixels, back.Any.Pixels.ToArray());
        }

        [TestMethod]
        public void ReusedRowObjectIsFilledForEachRow()
        {
            var rows = Enumerable.Range(0, 5).Select(i => new TextRow { Name = "n" + i }).ToArray();
            var data = ml.Data.LoadFromEnumerable(rows);
            var seen = ml.Data.CreateEnumerable<TextRow>(data, reuseRowObject: true).Select(r => (r, r.Name)).ToArray();
            Assert.AreEqual(1, seen.Select(s => s.r).Distinct().Count());
            CollectionAssert.AreEqual(rows.Select(r => r.Name).ToArray(), seen.Select(s => s.Name).ToArray());
        }

        [TestMethod]
        public void TrainTestSplitIsDeterministicAndPartitionsTheRows()
        {
            var rows = Enumerable.Range(0, 1000).Select(i => new TextRow { Name = i.ToString() }).ToArray();
            var data = ml.Data.LoadFromEnumerable(rows);
            var split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 42);
            var train = split.TrainSet.GetColumn<string>("Name").ToArray();
            var test = split.TestSet.GetColumn<string>("Name").ToArray();
            Assert.AreEqual(1000, train.Length + test.Length);
            Assert.AreEqual(0, train.Intersect(test).Count());
            Assert.IsTrue(test.Length > 150 && test.Length < 250, $"test has {test.Length} rows");
            var again = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 42).TestSet.GetColumn<string>("Name").ToArray();
            CollectionAssert.AreEqual(test, again);

            var grouped = Enumerable.Range(0, 300).Select(i => new TextRow { Name = (i % 30).ToString() }).ToArray();
            var byKey = ml.Data.TrainTestSplit(ml.Data.LoadFromEnumerable(grouped), 0.3, samplingKeyColumnName: "Name", seed: 3);
            var trainKeys = byKey.TrainSet.GetColumn<string>("Name").Distinct().ToArray();
            var testKeys = byKey.TestSet.GetColumn<string>("Name").Distinct().ToArray();
            Assert.AreEqual(0, trainKeys.Intersect(testKeys).Count(), "rows with the same key go to the same side");
            Assert.AreEqual(30, trainKeys.Length + testKeys.Length);
        }
    }
}
