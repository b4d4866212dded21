using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

[assembly: Parallelize(Workers = 1, Scope = ExecutionScope.ClassLevel)]

namespace Microsoft.ML.MaskRcnn.Tests
{
    [TestClass]
    public static class TestSetup
    {
        // Two cores: one intra-op thread per test process keeps timings and numerics stable.
        [AssemblyInitialize]
        public static void Initialize(TestContext context) => torch.set_num_threads(1);

        [AssemblyCleanup]
        public static void Cleanup() => Ops.OpsReference.Dispose();
    }
}
