using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.Compat.Tests
{
    /// <summary>Prediction engines map single objects with the attribute-driven mapping, as Transform does.</summary>
    [TestClass]
    public sealed class PredictionEngineTests
    {
        private readonly MLContext ml = new MLContext(seed: 1);

        public sealed class Prediction
        {
            [ColumnName("Pixels")]
            [VectorType(3, 8, 8)]
            public float[] Values;

            public string ImagePath;

            public string NotAColumn;
        }

        public sealed class PixelsOnly
        {
            [VectorType(3, 8, 8)]
            public float[] Pixels;
        }

        public sealed class StrictPrediction
        {
            public float[] Missing;
        }

        [TestMethod]
        public void PredictionsEqualTransformOutput()
        {
            var fixture = new ImagePipelineFixture(ml);
            var model = fixture.Pipeline().Fit(fixture.Data);
            var expected = ImagePipelineFixture.Pixels(model.Transform(fixture.Data));

            using var engine = ml.Model.CreatePredictionEngine<ImagePathRow, Prediction>(model);
            Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 3, 8, 8), engine.OutputSchema["Pixels"].Type);
            for (int i = 0; i < fixture.Rows.Length; i++)
            {
                var prediction = engine.Predict(fixture.Rows[i]);
                CollectionAssert.AreEqual(expected[i], prediction.Values, $"row {i}");
                Assert.AreEqual(fixture.Rows[i].ImagePath, prediction.ImagePath);
                Assert.IsNull(prediction.NotAColumn);
            }

            var reused = new Prediction();
            engine.Predict(fixture.Rows[1], ref reused);
            CollectionAssert.AreEqual(expected[1], reused.Values);
        }

        [TestMethod]
        public void LoadedModelPredictsTheSame()
        {
            var fixture = new ImagePipelineFixture(ml);
            var model = fixture.Pipeline().Fit(fixture.Data);
            var loaded = ml.Model.Load(new System.IO.MemoryStream(fixture.SaveToBytes(model, fixture.Data.Schema)), out var schema);
            using var original = ml.Model.CreatePredictionEngine<ImagePathRow, Prediction>(model, new PredictionEngineOptions { OwnsTransformer = false });
            // As in ML.NET, the overload taking the input schema does not ignore missing output columns.
            using var restored = ml.Model.CreatePredictionEngine<ImagePathRow, PixelsOnly>(loaded, schema);
            foreach (var row in fixture.Rows)
                CollectionAssert.AreEqual(original.Predict(row).Values, restored.Predict(row).Pixels);
        }

        public sealed class ImageInput
        {
            [ImageType]
            public MLImage Photo;

            [KeyType(4)]
            public uint Label;
        }

        public sealed class ImageOutput
        {
            [VectorType(2, 2, 3)]
            public byte[] Rgb;

            [KeyType(4)]
            public uint Label;

            [NoColumn]
            public MLImage Photo;
        }

        [TestMethod]
        public void ImageInputsAndKeysFlowThroughAnEngine()
        {
            var pixels = TestImages.Rgba(2, 2, seed: 4);
            var input = new ImageInput { Photo = MLImage.CreateFromPixels(2, 2, MLPixelFormat.Rgba32, pixels), Label = 3 };
            var data = ml.Data.LoadFromEnumerable(new[] { input });
            var model = ml.Transforms.ResizeImages("Fixed", 2, 2, "Photo")
                .Append(ml.Transforms.ExtractPixels("Rgb", "Fixed", interleavePixelColors: true, outputAsFloatArray: false))
                .Fit(data);
            using var engine = ml.Model.CreatePredictionEngine<ImageInput, ImageOutput>(model);
            var output = engine.Predict(input);
            Assert.AreEqual(3u, output.Label);
            Assert.IsNull(output.Photo);
            var expected = Enumerable.Range(0, 4).SelectMany(p => new[] { pixels[p * 4], pixels[p * 4 + 1], pixels[p * 4 + 2] }).ToArray();
            CollectionAssert.AreEqual(expected, output.Rgb);
        }

        [TestMethod]
        public void MissingOutputColumnThrowsUnlessIgnored()
        {
            var fixture = new ImagePipelineFixture(ml);
            var model = fixture.Pipeline().Fit(fixture.Data);
            var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
                ml.Model.CreatePredictionEngine<ImagePathRow, StrictPrediction>(model, ignoreMissingColumns: false));
            StringAssert.Contains(ex.Message, "'Missing'");
            using var lenient = ml.Model.CreatePredictionEngine<ImagePathRow, StrictPrediction>(model);
            Assert.IsNull(lenient.Predict(fixture.Rows[0]).Missing);
        }

        [TestMethod]
        public void LogEventReceivesComponentMessages()
        {
            var messages = new List<LoggingEventArgs>();
            var context = new MLContext(seed: 1);
            context.Log += (_, e) => messages.Add(e);
            var builder = new DataViewSchema.Builder();
            builder.AddColumn("Path", TextDataViewType.Instance);
            builder.AddColumn("Image", new Microsoft.ML.Transforms.Image.ImageDataViewType());
            context.Model.Save(null, builder.ToSchema(), new System.IO.MemoryStream());
            var message = messages.Single(m => m.RawMessage.Contains("'Image'"));
            Assert.AreEqual(Runtime.ChannelMessageKind.Info, message.Kind);
            Assert.AreEqual($"[Source={message.Source}, Kind=Info] {message.RawMessage}", message.Message);
        }
    }
}
