using System;
using System.IO;
using Microsoft.VisualStudio.TestTools.UnitTesting;

[assembly: Parallelize(Workers = 1, Scope = ExecutionScope.ClassLevel)]

namespace Microsoft.ML.Compat.Tests
{
    /// <summary>A scratch folder per test run, removed at the end.</summary>
    [TestClass]
    public static class TestSetup
    {
        public static string Scratch { get; private set; } = "";

        [AssemblyInitialize]
        public static void Initialize(TestContext context)
        {
            Scratch = Path.Combine(Path.GetTempPath(), "mlnet-subset-tests-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Scratch);
        }

        [AssemblyCleanup]
        public static void Cleanup()
        {
            try
            {
                Directory.Delete(Scratch, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        /// <summary>A new empty folder under the scratch folder.</summary>
        public static string NewFolder(string name)
        {
            string path = Path.Combine(Scratch, name + "-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(path);
            return path;
        }
    }
}
