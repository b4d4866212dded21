using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using Microsoft.ML.MaskRcnn.Checkpoints;
using Microsoft.ML.MaskRcnn.TestUtilities;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static Microsoft.ML.MaskRcnn.Tests.Checkpoints.CheckpointFiles;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Tests.Checkpoints
{
    /// <summary>
    /// Files written by torch.save (test/reference/checkpoint_reference.py) read back and compared with the tensors the
    /// script wrote independently through reference_io.
    /// </summary>
    [TestClass]
    public class PyTorchCheckpointTests
    {
        [TestMethod]
        public void ResNet18StateDictIsReadWithTorchvisionNamesShapesAndValues()
        {
            using var expected = new ReferenceTensors(Path("resnet18.dat"));
            using var stateDict = PyTorchCheckpoint.ReadStateDict(Path("resnet18.pth"));
            CollectionAssert.AreEqual(expected.Keys.ToArray(), stateDict.Keys.ToArray(), "keys, in the file's order");
            Assert.AreEqual(122, stateDict.Count, "62 parameters and 60 buffers");
            foreach (var key in stateDict.Keys) AssertSameValues(expected[key], stateDict[key], key);
            Assert.AreEqual(ScalarType.Int64, stateDict["layer1.0.bn1.num_batches_tracked"].dtype);
            Assert.AreEqual(7L, stateDict["layer1.0.bn1.num_batches_tracked"].item<long>());
            CollectionAssert.AreEqual(Longs(64, 64, 3, 3), stateDict["layer1.0.conv1.weight"].shape);
            CollectionAssert.AreEqual(Longs(1000, 512), stateDict["fc.weight"].shape);
            Assert.IsFalse(stateDict["fc.weight"].requires_grad);
            Assert.AreEqual(DeviceType.CPU, stateDict["fc.weight"].device_type);
        }

        [TestMethod]
        [DataRow("training.pth", CheckpointFormat.Zip)]
        [DataRow("training_legacy.pth", CheckpointFormat.Legacy)]
        public void TrainingCheckpointIsReadAsPlainValues(string file, CheckpointFormat format)
        {
            using var expected = new ReferenceTensors(Path("training.dat"));
            using var contents = PyTorchCheckpoint.Read(Path(file));
            Assert.AreEqual(format, contents.Format);
            var root = (OrderedDictionary<object, object?>)contents.Root!;
            CollectionAssert.AreEqual(new object[] { "model", "optimizer", "lr_scheduler", "epoch", "args", "extras" }, root.Keys.ToArray());
            Assert.AreEqual(3L, root["epoch"]);

            var model = (OrderedDictionary<object, object?>)root["model"]!;
            foreach (var (key, value) in model) AssertSameValues(expected["model/" + key], (Tensor)value!, (string)key);

            // optimizer.state_dict(): per-parameter state under integer keys, and the parameter groups.
            var optimizer = (OrderedDictionary<object, object?>)root["optimizer"]!;
            var state = (OrderedDictionary<object, object?>)optimizer["state"]!;
            Assert.AreEqual(6, state.Count);
            for (long i = 0; i < state.Count; i++)
            {
                var entry = (OrderedDictionary<object, object?>)state[i]!;
                AssertSameValues(expected[$"momentum/{i}"], (Tensor)entry["momentum_buffer"]!, $"momentum {i}");
            }
            var group = (OrderedDictionary<object, object?>)((List<object?>)optimizer["param_groups"]!).Single()!;
            Assert.AreEqual(0.02, group["lr"]);
            Assert.AreEqual(0.9, group["momentum"]);
            Assert.AreEqual(1e-4, group["weight_decay"]);
            Assert.AreEqual(false, group["nesterov"]);
            CollectionAssert.AreEqual(new object[] { 0L, 1L, 2L, 3L, 4L, 5L }, (List<object?>)group["params"]!);

            // MultiStepLR.state_dict(): milestones is a collections.Counter.
            var scheduler = (OrderedDictionary<object, object?>)root["lr_scheduler"]!;
            var milestones = (OrderedDictionary<object, object?>)scheduler["milestones"]!;
            CollectionAssert.AreEqual(new object[] { 16L, 22L }, milestones.Keys.ToArray());
            Assert.AreEqual(1L, milestones[22L]);
            Assert.AreEqual(0.1, scheduler["gamma"]);
            Assert.AreEqual(1L, scheduler["last_epoch"]);
            CollectionAssert.AreEqual(new object[] { 0.02 }, (List<object?>)scheduler["base_lrs"]!);

            // argparse.Namespace: its attributes.
            var args = (OrderedDictionary<object, object?>)root["args"]!;
            Assert.AreEqual("/data/coco", args["data_path"]);
            Assert.AreEqual("maskrcnn_resnet50_fpn", args["model"]);
            Assert.AreEqual("cuda", args["device"]);
            Assert.AreEqual(2L, args["batch_size"]);
            Assert.AreEqual(0.02, args["lr"]);
            CollectionAssert.AreEqual(new object[] { 16L, 22L }, (List<object?>)args["lr_steps"]!);
            Assert.IsNull(args["weights"]);
            Assert.AreEqual(false, args["amp"]);

            var extras = (OrderedDictionary<object, object?>)root["extras"]!;
            Assert.AreEqual("cuda:0", extras["device"]);
            Assert.AreEqual("cpu", extras["cpu"]);
            Assert.AreEqual(ScalarType.Float16, extras["dtype"]);
            CollectionAssert.AreEqual(new object[] { 2L, 3L }, (object?[])extras["size"]!);
            Assert.IsTrue(((HashSet<object?>)extras["set"]!).SetEquals(new object[] { 1L, 2L }));
            Assert.IsTrue(((HashSet<object?>)extras["frozen"]!).SetEquals(new object[] { "a" }));
            CollectionAssert.AreEqual(new byte[] { 0, 255, (byte)'a', (byte)'b' }, (byte[])extras["bytes"]!);
            Assert.AreEqual(BigInteger.Pow(2, 70), extras["big"]);
            Assert.AreEqual(-5L, extras["negative"]);
            Assert.AreEqual(0.1, extras["float"]);
            CollectionAssert.AreEqual(new object?[] { 1L, "a", null }, (object?[])extras["tuple"]!);
            Assert.AreEqual(new Complex(1, 2), extras["complex"]);
            var nested = (OrderedDictionary<object, object?>)extras["nested"]!;
            var list = (List<object?>)nested["list"]!;
            Assert.AreEqual(1L, list[0]);
            CollectionAssert.AreEqual(new object[] { 2L, 3L }, (List<object?>)list[1]!);
            Assert.AreEqual("tuple key", nested[new object[] { 1L, 2L }], "tuple keys compare by value");

            Assert.AreEqual(9 + 6, contents.Tensors.Count, "the model's parameters and buffers, and the momentum buffers");
            CollectionAssert.AreEqual(model.Values.Cast<Tensor>().ToArray(), contents.FindStateDict().Values.ToArray());
        }

        [TestMethod]
        [DataRow("views.pth")]
        [DataRow("views_legacy.pth")]
        public void TensorsSharingAStorageKeepTheirLayoutAndShareIt(string file)
        {
            using var expected = new ReferenceTensors(Path("views.dat"));
            using var views = PyTorchCheckpoint.ReadStateDict(Path(file));
            foreach (var name in new[] { "base", "slice", "transposed", "strided", "row", "element" })
            {
                var t = views[name];
                AssertSameValues(expected[name], t, name);
                CollectionAssert.AreEqual(expected[name + "/stride"].data<long>().ToArray(), t.stride(), $"{name}: strides");
                Assert.AreEqual(expected[name + "/offset"].item<long>(), t.storage_offset(), $"{name}: storage offset");
            }
            Assert.IsFalse(views["transposed"].is_contiguous());
            CollectionAssert.AreEqual(Longs(6, 4), views["transposed"].shape);
            Assert.AreEqual(0, views["element"].dim());

            // One storage, as in PyTorch: writing through one view shows in the others.
            views["base"][5] = torch.tensor(100f);
            Assert.AreEqual(100f, views["slice"][1].item<float>());
            Assert.AreEqual(100f, views["element"].item<float>());
            Assert.AreEqual(100f, views["transposed"][5, 0].item<float>());
            views["base"][13] = torch.tensor(200f);
            Assert.AreEqual(200f, views["row"][0, 1].item<float>());
            Assert.AreEqual(200f, views["strided"][4].item<float>());
        }

        [TestMethod]
        [DataRow("dtypes.pth")]
        [DataRow("dtypes_legacy.pth")]
        [DataRow("archive_layout.pth")]
        public void EveryElementTypeScalarAndEmptyTensorIsRead(string file)
        {
            using var expected = new ReferenceTensors(Path("dtypes.dat"));
            using var tensors = PyTorchCheckpoint.ReadStateDict(Path(file));
            var types = new Dictionary<string, ScalarType>
            {
                ["float32"] = ScalarType.Float32, ["float64"] = ScalarType.Float64, ["float16"] = ScalarType.Float16,
                ["bfloat16"] = ScalarType.BFloat16, ["int64"] = ScalarType.Int64, ["int32"] = ScalarType.Int32,
                ["int16"] = ScalarType.Int16, ["int8"] = ScalarType.Int8, ["uint8"] = ScalarType.Byte, ["bool"] = ScalarType.Bool,
                ["scalar"] = ScalarType.Float32, ["scalar_int"] = ScalarType.Int64, ["empty"] = ScalarType.Float32, ["empty_int"] = ScalarType.Int64,
            };
            CollectionAssert.AreEqual(types.Keys.ToArray(), tensors.Keys.ToArray());
            foreach (var (name, dtype) in types)
            {
                Assert.AreEqual(dtype, tensors[name].dtype, name);
                AssertSameValues(expected[name], tensors[name], name);
            }
            Assert.AreEqual(0, tensors["scalar"].dim());
            Assert.AreEqual(3.25f, tensors["scalar"].item<float>());
            Assert.AreEqual(-42L, tensors["scalar_int"].item<long>());
            CollectionAssert.AreEqual(Longs(0, 3), tensors["empty"].shape);
            CollectionAssert.AreEqual(Longs(0), tensors["empty_int"].shape);
        }

        [TestMethod]
        public void StoragesAreFilledPieceByPieceWhenLargerThanAChunk()
        {
            long saved = StorageTable.MaxChunkBytes;
            try
            {
                StorageTable.MaxChunkBytes = 7; // one element per piece for every type
                using var expected = new ReferenceTensors(Path("dtypes.dat"));
                using var tensors = PyTorchCheckpoint.ReadStateDict(Path("dtypes.pth"));
                foreach (var (name, tensor) in tensors) AssertSameValues(expected[name], tensor, name);
            }
            finally
            {
                StorageTable.MaxChunkBytes = saved;
            }
        }

        [TestMethod]
        public void CompressedRecordsAreReadToo()
        {
            // torch.save stores records uncompressed; a checkpoint re-packed by a zip tool may deflate them.
            string path = ScratchFile("deflated.pth");
            try
            {
                using (var source = System.IO.Compression.ZipFile.OpenRead(Path("dtypes.pth")))
                using (var target = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Create))
                {
                    foreach (var entry in source.Entries)
                    {
                        using var input = entry.Open();
                        using var output = target.CreateEntry(entry.FullName, System.IO.Compression.CompressionLevel.Optimal).Open();
                        input.CopyTo(output);
                    }
                }
                using var expected = new ReferenceTensors(Path("dtypes.dat"));
                using var tensors = PyTorchCheckpoint.ReadStateDict(path);
                Assert.AreEqual(14, tensors.Count);
                foreach (var (name, tensor) in tensors) AssertSameValues(expected[name], tensor, name);
            }
            finally
            {
                System.IO.File.Delete(path);
            }
        }

        [TestMethod]
        public void PickledParametersKeepRequiresGrad()
        {
            using var contents = PyTorchCheckpoint.Read(Path("parameters.pth"));
            var root = (OrderedDictionary<object, object?>)contents.Root!;
            var weight = (Tensor)root["weight"]!;
            Assert.IsTrue(weight.requires_grad);
            Assert.IsTrue(weight.is_leaf);
            Assert.IsFalse(((Tensor)root["frozen"]!).requires_grad);
        }

        [TestMethod]
        public void ReadingReleasesEverythingButTheStateDict()
        {
            long before = LiveTensors();
            using (var stateDict = PyTorchCheckpoint.ReadStateDict(Path("training.pth")))
            {
                Assert.AreEqual(9, stateDict.Count);
                Assert.AreEqual(before + 9, LiveTensors(), "the optimizer's tensors and the storages are already released");
            }
            Assert.AreEqual(before, LiveTensors());

            using (var contents = PyTorchCheckpoint.Read(Path("views_legacy.pth")))
                Assert.AreEqual(before + 6, LiveTensors());
            Assert.AreEqual(before, LiveTensors());
        }

        [TestMethod]
        public void ReadingInsideADisposeScopeLeavesTheTensorsToTheScope()
        {
            long before = LiveTensors();
            Tensor weight;
            using (var scope = NewDisposeScope())
            {
                var stateDict = PyTorchCheckpoint.ReadStateDict(Path("training.pth"));
                weight = stateDict["0.weight"];
                Assert.AreEqual(9, scope.DisposablesCount);
            }
            Assert.IsTrue(weight.IsInvalid);
            Assert.AreEqual(before, LiveTensors());
        }

        [TestMethod]
        public void TheAllowlistIsSmallAndNamesNoCodeRunner()
        {
            var allowed = PyTorchCheckpoint.AllowedGlobals;
            CollectionAssert.Contains(allowed.ToList(), "collections.OrderedDict");
            CollectionAssert.Contains(allowed.ToList(), "torch._utils._rebuild_tensor_v2");
            CollectionAssert.Contains(allowed.ToList(), "torch.FloatStorage");
            Assert.IsFalse(allowed.Any(g => g.StartsWith("os.") || g.StartsWith("posix.") || g.StartsWith("subprocess.") || g == "builtins.eval" ||
                                            g == "builtins.exec" || g == "builtins.getattr" || g.StartsWith("numpy")));
        }
    }
}
