using System;
using System.IO;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

[assembly: Parallelize(Workers = 1, Scope = ExecutionScope.ClassLevel)]

namespace Microsoft.ML.MaskRcnn.Cli.Tests
{
    [TestClass]
    public static class TestSetup
    {
        /// <summary>Every test folder lives below this one, deleted at the end.</summary>
        public static string Root { get; } = Path.Combine(Path.GetTempPath(), "maskrcnn-cli-tests", Guid.NewGuid().ToString("N"));

        // Two shared cores: one libtorch thread keeps timings stable, and every run (the CLI's and the independent
        // evaluations it is checked against) must use the same thread count to be bit-identical.
        [AssemblyInitialize]
        public static void Initialize(TestContext context)
        {
            torch.set_num_threads(1);
            Directory.CreateDirectory(Root);
        }

        [AssemblyCleanup]
        public static void Cleanup()
        {
            if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
        }

        public static string NewFolder(string name)
        {
            string path = Path.Combine(Root, name + "-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(path);
            return path;
        }
    }
}
