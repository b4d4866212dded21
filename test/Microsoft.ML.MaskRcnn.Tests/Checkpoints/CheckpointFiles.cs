using System;
using System.IO;
using System.Linq;
using Microsoft.ML.MaskRcnn.TestUtilities;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Tests.Checkpoints
{
    /// <summary>The files test/reference/checkpoint_reference.py writes, and comparisons for what is read from them.</summary>
    internal static class CheckpointFiles
    {
        private static readonly Lazy<string> folder = new(() => PythonReference.Run("checkpoint_reference.py"));

        /// <summary>A file of the small reference set (torch.save output, bad files, expected tensors).</summary>
        public static string Path(string name) => System.IO.Path.Combine(folder.Value, name);

        /// <summary>Exact equality of shape and values (both widened to float64, which holds every value exactly).</summary>
        public static void AssertSameValues(Tensor expected, Tensor actual, string what)
        {
            CollectionAssert.AreEqual(expected.shape, actual.shape, $"{what}: shape");
            using var scope = NewDisposeScope();
            var e = expected.to_type(ScalarType.Float64);
            var a = actual.to_type(ScalarType.Float64);
            Assert.IsTrue(e.eq(a).all().item<bool>(), $"{what}: values differ");
        }

        /// <summary>Live tensors, after collecting those other tests left to the finalizer.</summary>
        public static long LiveTensors()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            return Tensor.TotalCount;
        }

        /// <summary>A scratch file under artifacts/ (deleted by the caller).</summary>
        public static string ScratchFile(string name)
        {
            string dir = System.IO.Path.Combine(RepositoryPaths.Artifacts, "scratch", "checkpoints");
            Directory.CreateDirectory(dir);
            return System.IO.Path.Combine(dir, $"{Guid.NewGuid():N}-{name}");
        }

        public static long[] Longs(params long[] values) => values;

        public static bool SameValues(Tensor a, Tensor b)
        {
            using var scope = NewDisposeScope();
            return a.shape.SequenceEqual(b.shape) && a.to_type(ScalarType.Float64).eq(b.to_type(ScalarType.Float64)).all().item<bool>();
        }
    }
}
