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
        private static ImageBuffer Gray(int w, int h, byte value)
        {
            var image = new ImageBuffer(w, h, 3);
            Array.Fill(image.Data, value);
            return image;
        }

        private static (byte, byte, byte) Pixel(ImageBuffer image, int x, int y) =>
            (image.Data[3 * (y * image.Width + x)], image.Data[3 * (y * image.Width + x) + 1], image.Data[3 * (y * image.Width + x) + 2]);

        [TestMethod]
        public void MasksAreTintedOutlinedAndBoxedInTheInstanceColour()
        {
            var image = Gray(60, 50, 100);
            var mask = new byte[50 * 60];
            for (int y = 20; y < 40; y++) for (int x = 10; x < 30; x++) mask[y * 60 + x] = 1;
            var prediction = new InstancePrediction(1, 1, "circle", 0.9f, 10, 20, 30, 40, RleMask.Encode(mask, 50, 60));
            var overlay = OverlayRenderer.Render(image, new[] { prediction }, new OverlayOptions { BoxThickness = 0, DrawLabels = false });

            // The first palette colour is (230, 25, 75); inside: 100 * 0.55 + colour * 0.45, rounded.
            Assert.AreEqual(((byte)159, (byte)66, (byte)89), Pixel(overlay, 20, 30));
            Assert.AreEqual(((byte)230, (byte)25, (byte)75), Pixel(overlay, 10, 30), "the mask's edge is drawn solid");
            Assert.AreEqual(((byte)100, (byte)100, (byte)100), Pixel(overlay, 5, 5), "outside the mask nothing changes");
            Assert.IsTrue(image.Data.All(v => v == 100), "the input image is left untouched");

            var boxed = OverlayRenderer.Render(image, new[] { prediction }, new OverlayOptions { BoxThickness = 1, DrawLabels = false, MaskOpacity = 0 });
            Assert.AreEqual(((byte)230, (byte)25, (byte)75), Pixel(boxed, 20, 20), "top edge of the box");
            Assert.AreEqual(((byte)230, (byte)25, (byte)75), Pixel(boxed, 29, 35), "right edge of the box (x1 exclusive)");
            Assert.AreEqual(((byte)100, (byte)100, (byte)100), Pixel(boxed, 20, 30), "inside, with opacity 0");
        }

        [TestMethod]
        public void LabelsAreWrittenAboveTheBox()
        {
            var image = Gray(120, 80, 100);
            var prediction = new InstancePrediction(1, 1, "square", 0.5f, 30, 40, 90, 70, RleMask.Empty(80, 120));
            var overlay = OverlayRenderer.Render(image, new[] { prediction }, new OverlayOptions { TextScale = 1, BoxThickness = 0 });
            // The label "square 0.50" is 11 glyphs of 6 pixels plus 2 of margin, 9 pixels high, directly above y0 = 40.
            int changedAbove = 0, changedElsewhere = 0;
            for (int y = 0; y < 80; y++)
                for (int x = 0; x < 120; x++)
                {
                    bool changed = Pixel(overlay, x, y) != ((byte)100, (byte)100, (byte)100);
                    bool inLabel = y >= 31 && y < 40 && x >= 30 && x < 30 + 11 * 6 + 2;
                    if (changed && inLabel) changedAbove++;
                    else if (changed) changedElsewhere++;
                }
            Assert.AreEqual(9 * 68, changedAbove, "the whole label rectangle is painted");
            Assert.AreEqual(0, changedElsewhere);
        }
    }
}
