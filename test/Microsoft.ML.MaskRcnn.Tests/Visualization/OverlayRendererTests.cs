using System;
using System.Linq;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Imaging;
using Microsoft.ML.MaskRcnn.Training;
using Microsoft.ML.MaskRcnn.Visualization;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.Visualization
{
    [TestClass]
    public class OverlayRendererTests
    {
        // The first palette colour, which the only (or first) instance gets.
        private static readonly (byte, byte, byte) Red = (230, 25, 75);
        private static readonly (byte, byte, byte) Background = (100, 100, 100);

        private static ImageBuffer Gray(int w, int h, byte value)
        {
            var image = new ImageBuffer(w, h, 3);
            Array.Fill(image.Data, value);
            return image;
        }

        private static (byte, byte, byte) Pixel(ImageBuffer image, int x, int y) =>
            (image.Data[3 * (y * image.Width + x)], image.Data[3 * (y * image.Width + x) + 1], image.Data[3 * (y * image.Width + x) + 2]);

        // The gray 100 background tinted towards Red with alpha a.
        private static double[] Tinted(double a) => new[] { 100 + (230 - 100) * a, 100 + (25 - 100) * a, 100 + (75 - 100) * a };

        private static void AssertNear(double[] expected, (byte, byte, byte) actual, double tolerance, string message)
        {
            var values = new double[] { actual.Item1, actual.Item2, actual.Item3 };
            for (int c = 0; c < 3; c++)
                Assert.IsTrue(Math.Abs(expected[c] - values[c]) <= tolerance,
                    $"{message}: expected ({string.Join(", ", expected.Select(v => v.ToString("0.0")))}), got {actual}");
        }

        private static InstancePrediction Instance(byte[] mask, int w, int h, float x0, float y0, float x1, float y1, string name = "circle", float score = 0.9f) =>
            new(1, 1, name, score, x0, y0, x1, y1, RleMask.Encode(mask, h, w));

        [TestMethod]
        public void MasksAreTintedByTheOpacityAndOutlinedSolid()
        {
            var image = Gray(60, 50, 100);
            var mask = new byte[50 * 60];
            for (int y = 20; y < 40; y++) for (int x = 10; x < 30; x++) mask[y * 60 + x] = 1;
            var prediction = Instance(mask, 60, 50, 10, 20, 30, 40);
            var overlay = OverlayRenderer.Render(image, new[] { prediction }, new OverlayOptions { BoxThickness = 0, DrawLabels = false, OutlineThickness = 2 });

            Assert.AreEqual((60, 50), (overlay.Width, overlay.Height));
            AssertNear(Tinted(0.45), Pixel(overlay, 20, 30), 1.5, "inside: 0.45 of the colour over the image");
            // The straight edge x = 10 is the contour; a 2-pixel line centred on it covers pixels 9 and 10 fully.
            Assert.AreEqual(Red, Pixel(overlay, 10, 30), "the outline inside the edge");
            Assert.AreEqual(Red, Pixel(overlay, 9, 30), "the outline outside the edge");
            AssertNear(Tinted(0.45), Pixel(overlay, 12, 30), 1.5, "next to the outline, the tint");
            Assert.AreEqual(Background, Pixel(overlay, 5, 5), "outside the mask nothing changes");
            Assert.AreEqual(Background, Pixel(overlay, 7, 30), "beyond the outline nothing changes");
            Assert.IsTrue(image.Data.All(v => v == 100), "the input image is left untouched");
        }

        [TestMethod]
        public void StaircaseEdgesAreDrawnAsSmoothAntiAliasedLines()
        {
            // The mask x + y <= 39 is a pixel staircase; its contour is the straight line X + Y = 40.5 (pixel (x, y)
            // covering [x, x+1] x [y, y+1]). A pixel with x + y = 39 is then 7/8 covered (a corner triangle of legs 1/2 is
            // cut off), one with x + y = 40 has 1/8 of it: both take intermediate values, not all or nothing.
            var image = Gray(60, 60, 100);
            var mask = new byte[60 * 60];
            for (int y = 0; y < 60; y++) for (int x = 0; x < 60; x++) mask[y * 60 + x] = (byte)(x + y <= 39 ? 1 : 0);
            var overlay = OverlayRenderer.Render(image, new[] { Instance(mask, 60, 60, 0, 0, 40, 40) },
                new OverlayOptions { BoxThickness = 0, DrawLabels = false, OutlineThickness = 0, MaskOpacity = 0.8 });

            AssertNear(Tinted(0.8), Pixel(overlay, 10, 10), 1.5, "well inside");
            // Skia estimates coverage by supersampling (in 1/16ths and steps of a quarter pixel), so allow 0.1 of a pixel.
            foreach (var (x, y, covered) in new[] { (20, 19, 7.0 / 8), (20, 20, 1.0 / 8), (5, 34, 7.0 / 8), (35, 5, 1.0 / 8) })
            {
                var p = Pixel(overlay, x, y);
                double coverage = (p.Item1 - 100) / (0.8 * (230 - 100));
                Assert.AreEqual(covered, coverage, 0.1, $"coverage of the edge pixel ({x}, {y}), {p}");
                AssertNear(Tinted(0.8 * coverage), p, 1.5, $"edge pixel ({x}, {y}) is a mix of the image and the colour");
            }
            Assert.AreEqual(Background, Pixel(overlay, 21, 21), "beyond the edge");
        }

        [TestMethod]
        public void BoxesLieInsideTheirCoordinates()
        {
            var image = Gray(60, 50, 100);
            var prediction = new InstancePrediction(1, 1, "circle", 0.9f, 10, 20, 30, 40, RleMask.Empty(50, 60));
            var boxed = OverlayRenderer.Render(image, new[] { prediction }, new OverlayOptions { BoxThickness = 1, DrawLabels = false });
            Assert.AreEqual(Red, Pixel(boxed, 20, 20), "top edge of the box");
            Assert.AreEqual(Red, Pixel(boxed, 29, 35), "right edge of the box (x1 exclusive)");
            Assert.AreEqual(Background, Pixel(boxed, 30, 35), "right of the box");
            Assert.AreEqual(Background, Pixel(boxed, 20, 30), "inside the box");
        }

        [TestMethod]
        public void LabelsAreTextOnAFilledBackgroundAboveTheBox()
        {
            var image = Gray(200, 100, 100);
            var prediction = new InstancePrediction(1, 1, "square", 0.5f, 30, 60, 150, 90, RleMask.Empty(100, 200));
            var options = new OverlayOptions { BoxThickness = 0, TextSize = 16 };
            var overlay = OverlayRenderer.Render(image, new[] { prediction }, options);

            int top = 100, bottom = -1, left = 200, right = -1, background = 0, white = 0, between = 0;
            for (int y = 0; y < 100; y++)
                for (int x = 0; x < 200; x++)
                {
                    var p = Pixel(overlay, x, y);
                    if (p == Background) continue;
                    (top, bottom, left, right) = (Math.Min(top, y), Math.Max(bottom, y), Math.Min(left, x), Math.Max(right, x));
                    if (p == Red) background++;
                    else if (p == ((byte)255, (byte)255, (byte)255)) white++;
                    else between++;
                }
            // The label sits on the box's top edge (y0 = 60), starts at x0 = 30, is a line of 16-pixel text high and
            // about 0.5-0.7 em per character of "square 0.50" wide.
            Assert.AreEqual(59, bottom, "the label ends directly above the box");
            Assert.AreEqual(30, left);
            Assert.IsTrue(bottom - top + 1 is >= 16 and <= 30, $"label height {bottom - top + 1}");
            Assert.IsTrue(right - left + 1 is >= 11 * 16 / 2 - 10 and <= 11 * 16 * 7 / 10 + 10, $"label width {right - left + 1}");
            // White text (Red is dark) drawn anti-aliased on the filled label colour.
            Assert.IsTrue(white > 20, $"{white} white text pixels");
            Assert.IsTrue(between > 20, $"{between} anti-aliased text edge pixels");
            Assert.IsTrue(background > white, "the background is filled");

            var longer = OverlayRenderer.Render(image, new[] { prediction with { CategoryName = "square square" } }, options);
            int Width(ImageBuffer picture) => Enumerable.Range(0, 200).Count(x => Enumerable.Range(0, 100).Any(y => Pixel(picture, x, y) != Background));
            Assert.IsTrue(Width(longer) > Width(overlay) + 40, "a longer label is wider");
        }

        [TestMethod]
        public void WithoutAFontLabelsAreSkipped()
        {
            var image = Gray(120, 80, 100);
            var prediction = new InstancePrediction(1, 1, "square", 0.5f, 30, 40, 90, 70, RleMask.Empty(80, 120));
            var overlay = OverlayRenderer.Render(image, new[] { prediction }, new OverlayOptions { BoxThickness = 0 }, typeface: null);
            Assert.IsTrue(overlay.Data.All(v => v == 100));
        }
    }
}
