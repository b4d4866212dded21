using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using Microsoft.ML.MaskRcnn.TestUtilities;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.PackageTests
{
    /// <summary>
    /// The package as a new user meets it. The built product is packed (<c>dotnet pack --no-build</c>, a version of its
    /// own so the NuGet cache never serves an older copy) into a local folder feed; a console app outside the repository
    /// that references only Microsoft.ML, Microsoft.ML.ImageAnalytics, TorchSharp-cpu and the package is restored, built,
    /// trained for a few steps and saved in one process, and a second process loads the zip with a new MLContext and must
    /// predict exactly what the first did.
    /// </summary>
    [TestClass]
    public sealed class ConsumerAppTests
    {
        [TestMethod]
        [Timeout(30 * 60 * 1000, CooperativeCancellation = true)]
        public void AConsoleAppOnThePackageTrainsSavesAndPredictsTheSameInASecondProcess()
        {
            string version = "0.1.0-consumertest." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff");
            string root = Path.Combine(Path.GetTempPath(), "maskrcnn-consumer-" + Guid.NewGuid().ToString("N")[..8]);
            string feed = Path.Combine(root, "feed"), app = Path.Combine(root, "app"), data = Path.Combine(root, "data");
            Directory.CreateDirectory(app);
            try
            {
                // The configuration this test was built in (bin/<configuration>/net10.0), which built the product too.
                string configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
                Commands.Dotnet(RepositoryPaths.Root, "pack", Path.Combine(RepositoryPaths.Root, "src", "Microsoft.ML.MaskRcnn"), "-c", configuration, "--no-build",
                    "-p:PackageVersion=" + version, "-o", feed, "-nologo");
                // The product depends on its torch-free scoring package, packed beside it with the same version.
                Commands.Dotnet(RepositoryPaths.Root, "pack", Path.Combine(RepositoryPaths.Root, "src", "Microsoft.ML.MaskRcnn.Scoring"), "-c", configuration, "--no-build",
                    "-p:PackageVersion=" + version, "-o", feed, "-nologo");
                string package = Path.Combine(feed, $"Microsoft.ML.MaskRcnn.{version}.nupkg");
                AssertPackageContents(package);

                string source = Path.Combine(AppContext.BaseDirectory, "ConsumerApp");
                File.WriteAllText(Path.Combine(app, "ConsumerApp.csproj"),
                    File.ReadAllText(Path.Combine(source, "ConsumerApp.csproj.template")).Replace("$MASKRCNN_VERSION$", version));
                File.Copy(Path.Combine(source, "Program.cs"), Path.Combine(app, "Program.cs"));
                // The local feed beside the machine's own sources, as a user adds one.
                File.WriteAllText(Path.Combine(app, "nuget.config"),
                    $"<configuration><packageSources><add key=\"maskrcnn-local\" value=\"{feed}\" /></packageSources></configuration>");
                Commands.Dotnet(app, "build", "-c", "Release", "-nologo", "-v", "quiet");

                string exe = Path.Combine(app, "bin", "Release", "net10.0", "ConsumerApp.dll");
                string model = Path.Combine(root, "model.zip"), trained = Path.Combine(root, "trained.txt"), loaded = Path.Combine(root, "loaded.txt");
                Commands.Dotnet(app, exe, "train", data, model, trained);
                Commands.Dotnet(app, exe, "predict", data, model, loaded);

                var expected = File.ReadAllLines(trained);
                Assert.AreEqual(4, expected.Length, "one line per image");
                Assert.IsTrue(expected.All(l => l.Split(" | ")[1].Length > 0), "every image has detections at score threshold 0");
                CollectionAssert.AreEqual(expected, File.ReadAllLines(loaded), "the model loaded in a second process predicts what the trained one did");
            }
            finally
            {
                Directory.Delete(root, recursive: true);
                // The test's own version of the package must not pile up in the NuGet cache.
                string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
                    ? configured : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
                foreach (var id in new[] { "microsoft.ml.maskrcnn", "microsoft.ml.maskrcnn.scoring" })
                {
                    string cached = Path.Combine(cache, id, version);
                    if (Directory.Exists(cached)) Directory.Delete(cached, recursive: true);
                }
            }
        }

        private static void AssertPackageContents(string package)
        {
            using var zip = ZipFile.OpenRead(package);
            var names = zip.Entries.Select(e => e.FullName).ToHashSet();
            foreach (string expected in new[]
                     {
                         "lib/net10.0/Microsoft.ML.MaskRcnn.dll", "lib/net10.0/Microsoft.ML.MaskRcnn.xml", "README.md",
                         "runtimes/linux-x64/native/libMaskRcnnOps.so",
                         "build/Microsoft.ML.MaskRcnn.targets", "buildTransitive/Microsoft.ML.MaskRcnn.targets",
                         "build/GlibcxxCompatibility.cs", "buildTransitive/GlibcxxCompatibility.cs",
                     })
                Assert.IsTrue(names.Contains(expected), $"{expected} is in the package; it holds {string.Join(", ", names.Order())}");
            using var nuspec = new StreamReader(zip.GetEntry("Microsoft.ML.MaskRcnn.nuspec")!.Open());
            string text = nuspec.ReadToEnd();
            StringAssert.Contains(text, "<dependency id=\"Microsoft.ML\" version=\"[6.0.0, 6.1.0)\"");
            StringAssert.Contains(text, "<dependency id=\"Microsoft.ML.ImageAnalytics\" version=\"[6.0.0, 6.1.0)\"");
            StringAssert.Contains(text, "<dependency id=\"TorchSharp\" version=\"0.107.0\"");
            StringAssert.Contains(text, "<dependency id=\"Microsoft.ML.MaskRcnn.Scoring\" version=\"" + Path.GetFileNameWithoutExtension(package)["Microsoft.ML.MaskRcnn.".Length..] + "\"");
            Assert.IsFalse(text.Contains("<dependency id=\"ReferencePublicizer"), "the build tool is not a dependency");
            Assert.IsFalse(text.Contains("<dependency id=\"TorchSharp-c"), "the backend is the application's choice");
        }
    }
}
