using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using Spectre.Console.Testing;

namespace Microsoft.ML.MaskRcnn.Cli.Tests
{
    /// <summary>The live display of an interactive console (Spectre's test console standing in for a terminal).</summary>
    [TestClass]
    public sealed class CliLiveProgressTests
    {
        private static readonly string[] TinyTraining =
            { "--preset", "small", "--min-size", "64", "--max-size", "96", "--batch", "2", "--threads", "1" };

        private static (int Code, string Live, string Out, string Error) Run(TestConsole live, params string[] args)
        {
            var output = new StringWriter();
            var error = new StringWriter();
            int code = MaskRcnnCli.Run(args, output, error, CancellationToken.None, live);
            return (code, live.Output, output.ToString(), error.ToString());
        }

        private static TestConsole Terminal() => new TestConsole().Interactive().Width(220);

        [TestMethod]
        public void TrainingShowsEveryStepAndTheLastValidationLiveAndEvaluationShowsTheCocoTables()
        {
            string root = TestSetup.NewFolder("live");
            string model = Path.Combine(root, "m.zip"), json = Path.Combine(root, "metrics.json");
            var train = Run(Terminal(), new[] { "train", "--synthetic", "8", "--val-synthetic", "2", "--eval-interval", "2", "--steps", "4", "--model", model }
                .Concat(TinyTraining).ToArray());
            Assert.AreEqual(0, train.Code, train.Out + train.Error + train.Live);
            // The display's line for the last step and the validation before it.
            StringAssert.Contains(train.Live, "step 4/4  loss ");
            StringAssert.Contains(train.Live, " img/s  left 00:00:0");
            StringAssert.Contains(train.Live, "last validation (step 4): mask AP ");
            StringAssert.Contains(train.Live, "Model saved to");
            Assert.AreEqual("", train.Out, "everything went to the live console");

            var evaluate = Run(Terminal(), "evaluate", "--model", model, "--synthetic", "3", "--threads", "1", "--json", json);
            Assert.AreEqual(0, evaluate.Code, evaluate.Out + evaluate.Error + evaluate.Live);
            StringAssert.Contains(evaluate.Live, "evaluating 3 image(s)");
            // Every figure of the table is the one the same run wrote to its JSON file.
            using var document = JsonDocument.Parse(File.ReadAllText(json));
            foreach (var (row, name) in new[] { ("AP ", "AP"), ("AP50", "AP50"), ("AR100", "AR100") })
            {
                string Cell(string kind)
                {
                    double v = document.RootElement.GetProperty(kind).GetProperty(name).GetDouble();
                    return v < 0 ? "-" : v.ToString("F3", CultureInfo.InvariantCulture);
                }
                var line = evaluate.Live.Split('\n').First(l => l.Contains("│ " + row));
                var cells = line.Split('│', System.StringSplitOptions.RemoveEmptyEntries | System.StringSplitOptions.TrimEntries);
                CollectionAssert.AreEqual(new[] { name, Cell("box"), Cell("mask") }, cells, line);
            }
            StringAssert.Contains(evaluate.Live, "per class");
        }

        [TestMethod]
        public void NoProgressGivesThePlainLinesEvenOnATerminal()
        {
            string root = TestSetup.NewFolder("no-progress");
            var live = Terminal();
            var train = Run(live, new[] { "train", "--synthetic", "4", "--steps", "2", "--log-every", "1", "--no-progress", "--model", Path.Combine(root, "m.zip") }
                .Concat(TinyTraining).ToArray());
            Assert.AreEqual(0, train.Code, train.Out + train.Error);
            StringAssert.Contains(train.Out, "Step 1/2 (epoch 1): loss ");
            StringAssert.Contains(train.Out, "Step 2/2 (epoch 1): loss ");
            Assert.AreEqual("", train.Live);
        }
    }
}
