using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.MaskRcnn.Imaging;
using Microsoft.ML.MaskRcnn.Modeling;
using Microsoft.ML.MaskRcnn.Onnx;
using Microsoft.ML.MaskRcnn.Scoring;
using Microsoft.ML.MaskRcnn.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.MaskRcnn.Tests.Onnx
{
    /// <summary>
    /// Scoring without libtorch (Microsoft.ML.MaskRcnn.Scoring): its C# bilinear resizing against libtorch's interpolate,
    /// its image preparation against the network's transform, its mask paste (which the TorchSharp path shares) against
    /// torchvision's algorithm in libtorch ops, and a whole scored image against the TorchSharp model's prediction.
    /// </summary>
    [TestClass]
    public class OnnxScorerTests
    {
        [TestMethod]
        [DataRow(37, 53, 80, 64)]
        [DataRow(37, 53, 20, 31)]
        [DataRow(30, 30, 30, 30)]
        [DataRow(30, 30, 1, 1)]
        [DataRow(1, 1, 5, 7)]
        public void BilinearResizeEqualsLibtorchsInterpolate(int height, int width, int outHeight, int outWidth)
        {
            using var scope = NewDisposeScope();
            var source = torch.rand(new long[] { 1, 3, height, width }, generator: new Generator(1));
            var expected = F.interpolate(source, new long[] { outHeight, outWidth }, mode: InterpolationMode.Bilinear, align_corners: false);
            var ours = BilinearResize.Resize(source.flatten().data<float>().ToArray(), 3, height, width, outHeight, outWidth);
            var theirs = expected.flatten().data<float>().ToArray();
            Assert.AreEqual(theirs.Length, ours.Length);
            double worst = ours.Zip(theirs, (a, b) => (double)Math.Abs(a - b)).Max();
            // Values in [0, 1]: two float32 ulps at 1 (without the fused multiply-adds it was 1.7e-6).
            Assert.IsTrue(worst <= 2.5e-7, $"largest difference {worst:E2}");
        }

        [TestMethod]
        [DataRow(150, 200)]
        [DataRow(97, 131)]
        [DataRow(64, 64)]
        public void PreparedImageEqualsTheNetworksTransform(int height, int width)
        {
            using var scope = NewDisposeScope();
            using var model = OnnxExportEqualityTests.MainJobNetwork();
            var (image, rgb) = RandomImage(height, width, seed: height);
            var (batch, sizes, _) = model.Transform.Transform(new[] { SampleTensors.Image(image) }, null, training: false);
            var prepared = ImagePreparation.Prepare(rgb, width, height, Settings(model));
            Assert.AreEqual((int)sizes[0].height, prepared.Height);
            Assert.AreEqual((int)sizes[0].width, prepared.Width);
            Assert.AreEqual((int)batch.shape[2], prepared.PaddedHeight);
            Assert.AreEqual((int)batch.shape[3], prepared.PaddedWidth);
            // The resize's one ulp, of the values it blends: the main job's normalisation reaches magnitudes above 100.
            var expected = batch.flatten().data<float>().ToArray();
            double magnitude = expected.Max(v => Math.Abs(v));
            double worst = prepared.Batch.Zip(expected, (a, b) => (double)Math.Abs(a - b)).Max();
            Assert.IsTrue(worst <= 2.5e-7 * magnitude, $"largest difference {worst:E2} for values up to {magnitude:F1}");
        }

        [TestMethod]
        public void PastedMasksEqualTorchvisionsPasteInLibtorchOps()
        {
            using var scope = NewDisposeScope();
            var masks = torch.rand(new long[] { 5, 1, 28, 28 }, generator: new Generator(2));
            // Inside, across each border, tiny, and wholly outside the 90 x 120 image.
            var boxes = torch.tensor(new float[] { 10.3f, 12.7f, 60.2f, 70.9f, -15.5f, 30f, 40.4f, 100.6f, 80f, -8f, 130f, 40f, 50f, 50f, 50.4f, 50.3f, 200f, 200f, 260f, 250f },
                                     new long[] { 5, 4 });
            var expected = TorchvisionPaste(masks, boxes, 90, 120).flatten().data<float>().ToArray();
            var pasted = MaskPaste.Paste(masks, boxes, 90, 120).flatten().data<float>().ToArray();
            for (int i = 0; i < 5; i++)
            {
                var ours = pasted.AsSpan(i * 90 * 120, 90 * 120).ToArray();
                double worst = ours.Select((v, p) => (double)Math.Abs(v - expected[i * 90 * 120 + p])).Max();
                Assert.IsTrue(worst <= 2.5e-7, $"mask {i}: largest difference {worst:E2}");
                Assert.AreEqual(expected.Skip(i * 90 * 120).Take(90 * 120).Count(v => v > 0), ours.Count(v => v > 0), $"mask {i}: pixels pasted");
            }
        }

        // torchvision 0.14's paste_masks_in_image written with libtorch's own ops: pad by one, enlarge the box by 30/28
        // about its centre, truncate to integers, interpolate bilinearly to the box (end pixels included), copy clipped.
        private static Tensor TorchvisionPaste(Tensor masks, Tensor boxes, long height, long width)
        {
            var padded = F.pad(masks, new long[] { 1, 1, 1, 1 });
            double scale = 30.0 / 28;
            var halfWidth = (boxes[TensorIndex.Colon, 2] - boxes[TensorIndex.Colon, 0]) * 0.5 * scale;
            var halfHeight = (boxes[TensorIndex.Colon, 3] - boxes[TensorIndex.Colon, 1]) * 0.5 * scale;
            var centreX = (boxes[TensorIndex.Colon, 2] + boxes[TensorIndex.Colon, 0]) * 0.5;
            var centreY = (boxes[TensorIndex.Colon, 3] + boxes[TensorIndex.Colon, 1]) * 0.5;
            var corners = torch.stack(new[] { centreX - halfWidth, centreY - halfHeight, centreX + halfWidth, centreY + halfHeight }, 1)
                               .to(ScalarType.Int64).flatten().data<long>().ToArray();
            var result = torch.zeros(new[] { masks.shape[0], 1, height, width });
            for (int i = 0; i < masks.shape[0]; i++)
            {
                long x0 = corners[4 * i], y0 = corners[4 * i + 1], x1 = corners[4 * i + 2], y1 = corners[4 * i + 3];
                long w = Math.Max(x1 - x0 + 1, 1), h = Math.Max(y1 - y0 + 1, 1);
                var resized = F.interpolate(padded[i].unsqueeze(0), new[] { h, w }, mode: InterpolationMode.Bilinear, align_corners: false)[0, 0];
                long left = Math.Max(x0, 0), right = Math.Min(x1 + 1, width), top = Math.Max(y0, 0), bottom = Math.Min(y1 + 1, height);
                if (right > left && bottom > top)
                    result[i, 0, TensorIndex.Slice(top, bottom), TensorIndex.Slice(left, right)] =
                        resized[TensorIndex.Slice(top - y0, bottom - y0), TensorIndex.Slice(left - x0, right - x0)];
            }
            return result;
        }

        [TestMethod]
        public void ScoredImagesEqualTheTorchSharpPredictions()
        {
            using var model = OnnxExportEqualityTests.MainJobNetwork();
            string path = OnnxExportEqualityTests.TemporaryOnnx();
            MaskRcnnOnnxExporter.Export(model, path, new Microsoft.ML.MaskRcnn.Data.CategoryMap(new[] { (4L, "circle"), (5L, "square"), (6L, "triangle") }));
            using var scorer = new MaskRcnnOnnxScorer(path);
            File.Delete(path);
            foreach (var (height, width, seed) in new[] { (128, 160, 1), (150, 211, 2) })
            {
                using var scope = NewDisposeScope();
                var (image, rgb) = RandomImage(height, width, seed);
                var instances = scorer.Score(rgb, width, height);
                var detections = model.Detect(new[] { SampleTensors.Image(image) })[0];
                var boxes = detections.Boxes.flatten().data<float>().ToArray();
                var scores = detections.Scores.data<float>().ToArray();
                var labels = detections.Labels.data<long>().ToArray();
                var masks = detections.BinaryMasks(model.Options.MaskThreshold).to(ScalarType.Byte).flatten().data<byte>().ToArray();
                Assert.AreEqual(labels.Length, instances.Count, $"{height}x{width}: detections");
                Assert.IsTrue(instances.Count > 10);
                // Pair each of our detections with the scorer's (same label, box within 1e-3 px, score within 1e-4),
                // at the same position unless two scores are a rounding apart and change places.
                long differingPixels = 0, maskPixels = 0;
                int swaps = 0;
                var used = new bool[instances.Count];
                for (int i = 0; i < labels.Length; i++)
                {
                    bool Matches(int j) => !used[j] && instances[j].Label == labels[i] && Math.Abs(instances[j].Score - scores[i]) <= 1e-4
                                           && new[] { instances[j].X0, instances[j].Y0, instances[j].X1, instances[j].Y1 }.Select((v, k) => Math.Abs(v - boxes[4 * i + k])).Max() <= 1e-3;
                    int match = Matches(i) ? i : Enumerable.Range(Math.Max(0, i - 2), Math.Min(5, instances.Count - Math.Max(0, i - 2))).FirstOrDefault(Matches, -1);
                    Assert.IsTrue(match >= 0, $"{height}x{width}: detection {i} (label {labels[i]}, score {scores[i]}) has no counterpart");
                    if (match != i)
                    {
                        swaps++;
                        Assert.IsTrue(Math.Abs(scores[match] - scores[i]) <= 1e-5, $"{height}x{width}: detections {i} and {match} changed places, scores {scores[i]} and {scores[match]}");
                    }
                    used[match] = true;
                    for (int p = 0; p < instances[match].Mask.Length; p++)
                    {
                        maskPixels += masks[i * height * width + p];
                        if (instances[match].Mask[p] != masks[i * height * width + p]) differingPixels++;
                    }
                }
                Console.WriteLine($"{height}x{width}: {instances.Count} detections ({swaps} near-tie swaps), {differingPixels} of {maskPixels} mask pixels differ");
                // A pixel differs only where its pasted probability is within float32 rounding of the threshold.
                Assert.IsTrue(differingPixels <= maskPixels / 10000, $"{differingPixels} of {maskPixels} mask pixels differ");
                var first = instances.First(i => i.Label == 1);
                Assert.AreEqual("circle", first.CategoryName);
                Assert.AreEqual(4L, first.CategoryId);
            }
        }

        [TestMethod]
        public void FilesThatAreNotExportedModelsAreRefusedByName()
        {
            string folder = Path.Combine(Path.GetTempPath(), $"maskrcnn-onnx-scorer-{Guid.NewGuid():N}");
            Directory.CreateDirectory(folder);
            Assert.ThrowsExactly<FileNotFoundException>(() => new MaskRcnnOnnxScorer(Path.Combine(folder, "missing.onnx")));
            string garbage = Path.Combine(folder, "garbage.onnx");
            File.WriteAllBytes(garbage, new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 });
            var notOnnx = Assert.ThrowsExactly<InvalidDataException>(() => new MaskRcnnOnnxScorer(garbage));
            StringAssert.Contains(notOnnx.Message, garbage);
            string featurizer = Path.Combine(AppContext.BaseDirectory, "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx");
            var foreign = Assert.ThrowsExactly<InvalidDataException>(() => new MaskRcnnOnnxScorer(featurizer));
            StringAssert.Contains(foreign.Message, "was not written by MaskRcnnOnnxExporter");

            using var model = OnnxExportEqualityTests.MainJobNetwork();
            string path = Path.Combine(folder, "model.onnx");
            MaskRcnnOnnxExporter.Export(model, path);
            using var scorer = new MaskRcnnOnnxScorer(path);
            Assert.ThrowsExactly<ArgumentException>(() => scorer.Score(new byte[10], 4, 4));
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => scorer.Score(Array.Empty<byte>(), 0, 4));
            Directory.Delete(folder, recursive: true);
        }

        private static MaskRcnnOnnxSettings Settings(MaskRcnnModel model)
        {
            string path = OnnxExportEqualityTests.TemporaryOnnx();
            MaskRcnnOnnxExporter.Export(model, path);
            using var scorer = new MaskRcnnOnnxScorer(path);
            File.Delete(path);
            return scorer.Settings;
        }

        // Smooth random colours with a bright rectangle, as 8-bit RGB: the ImageBuffer and its bytes.
        private static (ImageBuffer image, byte[] rgb) RandomImage(int height, int width, int seed)
        {
            using var scope = NewDisposeScope();
            using var picture = OnnxExportEqualityTests.Picture(height, width, seed);
            var bytes = (picture.permute(1, 2, 0) * 255).round().clamp(0, 255).to(ScalarType.Byte).contiguous().flatten().data<byte>().ToArray();
            return (new ImageBuffer(bytes, width, height, 3), bytes);
        }
    }
}
