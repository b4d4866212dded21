using System;
using System.IO;
using System.Linq;
using Microsoft.ML.MaskRcnn.Checkpoints;
using Microsoft.ML.MaskRcnn.Modeling;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Tests.Checkpoints
{
    /// <summary>
    /// ML.NET's ImageNet ResNet-18 (package Microsoft.ML.DnnImageFeaturizer.ResNet18, copied into the test output's
    /// DnnImageModels/ folder) imported into our ResNet body, checked against the ONNX file itself run by ONNX Runtime:
    /// the same input must give the same pooled features.
    /// </summary>
    [TestClass]
    public class OnnxResNetImportTests
    {
        private static string ModelPath => Path.Combine(AppContext.BaseDirectory, "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx");

        [TestMethod]
        public void TheGraphMapsOntoAResNet18WithThreeBlocksInItsLastStage()
        {
            var weights = OnnxResNetWeights.Read(ModelPath);
            CollectionAssert.AreEqual(new[] { 2, 2, 2, 3 }, weights.StageBlocks);
            Assert.IsFalse(weights.Bottleneck);
            using var body = new ResNetBody(18, BackboneNormalization.Frozen, weights.StageBlocks);
            // Every key and shape of our body is filled, and nothing else: 1 stem conv + 22 block convs + 3 projections,
            // each with its 4 normalisation tensors.
            var expected = body.state_dict();
            Assert.AreEqual(expected.Count, weights.Tensors.Count);
            Assert.AreEqual((1 + 2 * 9 + 3) * 5, weights.Tensors.Count);
            foreach (var (key, tensor) in expected)
            {
                Assert.IsTrue(weights.Tensors.TryGetValue(key, out var imported), $"missing {key}");
                CollectionAssert.AreEqual(tensor.shape, imported.Dims, key);
            }
        }

        [TestMethod]
        public void PooledFeaturesEqualOnnxRuntimes()
        {
            var weights = OnnxResNetWeights.Read(ModelPath);
            using var body = new ResNetBody(18, BackboneNormalization.Frozen, weights.StageBlocks);
            var tensors = weights.ToTensors();
            body.load_state_dict(tensors);
            foreach (var t in tensors.Values) t.Dispose();
            body.eval();

            // The network's own input: BGR pixels 0-255 minus a mean image of about 114 (what ResNetPreprocess.onnx makes).
            using var generator = new Generator(7);
            using var bgr = torch.rand(new long[] { 1, 3, 224, 224 }, generator: generator) * 255 - 114;
            float[] theirs = RunOnnx(bgr);

            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var c5 = body.call(bgr)[3];
            var ours = c5.mean(new long[] { 2, 3 }).flatten().data<float>().ToArray();
            Assert.AreEqual(512, theirs.Length);
            double scale = theirs.Max(v => Math.Abs(v));
            double worst = ours.Zip(theirs, (a, b) => Math.Abs(a - b)).Max();
            Console.WriteLine($"pooled features: max |ours - ONNX Runtime| = {worst:G3}, feature scale {scale:G3}");
            Assert.IsTrue(worst <= 1e-4 * scale, $"max difference {worst} exceeds 1e-4 of the feature scale {scale}");

            // Reversed input channels: the same network reads RGB.
            using var rgbBody = new ResNetBody(18, BackboneNormalization.Frozen, weights.StageBlocks);
            var reversed = weights.ToTensors(reverseInputChannels: true);
            rgbBody.load_state_dict(reversed);
            foreach (var t in reversed.Values) t.Dispose();
            rgbBody.eval();
            var fromRgb = rgbBody.call(bgr.flip(1))[3].mean(new long[] { 2, 3 }).flatten().data<float>().ToArray();
            double rgbWorst = fromRgb.Zip(theirs, (a, b) => Math.Abs(a - b)).Max();
            Assert.IsTrue(rgbWorst <= 1e-4 * scale, $"RGB input: max difference {rgbWorst} exceeds 1e-4 of {scale}");
        }

        [TestMethod]
        public void AFileThatIsNotOnnxIsNamed()
        {
            string path = Path.Combine(Path.GetTempPath(), $"not-onnx-{Guid.NewGuid():N}.onnx");
            File.WriteAllBytes(path, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F });
            try
            {
                var e = Assert.ThrowsExactly<InvalidDataException>(() => OnnxResNetWeights.Read(path));
                StringAssert.Contains(e.Message, path);
            }
            finally
            {
                File.Delete(path);
            }
        }

        private static float[] RunOnnx(torch.Tensor input)
        {
            using var session = new InferenceSession(ModelPath);
            string name = session.InputMetadata.Keys.Single();
            var data = input.contiguous().data<float>().ToArray();
            var dense = new DenseTensor<float>(data, new[] { 1, 3, 224, 224 });
            using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(name, dense) });
            return results.First().AsTensor<float>().ToArray();
        }
    }
}
