using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Security.Cryptography;
using System.Threading.Tasks;
using Microsoft.ML.Data;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Onnx;
using Microsoft.ML.MaskRcnn.Tests.MLNet;
using Microsoft.ML.MaskRcnn.Training;
using Microsoft.ML.Runtime;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

using static Microsoft.ML.MaskRcnn.Tests.MLNet.ModelZip;

namespace Microsoft.ML.MaskRcnn.Tests.Onnx
{
    /// <summary>
    /// Scoring in ML.NET without TorchSharp: <c>DetectInstancesWithOnnx</c> over an exported network against the TorchSharp
    /// transformer of the same network (same columns, same detections), saved and loaded in ML.NET's zip, damaged zips
    /// refused by name, and bad options, files and columns reported clearly.
    /// </summary>
    [TestClass]
    public sealed class OnnxTransformerTests
    {
        private const string Dir = "TransformerChain/Transform_001/";
        private static readonly string[] Names = { "circle", "square", "triangle" };
        private static MLNetTestData data = null!;
        private static MLContext ml = null!;
        private static MaskRcnnTransformer torchTransformer = null!;
        private static string onnxPath = "";
        private static IDataView images = null!;

        [ClassInitialize]
        public static void Export(TestContext context)
        {
            data = MLNetTestData.Create(3, seed: 5);
            ml = new MLContext(seed: 1);
            images = data.Load(ml, data.Rows.Select(r => new PathInput { ImagePath = r.ImagePath }));
            var network = OnnxExportEqualityTests.MainJobNetwork();
            var categories = new CategoryMap(Names.Select((n, i) => ((long)(i + 1), n)));
            torchTransformer = new MaskRcnnTransformer(ml, new TrainedMaskRcnn(network, categories, torch.CPU), Names,
                new InstanceOutputColumns("Image", "PredictedLabel", "Score", "PredictedBoundingBoxes", "PredictedMasks"), 0.2, null);
            onnxPath = OnnxExportEqualityTests.TemporaryOnnx();
            MaskRcnnOnnxExporter.Export(torchTransformer, onnxPath);
        }

        [ClassCleanup]
        public static void Cleanup()
        {
            torchTransformer?.Dispose();
            if (File.Exists(onnxPath)) File.Delete(onnxPath);
        }

        /// <summary>The four output columns of every row.</summary>
        private sealed record Rows(uint[][] Labels, float[][] Scores, float[][] Boxes, string[][] Masks);

        private static Rows Read(IDataView scored, string prefix = "") => new(
            scored.GetColumn<VBuffer<uint>>(prefix + "PredictedLabel").Select(v => v.DenseValues().ToArray()).ToArray(),
            scored.GetColumn<VBuffer<float>>(prefix + "Score").Select(v => v.DenseValues().ToArray()).ToArray(),
            scored.GetColumn<VBuffer<float>>(prefix + "PredictedBoundingBoxes").Select(v => v.DenseValues().ToArray()).ToArray(),
            scored.GetColumn<VBuffer<ReadOnlyMemory<char>>>(prefix + "PredictedMasks").Select(v => v.DenseValues().Select(m => m.ToString()).ToArray()).ToArray());

        private static void AssertIdentical(Rows expected, Rows actual, string what)
        {
            for (int r = 0; r < expected.Labels.Length; r++)
            {
                CollectionAssert.AreEqual(expected.Labels[r], actual.Labels[r], $"{what}: labels of row {r}");
                CollectionAssert.AreEqual(expected.Scores[r], actual.Scores[r], $"{what}: scores of row {r}");
                CollectionAssert.AreEqual(expected.Boxes[r], actual.Boxes[r], $"{what}: boxes of row {r}");
                CollectionAssert.AreEqual(expected.Masks[r], actual.Masks[r], $"{what}: masks of row {r}");
            }
        }

        [TestMethod]
        public void TheOnnxTransformerOutputsWhatTheTorchSharpTransformerDoes()
        {
            var expected = torchTransformer.Transform(images);
            using var onnx = ml.Transforms.DetectInstancesWithOnnx(onnxPath, scoreThreshold: 0.2).Fit(images);
            var actual = onnx.Transform(images);
            foreach (string column in new[] { "PredictedLabel", "Score", "PredictedBoundingBoxes", "PredictedMasks" })
                Assert.AreEqual(expected.Schema[column].Type, actual.Schema[column].Type, $"the type of {column}");
            CollectionAssert.AreEqual(Names, InstanceColumns.GetKeyValues(actual.Schema["PredictedLabel"], 3), "KeyValues are the class names");
            CollectionAssert.AreEqual(Names, onnx.ClassNames.ToArray());

            var torchRows = Read(expected);
            var onnxRows = Read(actual);
            int detections = 0, swaps = 0;
            long maskPixels = 0, differingPixels = 0;
            for (int r = 0; r < torchRows.Labels.Length; r++)
            {
                int count = torchRows.Labels[r].Length;
                Assert.AreEqual(count, onnxRows.Labels[r].Length, $"row {r}: detections");
                var (height, width) = (data.Dataset.Load(r).Image.Height, data.Dataset.Load(r).Image.Width);
                var used = new bool[count];
                for (int i = 0; i < count; i++)
                {
                    // The same detection at the same place, unless two scores a rounding apart change places.
                    bool Matches(int j) => !used[j] && onnxRows.Labels[r][j] == torchRows.Labels[r][i]
                                           && Math.Abs(onnxRows.Scores[r][j] - torchRows.Scores[r][i]) <= 1e-4
                                           && Enumerable.Range(0, 4).All(k => Math.Abs(onnxRows.Boxes[r][4 * j + k] - torchRows.Boxes[r][4 * i + k]) <= 1e-3);
                    int match = Matches(i) ? i : Enumerable.Range(0, count).FirstOrDefault(j => Math.Abs(j - i) <= 2 && Matches(j), -1);
                    Assert.IsTrue(match >= 0, $"row {r}: detection {i} (label {torchRows.Labels[r][i]}, score {torchRows.Scores[r][i]}) has no counterpart");
                    if (match != i)
                    {
                        swaps++;
                        Assert.IsTrue(Math.Abs(torchRows.Scores[r][match] - torchRows.Scores[r][i]) <= 1e-5, $"row {r}: detections {i} and {match} changed places");
                    }
                    used[match] = true;
                    var ours = RleMask.FromCompressedString(torchRows.Masks[r][i], height, width).Decode();
                    var theirs = RleMask.FromCompressedString(onnxRows.Masks[r][match], height, width).Decode();
                    maskPixels += ours.Sum(b => b);
                    differingPixels += ours.Zip(theirs, (a, b) => a != b ? 1 : 0).Sum();
                }
                detections += count;
            }
            Console.WriteLine($"{detections} detections in {torchRows.Labels.Length} rows ({swaps} near-tie swaps); {differingPixels} of {maskPixels} mask pixels differ");
            Assert.IsTrue(detections >= 10, $"the network detects enough to compare ({detections})");
            // The paste is shared; the 28x28 probabilities agree within about 3e-5 (OnnxExportEqualityTests), so a pixel
            // differs only where its pasted probability is that close to the threshold (1 in 16,800 here).
            Assert.IsTrue(differingPixels <= maskPixels / 1000, $"{differingPixels} of {maskPixels} mask pixels differ");
        }

        [TestMethod]
        public void APredictionEngineFillsTheSharedPredictionClass()
        {
            using var onnx = ml.Transforms.DetectInstancesWithOnnx(onnxPath, scoreThreshold: 0.2).Fit(images);
            using var engine = ml.Model.CreatePredictionEngine<ImageInput, InstanceSegmentationPrediction>(onnx, new PredictionEngineOptions { OwnsTransformer = false });
            var expected = Read(onnx.Transform(images));
            for (int r = 0; r < data.Rows.Length; r++)
            {
                using var image = MLImage.CreateFromFile(data.ImagePath(r));
                var prediction = engine.Predict(new ImageInput { Image = image });
                CollectionAssert.AreEqual(expected.Labels[r], prediction.PredictedLabel);
                CollectionAssert.AreEqual(expected.Scores[r], prediction.Score);
                CollectionAssert.AreEqual(expected.Masks[r], prediction.PredictedMasks);
                var instances = prediction.ToInstances(onnx.ClassNames, image.Height, image.Width);
                Assert.IsTrue(instances.All(i => i.CategoryName == Names[i.Label - 1]));
            }
        }

        [TestMethod]
        public void FourThreadsWithTheirOwnEnginesGetWhatOneThreadGets()
        {
            using var onnx = ml.Transforms.DetectInstancesWithOnnx(onnxPath, scoreThreshold: 0.2).Fit(images);
            var expected = Read(onnx.Transform(images));
            var results = new InstanceSegmentationPrediction[4][];
            Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, t =>
            {
                using var engine = ml.Model.CreatePredictionEngine<ImageInput, InstanceSegmentationPrediction>(onnx, new PredictionEngineOptions { OwnsTransformer = false });
                results[t] = Enumerable.Range(0, data.Rows.Length).Select(r =>
                {
                    using var image = MLImage.CreateFromFile(data.ImagePath(r));
                    return engine.Predict(new ImageInput { Image = image });
                }).ToArray();
            });
            foreach (var thread in results)
                for (int r = 0; r < data.Rows.Length; r++)
                {
                    CollectionAssert.AreEqual(expected.Scores[r], thread[r].Score);
                    CollectionAssert.AreEqual(expected.Boxes[r], thread[r].PredictedBoundingBoxes);
                    CollectionAssert.AreEqual(expected.Masks[r], thread[r].PredictedMasks);
                }
        }

        /// <summary>LoadImages -> DetectInstancesWithOnnx, fitted on paths, saved as ML.NET's zip.</summary>
        private static (ITransformer model, byte[] zip, IDataView paths) SavedPipeline(double threshold, string prefix = "")
        {
            var paths = ml.Data.LoadFromEnumerable(data.Rows.Select(r => new PathInput { ImagePath = r.ImagePath }));
            var pipeline = ml.Transforms.LoadImages("Picture", data.Folder, nameof(PathInput.ImagePath))
                .Append(ml.Transforms.DetectInstancesWithOnnx(new MaskRcnnOnnxEstimator.Options
                {
                    ModelFile = onnxPath,
                    ImageColumnName = "Picture",
                    PredictedLabelColumnName = prefix + "PredictedLabel",
                    ScoreColumnName = prefix + "Score",
                    PredictedBoundingBoxColumnName = prefix + "PredictedBoundingBoxes",
                    PredictedMaskColumnName = prefix + "PredictedMasks",
                    ScoreThreshold = threshold,
                }));
            var model = pipeline.Fit(paths);
            using var stream = new MemoryStream();
            ml.Model.Save(model, paths.Schema, stream);
            return (model, stream.ToArray(), paths);
        }

        [TestMethod]
        public void ASavedPipelineLoadsInANewContextAndPredictsTheSame()
        {
            var (model, zip, paths) = SavedPipeline(0.3, prefix: "My");
            var expected = Read(model.Transform(paths), "My");
            (model as IDisposable)?.Dispose();
            Assert.IsTrue(expected.Scores.All(s => s.All(v => v >= 0.3f)), "the threshold applies");

            var entries = Entries(zip);
            CollectionAssert.AreEqual(File.ReadAllBytes(onnxPath), entries[Dir + "Model.onnx"], "the ONNX file is kept byte for byte");

            var loaded = new MLContext().Model.Load(new MemoryStream(zip), out var schema);
            try
            {
                var onnx = ((TransformerChain<ITransformer>)loaded).LastTransformer as MaskRcnnOnnxTransformer;
                Assert.IsNotNull(onnx, "the chain ends in the ONNX transformer");
                Assert.AreEqual(0.3, onnx.ScoreThreshold);
                Assert.AreEqual("Picture", onnx.ImageColumnName);
                Assert.AreEqual("MyPredictedMasks", onnx.PredictedMaskColumnName);
                var scored = loaded.Transform(ml.Data.LoadFromEnumerable(data.Rows.Select(r => new PathInput { ImagePath = r.ImagePath })));
                AssertIdentical(expected, Read(scored, "My"), "loaded");
                CollectionAssert.AreEqual(Names, InstanceColumns.GetKeyValues(scored.Schema["MyPredictedLabel"], 3));
            }
            finally
            {
                (loaded as IDisposable)?.Dispose();
            }
        }

        [TestMethod]
        public void DamagedMissingOrForeignOnnxStreamsAreNamed()
        {
            var (model, zip, _) = SavedPipeline(0.5);
            (model as IDisposable)?.Dispose();
            var entries = Entries(zip);
            var graph = entries[Dir + "Model.onnx"];

            entries[Dir + "Model.onnx"] = graph.AsSpan(0, graph.Length / 2).ToArray();
            var ex = LoadFails(Zip(entries));
            StringAssert.Contains(ex.Message, $"the stream '{Dir}Model.onnx' (the ONNX graph) is damaged");
            StringAssert.Contains(ex.Message, $"entry '{Dir}Model.key' of the model stream");

            entries[Dir + "Model.onnx"] = graph.Select((b, i) => i == graph.Length / 2 ? (byte)(b ^ 0x10) : b).ToArray();
            StringAssert.Contains(LoadFails(Zip(entries)).Message, "(the ONNX graph) is damaged");

            entries.Remove(Dir + "Model.onnx");
            StringAssert.Contains(LoadFails(Zip(entries)).Message, $"the stream '{Dir}Model.onnx' (the ONNX graph) is missing");

            // Recorded as a writer would, but not a model ONNX Runtime opens, or not one of ours.
            entries = Entries(zip);
            ReplaceOnnx(entries, new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 });
            StringAssert.Contains(LoadFails(Zip(entries)).Message, $"ONNX Runtime cannot load the model '{Dir}Model.onnx'");
            ReplaceOnnx(entries, File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx")));
            StringAssert.Contains(LoadFails(Zip(entries)).Message, "was not written by MaskRcnnOnnxExporter");
        }

        [TestMethod]
        public void ADamagedModelBlockOrAZipBombIsRefused()
        {
            var (model, zip, _) = SavedPipeline(0.5);
            (model as IDisposable)?.Dispose();
            var entries = Entries(zip);
            var key = entries[Dir + "Model.key"];
            int block = (int)BinaryPrimitives.ReadInt64LittleEndian(key.AsSpan(0x10));
            // The threshold, after five string ids.
            BinaryPrimitives.WriteDoubleLittleEndian(key.AsSpan(block + 5 * 4), 0.75);
            StringAssert.Contains(LoadFails(Zip(entries)).Message, "the model block is damaged");
            BinaryPrimitives.WriteDoubleLittleEndian(key.AsSpan(block + 5 * 4), 7);
            StringAssert.Contains(LoadFails(Zip(entries)).Message, "the score threshold 7 is not in [0, 1]");

            // A deflate bomb whose length is recorded as the writer would: refused by its inflation ratio, not inflated.
            entries = Entries(zip);
            var bomb = new byte[256 << 20];
            ReplaceOnnx(entries, bomb, hash: new byte[32]);
            var ex = LoadFails(Zip(entries));
            StringAssert.Contains(ex.Message, "a zip bomb, not inflated");
            StringAssert.Contains(ex.Message, Dir + "Model.onnx");
        }

        [TestMethod]
        public void BadOptionsFilesAndColumnsAreReportedByName()
        {
            Assert.ThrowsExactly<ArgumentException>(() => ml.Transforms.DetectInstancesWithOnnx(""), "ModelFile");
            StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
                ml.Transforms.DetectInstancesWithOnnx(onnxPath, scoreThreshold: 1.5)).Message, "ScoreThreshold");
            StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() =>
                ml.Transforms.DetectInstancesWithOnnx(onnxPath, predictedMaskColumnName: " ")).Message, "PredictedMaskColumnName");
            StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
                ml.Transforms.DetectInstancesWithOnnx(new MaskRcnnOnnxEstimator.Options { ModelFile = onnxPath, GpuDeviceId = -1 })).Message, "GpuDeviceId");

            string missing = Path.Combine(data.Folder, "missing.onnx");
            var notFound = Assert.ThrowsExactly<FileNotFoundException>(() => ml.Transforms.DetectInstancesWithOnnx(missing).Fit(images));
            StringAssert.Contains(notFound.Message, missing);

            var noImage = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
                ml.Transforms.DetectInstancesWithOnnx(onnxPath, imageColumnName: "Photo").Fit(images));
            StringAssert.Contains(noImage.Message, "Photo");
            var shape = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
                ml.Transforms.DetectInstancesWithOnnx(onnxPath).GetOutputSchema(MLNetTestData.ShapeOf(ml.Data.LoadFromEnumerable(new[] { new PathInput() }).Schema)));
            StringAssert.Contains(shape.Message, "Image");

            using var onnx = ml.Transforms.DetectInstancesWithOnnx(onnxPath).Fit(images);
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => onnx.ScoreThreshold = -0.1);
            onnx.Dispose();
            var disposed = Assert.Throws<Exception>(() => onnx.Transform(images).GetColumn<VBuffer<float>>("Score").ToArray());
            Assert.IsTrue(Chain(disposed).Any(e => e is ObjectDisposedException), disposed.ToString());
        }

        [TestMethod]
        public void AGpuThatIsNotThereIsAnErrorOrACpuFallbackWithAWarning()
        {
            // This machine's ONNX Runtime package has no CUDA execution provider.
            var options = new MaskRcnnOnnxEstimator.Options { ModelFile = onnxPath, GpuDeviceId = 0, ScoreThreshold = 0.2 };
            var ex = Assert.ThrowsExactly<InvalidOperationException>(() => ml.Transforms.DetectInstancesWithOnnx(options).Fit(images));
            StringAssert.Contains(ex.Message, "CUDA device 0");

            var warnings = new List<string>();
            var context = new MLContext(seed: 1);
            context.Log += (_, e) => { if (e.Kind == ChannelMessageKind.Warning) lock (warnings) warnings.Add(e.Message); };
            options.FallbackToCpu = true;
            options.IntraOpNumThreads = 1;
            using var onnx = context.Transforms.DetectInstancesWithOnnx(options).Fit(images);
            Assert.IsTrue(warnings.Any(w => w.Contains("running on the CPU")), string.Join("; ", warnings));
            using var reference = ml.Transforms.DetectInstancesWithOnnx(onnxPath, scoreThreshold: 0.2).Fit(images);
            AssertIdentical(Read(reference.Transform(images)), Read(onnx.Transform(images)), "one thread on the CPU");
        }

        private static IEnumerable<Exception> Chain(Exception e)
        {
            for (Exception? c = e; c is not null; c = c.InnerException) yield return c;
        }

        private static void ReplaceOnnx(Dictionary<string, byte[]> entries, byte[] bytes, byte[]? hash = null)
        {
            entries[Dir + "Model.onnx"] = bytes;
            var key = entries[Dir + "Model.key"];
            // After five string ids and the threshold: the length and SHA-256 of Model.onnx.
            int at = (int)BinaryPrimitives.ReadInt64LittleEndian(key.AsSpan(0x10)) + 5 * 4 + 8;
            BinaryPrimitives.WriteInt64LittleEndian(key.AsSpan(at), bytes.Length);
            (hash ?? SHA256.HashData(bytes)).CopyTo(key.AsSpan(at + 8));
        }
    }
}
