using System;
using System.Diagnostics;
using System.IO;
using Microsoft.ML.MaskRcnn.TestUtilities;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace TorchSharp.Compat.Tests
{
    /// <summary>
    /// Every public member of the subset must appear, character for character, in TorchSharp 0.105.2's listing
    /// (../shared/reference). Runs the shared apilist tool and conform.py, as ../shared/reference/README.md shows.
    /// </summary>
    [TestClass]
    public class ApiConformanceTests
    {
        [TestMethod]
        [Timeout(600_000, CooperativeCancellation = true)]
        public void EveryPublicMemberMatchesTorchSharp()
        {
            string tool = Path.Combine(RepositoryPaths.Shared, "tools", "apilist");
            string conform = Path.Combine(RepositoryPaths.Shared, "tools", "conform.py");
            string reference = Path.Combine(RepositoryPaths.Shared, "reference", "torchsharp-0.105.2.api.txt");
            if (!Directory.Exists(tool) || !File.Exists(conform) || !File.Exists(reference))
                Assert.Inconclusive($"The reference listing and tools are not beside the repository ({RepositoryPaths.Shared}); the check needs them.");

            // Build a copy of the tool under artifacts/: ../shared may be read-only.
            string toolCopy = Path.Combine(RepositoryPaths.Artifacts, "tools", "apilist");
            Directory.CreateDirectory(toolCopy);
            foreach (var file in new[] { "Program.cs", "apilist.csproj" })
                File.Copy(Path.Combine(tool, file), Path.Combine(toolCopy, file), overwrite: true);
            tool = toolCopy;
            string source = Path.Combine(RepositoryPaths.Root, "src", "Compat", "TorchSharp.Compat");
            string listing = Path.Combine(RepositoryPaths.Artifacts, "torchsharp-subset.api.txt");
            Directory.CreateDirectory(RepositoryPaths.Artifacts);
            string ours = Run("dotnet", $"run --project \"{tool}\" -c Release -- --define NET6_0_OR_GREATER \"{source}\"");
            File.WriteAllText(listing, ours);
            Assert.IsTrue(ours.Split('\n').Length > 1000, $"the listing looks too short ({ours.Length} characters)");
            string mismatches = Run(PythonReference.Interpreter, $"\"{conform}\" \"{reference}\" \"{listing}\"").Trim();
            Assert.AreEqual("", mismatches, "members whose signature is not TorchSharp 0.105.2's:\n" + mismatches);
        }

        private static string Run(string file, string arguments)
        {
            var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            if (process.ExitCode != 0) Assert.Fail($"{file} {arguments} failed ({process.ExitCode}):\n{error.Result}\n{output.Result}");
            return output.Result;
        }
    }
}
