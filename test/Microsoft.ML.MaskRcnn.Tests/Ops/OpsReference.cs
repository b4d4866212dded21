using System;
using System.IO;
using System.Linq;
using Microsoft.ML.MaskRcnn.TestUtilities;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Tests.Ops
{
    /// <summary>torchvision's results for the cases of test/reference/ops_reference.py (generated once, cached).</summary>
    internal static class OpsReference
    {
        private static readonly object gate = new();
        private static ReferenceTensors? data;

        private static ReferenceTensors Data
        {
            get
            {
                lock (gate) return data ??= new ReferenceTensors(Path.Combine(PythonReference.Run("ops_reference.py"), "ops.dat"));
            }
        }

        public static Tensor In(string name) => Data["in/" + name];

        public static Tensor Out(string name) => Data["out/" + name];

        public static void Dispose()
        {
            lock (gate)
            {
                data?.Dispose();
                data = null;
            }
        }
    }

    internal static class TensorAssert
    {
        /// <summary>Largest |expected - actual| (NaN where both are NaN counts as equal); fails on a shape mismatch.</summary>
        public static double MaxAbsDifference(Tensor expected, Tensor actual, string what)
        {
            CollectionAssert.AreEqual(expected.shape, actual.shape, $"{what}: shape [{string.Join(",", actual.shape)}], expected [{string.Join(",", expected.shape)}]");
            using var scope = NewDisposeScope();
            var e = expected.detach().to(ScalarType.Float64).flatten().data<double>().ToArray();
            var a = actual.detach().to(ScalarType.Float64).flatten().data<double>().ToArray();
            double worst = 0;
            for (int i = 0; i < e.Length; i++)
            {
                if (double.IsNaN(e[i]) && double.IsNaN(a[i])) continue;
                double d = Math.Abs(e[i] - a[i]);
                if (double.IsNaN(d)) return double.PositiveInfinity;
                worst = Math.Max(worst, d);
            }
            return worst;
        }

        public static void Close(Tensor expected, Tensor actual, double tolerance, string what)
        {
            double worst = MaxAbsDifference(expected, actual, what);
            Assert.IsTrue(worst <= tolerance, $"{what}: max abs error {worst:G4} > {tolerance:G4}");
        }

        /// <summary>Same shape and the same integer values (indices, labels, masks).</summary>
        public static void SameIndices(Tensor expected, Tensor actual, string what)
        {
            Assert.AreEqual(ScalarType.Int64, actual.dtype, $"{what}: dtype");
            using var scope = NewDisposeScope();
            var e = expected.to(ScalarType.Int64).flatten().data<long>().ToArray();
            var a = actual.to(ScalarType.Int64).flatten().data<long>().ToArray();
            CollectionAssert.AreEqual(e, a, $"{what}: [{string.Join(",", a.Take(30))}...] expected [{string.Join(",", e.Take(30))}...] ({a.Length} vs {e.Length} elements)");
        }

        public static long[] Longs(Tensor t) => t.to(ScalarType.Int64).flatten().data<long>().ToArray();
    }

    /// <summary>Runs code with another intra-op thread count (the tests otherwise run with one), then restores it.</summary>
    internal static class Threads
    {
        public static T With<T>(int threads, Func<T> action)
        {
            int previous = torch.get_num_threads();
            torch.set_num_threads(threads);
            try { return action(); }
            finally { torch.set_num_threads(previous); }
        }
    }
}
