using System;
using System.IO;
using System.Linq;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Cli.Tests
{
    /// <summary>
    /// Bad command lines and broken inputs: each is a one-line message on stderr naming the option or file, and exit code
    /// 2 (usage) or 1 (the command failed); help texts list the options with their defaults.
    /// </summary>
    [TestClass]
    public sealed class CliArgumentTests
    {
        private static CliTestData data = null!;
        private static string root = "";
        private static string modelPath = "";

        [ClassInitialize]
        public static void Create(TestContext context)
        {
            root = TestSetup.NewFolder("arguments");
            data = CliTestData.Create(Path.Combine(root, "data"), 2, seed: 31, firstImageId: 1);
            modelPath = Path.Combine(root, "model.zip");
            var run = CliRun.Of(new[] { "train", "--coco", data.CocoFile, "--images", data.Folder, "--model", modelPath, "--steps", "1" }
                                .Concat(CliEndToEndTests.TinyTraining).ToArray());
            Assert.AreEqual(0, run.ExitCode, run.ToString());
        }

        private static void AssertFails(CliRun run, int exitCode, params string[] named)
        {
            Assert.AreEqual(exitCode, run.ExitCode, run.ToString());
            string line = run.Error.TrimEnd('\n', '\r');
            Assert.IsFalse(line.Contains('\n'), "one line: " + run.Error);
            foreach (var name in named) StringAssert.Contains(line, name);
            Assert.IsFalse(line.Contains("   at "), "no stack trace without --verbose");
        }

        [TestMethod]
        public void AnUnknownOptionIsAUsageErrorNamingIt() =>
            AssertFails(CliRun.Of("train", "--coco", data.CocoFile, "--images", data.Folder, "--model", modelPath, "--frobnicate", "3"), 2, "'--frobnicate'", "maskrcnn train");

        [TestMethod]
        public void AMissingModelIsAUsageErrorNamingTheOption()
        {
            AssertFails(CliRun.Of("evaluate", "--coco", data.CocoFile, "--images", data.Folder), 2, "--model is required");
            AssertFails(CliRun.Of("train", "--coco", data.CocoFile, "--images", data.Folder, "--steps", "1"), 2, "--model is required");
            AssertFails(CliRun.Of("predict", "--input", data.Folder, "--out", root, "--model"), 2, "'--model'", "maskrcnn predict --help");
        }

        [TestMethod]
        public void AMalformedNumberIsAUsageErrorNamingTheOptionAndTheText()
        {
            AssertFails(CliRun.Of("train", "--coco", data.CocoFile, "--images", data.Folder, "--model", modelPath, "--steps", "three"), 2, "--steps", "'three'");
            AssertFails(CliRun.Of("train", "--coco", data.CocoFile, "--images", data.Folder, "--model", modelPath, "--lr", "0,02"), 2, "--lr", "'0,02'");
            AssertFails(CliRun.Of("predict", "--model", modelPath, "--input", data.Folder, "--out", root, "--score-threshold", "1.5"), 2, "--score-threshold", "1.5");
            AssertFails(CliRun.Of("train", "--synthetic", "0", "--model", modelPath), 2, "--synthetic", "at least 1");
        }

        [TestMethod]
        public void AnUnknownPrecisionOrLayoutIsAUsageErrorListingTheChoices()
        {
            AssertFails(CliRun.Of("predict", "--model", modelPath, "--input", data.Folder, "--out", root, "--precision", "float16"), 2, "--precision", "float32, bfloat16", "'float16'");
            AssertFails(CliRun.Of("train", "--coco", data.CocoFile, "--images", data.Folder, "--model", modelPath, "--memory-format", "nhwc"), 2,
                        "--memory-format", "auto, channels-last, contiguous", "'nhwc'");
            AssertFails(CliRun.Of("train", "--coco", data.CocoFile, "--images", data.Folder, "--model", modelPath, "--training-precision", "float16"), 2,
                        "--training-precision", "float32, bfloat16", "'float16'");
            // Training precision is train's alone.
            AssertFails(CliRun.Of("predict", "--model", modelPath, "--input", data.Folder, "--out", root, "--training-precision", "bfloat16"), 2, "--training-precision");
        }

        [TestMethod]
        public void AnUnreadableResponseFileIsAUsageErrorNamingIt()
        {
            // Fuzz finding (cli-args, 2026-12-04): "@." made System.CommandLine read a folder as a response file, and its
            // UnauthorizedAccessException left the tool with a stack trace.
            AssertFails(CliRun.Of("train", "@" + root), 2, "cannot read the response file", root);
        }

        [TestMethod]
        public void AMissingFileIsAUsageErrorNamingTheFile()
        {
            string missingZip = Path.Combine(root, "missing.zip");
            AssertFails(CliRun.Of("evaluate", "--model", missingZip, "--coco", data.CocoFile, "--images", data.Folder), 2, "--model", missingZip);
            string missingJson = Path.Combine(root, "nothere.json");
            AssertFails(CliRun.Of("train", "--coco", missingJson, "--images", data.Folder, "--model", modelPath), 2, "--coco", missingJson);
            string missingFolder = Path.Combine(root, "no-such-folder");
            AssertFails(CliRun.Of("predict", "--model", modelPath, "--input", missingFolder, "--out", root), 2, "--input", missingFolder);
        }

        [TestMethod]
        public void InconsistentDatasetOptionsAreUsageErrors()
        {
            AssertFails(CliRun.Of("train", "--coco", data.CocoFile, "--model", modelPath), 2, "--coco needs --images");
            AssertFails(CliRun.Of("train", "--coco", data.CocoFile, "--images", data.Folder, "--synthetic", "3", "--model", modelPath), 2, "--coco", "--synthetic");
            AssertFails(CliRun.Of("train", "--model", modelPath), 2, "dataset is required");
            AssertFails(CliRun.Of("train", "--image-folder", data.Folder, "--mask-folder", data.Folder, "--classes", "a,b", "--model", modelPath), 2, "--class-map");
            AssertFails(CliRun.Of("train", "--synthetic", "4", "--val-fraction", "0.5", "--val-synthetic", "2", "--model", modelPath), 2, "--val-fraction", "--val-synthetic");
            AssertFails(CliRun.Of("train", "--synthetic", "4", "--min-size", "900", "--max-size", "100", "--model", modelPath), 2, "--max-size");
        }

        [TestMethod]
        public void ADamagedModelZipIsAFailureWithTheLibrarysMessageAndAStackTraceOnlyWhenVerbose()
        {
            string truncated = Path.Combine(root, "truncated.zip");
            var bytes = File.ReadAllBytes(modelPath);
            File.WriteAllBytes(truncated, bytes.AsSpan(0, bytes.Length / 2).ToArray());
            AssertFails(CliRun.Of("evaluate", "--model", truncated, "--coco", data.CocoFile, "--images", data.Folder), 1, truncated, "maskrcnn evaluate: error:");

            var verbose = CliRun.Of("predict", "--model", truncated, "--input", data.Folder, "--out", Path.Combine(root, "out"), "--verbose");
            Assert.AreEqual(1, verbose.ExitCode);
            StringAssert.Contains(verbose.Error, truncated);
            StringAssert.Contains(verbose.Error, "   at ", "--verbose adds the stack trace");

            // A zip whose weights were altered: the library checks them against the SHA-256 recorded at saving.
            string altered = Path.Combine(root, "altered.zip");
            var copy = bytes.ToArray();
            for (int i = copy.Length / 2; i < copy.Length / 2 + 64; i++) copy[i] ^= 0xFF;
            File.WriteAllBytes(altered, copy);
            AssertFails(CliRun.Of("evaluate", "--model", altered, "--coco", data.CocoFile, "--images", data.Folder), 1, altered, "damaged");

            // Not a zip at all: an image given as the model.
            AssertFails(CliRun.Of("predict", "--model", data.ImagePath(0), "--input", data.Folder, "--out", Path.Combine(root, "out")), 1, data.ImagePath(0));
        }

        [TestMethod]
        public void AnUnreadableImageIsAFailureNamingTheImage()
        {
            string folder = Path.Combine(root, "broken-images");
            Directory.CreateDirectory(folder);
            string broken = Path.Combine(folder, "broken.png");
            File.WriteAllBytes(broken, File.ReadAllBytes(data.ImagePath(0)).AsSpan(0, 60).ToArray());
            var run = CliRun.Of("predict", "--model", modelPath, "--input", folder, "--out", Path.Combine(root, "broken-out"), "--threads", "1");
            AssertFails(run, 1, "broken.png");
            Assert.IsFalse(File.Exists(Path.Combine(root, "broken-out", "predictions.json")), "no predictions file from a failed run");
        }

        [TestMethod]
        public void UnknownCommandsAndAnEmptyCommandLineAreUsageErrors()
        {
            AssertFails(CliRun.Of("frobnicate"), 2, "'frobnicate'");
            var empty = CliRun.Of();
            Assert.AreEqual(2, empty.ExitCode);
            StringAssert.Contains(empty.Error, "maskrcnn [command] [options]");
            StringAssert.Contains(empty.Error, "predict");
        }

        [TestMethod]
        public void HelpListsEveryCommandAndEveryOptionWithItsDefault()
        {
            var overview = CliRun.Of("--help");
            Assert.AreEqual(0, overview.ExitCode);
            foreach (var command in new[] { "train", "evaluate", "predict" }) StringAssert.Contains(overview.Out, "  " + command + " ");

            var trainHelp = CliRun.Of("train", "--help");
            Assert.AreEqual(0, trainHelp.ExitCode);
            foreach (var option in new[]
                     {
                         "--coco <FILE>", "--images <DIR>", "--image-folder <DIR>", "--mask-folder <DIR>", "--classes <LIST>", "--synthetic <N>", "--val-coco <FILE>",
                         "--val-images <DIR>", "--val-fraction <F>", "--model <FILE>", "--preset <NAME>", "--backbone <N>", "--min-size <N>", "--max-size <N>", "--epochs <N>",
                         "--steps <N>", "--batch <N>", "--lr <X>", "--warmup <N>", "--threads <N>", "--device <NAME>", "--seed <N>", "--checkpoints <DIR>",
                         "--checkpoint-interval <N>", "--resume <FILE>", "--init <FILE>", "--init-with-predictors", "--eval-interval <N>", "--score-threshold <X>", "--imagenet-models <DIR>",
                     })
                StringAssert.Contains(trainHelp.Out, "  " + option);
            StringAssert.Contains(trainHelp.Out, "(default: small-pretrained)");
            StringAssert.Contains(trainHelp.Out, "(default: 0.5)");

            var evaluateHelp = CliRun.Of("evaluate", "--model", "ignored.zip", "-h");
            Assert.AreEqual(0, evaluateHelp.ExitCode, "help wins over the other options");
            StringAssert.Contains(evaluateHelp.Out, "--json <FILE>");
            StringAssert.Contains(evaluateHelp.Out, "to 0 for the evaluation");

            var predictHelp = CliRun.Of("help", "predict");
            Assert.AreEqual(0, predictHelp.ExitCode);
            foreach (var option in new[] { "--model <FILE>", "--input <PATH>", "--coco <FILE>", "--images <DIR>", "--out <DIR>", "--score-threshold <X>", "--no-overlays" })
                StringAssert.Contains(predictHelp.Out, "  " + option);
        }
    }
}
