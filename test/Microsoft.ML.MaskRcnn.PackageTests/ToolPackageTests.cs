using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using Microsoft.ML.MaskRcnn.TestUtilities;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.PackageTests
{
    /// <summary>
    /// The <c>maskrcnn</c> tool as a user installs it: <c>dotnet pack</c> of the CLI project (a version of its own) into a
    /// local folder feed, <c>dotnet tool install --tool-path</c> from it into a temporary folder, then the installed
    /// command's help and a short training run on generated images with the default preset (whose ImageNet models
    /// must travel in the tool package).
    /// </summary>
    [TestClass]
    public sealed class ToolPackageTests
    {
        [TestMethod]
        [Timeout(30 * 60 * 1000, CooperativeCancellation = true)]
        public void TheToolInstallsFromTheLocalPackageAndTrains()
        {
            string version = "0.1.0-tooltest." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff");
            string root = Path.Combine(Path.GetTempPath(), "maskrcnn-tool-" + Guid.NewGuid().ToString("N")[..8]);
            string feed = Path.Combine(root, "feed"), tools = Path.Combine(root, "tools");
            Directory.CreateDirectory(root);
            try
            {
                string configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
                Commands.Dotnet(RepositoryPaths.Root, "pack", Path.Combine(RepositoryPaths.Root, "src", "Microsoft.ML.MaskRcnn.Cli"), "-c", configuration,
                                "-p:PackageVersion=" + version, "-p:SkipNativeBuild=true", "-o", feed, "-nologo");
                // The tool package points at its linux-x64 package, which carries the program, libtorch, the product's
                // kernels and the ImageNet models.
                using (var zip = ZipFile.OpenRead(Path.Combine(feed, $"Microsoft.ML.MaskRcnn.Cli.linux-x64.{version}.nupkg")))
                {
                    var names = zip.Entries.Select(e => e.FullName).ToHashSet();
                    foreach (string expected in new[]
                             {
                                 "tools/net10.0/linux-x64/maskrcnn.dll", "tools/net10.0/linux-x64/DotnetToolSettings.xml",
                                 "tools/net10.0/linux-x64/libMaskRcnnOps.so", "tools/net10.0/linux-x64/libLibTorchSharp.so",
                                 "tools/net10.0/linux-x64/DnnImageModels/ResNet18Onnx/ResNet18.onnx",
                             })
                        Assert.IsTrue(names.Contains(expected), $"{expected} is in the tool package");
                    Assert.IsFalse(names.Any(n => n.StartsWith("content", StringComparison.Ordinal)), "the models are not also packed as content");
                }

                Commands.Dotnet(root, "tool", "install", "Microsoft.ML.MaskRcnn.Cli", "--version", version, "--tool-path", tools, "--add-source", feed);
                string maskrcnn = Path.Combine(tools, "maskrcnn");
                string help = Commands.Program(root, maskrcnn, "--help");
                foreach (var command in new[] { "train", "evaluate", "predict" }) StringAssert.Contains(help, "  " + command + " ");

                string model = Path.Combine(root, "model.zip");
                string output = Commands.Program(root, maskrcnn, "train", "--synthetic", "6", "--model", model, "--steps", "2", "--batch", "2",
                                                 "--min-size", "64", "--max-size", "96", "--threads", "1", "--log-every", "1");
                StringAssert.Contains(output, "Backbone initialised from the ONNX ResNet", "the default preset found the models in the tool's folder");
                StringAssert.Contains(output, "Step 2/2");
                Assert.IsTrue(File.Exists(model), output);
                var usage = Commands.Start(root, maskrcnn, "train", "--frobnicate");
                Assert.AreEqual(2, usage.ExitCode, "a usage error from the installed tool");
            }
            finally
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }
}
