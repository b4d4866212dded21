using System;
using System.Runtime.InteropServices;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TorchSharp.Compat.Tests
{
    /// <summary>Bad input becomes a .NET exception with libtorch's message; the process carries on.</summary>
    [TestClass]
    public class ErrorHandlingTests
    {
        [TestMethod]
        public void ShapeMismatchThrowsWithLibtorchsMessage()
        {
            using var scope = NewDisposeScope();
            var a = torch.ones(2, 3);
            var b = torch.ones(4, 5);
            var add = Assert.ThrowsExactly<ExternalException>(() => a + b);
            StringAssert.Contains(add.Message, "must match the size of tensor b");
            var mm = Assert.ThrowsExactly<ExternalException>(() => a.mm(b));
            StringAssert.Contains(mm.Message, "cannot be multiplied");
            var view = Assert.ThrowsExactly<ExternalException>(() => a.view(4, 4));
            StringAssert.Contains(view.Message, "invalid for input of size 6");
            var conv = Assert.ThrowsExactly<ExternalException>(() => F.conv2d(torch.ones(1, 2, 5, 5), torch.ones(4, 3, 3, 3)));
            StringAssert.Contains(conv.Message, "channels");
            // Still fully usable afterwards.
            Assert.AreEqual(6.0f, a.sum().item<float>());
        }

        [TestMethod]
        public void WrongDtypeThrows()
        {
            using var scope = NewDisposeScope();
            var ints = torch.ones(new long[] { 2, 2 }, ScalarType.Int64);
            var floats = torch.ones(2, 2);
            var ex = Assert.ThrowsExactly<ExternalException>(() => ints.mm(floats));
            StringAssert.Contains(ex.Message, "expected");
            Assert.ThrowsExactly<ExternalException>(() => ints.requires_grad_());
            var item = Assert.ThrowsExactly<ArgumentException>(() => floats.sum().item<long>());
            StringAssert.Contains(item.Message, "Float32");
            Assert.ThrowsExactly<ArgumentException>(() => floats.data<int>());
            Assert.ThrowsExactly<ArgumentException>(() => floats.item<float>());
        }

        [TestMethod]
        public void IndexOutOfRangeThrows()
        {
            using var scope = NewDisposeScope();
            var t = torch.arange(6).reshape(2, 3);
            var ex = Assert.ThrowsExactly<ExternalException>(() => t[5]);
            StringAssert.Contains(ex.Message, "out of bounds");
            Assert.ThrowsExactly<ExternalException>(() => t.index_select(1, torch.tensor(new long[] { 7 })));
            Assert.ThrowsExactly<ExternalException>(() => t.select(2, 0));
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => t.size(4));
            using var accessor = t.data<long>();
            Assert.ThrowsExactly<IndexOutOfRangeException>(() => accessor[2, 0]);
            Assert.AreEqual(5L, accessor[1, 2]);
        }

        [TestMethod]
        public void UseAfterDisposeThrowsObjectDisposedException()
        {
            var t = torch.ones(3);
            var y = t * 2;
            t.Dispose();
            Assert.IsTrue(t.IsInvalid);
            var ex = Assert.ThrowsExactly<ObjectDisposedException>(() => t.sum());
            StringAssert.Contains(ex.Message, "disposed");
            Assert.ThrowsExactly<ObjectDisposedException>(() => y + t);
            t.Dispose(); // a second dispose is harmless
            Assert.AreEqual(6.0f, y.sum().item<float>());
            y.Dispose();
            var p = new Parameter(torch.zeros(2));
            p.Dispose();
            Assert.ThrowsExactly<ObjectDisposedException>(() => p.shape);
        }

        [TestMethod]
        public void NativeErrorsDoNotLeakIntoLaterCalls()
        {
            using var scope = NewDisposeScope();
            Assert.ThrowsExactly<ExternalException>(() => torch.ones(2, 3).mm(torch.ones(2, 3)));
            torch.CheckForErrors(); // nothing pending after the exception was raised
            Assert.AreEqual(9.0f, torch.ones(3, 3).sum().item<float>());
        }

        [TestMethod]
        public void InvalidArgumentsAreCheckedBeforeNativeCode()
        {
            Assert.ThrowsExactly<ArgumentException>(() => torch.tensor(new float[] { 1, 2, 3 }, new long[] { 2, 2 }));
            Assert.ThrowsExactly<ArgumentException>(() => nn.Linear(0, 3));
            Assert.ThrowsExactly<ArgumentException>(() => nn.Conv2d(3, 4, 3, groups: 2));
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => torch.set_num_threads(0));
            using var linear = nn.Linear(3, 2);
            using var wrong = torch.ones(4, 5);
            var ex = Assert.ThrowsExactly<ArgumentException>(() => linear.call(wrong));
            StringAssert.Contains(ex.Message, "last dimension is 3");
            Assert.ThrowsExactly<NotSupportedException>(() => torch.zeros(new long[] { 2 }, names: new[] { "a" }));
        }

        [TestMethod]
        public void CudaIsAnOptionThatFailsCleanlyWithoutAGpu()
        {
            if (torch.cuda.is_available()) Assert.Inconclusive("This machine has CUDA; the test checks the CPU-only build.");
            Assert.AreEqual(0, torch.cuda.device_count());
            Assert.IsFalse(torch.TryInitializeDeviceType(DeviceType.CUDA));
            var ex = Assert.ThrowsExactly<ExternalException>(() => torch.zeros(new long[] { 2 }, device: torch.CUDA));
            StringAssert.Contains(ex.Message, "CUDA");
            using var cpu = torch.ones(2);
            Assert.ThrowsExactly<ExternalException>(() => cpu.to(new Device("cuda:0")));
        }
    }
}
