using System;
using System.IO;
using System.Linq;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static TorchSharp.torch;

namespace TorchSharp.Compat.Tests
{
    [TestClass]
    public class LifetimeTests
    {
        private static long ResidentBytes()
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
            throw new InvalidOperationException("no VmRSS in /proc/self/status");
        }

        private static void Iteration()
        {
            // About 1 MiB of tensors per iteration: a leak of even one of them would show in 10,000 iterations.
            using var scope = NewDisposeScope();
            var a = torch.randn(256, 256);
            var b = torch.randn(256, 256).requires_grad_();
            var loss = (a.matmul(b).relu() + 1).log().mean();
            loss.backward();
            _ = b.grad!.sum().item<float>();
        }

        /// <summary>Bound: resident memory may grow by at most 64 MiB over 10,000 iterations after warm-up (a leak would add ~10 GiB).</summary>
        [TestMethod]
        public void TenThousandIterationsKeepResidentMemoryBounded()
        {
            for (int i = 0; i < 200; i++) Iteration();
            // Let finalizers of earlier tests' garbage run first: the live count is process-wide.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            long liveBefore = Tensor.TotalCount;
            long before = ResidentBytes();
            for (int i = 0; i < 10_000; i++) Iteration();
            long after = ResidentBytes();
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Assert.AreEqual(liveBefore, Tensor.TotalCount, "every tensor created in the loop was disposed");
            Assert.IsTrue(after - before < 64L << 20, $"resident memory grew by {(after - before) >> 20} MiB");
        }

        [TestMethod]
        public void DisposeScopesDisposeEverythingButWhatIsMovedOut()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            long live = Tensor.TotalCount;
            Tensor kept;
            Tensor inner;
            using (var outer = NewDisposeScope())
            {
                using (var scope = NewDisposeScope())
                {
                    var a = torch.ones(3);
                    var b = a * 2;
                    inner = (b + 1).MoveToOuterDisposeScope();
                    Assert.AreEqual(2, scope.DisposablesCount, "a and b stay; the moved result left");
                    Assert.IsTrue(outer.Contains(inner));
                }
                Assert.IsFalse(inner.IsInvalid);
                kept = (inner * 2).DetachFromDisposeScope();
            }
            Assert.IsTrue(inner.IsInvalid, "the outer scope disposed what was moved into it");
            Assert.IsFalse(kept.IsInvalid);
            CollectionAssert.AreEqual(new[] { 6.0f, 6.0f, 6.0f }, kept.data<float>().ToArray());
            kept.Dispose();
            Assert.AreEqual(live, Tensor.TotalCount);
        }

        [TestMethod]
        public void ParametersAndModuleBuffersSurviveTheScopeTheyWereCreatedIn()
        {
            nn.Module<Tensor, Tensor> model;
            using (NewDisposeScope()) model = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm2d(2));
            Assert.IsTrue(model.parameters().All(p => !p.IsInvalid));
            Assert.IsTrue(model.buffers().All(b => !b.IsInvalid));
            model.Dispose();
            Assert.IsTrue(model.parameters().Count() == 0 || model.parameters().All(p => p.IsInvalid));
        }

        [TestMethod]
        public void WrappedTensorDisposeScopeKeepsOnlyTheResult()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            long live = Tensor.TotalCount;
            var result = torch.WrappedTensorDisposeScope(() => (torch.ones(2) * 3 + 1).sum());
            Assert.AreEqual(8.0f, result.item<float>());
            Assert.AreEqual(live + 1, Tensor.TotalCount);
            result.Dispose();
        }

        [TestMethod]
        public void TensorAccessorStaysValidAfterTheTensorIsDisposed()
        {
            var t = torch.arange(6, dtype: ScalarType.Float32).reshape(2, 3).t();
            using var accessor = t.data<float>();
            t.Dispose();
            Assert.AreEqual(6, accessor.Count);
            CollectionAssert.AreEqual(new[] { 0f, 3f, 1f, 4f, 2f, 5f }, accessor.ToArray(), "strided (transposed) elements in row-major order");
            Assert.AreEqual(4f, accessor[1, 1]);
        }
    }
}
