using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TorchSharp.Compat.Tests
{
    [TestClass]
    public class OptimizerTests
    {
        private static Tensor In(string name) => TestSetup.Reference["in/" + name];

        private static Tensor Out(string name) => TestSetup.Reference["out/" + name];

        private static Parameter RunSgd(Func<IEnumerable<Parameter>, SGD> make, int steps = 4)
        {
            var p = new Parameter(In("sgd_p0").clone());
            using var optimizer = make(new[] { p });
            for (int i = 0; i < steps; i++)
            {
                p.grad = In($"sgd_g{i}");
                optimizer.step();
            }
            return p;
        }

        [TestMethod]
        public void SgdUpdatesMatchTorchOptimSgd()
        {
            var configurations = new Dictionary<string, Func<IEnumerable<Parameter>, SGD>>
            {
                ["plain"] = ps => optim.SGD(ps, 0.1),
                ["momentum"] = ps => optim.SGD(ps, 0.1, momentum: 0.9),
                ["nesterov"] = ps => optim.SGD(ps, 0.05, momentum: 0.8, nesterov: true),
                ["decay"] = ps => optim.SGD(ps, 0.1, momentum: 0.9, weight_decay: 0.01),
                ["dampening"] = ps => optim.SGD(ps, 0.1, momentum: 0.5, dampening: 0.3),
                ["maximize"] = ps => optim.SGD(ps, 0.1, momentum: 0.9, weight_decay: 0.01, maximize: true),
            };
            var failures = new List<string>();
            foreach (var (name, make) in configurations)
            {
                using var p = RunSgd(make);
                string? problem = Assertions.Compare(Out("sgd/" + name), p, 1e-6, 1e-6);
                if (problem != null) failures.Add($"{name}: {problem}");
            }
            Assert.AreEqual(0, failures.Count, string.Join("\n", failures));
        }

        [TestMethod]
        public void SgdStateSavedMidwayResumesToTheSameParameters()
        {
            string path = Path.Combine(Path.GetTempPath(), $"sgd-{Guid.NewGuid():N}.bin");
            try
            {
                using var p = new Parameter(In("sgd_p0").clone());
                using var optimizer = optim.SGD(new[] { p }, 0.1, momentum: 0.9, weight_decay: 0.01);
                for (int i = 0; i < 2; i++) { p.grad = In($"sgd_g{i}"); optimizer.step(); }
                optimizer.save_state_dict(path);

                using var resumed = new Parameter(p.detach().clone());
                using var second = optim.SGD(new[] { resumed }, 0.5 /* overwritten by the saved state */, momentum: 0.9, weight_decay: 0.01);
                second.load_state_dict(path);
                Assert.AreEqual(0.1, second.ParamGroups.Single().LearningRate, 0.0);
                for (int i = 2; i < 4; i++) { resumed.grad = In($"sgd_g{i}"); second.step(); }
                Assertions.Close(Out("sgd/decay"), resumed, 1e-6, 1e-6, "resumed parameters");
            }
            finally
            {
                File.Delete(path);
            }
        }

        [TestMethod]
        public void OptimizerStateFromAnotherOptimizerTypeIsRefused()
        {
            string path = Path.Combine(Path.GetTempPath(), $"sgd-{Guid.NewGuid():N}.bin");
            try
            {
                using var p = new Parameter(torch.zeros(3));
                using var optimizer = optim.SGD(new[] { p }, 0.1);
                optimizer.save_state_dict(path);
                var bytes = File.ReadAllBytes(path);
                bytes[1] = (byte)'X'; // corrupt the optimizer type name
                File.WriteAllBytes(path, bytes);
                var ex = Assert.ThrowsExactly<InvalidDataException>(() => optimizer.load_state_dict(path));
                StringAssert.Contains(ex.Message, "SGD");
                Assert.ThrowsExactly<FileNotFoundException>(() => optimizer.load_state_dict(path + ".missing"));
            }
            finally
            {
                File.Delete(path);
            }
        }

        [TestMethod]
        public void SgdRejectsInvalidHyperParameters()
        {
            using var p = new Parameter(torch.zeros(2));
            Assert.ThrowsExactly<ArgumentException>(() => optim.SGD(new[] { p }, -1.0));
            Assert.ThrowsExactly<ArgumentException>(() => optim.SGD(new[] { p }, 0.1, nesterov: true));
        }

        [TestMethod]
        public void LearningRateSchedulesMatchPyTorch()
        {
            var schedules = new Dictionary<string, (Func<optim.Optimizer, optim.lr_scheduler.LRScheduler> make, int steps)>
            {
                ["multistep"] = (o => optim.lr_scheduler.MultiStepLR(o, new[] { 2, 5 }, 0.1), 8),
                ["step"] = (o => optim.lr_scheduler.StepLR(o, 3, 0.5), 8),
                ["linear"] = (o => optim.lr_scheduler.LinearLR(o, 0.001, 1.0, 4), 8),
                ["constant"] = (o => optim.lr_scheduler.ConstantLR(o, 0.25, 3), 8),
                ["cosine"] = (o => optim.lr_scheduler.CosineAnnealingLR(o, 5, 0.01), 12),
                ["lambda"] = (o => optim.lr_scheduler.LambdaLR(o, e => Math.Pow(0.9, e)), 8),
                ["sequential"] = (o => optim.lr_scheduler.SequentialLR(o, new[]
                {
                    optim.lr_scheduler.LinearLR(o, 0.01, 1.0, 3), optim.lr_scheduler.MultiStepLR(o, new[] { 3, 5 }, 0.1),
                }, new[] { 3 }), 10),
            };
            var failures = new List<string>();
            foreach (var (name, (make, steps)) in schedules)
            {
                using var p = new Parameter(torch.zeros(1));
                using var optimizer = optim.SGD(new[] { p }, 0.5);
                var scheduler = make(optimizer);
                var rates = new List<double> { optimizer.ParamGroups.Single().LearningRate };
                for (int i = 0; i < steps; i++)
                {
                    optimizer.step();
                    scheduler.step();
                    rates.Add(optimizer.ParamGroups.Single().LearningRate);
                }
                using var actual = torch.tensor(rates.ToArray());
                string? problem = Assertions.Compare(Out("lr/" + name), actual, 1e-12, 1e-9);
                if (problem != null) failures.Add($"{name}: {problem} (ours: {string.Join(", ", rates)})");
            }
            Assert.AreEqual(0, failures.Count, string.Join("\n", failures));
        }
    }
}

namespace TorchSharp.Compat.Tests
{
    [TestClass]
    public class GradientClippingTests
    {
        [TestMethod]
        public void ClipGradNormScalesJointNormToTheMaximum()
        {
            using var a = new TorchSharp.Modules.Parameter(torch.zeros(2));
            using var b = new TorchSharp.Modules.Parameter(torch.zeros(1));
            a.grad = torch.tensor(new[] { 3.0f, 0.0f });
            b.grad = torch.tensor(new[] { 4.0f });
            // Joint 2-norm is 5; clipping to 1 scales both by 1 / (5 + 1e-6).
            double norm = torch.nn.utils.clip_grad_norm_(new[] { a, b }, 1.0);
            Assert.AreEqual(5.0, norm, 1e-6);
            Assert.AreEqual(3.0 / (5 + 1e-6), a.grad!.data<float>()[0], 1e-6);
            Assert.AreEqual(4.0 / (5 + 1e-6), b.grad!.data<float>()[0], 1e-6);
            // Below the maximum nothing changes.
            Assert.AreEqual(1.0, torch.nn.utils.clip_grad_norm_(new[] { a, b }, 10.0), 1e-5);
            Assert.AreEqual(4.0 / (5 + 1e-6), b.grad!.data<float>()[0], 1e-6);
            torch.nn.utils.clip_grad_value_(new[] { a, b }, 0.5);
            Assert.AreEqual(0.5f, a.grad!.data<float>()[0]);
        }
    }
}
