using System;
using System.Linq;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Tests
{
    internal static class TensorAssert
    {
        /// <summary>Same shape, and max |actual - expected| &lt;= <paramref name="tolerance"/> (exact equality for tolerance 0).</summary>
        public static void Close(Tensor expected, Tensor actual, double tolerance, string what)
        {
            CollectionAssert.AreEqual(expected.shape, actual.shape, $"{what}: shape [{string.Join(",", actual.shape)}], expected [{string.Join(",", expected.shape)}]");
            if (expected.numel() == 0) return;
            using var scope = NewDisposeScope();
            var difference = (actual.detach().to(ScalarType.Float64) - expected.detach().to(ScalarType.Float64)).abs();
            double worst = difference.max().item<double>();
            if (!(worst <= tolerance))
            {
                long at = difference.flatten().argmax().item<long>();
                Assert.Fail($"{what}: max |difference| = {worst:G4} > {tolerance:G4} at flat index {at} " +
                            $"(actual {actual.flatten()[at].to(ScalarType.Float64).item<double>():G8}, expected {expected.flatten()[at].to(ScalarType.Float64).item<double>():G8})");
            }
        }
    }
}
