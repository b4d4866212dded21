using Microsoft.ML.MaskRcnn.TestUtilities;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

[assembly: Parallelize(Workers = 1, Scope = ExecutionScope.ClassLevel)]

namespace TorchSharp.Compat.Tests
{
    [TestClass]
    public static class TestSetup
    {
        private static ReferenceTensors? reference;

        /// <summary>PyTorch's results for the cases of test/reference/tensor_core_reference.py.</summary>
        public static ReferenceTensors Reference =>
            reference ??= new ReferenceTensors(System.IO.Path.Combine(PythonReference.Run("tensor_core_reference.py"), "tensor_core.dat"));

        [AssemblyInitialize]
        public static void Initialize(TestContext context) => torch.set_num_threads(1);

        [AssemblyCleanup]
        public static void Cleanup() => reference?.Dispose();
    }
}
