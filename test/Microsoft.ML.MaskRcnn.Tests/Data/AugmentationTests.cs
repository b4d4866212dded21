using System.Linq;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Imaging;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.Data
{
    /// <summary>Horizontal flip and scale jitter move image, boxes and masks together.</summary>
    [TestClass]
    public class AugmentationTests
    {
        // A 4x2 RGB image whose red channel is the column index and one instance covering columns 0-1 of row 0.
        private static InstanceSegmentationSample Sample()
        {
            var image = new ImageBuffer(4, 2, 3);
            for (int y = 0; y < 2; y++) for (int x = 0; x < 4; x++) image[y, x, 0] = x * 10;
            var mask = new byte[] { 1, 1, 0, 0, 0, 0, 0, 0 };
            var annotations = new InstanceAnnotations(2, 4, new float[] { 0, 0, 2, 1 }, new[] { 1 }, new[] { false }, new long[] { 9 }, new[] { 2.0 }, mask);
            return new InstanceSegmentationSample(new ImageDescriptor(1, "x.png", 4, 2), image, annotations);
        }

        [TestMethod]
        public void FlipMirrorsImageMaskAndBox()
        {
            var flipped = HorizontalFlip.Flip(Sample());
            CollectionAssert.AreEqual(new[] { 30, 20, 10, 0 }, Enumerable.Range(0, 4).Select(x => flipped.Image[0, x, 0]).ToArray());
            CollectionAssert.AreEqual(new byte[] { 0, 0, 1, 1, 0, 0, 0, 0 }, flipped.Annotations.Masks);
            // x0' = W - x1 = 4 - 2 = 2, x1' = W - x0 = 4.
            CollectionAssert.AreEqual(new float[] { 2, 0, 4, 1 }, flipped.Annotations.Boxes);
            var twice = HorizontalFlip.Flip(flipped);
            CollectionAssert.AreEqual(Sample().Image.Data, twice.Image.Data);
            CollectionAssert.AreEqual(Sample().Annotations.Boxes, twice.Annotations.Boxes);
        }

        [TestMethod]
        public void FlipProbabilityIsHonouredDeterministically()
        {
            var never = Sample();
            Assert.AreSame(never, new HorizontalFlip(0).Apply(never, new SeededRandom(1)));
            Assert.AreNotSame(never, new HorizontalFlip(1).Apply(never, new SeededRandom(1)));
            var pipeline = new AugmentationPipeline(5, new HorizontalFlip(0.5));
            int flips = Enumerable.Range(0, 200).Count(i => pipeline.Apply(Sample(), 0, i).Image[0, 0, 0] == 30);
            Assert.IsTrue(flips > 70 && flips < 130, $"{flips} of 200 flipped");
            var a = Enumerable.Range(0, 50).Select(i => pipeline.Apply(Sample(), 3, i).Image[0, 0, 0]).ToArray();
            var b = Enumerable.Range(0, 50).Select(i => pipeline.Apply(Sample(), 3, i).Image[0, 0, 0]).ToArray();
            CollectionAssert.AreEqual(a, b, "the same seed, epoch and index give the same augmentation");
        }

        [TestMethod]
        public void ScaleJitterScalesBoxesAndKeepsMasksBinary()
        {
            var doubled = new ScaleJitter(2, 2).Apply(Sample(), new SeededRandom(0));
            Assert.AreEqual(8, doubled.Width);
            Assert.AreEqual(4, doubled.Height);
            CollectionAssert.AreEqual(new float[] { 0, 0, 4, 2 }, doubled.Annotations.Boxes);
            // Nearest at exactly 2x repeats every pixel twice: columns 0-3 of rows 0-1.
            var expected = new byte[32];
            for (int y = 0; y < 2; y++) for (int x = 0; x < 4; x++) expected[y * 8 + x] = 1;
            CollectionAssert.AreEqual(expected, doubled.Annotations.Masks);
            Assert.AreEqual(8.0, doubled.Annotations.Areas[0]);
            CollectionAssert.AreEqual(ImageCodec.Resize(Sample().Image, 8, 4, ImageInterpolation.Bilinear).Data, doubled.Image.Data);
            var jittered = new ScaleJitter(0.5, 1.5).Apply(Sample(), new SeededRandom(11));
            Assert.IsTrue(jittered.Annotations.Masks.All(v => v <= 1));
            Assert.AreEqual(jittered.Width * jittered.Height, jittered.Annotations.Masks.Length);
        }
    }
}
