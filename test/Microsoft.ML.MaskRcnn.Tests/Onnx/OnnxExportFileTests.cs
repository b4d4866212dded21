using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Modeling;
using Microsoft.ML.MaskRcnn.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

namespace Microsoft.ML.MaskRcnn.Tests.Onnx
{
    /// <summary>The exported file itself: valid for ONNX's own checker, its declared inputs, outputs and metadata, and bad arguments.</summary>
    [TestClass]
    public class OnnxExportFileTests
    {
        private static MaskRcnnModel SmallModel(int classes = 4)
        {
            torch.manual_seed(9);
            var model = new MaskRcnnModel(new MaskRcnnOptions
            {
                NumClasses = classes, BackboneDepth = 18, MinSize = 96, MaxSize = 128, FpnChannels = 32, RepresentationSize = 64,
                MaskHeadChannels = 16, MaskHeadLayers = 2, ImageMean = new[] { 0.5, 0.4, 0.3 }, ImageStd = new[] { 0.2, 0.25, 0.3 },
            });
            model.eval();
            return model;
        }

        [TestMethod]
        public void OnnxsCheckerAcceptsTheFileWithFullShapeInference()
        {
            using var model = OnnxExportEqualityTests.MainJobNetwork();
            string path = OnnxExportEqualityTests.TemporaryOnnx();
            MaskRcnnOnnxExporter.Export(model, path);
            // onnx.checker with full_check also runs ONNX's shape inference over every node.
            string script = "import sys, onnx\n" +
                            "m = onnx.load(sys.argv[1])\n" +
                            "onnx.checker.check_model(m, full_check=True)\n" +
                            "print(m.ir_version, [(o.domain, o.version) for o in m.opset_import], len(m.graph.node))\n";
            // A refusal, or a machine without Debian's python3-onnx (./build.sh test installs it), fails with Python's message.
            string output = Imaging.ImageEncodeTests.RunPython(script, path);
            File.Delete(path);
            StringAssert.StartsWith(output, "8 [('', 17)]", output);
        }

        [TestMethod]
        public void TheFileDeclaresItsInputsOutputsAndSettings()
        {
            using var model = SmallModel();
            var categories = new CategoryMap(new[] { (3L, "circle"), (7L, "square"), (9L, "triangle") });
            string path = OnnxExportEqualityTests.TemporaryOnnx();
            MaskRcnnOnnxExporter.Export(model, path, categories);
            using var session = new InferenceSession(path);
            File.Delete(path);

            var images = session.InputMetadata["images"];
            Assert.AreEqual(typeof(float), images.ElementType);
            CollectionAssert.AreEqual(new[] { 1, 3, -1, -1 }, images.Dimensions, "batch of one, any height and width");
            CollectionAssert.AreEqual(new[] { "", "", "height", "width" }, images.SymbolicDimensions);
            Assert.AreEqual(typeof(long), session.InputMetadata["image_size"].ElementType);
            CollectionAssert.AreEquivalent(new[] { "boxes", "labels", "scores", "mask_probabilities" }, session.OutputMetadata.Keys.ToArray());
            Assert.AreEqual(typeof(long), session.OutputMetadata["labels"].ElementType);

            var config = JsonDocument.Parse(session.ModelMetadata.CustomMetadataMap[MaskRcnnOnnxExporter.ConfigMetadataKey]).RootElement;
            Assert.AreEqual(96, config.GetProperty("min_size").GetInt32());
            Assert.AreEqual(128, config.GetProperty("max_size").GetInt32());
            Assert.AreEqual(32, config.GetProperty("size_divisible").GetInt32());
            CollectionAssert.AreEqual(new[] { 0.5, 0.4, 0.3 }, config.GetProperty("image_mean").EnumerateArray().Select(e => e.GetDouble()).ToArray());
            CollectionAssert.AreEqual(new[] { 0.2, 0.25, 0.3 }, config.GetProperty("image_std").EnumerateArray().Select(e => e.GetDouble()).ToArray());
            CollectionAssert.AreEqual(new[] { 3L, 7L, 9L }, config.GetProperty("category_ids").EnumerateArray().Select(e => e.GetInt64()).ToArray());
            CollectionAssert.AreEqual(new[] { "circle", "square", "triangle" }, config.GetProperty("category_names").EnumerateArray().Select(e => e.GetString()).ToArray());
        }

        [TestMethod]
        public void BadArgumentsAreNamedAndAFailedExportKeepsThePreviousFile()
        {
            using var model = SmallModel();
            Assert.ThrowsExactly<ArgumentNullException>(() => MaskRcnnOnnxExporter.Export((MaskRcnnModel)null!, "m.onnx"));
            Assert.ThrowsExactly<ArgumentException>(() => MaskRcnnOnnxExporter.Export(model, ""));
            var wrong = Assert.ThrowsExactly<ArgumentException>(() => MaskRcnnOnnxExporter.Export(model, "m.onnx", CategoryMap.SingleClass("one")));
            Assert.AreEqual("categories", wrong.ParamName);
            StringAssert.Contains(wrong.Message, "3 classes");

            // A folder where the file should go: the export fails, and a file written before is untouched.
            string folder = Path.Combine(Path.GetTempPath(), $"maskrcnn-export-{Guid.NewGuid():N}");
            Directory.CreateDirectory(folder);
            string previous = Path.Combine(folder, "model.onnx");
            MaskRcnnOnnxExporter.Export(model, previous);
            byte[] before = File.ReadAllBytes(previous);
            Directory.CreateDirectory(previous + AtomicFile.TemporarySuffix);
            Assert.ThrowsExactly<UnauthorizedAccessException>(() => MaskRcnnOnnxExporter.Export(model, previous));
            CollectionAssert.AreEqual(before, File.ReadAllBytes(previous));
            Directory.Delete(folder, recursive: true);
        }
    }
}
