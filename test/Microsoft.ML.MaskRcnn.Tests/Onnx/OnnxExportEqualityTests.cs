using System;
using System.IO;
using System.Linq;
using Microsoft.ML.MaskRcnn.Checkpoints;
using Microsoft.ML.MaskRcnn.Modeling;
using Microsoft.ML.MaskRcnn.Onnx;
using Microsoft.ML.MaskRcnn.Training;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace Microsoft.ML.MaskRcnn.Tests.Onnx
{
    /// <summary>
    /// The exported ONNX graph run by ONNX Runtime against the TorchSharp model it was written from, on the same
    /// transformed image: the same detections in the same order, boxes, scores and 28x28 mask probabilities within the
    /// issue's tolerances (1e-3 px, 1e-4, 1e-4), or, for the 50-layer random network whose float32 results move by more
    /// than that between two of our own equally valid evaluations (contiguous and channels-last convolutions), within
    /// that spread.
    /// </summary>
    [TestClass]
    public class OnnxExportEqualityTests
    {
        private const double BoxTolerance = 1e-3;
        private const double ScoreTolerance = 1e-4;
        private const double MaskTolerance = 1e-4;

        [TestMethod]
        public void TheMainJobsNetworkGivesTheSameDetectionsAtEveryImageSize()
        {
            using var model = MainJobNetwork();
            string path = TemporaryOnnx();
            MaskRcnnOnnxExporter.Export(model, path);
            using var session = new InferenceSession(path);
            // The embedded dataset's 160x128, then sizes that resize by other factors and pad on both axes: one file serves all.
            foreach (var (height, width, seed) in new[] { (128, 160, 1), (200, 300, 2), (97, 131, 3) })
            {
                var (ours, theirs) = DetectBothWays(model, session, Picture(height, width, seed));
                Console.WriteLine($"{height}x{width}: {Describe(ours, theirs)}");
                Assert.IsTrue(ours.Count > 10, $"{height}x{width}: only {ours.Count} detections; the comparison needs some");
                AssertSameDetections(ours, theirs, BoxTolerance, ScoreTolerance, MaskTolerance, $"{height}x{width}");
            }
            File.Delete(path);
        }

        [TestMethod]
        public void R50FpnAt800x1066GivesTheSameDetectionsWithinOurOwnFloat32Spread()
        {
            torch.manual_seed(3);
            using var model = new MaskRcnnModel(new MaskRcnnOptions { BackboneDepth = 50, NumClasses = 2 });
            model.eval();
            string path = TemporaryOnnx();
            MaskRcnnOnnxExporter.Export(model, path);
            using var session = new InferenceSession(path);
            using var image = Picture(800, 1066, 5);
            var (ours, theirs) = DetectBothWays(model, session, image);
            Detections contiguous;
            using (ComputePlan.LayoutOnly(FeatureMemoryFormat.Contiguous).Activate())
                contiguous = DetectBothWays(model, null, image).ours;
            var spread = Difference(ours, contiguous, "our two layouts");
            Console.WriteLine($"R50-FPN 800x1066, {ours.Count} detections. Our two layouts: {Describe(ours, contiguous)}. ONNX Runtime: {Describe(ours, theirs)}");
            Assert.AreEqual(100, ours.Count, "random weights with one class give the full 100 detections");
            AssertSameDetections(ours, theirs, Math.Max(BoxTolerance, 2 * spread.boxes), Math.Max(ScoreTolerance, 2 * spread.scores),
                                 Math.Max(MaskTolerance, 2 * spread.masks), "R50-FPN");
            File.Delete(path);
        }

        [TestMethod]
        public void TheFromScratchRecipesBatchNormGivesTheSameDetections()
        {
            // The embedded-shapes recipe from scratch: ordinary BatchNorm2d (evaluated with its running statistics, here
            // drawn away from the identity), two mask-head layers, narrower heads, other anchor sizes and top-n.
            var options = MaskRcnnTrainerOptions.EmbeddedShapes().Model;
            Assert.AreEqual(BackboneNormalization.BatchNorm, options.BackboneNormalization);
            torch.manual_seed(6);
            using var model = new MaskRcnnModel(options);
            using (no_grad())
            {
                var generator = new Generator(8);
                foreach (var (name, buffer) in model.named_buffers().Where(b => b.name.StartsWith("backbone.body.", StringComparison.Ordinal)))
                {
                    if (name.EndsWith("running_var", StringComparison.Ordinal)) buffer.uniform_(0.5, 2.0, generator);
                    else if (name.EndsWith("running_mean", StringComparison.Ordinal)) buffer.uniform_(-0.3, 0.3, generator);
                }
                model.named_parameters().Single(p => p.name == "roi_heads.box_predictor.cls_score.weight").parameter.mul_(30);
            }
            model.eval();
            string path = TemporaryOnnx();
            MaskRcnnOnnxExporter.Export(model, path);
            using var session = new InferenceSession(path);
            var (ours, theirs) = DetectBothWays(model, session, Picture(128, 160, 7));
            Console.WriteLine($"embedded shapes from scratch: {Describe(ours, theirs)}");
            Assert.IsTrue(ours.Count > 10, $"only {ours.Count} detections");
            AssertSameDetections(ours, theirs, BoxTolerance, ScoreTolerance, MaskTolerance, "BatchNorm");
            File.Delete(path);
        }

        [TestMethod]
        public void AnImageWithoutDetectionsGivesEmptyOutputs()
        {
            // 90 classes and random heads: every class probability is near 1/91, under the 0.05 threshold.
            torch.manual_seed(4);
            using var model = new MaskRcnnModel(new MaskRcnnOptions { BackboneDepth = 18, NumClasses = 91, MinSize = 128, MaxSize = 192, FpnChannels = 64 });
            model.eval();
            string path = TemporaryOnnx();
            MaskRcnnOnnxExporter.Export(model, path);
            using var session = new InferenceSession(path);
            var (ours, theirs) = DetectBothWays(model, session, Picture(120, 150, 6));
            Assert.AreEqual(0, ours.Count);
            Assert.AreEqual(0, theirs.Count);
            CollectionAssert.AreEqual(new[] { 0, 1, 28, 28 }, theirs.MaskShape);
            File.Delete(path);
        }

        // The main job's network: ML.NET's ImageNet ResNet-18 as the backbone, the embedded-shapes heads randomly initialised
        // with class logits spread as a trained head's are (freshly initialised, every class scores about 1/4, and scores a
        // float32 rounding apart change places between any two implementations).
        internal static MaskRcnnModel MainJobNetwork()
        {
            var recipe = MaskRcnnTrainerOptions.EmbeddedShapesPretrained(Path.Combine(AppContext.BaseDirectory, ImageNetResNet18.ModelsFolderName));
            torch.manual_seed(2);
            var model = new MaskRcnnModel(recipe.Model);
            var weights = OnnxResNetWeights.Read(recipe.InitialWeights!).ToTensors("backbone.body.", recipe.InitialWeightsChannelsReversed);
            var (missing, unexpected) = model.load_state_dict(weights, strict: false);
            Assert.AreEqual(0, unexpected.Count, "every ImageNet tensor has a place in the backbone");
            foreach (var t in weights.Values) t.Dispose();
            using (no_grad())
                model.named_parameters().Single(p => p.name == "roi_heads.box_predictor.cls_score.weight").parameter.mul_(30);
            model.eval();
            return model;
        }

        internal static string TemporaryOnnx() => Path.Combine(Path.GetTempPath(), $"maskrcnn-export-{Guid.NewGuid():N}.onnx");

        // A picture with structure (smooth gradients and a bright rectangle), [3, H, W] in [0, 1].
        internal static Tensor Picture(int height, int width, int seed)
        {
            using var scope = NewDisposeScope();
            using var generator = new Generator((ulong)seed);
            var noise = torch.rand(new long[] { 3, height / 8 + 1, width / 8 + 1 }, generator: generator).unsqueeze(0);
            var smooth = nn.functional.interpolate(noise, new long[] { height, width }, mode: InterpolationMode.Bilinear, align_corners: false).squeeze(0);
            smooth[TensorIndex.Colon, TensorIndex.Slice(height / 4, height / 2), TensorIndex.Slice(width / 3, 2 * width / 3)] = torch.tensor(0.95f);
            return smooth.MoveToOuterDisposeScope();
        }

        /// <summary>Detections as plain arrays.</summary>
        internal sealed record Detections(float[] Boxes, long[] Labels, float[] Scores, float[] Masks, int[] MaskShape)
        {
            public int Count => Labels.Length;
        }

        /// <summary>Our model's detections in the transformed frame, and the ONNX file's on the same input (null session: ours only).</summary>
        internal static (Detections ours, Detections theirs) DetectBothWays(MaskRcnnModel model, InferenceSession? session, Tensor image)
        {
            using var scope = NewDisposeScope();
            var (batch, sizes, _) = model.Transform.Transform(new[] { image }, null, training: false);
            var d = model.DetectInTransformedBatch(batch, sizes)[0];
            var ours = new Detections(Values<float>(d.Boxes), Values<long>(d.Labels), Values<float>(d.Scores), Values<float>(d.MaskProbabilities),
                                      d.MaskProbabilities.shape.Select(s => (int)s).ToArray());
            if (session is null) return (ours, ours);
            return (ours, RunOnnx(session, batch, sizes[0]));
        }

        // TorchSharp's accessor refuses an empty tensor.
        private static T[] Values<T>(Tensor t) where T : unmanaged => t.numel() == 0 ? Array.Empty<T>() : t.data<T>().ToArray();

        internal static Detections RunOnnx(InferenceSession session, Tensor batch, (long height, long width) size)
        {
            var images = new DenseTensor<float>(batch.contiguous().data<float>().ToArray(), batch.shape.Select(d => (int)d).ToArray());
            var imageSize = new DenseTensor<long>(new[] { size.height, size.width }, new[] { 2 });
            using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("images", images), NamedOnnxValue.CreateFromTensor("image_size", imageSize) });
            var byName = results.ToDictionary(r => r.Name);
            var masks = byName["mask_probabilities"].AsTensor<float>();
            return new Detections(byName["boxes"].AsTensor<float>().ToArray(), byName["labels"].AsTensor<long>().ToArray(),
                                  byName["scores"].AsTensor<float>().ToArray(), masks.ToArray(), masks.Dimensions.ToArray());
        }

        /// <summary>
        /// Largest absolute differences (boxes, scores, masks) between two runs, detection by detection in order, and how
        /// many pairs of neighbours changed places. A swap is accepted only between detections of the same label whose
        /// scores lie within <see cref="NearTie"/> of each other: a score near 1 (a saturated softmax) is a float32
        /// rounding away from its neighbour, and two implementations round it differently.
        /// </summary>
        internal static (double boxes, double scores, double masks, int swaps) Difference(Detections a, Detections b, string what = "")
        {
            Assert.AreEqual(a.Count, b.Count, $"{what}: the number of detections");
            var order = Enumerable.Range(0, b.Count).ToArray();
            int swaps = 0;
            for (int i = 0; i + 1 < a.Count; i++)
            {
                bool sameHere = a.Labels[i] == b.Labels[order[i]] && BoxDistance(a, i, b, order[i]) <= 0.1;
                bool swapped = a.Labels[i] == b.Labels[order[i + 1]] && a.Labels[i + 1] == b.Labels[order[i]]
                               && BoxDistance(a, i, b, order[i + 1]) <= 0.1 && BoxDistance(a, i + 1, b, order[i]) <= 0.1
                               && Math.Abs(a.Scores[i] - a.Scores[i + 1]) <= NearTie && Math.Abs(b.Scores[order[i]] - b.Scores[order[i + 1]]) <= NearTie;
                if (!sameHere && swapped)
                {
                    (order[i], order[i + 1]) = (order[i + 1], order[i]);
                    swaps++;
                }
            }
            CollectionAssert.AreEqual(a.Labels, order.Select(j => b.Labels[j]).ToArray(), $"{what}: the labels, in order");
            int maskSize = a.Count == 0 ? 0 : a.Masks.Length / a.Count;
            double boxes = 0, scores = 0, masks = 0;
            for (int i = 0; i < a.Count; i++)
            {
                int j = order[i];
                boxes = Math.Max(boxes, BoxDistance(a, i, b, j));
                scores = Math.Max(scores, Math.Abs(a.Scores[i] - b.Scores[j]));
                for (int k = 0; k < maskSize; k++) masks = Math.Max(masks, Math.Abs(a.Masks[i * maskSize + k] - b.Masks[j * maskSize + k]));
            }
            return (boxes, scores, masks, swaps);
        }

        /// <summary>Scores this close may change places between two implementations (a few float32 ulps near 1).</summary>
        internal const double NearTie = 1e-6;

        private static double BoxDistance(Detections a, int i, Detections b, int j) =>
            Enumerable.Range(0, 4).Max(k => (double)Math.Abs(a.Boxes[4 * i + k] - b.Boxes[4 * j + k]));

        internal static string Describe(Detections a, Detections b)
        {
            var (boxes, scores, masks, swaps) = Difference(a, b);
            return $"{a.Count} detections ({swaps} neighbours with scores within {NearTie:E0} swapped), boxes within {boxes:E2} px, " +
                   $"scores within {scores:E2}, mask probabilities within {masks:E2}";
        }

        internal static void AssertSameDetections(Detections ours, Detections theirs, double boxTolerance, double scoreTolerance, double maskTolerance, string what)
        {
            CollectionAssert.AreEqual(ours.MaskShape, theirs.MaskShape, $"{what}: mask shape");
            var (boxes, scores, masks, _) = Difference(ours, theirs, what);
            Assert.IsTrue(boxes <= boxTolerance, $"{what}: boxes differ by {boxes:E2} px (tolerance {boxTolerance:E2})");
            Assert.IsTrue(scores <= scoreTolerance, $"{what}: scores differ by {scores:E2} (tolerance {scoreTolerance:E2})");
            Assert.IsTrue(masks <= maskTolerance, $"{what}: mask probabilities differ by {masks:E2} (tolerance {maskTolerance:E2})");
        }
    }
}
