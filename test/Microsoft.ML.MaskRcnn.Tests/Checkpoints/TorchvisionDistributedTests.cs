using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using Microsoft.ML.Data;
using Microsoft.ML.MaskRcnn.Checkpoints;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Modeling;
using Microsoft.ML.MaskRcnn.TestUtilities;
using Microsoft.ML.MaskRcnn.Tests.Data;
using Microsoft.ML.MaskRcnn.Tests.MLNet;
using Microsoft.ML.MaskRcnn.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

namespace Microsoft.ML.MaskRcnn.Tests.Checkpoints
{
    /// <summary>
    /// Past one machine: our network, exported, initialises torchvision's model, which DistributedDataParallel trains over
    /// two processes (gloo on loopback) on Penn-Fudan; the result comes back through DetectInstances (zero epochs: the
    /// network is the imported weights) in a new MLContext and predicts what torchvision predicts. Inconclusive without
    /// ../shared/data/penn-fudan.
    /// </summary>
    [TestClass]
    public sealed class TorchvisionDistributedTests
    {
        [TestMethod]
        [Timeout(20 * 60 * 1000, CooperativeCancellation = true)]
        public void ATorchvisionDdpRunFromOurExportComesBackIntoDetectInstancesAndPredictsTheSame()
        {
            string root = SharedDatasetTests.Require("penn-fudan");
            string folder = Path.Combine(RepositoryPaths.Artifacts, "torchvision-ddp");
            Directory.CreateDirectory(folder);
            var options = new MaskRcnnOptions
            {
                NumClasses = 2, BackboneDepth = 18, TrainableBackboneStages = 3, FpnChannels = 64, RepresentationSize = 256,
                MaskHeadChannels = 64, MaskHeadLayers = 2, MinSize = 256, MaxSize = 384,
            };
            torch.manual_seed(5);
            string init = Path.Combine(folder, "init.pth"), builder = Path.Combine(folder, "build_model.py");
            using (var network = new MaskRcnnModel(options))
                TorchvisionExporter.Export(network, init, builder);
            string hash = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(init).Concat(File.ReadAllBytes(builder)).ToArray()));
            string output = PythonReference.Run("torchvision_ddp_pennfudan.py", builder, init, root, "4", "8", hash);

            // Both processes took every step, and DDP kept their weights identical.
            var log = File.ReadAllLines(Path.Combine(output, "train.txt"));
            Assert.AreEqual(8, log.Length, string.Join("\n", log));
            Assert.IsTrue(log.All(l => l.EndsWith("replicas_equal 1", StringComparison.Ordinal)), string.Join("\n", log));
            Console.WriteLine(string.Join("\n", log));

            // Into ML.NET: DetectInstances with zero epochs takes the trained weights whole, in a new context.
            var ml = new MLContext(seed: 1);
            var dataset = new InstanceMaskFolderDataset(Path.Combine(root, "PNGImages"), Path.Combine(root, "PedMasks"),
                                                        new InstanceMaskFolderOptions { MaskSuffix = "_mask.png", CategoryNames = new[] { "person" } });
            // The script's first two images: file names in ordinal order, as Python's sorted() gives them.
            var byName = Enumerable.Range(0, dataset.Count).ToDictionary(i => Path.GetFileName(dataset.GetDescriptor(i).Path));
            var rows = byName.Keys.Order(StringComparer.Ordinal).Take(2).Select(name =>
            {
                var a = dataset.LoadAnnotations(byName[name]);
                return new TextLabelRow
                {
                    ImagePath = name,
                    Label = Enumerable.Repeat("person", a.Count).ToArray(),
                    BoundingBoxes = a.Boxes.ToArray(),
                    Masks = Enumerable.Range(0, a.Count).Select(k => RleMask.Encode(a.GetMask(k), a.Height, a.Width).ToCompressedString()).ToArray(),
                };
            }).ToArray();
            var estimatorOptions = new MaskRcnnEstimator.Options
            {
                ScoreThreshold = 0,
                Trainer = new MaskRcnnTrainerOptions
                {
                    Model = options, InitialWeights = Path.Combine(output, "trained.pth"), InitialWeightsIncludePredictors = true,
                    Epochs = 0, MaxSteps = 0, Threads = 2,
                },
            };
            var data = ml.Data.LoadFromEnumerable(rows);
            using var model = ml.Transforms.LoadImages("Image", Path.Combine(root, "PNGImages"), nameof(TextLabelRow.ImagePath))
                .Append(ml.Transforms.DetectInstances(estimatorOptions)).Fit(data);
            Assert.AreEqual(0, model.LastTransformer.TrainingResult!.Steps, "nothing is trained");
            // Each row's values copied as it is read: GetColumn hands out one reused buffer.
            var scored = model.Transform(data);
            var labels = scored.GetColumn<VBuffer<uint>>("PredictedLabel").Select(v => v.DenseValues().ToArray()).ToArray();
            var scores = scored.GetColumn<VBuffer<float>>("Score").Select(v => v.DenseValues().ToArray()).ToArray();
            var boxes = scored.GetColumn<VBuffer<float>>("PredictedBoundingBoxes").Select(v => v.DenseValues().ToArray()).ToArray();
            var masks = scored.GetColumn<VBuffer<ReadOnlyMemory<char>>>("PredictedMasks").Select(v => v.DenseValues().Select(m => m.ToString()).ToArray()).ToArray();

            using var reference = new ReferenceTensors(Path.Combine(output, "detections.dat"));
            for (int i = 0; i < 2; i++)
            {
                var theirLabels = reference[$"labels{i}"].data<long>().ToArray();
                var theirScores = reference[$"scores{i}"].data<float>().ToArray();
                var theirBoxes = reference[$"boxes{i}"].data<float>().ToArray();
                var theirMasks = reference[$"masks{i}"];
                int height = (int)theirMasks.shape[2], width = (int)theirMasks.shape[3];
                var (ourScores, ourBoxes, ourLabels, ourMasks) = (scores[i], boxes[i], labels[i], masks[i]);
                Assert.AreEqual(theirScores.Length, ourScores.Length, $"image {i}: detections");
                Assert.IsTrue(ourScores.Length > 0, $"image {i}: torchvision's model detects something");
                var used = new bool[ourScores.Length];
                long maskPixels = 0, differing = 0;
                for (int j = 0; j < theirScores.Length; j++)
                {
                    // The same detection, at its place unless scores a rounding apart changed places (torch 1.13 against libtorch 2.10).
                    bool Matches(int k) => !used[k] && ourLabels[k] == theirLabels[j] && Math.Abs(ourScores[k] - theirScores[j]) <= 2e-4
                                           && Enumerable.Range(0, 4).All(c => Math.Abs(ourBoxes[4 * k + c] - theirBoxes[4 * j + c]) <= 1e-3);
                    int match = Matches(j) ? j : Enumerable.Range(0, ourScores.Length).FirstOrDefault(Matches, -1);
                    Assert.IsTrue(match >= 0, $"image {i}: torchvision's detection {j} (score {theirScores[j]}) has no counterpart");
                    used[match] = true;
                    var ours = RleMask.FromCompressedString(ourMasks[match], height, width).Decode();
                    var theirs = (theirMasks[j, 0] > 0.5f).to(torch.ScalarType.Byte).flatten().data<byte>().ToArray();
                    maskPixels += theirs.Sum(v => v);
                    differing += ours.Zip(theirs, (a, b) => a != b ? 1 : 0).Sum();
                }
                Console.WriteLine($"image {i}: {theirScores.Length} detections; {differing} of {maskPixels} mask pixels differ");
                Assert.IsTrue(differing <= Math.Max(1, maskPixels / 1000), $"image {i}: {differing} of {maskPixels} mask pixels differ");
            }
        }
    }
}
