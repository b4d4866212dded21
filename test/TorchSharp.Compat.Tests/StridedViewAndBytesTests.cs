using System;
using System.Runtime.InteropServices;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static TorchSharp.torch;

namespace TorchSharp.Compat.Tests
{
    /// <summary>as_strided, storage_offset and the raw bytes property, against values worked out by hand.</summary>
    [TestClass]
    public class StridedViewAndBytesTests
    {
        [TestMethod]
        public void AsStridedViewsShareTheStorageWithTheGivenLayout()
        {
            using var scope = NewDisposeScope();
            var storage = torch.arange(12, ScalarType.Float32);
            // A 3x2 view starting at element 1, walking 4 elements per row and 2 per column: 1,3 / 5,7 / 9,11.
            var view = storage.as_strided(new long[] { 3, 2 }, new long[] { 4, 2 }, 1);
            CollectionAssert.AreEqual(new long[] { 3, 2 }, view.shape);
            CollectionAssert.AreEqual(new long[] { 4, 2 }, view.stride());
            Assert.AreEqual(1L, view.storage_offset());
            Assert.IsFalse(view.is_contiguous());
            CollectionAssert.AreEqual(new[] { 1f, 3f, 5f, 7f, 9f, 11f }, view.data<float>().ToArray());
            view[2, 1] = torch.tensor(100f);
            Assert.AreEqual(100f, storage[11].item<float>(), "the view writes through to the storage");
            Assert.AreEqual(0L, storage.storage_offset());
            Assert.AreEqual(4L, storage.narrow(0, 4, 3).storage_offset());
        }

        [TestMethod]
        public void AsStridedOutsideTheStorageIsAnErrorNotACrash()
        {
            using var storage = torch.zeros(4);
            var error = Assert.ThrowsExactly<ExternalException>(() => storage.as_strided(new long[] { 3 }, new long[] { 2 }, 1).Dispose());
            StringAssert.Contains(error.Message, "out of bounds");
        }

        [TestMethod]
        public void BytesReadAndWriteTheRawLittleEndianElements()
        {
            using var scope = NewDisposeScope();
            var t = torch.tensor(new[] { 1.0f, -2.5f });
            CollectionAssert.AreEqual(new byte[] { 0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x20, 0xC0 }, t.bytes.ToArray());

            var half = torch.empty(2, ScalarType.Float16);
            half.bytes = new byte[] { 0x00, 0x3C, 0x00, 0xC0 }; // 1.0 and -2.0 in IEEE half precision
            CollectionAssert.AreEqual(new[] { 1f, -2f }, half.to_type(ScalarType.Float32).data<float>().ToArray());

            var bf16 = torch.empty(1, ScalarType.BFloat16);
            bf16.bytes = new byte[] { 0x40, 0x40 }; // bfloat16 0x4040 = 3.0
            Assert.AreEqual(3f, bf16.to_type(ScalarType.Float32).item<float>());

            // The getter is a live view of the memory.
            var ints = torch.zeros(new long[] { 2 }, ScalarType.Int32);
            ints.bytes[4] = 7;
            CollectionAssert.AreEqual(new[] { 0, 7 }, ints.data<int>().ToArray());

            Assert.AreEqual(0, torch.empty(new long[] { 0, 3 }).bytes.Length);
            Assert.ThrowsExactly<ArgumentException>(() => t.bytes = new byte[3]);
            Assert.ThrowsExactly<InvalidOperationException>(() => torch.zeros(2, 3).t().bytes.ToArray());
        }
    }
}
