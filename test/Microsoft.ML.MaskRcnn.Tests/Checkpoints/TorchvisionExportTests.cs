using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using Microsoft.ML.MaskRcnn.Checkpoints;
using Microsoft.ML.MaskRcnn.Modeling;
using Microsoft.ML.MaskRcnn.TestUtilities;
using Microsoft.ML.MaskRcnn.Tests.Onnx;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Tests.Checkpoints
{
    /// <summary>
    /// Our network to torchvision and back: the exported .pth loads with <c>load_state_dict(strict=True)</c> into the model
    /// that the exporter's Python builds, torchvision detects what we detect with it, and its own <c>torch.save</c> of the
    /// state dict reads back into weights identical to ours, bit for bit.
    /// </summary>
    [TestClass]
    public sealed class TorchvisionExportTests
    {
        /// <summary>Small variants of the presets: ResNet-18 with frozen or ordinary batch norm, narrow FPN and heads.</summary>
        private static MaskRcnnOptions Variant(string name) => name switch
        {
            "frozen" => new MaskRcnnOptions
            {
                NumClasses = 4, BackboneDepth = 18, BackboneStageBlocks = new[] { 2, 2, 2, 3 }, TrainableBackboneStages = 3,
                FpnChannels = 64, RepresentationSize = 256, MaskHeadChannels = 64, MaskHeadLayers = 2, MinSize = 160, MaxSize = 256,
                AnchorSizes = new[] { new[] { 16.0 }, new[] { 32.0 }, new[] { 64.0 }, new[] { 128.0 }, new[] { 256.0 } },
                RpnPostNmsTopNTest = 300, BoxNmsThreshold = 0.4, DetectionsPerImage = 50,
            },
            "batchnorm" => new MaskRcnnOptions
            {
                NumClasses = 3, BackboneDepth = 18, BackboneNormalization = BackboneNormalization.BatchNorm, TrainableBackboneStages = 5,
                FpnChannels = 32, RepresentationSize = 128, MaskHeadChannels = 32, MaskHeadLayers = 3, MinSize = 128, MaxSize = 200,
                TrainingMinSizes = new[] { 112, 128 }, ImageMean = new[] { 0.5, 0.5, 0.5 }, ImageStd = new[] { 0.25, 0.25, 0.25 },
            },
            _ => throw new ArgumentException(name),
        };

        [TestMethod]
        [DataRow("frozen")]
        [DataRow("batchnorm")]
        public void AnExportedNetworkRunsInTorchvisionAndComesBackIdentical(string variant)
        {
            string folder = Path.Combine(RepositoryPaths.Artifacts, "torchvision-export", variant);
            Directory.CreateDirectory(folder);
            var options = Variant(variant);
            torch.manual_seed(11);
            using var model = new MaskRcnnModel(options);
            using (no_grad())
                foreach (var (name, buffer) in model.named_buffers())
                {
                    // Statistics that are not the identity, and heads confident enough to detect in several classes.
                    if (name.EndsWith("running_mean")) buffer.uniform_(-0.2, 0.2);
                    else if (name.EndsWith("running_var")) buffer.uniform_(0.5, 1.5);
                }
            using (no_grad())
                model.named_parameters().Single(p => p.name == "roi_heads.box_predictor.cls_score.weight").parameter.mul_(20);
            model.eval();

            string pth = Path.Combine(folder, "model.pth"), builder = Path.Combine(folder, "build_model.py"), imagePath = Path.Combine(folder, "image.pth");
            TorchvisionExporter.Export(model, pth);
            File.WriteAllText(builder, TorchvisionExporter.BuildModelPython(options));
            using var image = OnnxExportEqualityTests.Picture(150, 200, seed: 3);
            using (var file = File.Create(imagePath))
                TorchSaveWriter.Write(file, new[] { new KeyValuePair<string, Tensor>("image", image) });
            string hash = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(pth).Concat(File.ReadAllBytes(builder)).Concat(File.ReadAllBytes(imagePath)).ToArray()));
            string output = PythonReference.Run("torchvision_export_roundtrip.py", builder, pth, imagePath, hash);

            // torchvision's own save, read back: the same names (in PyTorch's module order, where TorchSharp lists a
            // module's parameters before its buffers), the same bits.
            var ours = model.state_dict();
            using (var back = PyTorchCheckpoint.ReadStateDict(Path.Combine(output, "roundtrip.pth")))
            {
                var difference = ours.Keys.ToHashSet();
                difference.SymmetricExceptWith(back.Keys);
                Assert.AreEqual(0, difference.Count, "names in one state dict only: " + string.Join(", ", difference.Take(5)));
                foreach (var (name, tensor) in ours)
                {
                    Assert.AreEqual(tensor.dtype, back[name].dtype, name);
                    CollectionAssert.AreEqual(tensor.shape, back[name].shape, name);
                    Assert.IsTrue(tensor.eq(back[name]).all().item<bool>(), $"{name} came back changed");
                }
                using var reloaded = new MaskRcnnModel(options);
                var report = StateDictLoader.Load(reloaded, back);
                Assert.IsTrue(report.IsComplete && report.LoadedKeys.Count == ours.Count, "every tensor loads");
                reloaded.eval();
                using var predictions = NewDisposeScope();
                var before = model.Detect(new[] { image })[0];
                var after = reloaded.Detect(new[] { image })[0];
                foreach (var (a, b, what) in new[] { (before.Boxes, after.Boxes, "boxes"), (before.Scores, after.Scores, "scores"), (before.Masks!, after.Masks!, "masks") })
                    Assert.IsTrue(a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>(), $"the round-tripped network's {what} are not identical");
            }

            // torchvision on the exported weights detects what we do (torch 1.13 against libtorch 2.10: the last bits of
            // the convolutions differ, as in ModelParityTests).
            using var scope = NewDisposeScope();
            using var reference = new ReferenceTensors(Path.Combine(output, "detections.dat"));
            var detections = model.Detect(new[] { image })[0];
            Assert.IsTrue(reference["scores"].shape[0] >= 5, $"torchvision detects enough to compare ({reference["scores"].shape[0]})");
            TensorAssert.SameDetections(reference["labels"], reference["boxes"], reference["scores"], reference["masks"], detections,
                                        1e-3, 2e-4, 5e-4, variant);
        }

        [TestMethod]
        public void TheDefaultOptionsBuildTorchvisionsMaskRcnnResnet50Fpn()
        {
            string folder = Path.Combine(RepositoryPaths.Artifacts, "torchvision-export", "r50");
            Directory.CreateDirectory(folder);
            string builder = Path.Combine(folder, "build_model.py");
            File.WriteAllText(builder, TorchvisionExporter.BuildModelPython(new MaskRcnnOptions()));
            string hash = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(builder)));
            string output = PythonReference.Run("torchvision_export_roundtrip.py", builder, "-", "-", hash);
            Assert.AreEqual("same", File.ReadAllText(Path.Combine(output, "r50_check.txt")));
        }

        [TestMethod]
        public void AFailedExportLeavesThePreviousFile()
        {
            string folder = Path.Combine(Path.GetTempPath(), $"maskrcnn-pth-{Guid.NewGuid():N}");
            Directory.CreateDirectory(folder);
            string pth = Path.Combine(folder, "model.pth");
            File.WriteAllText(pth, "previous");
            using var model = new MaskRcnnModel(Variant("frozen"));
            // A buffer of an element type a PyTorch state dict here cannot hold stops the export before the file changes.
            model.register_buffer("unsupported", torch.zeros(2, dtype: ScalarType.ComplexFloat32));
            var ex = Assert.ThrowsExactly<ArgumentException>(() => TorchvisionExporter.Export(model, pth));
            StringAssert.Contains(ex.Message, "unsupported");
            Assert.AreEqual("previous", File.ReadAllText(pth));
            Assert.IsFalse(File.Exists(pth + ".partial"));
            Directory.Delete(folder, recursive: true);
        }
    }
}
