using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.TestUtilities;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.PackageTests
{
    /// <summary>
    /// The packages as a new user meets them. The built product and its scoring package are packed (<c>dotnet pack
    /// --no-build</c>, a version of their own so the NuGet cache never serves an older copy) into a local folder feed. A
    /// console app outside the repository that references only Microsoft.ML, Microsoft.ML.ImageAnalytics, TorchSharp-cpu
    /// and the package is restored, built, trained for a few steps and saved in one process; a second process loads the
    /// zip with a new MLContext and must predict exactly what the first did; a third exports it to ONNX. A scoring app on
    /// Microsoft.ML and the scoring package alone (no TorchSharp) then scores the same images from that ONNX file, saves
    /// and reloads its pipeline, and must predict what the TorchSharp app did.
    /// </summary>
    [TestClass]
    public sealed class ConsumerAppTests
    {
        private const int ImageCount = 4;
        private static string version = "", root = "", feed = "", data = "";
        private static string[] trained = Array.Empty<string>(), loaded = Array.Empty<string>();
        private static string onnx = "";

        [ClassInitialize]
        [Timeout(30 * 60 * 1000, CooperativeCancellation = true)]
        public static void PackAndRunTheTorchSharpApp(TestContext context)
        {
            version = "0.1.0-consumertest." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff");
            root = Path.Combine(Path.GetTempPath(), "maskrcnn-consumer-" + Guid.NewGuid().ToString("N")[..8]);
            feed = Path.Combine(root, "feed");
            data = Path.Combine(root, "data");
            // The configuration this test was built in (bin/<configuration>/net10.0), which built the product too.
            string configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
            foreach (string project in new[] { "Microsoft.ML.MaskRcnn", "Microsoft.ML.MaskRcnn.Scoring" })
                Commands.Dotnet(RepositoryPaths.Root, "pack", Path.Combine(RepositoryPaths.Root, "src", project), "-c", configuration, "--no-build",
                    "-p:PackageVersion=" + version, "-o", feed, "-nologo");

            string app = CreateApp("ConsumerApp");
            string exe = Path.Combine(app, "bin", "Release", "net10.0", "ConsumerApp.dll");
            string model = Path.Combine(root, "model.zip"), trainedPath = Path.Combine(root, "trained.txt"), loadedPath = Path.Combine(root, "loaded.txt");
            onnx = Path.Combine(root, "model.onnx");
            Commands.Dotnet(app, exe, "train", data, model, trainedPath);
            Commands.Dotnet(app, exe, "predict", data, model, loadedPath);
            Commands.Dotnet(app, exe, "export", model, onnx);
            trained = File.ReadAllLines(trainedPath);
            loaded = File.ReadAllLines(loadedPath);
        }

        [ClassCleanup]
        public static void Cleanup()
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
            // The test's own version of the packages must not pile up in the NuGet cache.
            string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
                ? configured : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            foreach (var id in new[] { "microsoft.ml.maskrcnn", "microsoft.ml.maskrcnn.scoring" })
            {
                string cached = Path.Combine(cache, id, version);
                if (version.Length > 0 && Directory.Exists(cached)) Directory.Delete(cached, recursive: true);
            }
        }

        /// <summary>Copies app <paramref name="name"/> (its Program.cs and project template) out of the repository, with the local feed, and builds it.</summary>
        private static string CreateApp(string name)
        {
            string app = Path.Combine(root, name);
            Directory.CreateDirectory(app);
            string source = Path.Combine(AppContext.BaseDirectory, name);
            File.WriteAllText(Path.Combine(app, name + ".csproj"),
                File.ReadAllText(Path.Combine(source, name + ".csproj.template")).Replace("$MASKRCNN_VERSION$", version));
            File.Copy(Path.Combine(source, "Program.cs"), Path.Combine(app, "Program.cs"));
            // The local feed beside the machine's own sources, as a user adds one.
            File.WriteAllText(Path.Combine(app, "nuget.config"),
                $"<configuration><packageSources><add key=\"maskrcnn-local\" value=\"{feed}\" /></packageSources></configuration>");
            Commands.Dotnet(app, "build", "-c", "Release", "-nologo", "-v", "quiet");
            return app;
        }

        [TestMethod]
        public void TheProductPackageHoldsItsAssembliesNativeLibraryAndBuildFilesAndNamesItsDependencies()
        {
            string package = Path.Combine(feed, $"Microsoft.ML.MaskRcnn.{version}.nupkg");
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
            string text = Nuspec(zip, "Microsoft.ML.MaskRcnn.nuspec");
            StringAssert.Contains(text, "<dependency id=\"Microsoft.ML\" version=\"[6.0.0, 6.1.0)\"");
            StringAssert.Contains(text, "<dependency id=\"Microsoft.ML.ImageAnalytics\" version=\"[6.0.0, 6.1.0)\"");
            StringAssert.Contains(text, "<dependency id=\"TorchSharp\" version=\"0.107.0\"");
            StringAssert.Contains(text, "<dependency id=\"Microsoft.ML.MaskRcnn.Scoring\" version=\"" + version + "\"");
            Assert.IsFalse(text.Contains("<dependency id=\"ReferencePublicizer"), "the build tool is not a dependency");
            Assert.IsFalse(text.Contains("<dependency id=\"TorchSharp-c"), "the backend is the application's choice");
        }

        [TestMethod]
        public void TheScoringPackageDependsOnOnnxRuntimeAndMLNetNotTorchSharp()
        {
            using var zip = ZipFile.OpenRead(Path.Combine(feed, $"Microsoft.ML.MaskRcnn.Scoring.{version}.nupkg"));
            Assert.IsTrue(zip.Entries.Any(e => e.FullName == "lib/net10.0/Microsoft.ML.MaskRcnn.Scoring.dll"));
            string text = Nuspec(zip, "Microsoft.ML.MaskRcnn.Scoring.nuspec");
            StringAssert.Contains(text, "<dependency id=\"Microsoft.ML.OnnxRuntime\"");
            StringAssert.Contains(text, "<dependency id=\"Microsoft.ML\" version=\"[6.0.0, 6.1.0)\"");
            Assert.IsFalse(text.Contains("TorchSharp"), "no TorchSharp dependency");
            Assert.IsFalse(zip.Entries.Any(e => e.FullName.StartsWith("runtimes/", StringComparison.Ordinal)), "no native code of ours");
        }

        [TestMethod]
        public void AConsoleAppOnThePackageTrainsSavesAndPredictsTheSameInASecondProcess()
        {
            Assert.AreEqual(ImageCount, trained.Length, "one line per image");
            Assert.IsTrue(trained.All(l => l.Split(" | ")[1].Length > 0), "every image has detections at score threshold 0");
            CollectionAssert.AreEqual(trained, loaded, "the model loaded in a second process predicts what the trained one did");
        }

        [TestMethod]
        [Timeout(15 * 60 * 1000, CooperativeCancellation = true)]
        public void AnOnnxOnlyAppOnTheScoringPackagePredictsWhatTheTorchSharpAppDoes()
        {
            string app = CreateApp("OnnxConsumerApp");
            string output = Path.Combine(app, "bin", "Release", "net10.0");
            Assert.IsFalse(Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories)
                                    .Any(f => Path.GetFileName(f).Contains("torch", StringComparison.OrdinalIgnoreCase)),
                           "no TorchSharp or libtorch file in the scoring app's output");
            Assert.IsFalse(File.ReadAllText(Path.Combine(output, "OnnxConsumerApp.deps.json")).Contains("TorchSharp"), "TorchSharp is not a dependency");

            string exe = Path.Combine(output, "OnnxConsumerApp.dll");
            string scoring = Path.Combine(root, "scoring.zip"), fitted = Path.Combine(root, "onnx-fitted.txt"), reloaded = Path.Combine(root, "onnx-loaded.txt");
            Commands.Dotnet(app, exe, "fit", data, onnx, scoring, fitted);
            Commands.Dotnet(app, exe, "predict", data, scoring, reloaded);
            var onnxLines = File.ReadAllLines(fitted);
            CollectionAssert.AreEqual(onnxLines, File.ReadAllLines(reloaded), "the scoring zip loaded in a second process predicts what the fitted pipeline did");

            Assert.AreEqual(trained.Length, onnxLines.Length, "one line per image");
            int detections = 0, inPlace = 0;
            long maskPixels = 0, differing = 0;
            for (int image = 0; image < trained.Length; image++)
            {
                var ours = Parse(trained[image]);
                var theirs = Parse(onnxLines[image]);
                Assert.AreEqual(ours.Count, theirs.Count, $"image {image}: detections");
                var used = new bool[theirs.Count];
                for (int i = 0; i < ours.Count; i++)
                {
                    // The same detection, at the same place unless scores a rounding apart changed places.
                    bool Matches(int j) => !used[j] && theirs[j].Label == ours[i].Label && Math.Abs(theirs[j].Score - ours[i].Score) <= 1e-4
                                           && theirs[j].Box.Zip(ours[i].Box, (a, b) => Math.Abs(a - b)).Max() <= 1e-3;
                    int match = Matches(i) ? i : Enumerable.Range(0, theirs.Count).FirstOrDefault(Matches, -1);
                    Assert.IsTrue(match >= 0, $"image {image}: detection {i} ({trained[image].Split(" | ")[1].Split(',')[i]}) has no counterpart");
                    used[match] = true;
                    if (match == i) inPlace++;
                    var (height, width) = PngSize(Path.Combine(data, $"shapes-{image}.png"));
                    var a = RleMask.FromCompressedString(ours[i].Mask, height, width).Decode();
                    var b = RleMask.FromCompressedString(theirs[match].Mask, height, width).Decode();
                    maskPixels += a.Sum(v => v);
                    differing += a.Zip(b, (x, y) => x != y ? 1 : 0).Sum();
                }
                detections += ours.Count;
            }
            Console.WriteLine($"{detections} detections, {inPlace} in place; {differing} of {maskPixels} mask pixels differ");
            Assert.IsTrue(detections > 0);
            Assert.IsTrue(differing <= maskPixels / 1000, $"{differing} of {maskPixels} mask pixels differ");
        }

        private sealed record Detection(uint Label, float Score, float[] Box, string Mask);

        /// <summary>A line "labels | scores | boxes | masks" as both apps write it.</summary>
        private static List<Detection> Parse(string line)
        {
            var parts = line.Split(" | ");
            if (parts[0].Length == 0) return new List<Detection>();
            var labels = parts[0].Split(',').Select(uint.Parse).ToArray();
            var scores = parts[1].Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            var boxes = parts[2].Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            // COCO's compressed RLE strings hold no commas.
            var masks = parts[3].Split(',');
            return labels.Select((l, i) => new Detection(l, scores[i], boxes[(4 * i)..(4 * i + 4)], masks[i])).ToList();
        }

        /// <summary>A PNG's size, from its IHDR chunk (width and height, big-endian, at bytes 16 and 20).</summary>
        private static (int Height, int Width) PngSize(string path)
        {
            var header = File.ReadAllBytes(path).AsSpan(0, 24);
            return (BinaryPrimitives.ReadInt32BigEndian(header[20..]), BinaryPrimitives.ReadInt32BigEndian(header[16..]));
        }

        private static string Nuspec(ZipArchive zip, string name)
        {
            using var nuspec = new StreamReader(zip.GetEntry(name)!.Open());
            return nuspec.ReadToEnd();
        }
    }
}
