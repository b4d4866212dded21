using System;
using System.Linq;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static TorchSharp.torch;

namespace TorchSharp.Compat.Tests
{
    /// <summary>Factories, metadata and element access against values computed by hand.</summary>
    [TestClass]
    public class FactoryAndAccessTests
    {
        [TestMethod]
        public void FactoriesProduceTheDocumentedValuesShapesAndTypes()
        {
            using var scope = NewDisposeScope();
            var z = torch.zeros(2, 3);
            CollectionAssert.AreEqual(new long[] { 2, 3 }, z.shape);
            Assert.AreEqual(ScalarType.Float32, z.dtype);
            Assert.AreEqual(0f, z.abs().sum().item<float>());
            Assert.AreEqual(6f, torch.ones(new long[] { 2, 3 }).sum().item<float>());
            Assert.AreEqual(ScalarType.Int64, torch.full(new long[] { 2 }, 7).dtype, "an integer fill value infers int64");
            Assert.AreEqual(ScalarType.Float32, torch.full(new long[] { 2 }, 7.5).dtype);
            CollectionAssert.AreEqual(new long[] { 0, 1, 2, 3, 4 }, torch.arange(5).data<long>().ToArray());
            CollectionAssert.AreEqual(new[] { 1.0f, 1.5f, 2.0f, 2.5f }, torch.arange(1.0, 3.0, 0.5).data<float>().ToArray());
            CollectionAssert.AreEqual(new[] { 0f, 0.25f, 0.5f, 0.75f, 1f }, torch.linspace(0, 1, 5).data<float>().ToArray());
            CollectionAssert.AreEqual(new[] { 1f, 0f, 0f, 0f, 1f, 0f }, torch.eye(2, 3).data<float>().ToArray());
            var fromMatrix = torch.tensor(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });
            CollectionAssert.AreEqual(new long[] { 2, 3 }, fromMatrix.shape);
            Assert.AreEqual(6.0, fromMatrix[1, 2].item<double>());
            Assert.AreEqual(ScalarType.Float16, torch.tensor(new[] { 1f, 2f }, ScalarType.Float16).dtype);
            Assert.AreEqual(0, torch.tensor(3.5f).dim());
            var bools = torch.tensor(new[] { true, false, true });
            Assert.AreEqual(2L, bools.sum().item<long>());
            var bytes = torch.from_array(new byte[,] { { 1, 2 }, { 3, 4 } });
            Assert.AreEqual(ScalarType.Byte, bytes.dtype);
            Assert.AreEqual(10L, bytes.sum().item<long>());
            Assert.AreEqual(ScalarType.Float64, torch.zeros(2).to(ScalarType.Float64).dtype);
        }

        [TestMethod]
        public void MetadataAndElementAccessAreConsistent()
        {
            using var scope = NewDisposeScope();
            var t = torch.arange(24, dtype: ScalarType.Float32).reshape(2, 3, 4);
            Assert.AreEqual(3, t.dim());
            Assert.AreEqual(24, t.numel());
            Assert.AreEqual(4, t.ElementSize);
            Assert.AreEqual(3, t.size(1));
            Assert.AreEqual(4, t.size(-1));
            CollectionAssert.AreEqual(new long[] { 12, 4, 1 }, t.stride());
            Assert.IsTrue(t.is_contiguous());
            var transposed = t.transpose(0, 2);
            Assert.IsFalse(transposed.is_contiguous());
            Assert.AreEqual(DeviceType.CPU, t.device_type);
            Assert.AreEqual("cpu", t.device.ToString());
            Assert.AreEqual("[2x3x4], type = Float32, device = cpu", t.ToString());
            Assert.AreEqual(23f, (float)t[1, 2, 3]);
            Assert.AreEqual(17f, t.data<float>()[1, 1, 1]);
            var values = transposed.data<float>().ToArray();
            Assert.AreEqual(12f, values[1], "transposed element [0,0,1] is t[1,0,0] = 12");
            using var accessor = t.data<float>();
            accessor[0, 0, 0] = 100f;
            Assert.AreEqual(100f, t[0, 0, 0].item<float>(), "writes through the accessor reach the tensor");
            Assert.AreEqual(1L, torch.tensor(new long[] { 1 }).ToInt64());
            Assert.AreEqual(2.5, torch.tensor(2.5).ToDouble());
            StringAssert.Contains(torch.tensor(new[] { 1.5f, 2f }).ToString(TensorStringStyle.Numpy), "[1.5, 2]");
        }

        [TestMethod]
        public void DevicesParseAndPrint()
        {
            Assert.AreEqual(DeviceType.CUDA, new Device("cuda:1").type);
            Assert.AreEqual(1, new Device("cuda:1").index);
            Assert.AreEqual(-1, torch.CPU.index);
            Assert.AreEqual("cuda:2", torch.device(DeviceType.CUDA, 2).ToString());
            Assert.ThrowsExactly<ArgumentException>(() => new Device("tpu"));
        }

        [TestMethod]
        public void ThreadsCanBeSetAndRead()
        {
            int previous = torch.get_num_threads();
            try
            {
                torch.set_num_threads(2);
                Assert.AreEqual(2, torch.get_num_threads());
            }
            finally
            {
                torch.set_num_threads(previous);
            }
        }

        [TestMethod]
        public void ManualSeedMakesRandomStreamsRepeatable()
        {
            using var scope = NewDisposeScope();
            torch.manual_seed(123);
            var first = torch.randn(5).data<float>().ToArray();
            torch.manual_seed(123);
            var second = torch.randn(5).data<float>().ToArray();
            CollectionAssert.AreEqual(first, second);
            var state = torch.random.get_rng_state();
            var third = torch.rand(4).data<float>().ToArray();
            torch.random.set_rng_state(state);
            CollectionAssert.AreEqual(third, torch.rand(4).data<float>().ToArray(), "restoring the RNG state replays the stream");
        }
    }
}
