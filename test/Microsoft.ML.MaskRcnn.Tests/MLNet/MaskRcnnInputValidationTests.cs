using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Tests.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.MLNet
{
    /// <summary>
    /// Bad columns, bad rows and bad options are refused before any training, with messages naming the column and the row
    /// (or the option); key labels (with or without KeyValues), empty rows and a validation set train.
    /// </summary>
    [TestClass]
    public sealed class MaskRcnnInputValidationTests
    {
        private static MLNetTestData data = null!;

        [ClassInitialize]
        public static void CreateImages(TestContext context) => data = MLNetTestData.Create(3, seed: 11);

        public sealed class NoMasksRow
        {
            public string ImagePath { get; set; } = "";
            public string[] Label { get; set; } = Array.Empty<string>();
            public float[] BoundingBoxes { get; set; } = Array.Empty<float>();
        }

        public sealed class DoubleBoxesRow
        {
            public string ImagePath { get; set; } = "";
            public string[] Label { get; set; } = Array.Empty<string>();
            public double[] BoundingBoxes { get; set; } = Array.Empty<double>();
            public string[] Masks { get; set; } = Array.Empty<string>();
        }

        public sealed class FloatLabelRow
        {
            public string ImagePath { get; set; } = "";
            public float[] Label { get; set; } = Array.Empty<float>();
            public float[] BoundingBoxes { get; set; } = Array.Empty<float>();
            public string[] Masks { get; set; } = Array.Empty<string>();
        }

        private static TextLabelRow[] Rows() => data.Rows.Select(r => new TextLabelRow
        {
            ImagePath = r.ImagePath, Label = r.Label.ToArray(), BoundingBoxes = r.BoundingBoxes.ToArray(), Masks = r.Masks.ToArray(),
        }).ToArray();

        /// <summary>Fits on the rows after <paramref name="damage"/>; the error must come before training, and leave no temporary files.</summary>
        private static InvalidDataException FitFails(Action<TextLabelRow[]> damage)
        {
            var rows = Rows();
            damage(rows);
            var ml = new MLContext();
            ml.TempFilePath = TrainingTestData.TemporaryFolder();
            bool trained = false;
            ml.Log += (_, e) => trained |= e.RawMessage.StartsWith("Step ", StringComparison.Ordinal);
            var estimator = ml.Transforms.DetectInstances(MLNetTestData.TinyOptions(1));
            var ex = Assert.ThrowsExactly<InvalidDataException>(() => estimator.Fit(data.Load(ml, rows)));
            Assert.IsFalse(trained, "the data is checked before training");
            Assert.AreEqual(0, Directory.GetFileSystemEntries(ml.TempFilePath).Length, "the temporary images are deleted after a failure");
            return ex;
        }

        [TestMethod]
        public void BadRowsAreNamedByColumnAndRow()
        {
            StringAssert.Contains(FitFails(r => r[1].BoundingBoxes = r[1].BoundingBoxes.Take(r[1].BoundingBoxes.Length - 1).ToArray()).Message,
                "Column 'BoundingBoxes', row 1: " + (data.Rows[1].BoundingBoxes.Length - 1) + " values is not a multiple of 4 (each instance has x0, y0, x1, y1).");
            StringAssert.Contains(FitFails(r => r[2].Label = r[2].Label.Append("circle").ToArray()).Message,
                $"Column 'Label', row 2: {data.Rows[2].Label.Length + 1} labels but column 'BoundingBoxes' has {data.Rows[2].Label.Length} boxes");
            StringAssert.Contains(FitFails(r => r[0].Masks = r[0].Masks.Skip(1).ToArray()).Message,
                $"Column 'Masks', row 0: {data.Rows[0].Masks.Length - 1} masks but column 'BoundingBoxes' has {data.Rows[0].Masks.Length} boxes");
            StringAssert.Contains(FitFails(r => r[1].Masks[0] = "not RLE ~").Message,
                "Column 'Masks', row 1: instance 0 is not a COCO compressed RLE string of a 64x80 mask (the image's size)");
            string otherSize = RleMask.Encode(new byte[10 * 10], 10, 10).ToCompressedString();
            StringAssert.Contains(FitFails(r => r[2].Masks[0] = otherSize).Message, "Column 'Masks', row 2: instance 0 is not a COCO compressed RLE string of a 64x80 mask");
            StringAssert.Contains(FitFails(r => r[1].ImagePath = "").Message, "Column 'Image', row 1: the image is missing");
            StringAssert.Contains(FitFails(r => r[0].BoundingBoxes[2] = r[0].BoundingBoxes[0]).Message,
                "Column 'BoundingBoxes', row 0: instance 0 has the box");
            StringAssert.Contains(FitFails(r => r[0].BoundingBoxes[1] = float.NaN).Message, "Column 'BoundingBoxes', row 0: instance 0 has a box with a non-finite coordinate");
            StringAssert.Contains(FitFails(r => r[2].Label[0] = "").Message, "Column 'Label', row 2: instance 0 has an empty class name");
        }

        [TestMethod]
        public void BadKeysAreNamedByColumnAndRow()
        {
            var ml = new MLContext();
            var estimator = ml.Transforms.DetectInstances(MLNetTestData.TinyOptions(1));
            var rows = data.KeyRows();
            rows[1].Label[0] = 0;
            var ex = Assert.ThrowsExactly<InvalidDataException>(() => estimator.Fit(data.Load(ml, rows)));
            StringAssert.Contains(ex.Message, "Column 'Label', row 1: instance 0 has the missing key 0");
            rows = data.KeyRows();
            rows[2].Label[0] = 4;
            ex = Assert.ThrowsExactly<InvalidDataException>(() => estimator.Fit(data.Load(ml, rows)));
            StringAssert.Contains(ex.Message, "Column 'Label', row 2: instance 0 has key 4 but there are only 3 classes");
        }

        [TestMethod]
        public void MissingAndMistypedColumnsAreNamedAtFitAndInTheSchemaShape()
        {
            var ml = new MLContext();
            var estimator = ml.Transforms.DetectInstances(MLNetTestData.TinyOptions(1));
            void Refused(IDataView view, string message)
            {
                var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => estimator.Fit(view));
                StringAssert.Contains(ex.Message, message);
                ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(MLNetTestData.ShapeOf(view.Schema)));
                StringAssert.Contains(ex.Message, message);
            }

            Refused(data.Load(ml, data.Rows.Select(r => new NoMasksRow { ImagePath = r.ImagePath, Label = r.Label, BoundingBoxes = r.BoundingBoxes })),
                    "Could not find mask column 'Masks'");
            Refused(data.Load(ml, data.Rows.Select(r => new DoubleBoxesRow { ImagePath = r.ImagePath, Label = r.Label, BoundingBoxes = r.BoundingBoxes.Select(v => (double)v).ToArray(), Masks = r.Masks })),
                    "Schema mismatch for bounding box column 'BoundingBoxes': expected VarVector<Single>, got ");
            Refused(data.Load(ml, data.Rows.Select(r => new FloatLabelRow { ImagePath = r.ImagePath, Label = new float[r.Label.Length], BoundingBoxes = r.BoundingBoxes, Masks = r.Masks })),
                    "Schema mismatch for label column 'Label': expected VarVector<Key<UInt32>> or VarVector<String>");
            Refused(ml.Data.LoadFromEnumerable(data.Rows), "Could not find image column 'Image'");

            var renamed = ml.Transforms.DetectInstances(maskColumnName: "Segmentations");
            var view = data.Load(ml, data.Rows);
            var fitError = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => renamed.Fit(view));
            StringAssert.Contains(fitError.Message, "Could not find mask column 'Segmentations'");

            var options = MLNetTestData.TinyOptions(1);
            options.ValidationSet = ml.Data.LoadFromEnumerable(data.Rows);
            var validationError = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Transforms.DetectInstances(options).Fit(view));
            StringAssert.Contains(validationError.Message, "Could not find image column 'Image'");
        }

        [TestMethod]
        public void InvalidOptionsAreNamedWhenTheEstimatorIsCreated()
        {
            var ml = new MLContext();
            T Refused<T>(Action<MaskRcnnEstimator.Options> change, string message)
                where T : Exception
            {
                var options = MLNetTestData.TinyOptions(1);
                change(options);
                var ex = Assert.Throws<T>(() => ml.Transforms.DetectInstances(options));
                StringAssert.Contains(ex.Message, message);
                return ex;
            }

            Assert.AreEqual("ScoreThreshold", Refused<ArgumentOutOfRangeException>(o => o.ScoreThreshold = 1.5, "MaskRcnnEstimator.Options.ScoreThreshold: must be in [0, 1]").ParamName);
            Refused<ArgumentOutOfRangeException>(o => o.ScoreThreshold = double.NaN, "ScoreThreshold");
            Assert.AreEqual("LabelColumnName", Refused<ArgumentException>(o => o.LabelColumnName = " ", "MaskRcnnEstimator.Options.LabelColumnName: a column name is required").ParamName);
            Refused<ArgumentException>(o => o.PredictedMaskColumnName = "Score", "two output columns are both named 'Score'");
            Refused<ArgumentOutOfRangeException>(o => o.LogEveryNStep = 0, "MaskRcnnEstimator.Options.LogEveryNStep");
            Assert.AreEqual("BatchSize", Refused<ArgumentException>(o => o.Trainer.BatchSize = 0, "Invalid MaskRcnnTrainerOptions.BatchSize: must be positive").ParamName);
            Refused<ArgumentException>(o => o.Trainer.Model.FpnChannels = 0, "Invalid MaskRcnnOptions.FpnChannels");
            Refused<ArgumentNullException>(o => o.Trainer = null!, "MaskRcnnEstimator.Options.Trainer");
            // Zero epochs train nothing: allowed only when the whole network comes from InitialWeights.
            var ex = Assert.Throws<ArgumentException>(() => ml.Transforms.DetectInstances(maxEpoch: 0));
            StringAssert.Contains(ex.Message, "MaskRcnnTrainerOptions.Epochs: 0 (with MaxSteps 0) trains nothing");
            Refused<ArgumentException>(o => { o.Trainer.MaxSteps = 0; o.Trainer.Epochs = 0; o.Trainer.InitialWeights = "trained.pth"; },
                                       "needs InitialWeights with InitialWeightsIncludePredictors");
            Refused<ArgumentException>(o => { o.Trainer.MaxSteps = 0; o.Trainer.Epochs = -1; }, "Invalid MaskRcnnTrainerOptions.Epochs: must not be negative");
            var importOnly = MLNetTestData.TinyOptions(1);
            string weights = Path.Combine(Path.GetTempPath(), $"maskrcnn-import-{Guid.NewGuid():N}.pth");
            File.WriteAllBytes(weights, new byte[] { 1 });
            (importOnly.Trainer.MaxSteps, importOnly.Trainer.Epochs, importOnly.Trainer.InitialWeights, importOnly.Trainer.InitialWeightsIncludePredictors) = (0, 0, weights, true);
            Assert.IsNotNull(ml.Transforms.DetectInstances(importOnly));
            File.Delete(weights);
            ex = Assert.Throws<ArgumentException>(() => ml.Transforms.DetectInstances(scoreThreshold: -0.1));
            StringAssert.Contains(ex.Message, "ScoreThreshold");

            // The class count is the data's: whatever NumClasses holds is ignored.
            var options = MLNetTestData.TinyOptions(1);
            options.Trainer.Model.NumClasses = 0;
            Assert.IsNotNull(ml.Transforms.DetectInstances(options));
            // The estimator keeps its own copy of the options.
            var estimator = ml.Transforms.DetectInstances(options);
            options.ScoreThreshold = 0.9;
            options.Trainer.BatchSize = 5;
            Assert.AreEqual(0, estimator.GetOptions().ScoreThreshold);
            Assert.AreEqual(2, estimator.GetOptions().Trainer.BatchSize);
        }

        [TestMethod]
        public void KeyLabelsWithKeyValuesEmptyRowsAndAValidationSetTrain()
        {
            var ml = new MLContext(seed: 2);
            var messages = new List<string>();
            ml.Log += (_, e) => { lock (messages) messages.Add(e.RawMessage); };
            var rows = data.KeyRows().Append(new KeyLabelRow { ImagePath = data.Rows[0].ImagePath }).ToArray();
            var definition = SchemaDefinition.Create(typeof(KeyLabelRow));
            var names = new[] { "round", "four corners", "three corners" };
            definition["Label"].AddAnnotation("KeyValues", new VBuffer<ReadOnlyMemory<char>>(3, names.Select(n => n.AsMemory()).ToArray()),
                                              new VectorDataViewType(TextDataViewType.Instance, 3));
            var view = ml.Data.LoadFromEnumerable(rows, definition);
            var withImages = ml.Transforms.LoadImages("Image", data.Folder, nameof(KeyLabelRow.ImagePath)).Fit(view).Transform(view);
            var options = MLNetTestData.TinyOptions(2);
            options.ValidationSet = withImages;
            using var transformer = ml.Transforms.DetectInstances(options).Fit(withImages);

            CollectionAssert.AreEqual(names, transformer.ClassNames.ToArray(), "class names come from the label's KeyValues");
            Assert.IsTrue(messages.Any(m => m.StartsWith("Training data: 4 images", StringComparison.Ordinal)), "the row without instances is kept");
            Assert.IsTrue(messages.Any(m => m.StartsWith("Validation after step 2: box AP", StringComparison.Ordinal)), string.Join("\n", messages));
            Assert.AreEqual(1, transformer.TrainingResult!.Evaluations.Count);
            var predicted = transformer.Transform(withImages).GetColumn<VBuffer<uint>>("PredictedLabel").ToList();
            Assert.AreEqual(4, predicted.Count);
            Assert.IsTrue(predicted.SelectMany(v => v.DenseValues()).All(k => k is >= 1 and <= 3));

            // Without KeyValues the names are the keys.
            using var plain = ml.Transforms.DetectInstances(MLNetTestData.TinyOptions(1)).Fit(data.Load(ml, data.KeyRows()));
            CollectionAssert.AreEqual(new[] { "1", "2", "3" }, plain.ClassNames.ToArray());
        }
    }
}
