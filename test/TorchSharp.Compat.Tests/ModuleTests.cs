using System;
using System.IO;
using System.Linq;
using Microsoft.ML.MaskRcnn.TestUtilities;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace TorchSharp.Compat.Tests
{
    /// <summary>The same architecture as SmallCnn in test/reference/module_reference.py, with the same field names.</summary>
    internal sealed class SmallCnn : nn.Module<Tensor, (Tensor logits, Tensor map)>
    {
        private readonly Sequential features = nn.Sequential(nn.Conv2d(3, 8, 3, padding: 1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2));
        private readonly Linear head = nn.Linear(8 * 4 * 4, 5);
        private readonly ConvTranspose2d deconv = nn.ConvTranspose2d(8, 2, 2, stride: 2);

        public SmallCnn() : base(nameof(SmallCnn)) => RegisterComponents();

        public override (Tensor logits, Tensor map) forward(Tensor x)
        {
            using var f = features.call(x);
            using var flat = f.flatten(1);
            return (head.call(flat), deconv.call(f));
        }
    }

    [TestClass]
    public class ModuleTests
    {
        private static string ModuleReference => PythonReference.Run("module_reference.py");

        [TestMethod]
        public void StateDictKeysAreTheFieldNamesPyTorchWouldUse()
        {
            using var model = new SmallCnn();
            var keys = model.state_dict().Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray();
            using var reference = new ReferenceTensors(Path.Combine(ModuleReference, "small_cnn.dat"));
            CollectionAssert.AreEqual(reference.Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray(), keys);
            CollectionAssert.AreEqual(new[] { "features.0.weight", "features.0.bias", "features.1.weight", "features.1.bias", "head.weight", "head.bias", "deconv.weight", "deconv.bias" },
                                      model.named_parameters().Select(p => p.name).ToArray());
            CollectionAssert.AreEqual(new[] { "features.1.running_mean", "features.1.running_var", "features.1.num_batches_tracked" },
                                      model.named_buffers().Select(b => b.name).ToArray());
        }

        [TestMethod]
        public void WeightsWrittenByPyTorchGiveIdenticalOutputsAndGradients()
        {
            using var model = new SmallCnn();
            model.load(Path.Combine(ModuleReference, "small_cnn.dat"));
            using var io = new ReferenceTensors(Path.Combine(ModuleReference, "small_cnn_io.dat"));
            using var scope = NewDisposeScope();

            model.eval();
            using (no_grad())
            {
                var (logits, map) = model.call(io["x"]);
                Assertions.Close(io["eval_logits"], logits, 1e-5, 1e-5, "eval logits");
                Assertions.Close(io["eval_map"], map, 1e-5, 1e-5, "eval map");
            }

            model.train();
            var (trainLogits, trainMap) = model.call(io["x"]);
            (trainLogits.square().sum() + trainMap.sum()).backward();
            Assertions.Close(io["train_logits"], trainLogits, 1e-5, 1e-5, "train logits");
            Assertions.Close(io["train_map"], trainMap, 1e-5, 1e-5, "train map");
            var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            Assertions.Close(io["grad_conv_weight"], parameters["features.0.weight"].grad!, 1e-4, 1e-4, "conv weight grad");
            Assertions.Close(io["grad_head_bias"], parameters["head.bias"].grad!, 1e-4, 1e-4, "head bias grad");
            Assertions.Close(io["grad_deconv_weight"], parameters["deconv.weight"].grad!, 1e-4, 1e-4, "deconv weight grad");
            var buffers = model.named_buffers().ToDictionary(b => b.name, b => b.buffer);
            Assertions.Close(io["running_mean_after"], buffers["features.1.running_mean"], 1e-6, 1e-6, "running mean");
            Assertions.Close(io["running_var_after"], buffers["features.1.running_var"], 1e-6, 1e-6, "running var");
            Assert.AreEqual(io["batches_after"].item<long>(), buffers["features.1.num_batches_tracked"].item<long>());
        }

        [TestMethod]
        public void SaveThenLoadIsBitExact()
        {
            string path = Path.Combine(Path.GetTempPath(), $"cnn-{Guid.NewGuid():N}.dat");
            try
            {
                using var source = new SmallCnn();
                using (no_grad()) source.state_dict()["features.1.running_var"].uniform_(0.5, 2.0);
                source.save(path);
                using var target = new SmallCnn();
                target.load(path);
                var expected = source.state_dict();
                foreach (var (key, value) in target.state_dict())
                {
                    Assert.AreEqual(expected[key].dtype, value.dtype, key);
                    using var a = expected[key].contiguous();
                    using var b = value.contiguous();
                    var bytesA = new byte[a.numel() * a.ElementSize];
                    var bytesB = new byte[b.numel() * b.ElementSize];
                    a.CopyToBytes(bytesA);
                    b.CopyToBytes(bytesB);
                    CollectionAssert.AreEqual(bytesA, bytesB, key);
                }
                // The file is exactly what the format prescribes: re-saving the loaded module gives the same bytes.
                string again = path + ".again";
                target.save(again);
                CollectionAssert.AreEqual(File.ReadAllBytes(path), File.ReadAllBytes(again));
                File.Delete(again);
            }
            finally
            {
                File.Delete(path);
            }
        }

        [TestMethod]
        public void LoadingAMismatchedOrDamagedFileThrowsANamedError()
        {
            string path = Path.Combine(Path.GetTempPath(), $"cnn-{Guid.NewGuid():N}.dat");
            try
            {
                using var model = new SmallCnn();
                model.save(path);
                using var other = nn.Linear(3, 2);
                var strict = Assert.ThrowsExactly<ArgumentException>(() => other.load(path));
                StringAssert.Contains(strict.Message, "entries");

                var loaded = new System.Collections.Generic.Dictionary<string, bool>();
                using var lenient = nn.Sequential(("head", (nn.Module<Tensor, Tensor>)nn.Linear(8 * 4 * 4, 5)));
                lenient.load(path, strict: false, loadedParameters: loaded);
                Assert.IsTrue(loaded["head.weight"]);
                Assert.IsFalse(loaded["features.0.weight"]);

                using var wrongShape = nn.Sequential(("head", (nn.Module<Tensor, Tensor>)nn.Linear(8, 5)));
                var shape = Assert.ThrowsExactly<ArgumentException>(() => wrongShape.load(path, strict: false));
                StringAssert.Contains(shape.Message, "head.weight");

                var bytes = File.ReadAllBytes(path);
                File.WriteAllBytes(path, bytes.Take(bytes.Length / 2).ToArray());
                var truncated = Assert.ThrowsExactly<InvalidDataException>(() => new SmallCnn().load(path));
                StringAssert.Contains(truncated.Message, path);
                Assert.ThrowsExactly<FileNotFoundException>(() => new SmallCnn().load(path + ".missing"));
            }
            finally
            {
                File.Delete(path);
            }
        }

        private sealed class Named : nn.Module<Tensor, Tensor>
        {
            [ComponentName(Name = "renamed")] private readonly Linear first = nn.Linear(2, 2);
            public Linear second { get; } = nn.Linear(2, 1, hasBias: false);
            private readonly Tensor scale = torch.ones(1);
            private readonly ModuleList<Linear> blocks = nn.ModuleList(nn.Linear(1, 1), nn.Linear(1, 1));

            public Named() : base(nameof(Named)) => RegisterComponents();

            public override Tensor forward(Tensor x) => second.call(first.call(x)) * scale;
        }

        [TestMethod]
        public void RegisterComponentsHonoursComponentNamePropertiesBuffersAndLists()
        {
            using var model = new Named();
            CollectionAssert.AreEquivalent(
                new[] { "renamed.weight", "renamed.bias", "second.weight", "blocks.0.weight", "blocks.0.bias", "blocks.1.weight", "blocks.1.bias", "scale" },
                model.state_dict().Keys.ToArray());
            CollectionAssert.AreEqual(new[] { "", "renamed", "second", "blocks", "blocks.0", "blocks.1" },
                                      model.named_modules().Select(m => m.name).ToArray());
            Assert.IsTrue(model.has_parameter("blocks.1.bias"));
            Assert.IsTrue(model.has_buffer("scale"));
            Assert.IsNull(model.get_parameter("blocks.2.bias"));
        }

        [TestMethod]
        public void TrainEvalZeroGradAndDtypeConversionReachEveryDescendant()
        {
            using var model = new SmallCnn();
            model.eval();
            Assert.IsTrue(model.modules().All(m => !m.training));
            model.train();
            Assert.IsTrue(model.modules().All(m => m.training));

            using (var scope = NewDisposeScope())
            {
                var (logits, map) = model.call(torch.randn(2, 3, 8, 8));
                (logits.sum() + map.sum()).backward();
            }
            Assert.IsTrue(model.parameters().All(p => p.grad is not null));
            model.zero_grad();
            Assert.IsTrue(model.parameters().All(p => p.grad is null));

            var parameter = model.parameters().First();
            model.to(ScalarType.Float64);
            Assert.AreSame(parameter, model.parameters().First(), "parameters keep their identity when converted");
            Assert.IsTrue(model.parameters().All(p => p.dtype == ScalarType.Float64));
            Assert.AreEqual(ScalarType.Int64, model.named_buffers().Single(b => b.name.EndsWith("num_batches_tracked")).buffer.dtype);
            using var scope2 = NewDisposeScope();
            Assert.AreEqual(ScalarType.Float64, model.call(torch.randn(new long[] { 1, 3, 8, 8 }, ScalarType.Float64)).logits.dtype);
        }

        [TestMethod]
        public void ForwardHooksSeeAndCanReplaceResults()
        {
            using var relu = nn.ReLU();
            int calls = 0;
            var remover = relu.register_forward_hook((module, input, output) => { calls++; return output * 2; });
            using var scope = NewDisposeScope();
            var x = torch.tensor(new[] { -1.0f, 3.0f });
            CollectionAssert.AreEqual(new[] { 0.0f, 6.0f }, relu.call(x).data<float>().ToArray());
            remover.remove();
            CollectionAssert.AreEqual(new[] { 0.0f, 3.0f }, relu.call(x).data<float>().ToArray());
            Assert.AreEqual(1, calls);
        }

        [TestMethod]
        public void DefaultInitialisationFollowsPyTorchsBounds()
        {
            using var linear = nn.Linear(100, 50);
            double bound = 1 / Math.Sqrt(100);
            // kaiming_uniform(a = sqrt 5) gives U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for the weight too.
            Assert.IsTrue(linear.weight.abs().max().item<float>() <= bound + 1e-6);
            Assert.IsTrue(linear.weight.abs().max().item<float>() > 0.9 * bound, "the weight should fill its range");
            Assert.IsTrue(linear.bias!.abs().max().item<float>() <= bound + 1e-6);
            using var conv = nn.Conv2d(16, 4, 3);
            double convBound = 1 / Math.Sqrt(16 * 9);
            Assert.IsTrue(conv.weight.abs().max().item<float>() <= convBound + 1e-6);
            using var normal = torch.empty(200, 300);
            nn.init.kaiming_normal_(normal, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
            double expectedStd = Math.Sqrt(2.0 / 200);
            Assert.AreEqual(expectedStd, normal.std().item<float>(), expectedStd * 0.02);
        }
    }
}
