using System;
using System.IO;
using System.Linq;
using Microsoft.ML.MaskRcnn.Checkpoints;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Tests.Training;
using Microsoft.ML.MaskRcnn.Training;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Tests.Checkpoints
{
    /// <summary>
    /// ML.NET's ImageNet ResNet-18 as a starting point: its preprocessing graph read against ONNX Runtime running it, the
    /// models located (or a missing one named with the package to add), and the trainer starting from the imported
    /// backbone with the frozen parts kept exactly as imported.
    /// </summary>
    [TestClass]
    public class ImageNetResNet18Tests
    {
        private static readonly ImageNetResNet18 Models = ImageNetResNet18.Locate();

        [TestMethod]
        public void ThePreprocessingReadsAsOnnxRuntimeRunsIt()
        {
            var preprocessing = OnnxImagePreprocessing.Read(Models.PreprocessingPath);
            // Channels far apart (R about 200, G about 100, B about 20), so a wrong order or mean cannot pass.
            var generator = new Random(5);
            const int side = 224, plane = side * side;
            float[] rgb = new float[3 * plane];
            double[] level = { 200, 100, 20 };
            for (int c = 0; c < 3; c++)
                for (int i = 0; i < plane; i++) rgb[c * plane + i] = (float)(level[c] + generator.NextDouble() * 40 - 20);

            using var session = new InferenceSession(Models.PreprocessingPath);
            string input = session.InputMetadata.Keys.Single();
            using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(input, new DenseTensor<float>(rgb, new[] { 1, 3, side, side })) });
            float[] output = results.First().AsTensor<float>().ToArray();

            // Averaged over the pixels, the graph's output channel at the input channel's position is that channel's
            // average minus what we take as its mean (the subtraction is linear, so the mean image averages exactly).
            for (int c = 0; c < 3; c++)
            {
                double inputAverage = rgb.Skip(c * plane).Take(plane).Average(v => (double)v);
                int position = preprocessing.NetworkChannelOfInput[c];
                double outputAverage = output.Skip(position * plane).Take(plane).Average(v => (double)v);
                Assert.AreEqual(outputAverage, inputAverage - preprocessing.InputChannelMean[c], 1e-3, $"channel {c}");
            }
            Assert.IsTrue(preprocessing.ReversesChannels, "ML.NET's CNTK ResNets read BGR");
            var (mean, std) = preprocessing.Normalization();
            Console.WriteLine($"RGB mean {string.Join(", ", preprocessing.InputChannelMean.Select(m => m.ToString("F2")))} (0-255), " +
                              $"mean image spread {preprocessing.MeanImageSpread:F2}; ImageMean {string.Join(", ", mean.Select(m => m.ToString("F4")))}");
            CollectionAssert.AreEqual(new[] { 1 / 255.0, 1 / 255.0, 1 / 255.0 }, std);
        }

        [TestMethod]
        public void AMissingModelNamesThePathAndThePackageToAdd()
        {
            string folder = TrainingTestData.TemporaryFolder();
            var e = Assert.ThrowsExactly<FileNotFoundException>(() => ImageNetResNet18.Locate(folder));
            StringAssert.Contains(e.Message, Path.Combine(folder, "ResNet18Onnx", "ResNet18.onnx"));
            StringAssert.Contains(e.Message, "dotnet add package Microsoft.ML.DnnImageFeaturizer.ResNet18 --version 0.24.0");
            Assert.ThrowsExactly<FileNotFoundException>(() => MaskRcnnTrainerOptions.SmallPretrained(2, folder));
        }

        [TestMethod]
        public void ThePretrainedPresetStartsFromTheImportedBackboneAndKeepsItsFrozenPartsAsImported()
        {
            var options = MaskRcnnTrainerOptions.SmallPretrained(SyntheticShapesDataset.ClassNames.Count + 1);
            var tiny = TrainingTestData.TinyOptions(2);
            options.Model.MinSize = tiny.Model.MinSize;
            options.Model.MaxSize = tiny.Model.MaxSize;
            options.Model.TrainingMinSizes = null;
            options.Model.FpnChannels = 32;
            options.Model.RepresentationSize = 32;
            options.Model.MaskHeadChannels = 8;
            options.Model.MaskHeadLayers = 1;
            options.Model.AnchorSizes = tiny.Model.AnchorSizes;
            (options.MaxSteps, options.BatchSize, options.Threads, options.Seed) = (2, 2, 1, 7);
            string? message = null;
            var trainer = new MaskRcnnTrainer(options);
            trainer.Message += (_, m) => message ??= m;
            using var trained = trainer.Train(new SyntheticShapesDataset(4, 21, TrainingTestData.TinyImages)).Model;
            StringAssert.Contains(message, "input channels reversed from BGR to RGB");

            var imported = OnnxResNetWeights.Read(Models.NetworkPath);
            var state = trained.Model.state_dict();
            using var scope = NewDisposeScope();
            static bool Same(torch.Tensor a, torch.Tensor b) => a.equal(b).all().item<bool>();
            torch.Tensor Onnx(string key) => torch.tensor(imported.Tensors[key].Values!, imported.Tensors[key].Dims);
            // The stem reads RGB: its input channels are the ONNX network's (BGR) reversed.
            Assert.IsTrue(Same(state["backbone.body.conv1.weight"], Onnx("conv1.weight").flip(1)), "conv1 = the ONNX stem, channels reversed");
            Assert.IsFalse(Same(state["backbone.body.conv1.weight"], Onnx("conv1.weight")), "the reversal is not a no-op");
            // Frozen: the stem, layer1 and every normalisation stay as imported; the trainable stages moved.
            foreach (var key in new[] { "layer1.0.conv1.weight", "layer1.1.conv2.weight", "bn1.running_mean", "layer4.2.bn2.weight", "layer3.0.bn1.running_var" })
                Assert.IsTrue(Same(state["backbone.body." + key], Onnx(key)), key + " stays as imported");
            foreach (var key in new[] { "layer2.0.conv1.weight", "layer4.2.conv2.weight" })
                Assert.IsFalse(Same(state["backbone.body." + key], Onnx(key)), key + " is trained");
        }

        [TestMethod]
        public void AnOnnxBackboneOfOtherBlocksIsRefusedNamingBoth()
        {
            var options = TrainingTestData.TinyOptions(1);
            options.InitialWeights = Models.NetworkPath;
            var e = Assert.ThrowsExactly<ArgumentException>(() => new MaskRcnnTrainer(options).Train(new SyntheticShapesDataset(2, 21, TrainingTestData.TinyImages)));
            StringAssert.Contains(e.Message, "BackboneStageBlocks");
            StringAssert.Contains(e.Message, "[2, 2, 2, 3]");
            StringAssert.Contains(e.Message, "[2, 2, 2, 2]");
        }
    }
}
