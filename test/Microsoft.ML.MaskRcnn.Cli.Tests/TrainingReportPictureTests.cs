using System;
using System.IO;
using System.Linq;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using SkiaSharp;

namespace Microsoft.ML.MaskRcnn.Cli.Tests
{
    [TestClass]
    public class TrainingReportPictureTests
    {
        // The first colour of ScottPlot's default palette (Category10 blue), that of the total loss and of box AP.
        private static readonly SKColor FirstLine = new(0x1f, 0x77, 0xb4);

        [TestMethod]
        public void TheReportOfAShortRunIsAPictureWithLossLearningRateAndApCharts()
        {
            // Three tiny steps with a validation after the second and the last: a real result, as train produces it.
            var options = MaskRcnnTrainerOptions.SmallFromScratch(4);
            var m = options.Model;
            m.MinSize = 64; m.MaxSize = 96; m.TrainingMinSizes = null;
            m.FpnChannels = 32; m.RepresentationSize = 32; m.MaskHeadChannels = 8; m.MaskHeadLayers = 1;
            m.BoxBatchSizePerImage = 32; m.RpnPreNmsTopNTrain = 200; m.RpnPostNmsTopNTrain = 100; m.RpnPreNmsTopNTest = 100; m.RpnPostNmsTopNTest = 50;
            options.MaxSteps = 3;
            options.BatchSize = 2;
            options.WarmupSteps = 2;
            options.Threads = 1;
            options.Seed = 7;
            options.EvaluationInterval = 2;
            var result = new MaskRcnnTrainer(options).Train(new SyntheticShapesDataset(4, 1, CliTestData.TinyImages), new SyntheticShapesDataset(2, 2, CliTestData.TinyImages));
            using var model = result.Model;
            Assert.AreEqual(3, result.History.Count);
            Assert.IsTrue(result.Evaluations.Count >= 1);

            string path = Path.Combine(TestSetup.NewFolder("report"), "sub", "model.zip.report.png");
            TrainingReportPicture.Write(path, result);

            using var bitmap = SKBitmap.Decode(path);
            Assert.IsNotNull(bitmap, "the file is a PNG");
            Assert.AreEqual((1200, 1120), (bitmap.Width, bitmap.Height));
            // Each chart (losses: rows 0-519, learning rate: 520-779, AP: 780-1119) has dark axis and text pixels and
            // a line in the first palette colour.
            foreach (var (top, bottom) in new[] { (0, 520), (520, 780), (780, 1120) })
            {
                int dark = 0, line = 0;
                for (int y = top; y < bottom; y++)
                    for (int x = 0; x < bitmap.Width; x++)
                    {
                        var p = bitmap.GetPixel(x, y);
                        if (p.Red + p.Green + p.Blue < 200) dark++;
                        if (Math.Abs(p.Red - FirstLine.Red) + Math.Abs(p.Green - FirstLine.Green) + Math.Abs(p.Blue - FirstLine.Blue) < 30) line++;
                    }
                Assert.IsTrue(dark > 500, $"rows {top}-{bottom}: {dark} dark pixels of axes and text");
                Assert.IsTrue(line > 20, $"rows {top}-{bottom}: {line} pixels of the first line");
            }
        }
    }
}
