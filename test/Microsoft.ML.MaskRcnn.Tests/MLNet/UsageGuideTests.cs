using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.ML.MaskRcnn.TestUtilities;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.MLNet
{
    /// <summary>
    /// docs/usage.md's code compiles against the real packages: samples/UsageGuide holds every C# block of it verbatim
    /// (indentation aside) and is part of the solution, so every build compiles it.
    /// </summary>
    [TestClass]
    public sealed class UsageGuideTests
    {
        [TestMethod]
        public void EveryCSharpBlockOfTheUsageGuideIsInTheCompiledUsageGuideSample()
        {
            string guide = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "usage.md"));
            var blocks = Regex.Matches(guide, "```csharp\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value).ToArray();
            Assert.IsTrue(blocks.Length >= 3, $"found {blocks.Length} C# blocks in docs/usage.md");
            string folder = Path.Combine(RepositoryPaths.Root, "samples", "UsageGuide");
            string sample = Normalize(string.Join("\n", Directory.GetFiles(folder, "*.cs").Order().Select(File.ReadAllText)));
            foreach (string block in blocks)
                Assert.IsTrue(sample.Contains(Normalize(block)), $"this block of docs/usage.md is not in {folder}:\n{block}");
            StringAssert.Contains(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "Microsoft.ML.MaskRcnn.sln")), @"samples\UsageGuide\UsageGuide.csproj",
                "the sample is built with the solution");
        }

        private static string Normalize(string code) =>
            string.Join("\n", code.Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0));
    }
}
