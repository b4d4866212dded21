using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.Transforms.Image;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.MLNet
{
    /// <summary>
    /// <c>EvaluateInstances</c> on hand-made scored rows (no network): the expected AP values are derived by hand from COCO's
    /// definition (IoU thresholds 0.50, 0.55, ..., 0.95; precision interpolated at 101 recall points).
    /// </summary>
    [TestClass]
    public sealed class InstanceEvaluationTests
    {
        private const int Size = 100;

        public sealed class ScoredRow
        {
            [ImageType(Size, Size)]
            public MLImage? Image { get; set; }

            [KeyType(3)]
            public uint[] Label { get; set; } = Array.Empty<uint>();

            public float[] BoundingBoxes { get; set; } = Array.Empty<float>();
            public string[] Masks { get; set; } = Array.Empty<string>();

            [KeyType(3)]
            public uint[] PredictedLabel { get; set; } = Array.Empty<uint>();

            public float[] Score { get; set; } = Array.Empty<float>();
            public float[] PredictedBoundingBoxes { get; set; } = Array.Empty<float>();
            public string[] PredictedMasks { get; set; } = Array.Empty<string>();
        }

        public sealed class TextScoredRow
        {
            [ImageType(Size, Size)]
            public MLImage? Image { get; set; }

            public string[] Label { get; set; } = Array.Empty<string>();
            public float[] BoundingBoxes { get; set; } = Array.Empty<float>();
            public string[] Masks { get; set; } = Array.Empty<string>();

            [KeyType(3)]
            public uint[] PredictedLabel { get; set; } = Array.Empty<uint>();

            public float[] Score { get; set; } = Array.Empty<float>();
            public float[] PredictedBoundingBoxes { get; set; } = Array.Empty<float>();
            public string[] PredictedMasks { get; set; } = Array.Empty<string>();
        }

        private static MLImage Blank() => MLImage.CreateFromPixels(Size, Size, MLPixelFormat.Bgra32, new byte[Size * Size * 4]);

        /// <summary>The RLE string of the filled rectangle [x0, x1) x [y0, y1) on the 100 x 100 image.</summary>
        private static string Rectangle(int x0, int y0, int x1, int y1)
        {
            var mask = new byte[Size * Size];
            for (int y = y0; y < y1; y++)
                for (int x = x0; x < x1; x++) mask[y * Size + x] = 1;
            return RleMask.Encode(mask, Size, Size).ToCompressedString();
        }

        /// <summary>One instance: class, rectangle (as box and mask).</summary>
        private static (uint Label, float[] Box, string Mask) Instance(uint label, int x0, int y0, int x1, int y1) =>
            (label, new float[] { x0, y0, x1, y1 }, Rectangle(x0, y0, x1, y1));

        private static ScoredRow Row((uint Label, float[] Box, string Mask)[] truth, (uint Label, float[] Box, string Mask, float Score)[] detections) => new()
        {
            Image = Blank(),
            Label = truth.Select(t => t.Label).ToArray(),
            BoundingBoxes = truth.SelectMany(t => t.Box).ToArray(),
            Masks = truth.Select(t => t.Mask).ToArray(),
            PredictedLabel = detections.Select(d => d.Label).ToArray(),
            Score = detections.Select(d => d.Score).ToArray(),
            PredictedBoundingBoxes = detections.SelectMany(d => d.Box).ToArray(),
            PredictedMasks = detections.Select(d => d.Mask).ToArray(),
        };

        private static (uint, float[], string, float) Detection((uint Label, float[] Box, string Mask) instance, float score) =>
            (instance.Label, instance.Box, instance.Mask, score);

        /// <summary>
        /// Equal within 1e-12: COCO's precision tp / (tp + fp + 2^-52) makes a perfect AP 0.9999999999999998, as in pycocotools.
        /// </summary>
        private static void AssertClose(double[] expected, IEnumerable<double> actual)
        {
            var values = actual.ToArray();
            Assert.AreEqual(expected.Length, values.Length);
            for (int i = 0; i < values.Length; i++) Assert.AreEqual(expected[i], values[i], 1e-12, $"class {i + 1}");
        }

        private static InstanceSegmentationMetrics Evaluate(params ScoredRow[] rows)
        {
            var ml = new MLContext();
            return ml.Transforms.EvaluateInstances(ml.Data.LoadFromEnumerable(rows));
        }

        [TestMethod]
        public void PerfectPredictionsScoreOneEverywhereAndAClassWithoutGroundTruthIsUnmeasured()
        {
            var a = Instance(1, 10, 10, 50, 50);
            var b = Instance(2, 20, 55, 60, 95);
            var c = Instance(1, 55, 5, 90, 40);
            var metrics = Evaluate(Row(new[] { a, b }, new[] { Detection(a, 0.9f), Detection(b, 0.8f) }),
                                   Row(new[] { c }, new[] { Detection(c, 0.7f) }));
            Assert.AreEqual(1f, metrics.MAP50);
            Assert.AreEqual(1f, metrics.MAP50_95);
            Assert.AreEqual(1f, metrics.MaskMAP50);
            Assert.AreEqual(1f, metrics.MaskMAP50_95);
            AssertClose(new[] { 1.0, 1.0, -1.0 }, metrics.PerClass.Select(p => p.BoxAP));
            AssertClose(new[] { 1.0, 1.0, -1.0 }, metrics.PerClass.Select(p => p.MaskAP));
            CollectionAssert.AreEqual(new[] { 2, 1, 0 }, metrics.PerClass.Select(p => p.Instances).ToArray());
            CollectionAssert.AreEqual(new[] { "1", "2", "3" }, metrics.PerClass.Select(p => p.Name).ToArray(), "without KeyValues, names are the keys");
            Assert.AreEqual((2, 3, 3), (metrics.ImageCount, metrics.InstanceCount, metrics.DetectionCount));
            // Areas 1225 to 1600 px are all "medium" (32² to 96²).
            Assert.AreEqual(1.0, metrics.Boxes.APMedium, 1e-12);
            Assert.AreEqual(-1.0, metrics.Boxes.APSmall);
            Assert.AreEqual(-1.0, metrics.Boxes.APLarge);
        }

        [TestMethod]
        public void AShiftedDetectionCountsAtTheThresholdsItsIoUReaches()
        {
            // Class 2's detection is shifted 8 px right: IoU = (32 x 40) / (2 x 1600 - 1280) = 2/3, a match at IoU thresholds
            // 0.50, 0.55, 0.60 and 0.65 only, so its AP is 4/10; AP50 stays 1. Class 1 is perfect. Masks are the same rectangles.
            var a = Instance(1, 10, 10, 50, 50);
            var b = Instance(2, 20, 30, 60, 70);
            var shifted = Instance(2, 28, 30, 68, 70);
            var metrics = Evaluate(Row(new[] { a, b }, new[] { Detection(a, 0.9f), Detection(shifted, 0.8f) }));
            AssertClose(new[] { 1.0, 0.4, -1.0 }, metrics.PerClass.Select(p => p.BoxAP));
            AssertClose(new[] { 1.0, 0.4, -1.0 }, metrics.PerClass.Select(p => p.MaskAP));
            Assert.AreEqual(1f, metrics.MAP50);
            Assert.AreEqual(0.7f, metrics.MAP50_95);
            Assert.AreEqual(1f, metrics.MaskMAP50);
            Assert.AreEqual(0.7f, metrics.MaskMAP50_95);
            Assert.AreEqual(0.5, metrics.Boxes.AP75, 1e-12, "AP75: class 1 matches, class 2 does not");
            Assert.AreEqual(0.7, metrics.Boxes.AR100, 1e-12, "recall: class 1 at every threshold, class 2 at 4 of 10");
        }

        [TestMethod]
        public void AHigherScoredFalsePositiveHalvesThePrecision()
        {
            // Ranked: the false positive (0.9), then the match (0.8): recall 1 is reached at precision 1/2, so AP = 0.5.
            var a = Instance(1, 10, 10, 50, 50);
            var wrong = Instance(1, 60, 60, 95, 95);
            var metrics = Evaluate(Row(new[] { a }, new[] { Detection(wrong, 0.9f), Detection(a, 0.8f) }));
            Assert.AreEqual(0.5, metrics.PerClass[0].BoxAP, 1e-12);
            Assert.AreEqual(0.5, metrics.PerClass[0].MaskAP, 1e-12);
            Assert.AreEqual(0.5f, metrics.MAP50);

            // Scored the other way round, the false positive comes after recall 1 and costs nothing.
            metrics = Evaluate(Row(new[] { a }, new[] { Detection(wrong, 0.7f), Detection(a, 0.8f) }));
            Assert.AreEqual(1.0, metrics.PerClass[0].BoxAP, 1e-12);
        }

        [TestMethod]
        public void TextGroundTruthIsMatchedToThePredictedKeyValues()
        {
            var a = Instance(1, 10, 10, 50, 50);
            var b = Instance(3, 20, 55, 60, 95);
            var shifted = Instance(3, 28, 55, 68, 95);
            var names = new[] { "cat", "dog", "fox" };
            var row = new TextScoredRow
            {
                Image = Blank(),
                Label = new[] { "cat", "fox" },
                BoundingBoxes = a.Box.Concat(b.Box).ToArray(),
                Masks = new[] { a.Mask, b.Mask },
                PredictedLabel = new uint[] { 1, 3 },
                Score = new[] { 0.9f, 0.8f },
                PredictedBoundingBoxes = a.Box.Concat(shifted.Box).ToArray(),
                PredictedMasks = new[] { a.Mask, shifted.Mask },
            };
            var ml = new MLContext();
            var definition = SchemaDefinition.Create(typeof(TextScoredRow));
            definition["PredictedLabel"].AddAnnotation("KeyValues", new VBuffer<ReadOnlyMemory<char>>(3, names.Select(n => n.AsMemory()).ToArray()),
                                                       new VectorDataViewType(TextDataViewType.Instance, 3));
            var metrics = ml.Transforms.EvaluateInstances(ml.Data.LoadFromEnumerable(new[] { row }, definition));
            CollectionAssert.AreEqual(names, metrics.PerClass.Select(p => p.Name).ToArray());
            AssertClose(new[] { 1.0, -1.0, 0.4 }, metrics.PerClass.Select(p => p.BoxAP));
            StringAssert.Contains(metrics.FormatSummary(), "| fox ");

            row.Label = new[] { "cat", "wolf" };
            var ex = Assert.ThrowsExactly<InvalidDataException>(() => ml.Transforms.EvaluateInstances(ml.Data.LoadFromEnumerable(new[] { row }, definition)));
            StringAssert.Contains(ex.Message, "Column 'Label', row 0: instance 1 has class 'wolf', which is not one of the model's classes (cat, dog, fox)");
        }

        [TestMethod]
        public void TheFullTablesAndTheSummaryAreReported()
        {
            var a = Instance(1, 10, 10, 50, 50);
            var metrics = Evaluate(Row(new[] { a }, new[] { Detection(a, 0.9f) }));
            Assert.AreEqual(12, metrics.Boxes.Stats.Count);
            Assert.AreEqual(12, metrics.Masks.Stats.Count);
            string summary = metrics.FormatSummary();
            StringAssert.Contains(summary, "Boxes (bbox):\n Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 1.000");
            StringAssert.Contains(summary, "Masks (segm):\n");
            StringAssert.Contains(summary, "MAP50 1.0000  MAP50_95 1.0000  MaskMAP50 1.0000  MaskMAP50_95 1.0000");
        }

        [TestMethod]
        public void BadScoredRowsAreNamedByColumnAndRow()
        {
            var a = Instance(1, 10, 10, 50, 50);
            var good = Row(new[] { a }, new[] { Detection(a, 0.9f) });
            InvalidDataException Fails(Action<ScoredRow> damage)
            {
                var bad = Row(new[] { a }, new[] { Detection(a, 0.9f) });
                damage(bad);
                return Assert.ThrowsExactly<InvalidDataException>(() => Evaluate(good, bad));
            }

            StringAssert.Contains(Fails(r => r.PredictedBoundingBoxes = new float[] { 1, 2, 3 }).Message,
                "Column 'PredictedBoundingBoxes', row 1: 3 values is not a multiple of 4");
            StringAssert.Contains(Fails(r => r.Score = new[] { 0.5f, 0.4f }).Message,
                "Column 'Score', row 1: 2 scores but column 'PredictedBoundingBoxes' has 1 boxes");
            StringAssert.Contains(Fails(r => r.PredictedLabel = new uint[] { 0 }).Message,
                "Column 'PredictedLabel', row 1: instance 0 has the missing key 0");
            StringAssert.Contains(Fails(r => r.PredictedMasks = new[] { "not rle" }).Message,
                "Column 'PredictedMasks', row 1: instance 0 is not a COCO compressed RLE string of a 100x100 mask");
            StringAssert.Contains(Fails(r => r.Label = new uint[] { 1, 2 }).Message,
                "Column 'Label', row 1: 2 labels but column 'BoundingBoxes' has 1 boxes");
            StringAssert.Contains(Fails(r => r.Image = null).Message, "Column 'Image', row 1: the image is missing");

            var ml = new MLContext();
            var noScores = ml.Data.LoadFromEnumerable(new[] { good });
            var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Transforms.EvaluateInstances(noScores, scoreColumnName: "Confidence"));
            StringAssert.Contains(ex.Message, "Could not find score column 'Confidence'");
            ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Transforms.EvaluateInstances(noScores, predictedLabelColumnName: "Score"));
            StringAssert.Contains(ex.Message, "Schema mismatch for predicted label column 'Score': expected VarVector<Key<UInt32>>");
        }
    }
}
