using System;
using System.Linq;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.Data
{
    /// <summary>COCO run-length masks and polygon rasterisation against counts derived by hand.</summary>
    [TestClass]
    public class RleMaskTests
    {
        // 3 rows x 4 columns, row-major:      column-major (down each column): 0 0 1 | 1 1 1 | 1 0 0 | 0 0 0
        //   0 1 1 0                             -> runs: 2 zeros, 5 ones, 5 zeros
        //   0 1 0 0
        //   1 1 0 0
        private static readonly byte[] Sample = { 0, 1, 1, 0, 0, 1, 0, 0, 1, 1, 0, 0 };

        [TestMethod]
        public void EncodeRunsDownTheColumns()
        {
            var rle = RleMask.Encode(Sample, 3, 4);
            CollectionAssert.AreEqual(new uint[] { 2, 5, 5 }, rle.Counts.ToArray());
            Assert.AreEqual(5, rle.Area);
            CollectionAssert.AreEqual(Sample, rle.Decode());
            // The run of 1s crosses from column 0 into column 2, so the box is full height: x 0..2, y 0..2.
            Assert.AreEqual(new CocoBox(0, 0, 3, 3), rle.ToBoundingBox());
        }

        [TestMethod]
        public void RandomMasksRoundTrip()
        {
            var random = new Random(3);
            for (int trial = 0; trial < 50; trial++)
            {
                int h = random.Next(1, 30), w = random.Next(1, 30);
                var mask = new byte[h * w];
                for (int i = 0; i < mask.Length; i++) mask[i] = (byte)(random.Next(3) == 0 ? 1 : 0);
                var rle = RleMask.Encode(mask, h, w);
                CollectionAssert.AreEqual(mask, rle.Decode());
                Assert.AreEqual(mask.Count(b => b != 0), rle.Area);
                var back = RleMask.FromCompressedString(rle.ToCompressedString(), h, w);
                CollectionAssert.AreEqual(rle.Counts.ToArray(), back.Counts.ToArray());
            }
        }

        [TestMethod]
        public void CompressedStringsFollowCocosEncoding()
        {
            // Each count in 5-bit groups, low first, 0x20 = more follows, +48; from the 4th count on, the difference
            // from the count two before. [2, 5, 5] -> '2' '5' '5'.
            Assert.AreEqual("255", RleMask.Encode(Sample, 3, 4).ToCompressedString());
            // [0, 5, 3, 2]: the 4th is 2 - 5 = -3 -> group 29 with the sign bit (0x10) set and nothing left -> 48 + 29 = 'M'.
            Assert.AreEqual("053M", new RleMask(2, 5, new uint[] { 0, 5, 3, 2 }).ToCompressedString());
            // 100 = 4 + 3 x 32 -> group 4 with 0x20 ('T'), then 3 ('3').
            Assert.AreEqual("0T35", new RleMask(105, 1, new uint[] { 0, 100, 5 }).ToCompressedString());
            CollectionAssert.AreEqual(new uint[] { 0, 5, 3, 2 }, RleMask.FromCompressedString("053M", 2, 5).Counts.ToArray());
            CollectionAssert.AreEqual(new uint[] { 0, 100, 5 }, RleMask.FromCompressedString("0T35", 105, 1).Counts.ToArray());
        }

        [TestMethod]
        public void InvalidRlesAreRejected()
        {
            Assert.ThrowsExactly<ArgumentException>(() => new RleMask(3, 3, new uint[] { 2, 5 }));  // 7 pixels, not 9
            Assert.ThrowsExactly<FormatException>(() => RleMask.FromCompressedString("255", 4, 4));
            Assert.ThrowsExactly<FormatException>(() => RleMask.FromCompressedString("2~", 3, 4));
        }

        [TestMethod]
        public void PolygonsCoverThePixelsWhoseCentresTheyContain()
        {
            // A 10x10 square from (0, 0): the 100 pixel centres (0.5 .. 9.5)^2 inside it. Column-major runs: 10 on, 10 off
            // per column, then the rest; compressed as pycocotools writes it: '0' ':' ':' then 17 zero deltas, then 200 = "X6".
            var square = PolygonRasterizer.Rasterize(new double[] { 0, 0, 10, 0, 10, 10, 0, 10 }, 20, 20);
            Assert.AreEqual(100, square.Area);
            Assert.AreEqual(new CocoBox(0, 0, 10, 10), square.ToBoundingBox());
            Assert.AreEqual("0::" + new string('0', 17) + "X6", square.ToCompressedString());

            // A right triangle with legs 10: centres (x + .5, y + .5) strictly inside x + y < 10 -> x + y <= 8: 1 + 2 + ... + 9 = 45.
            Assert.AreEqual(45, PolygonRasterizer.Rasterize(new double[] { 0, 0, 10, 0, 0, 10 }, 20, 20).Area);
            // Concave L: [0,6]x[0,2] and [0,2]x[2,6] -> 12 + 8 = 20 pixels.
            Assert.AreEqual(20, PolygonRasterizer.Rasterize(new double[] { 0, 0, 6, 0, 6, 2, 2, 2, 2, 6, 0, 6 }, 20, 20).Area);
            // Reaching outside the image: only the 5x5 inside counts.
            var clipped = PolygonRasterizer.Rasterize(new double[] { -5, -5, 5, -5, 5, 5, -5, 5 }, 20, 20);
            Assert.AreEqual(25, clipped.Area);
            Assert.AreEqual(new CocoBox(0, 0, 5, 5), clipped.ToBoundingBox());
            // A box rasterised as pycocotools' frBbox does: 4 x 5 pixels.
            Assert.AreEqual(20, PolygonRasterizer.Rasterize(new CocoBox(2, 3, 4, 5), 10, 10).Area);
            // Vertex order does not matter.
            Assert.AreEqual(100, PolygonRasterizer.Rasterize(new double[] { 0, 10, 10, 10, 10, 0, 0, 0 }, 20, 20).Area);
        }

        [TestMethod]
        public void PolygonPartsMergeAsAUnion()
        {
            var a = new double[] { 0, 0, 4, 0, 4, 4, 0, 4 };
            var b = new double[] { 2, 2, 6, 2, 6, 6, 2, 6 };
            Assert.AreEqual(16 + 16 - 4, PolygonRasterizer.Rasterize(new[] { a, b }, 20, 20).Area);
            var ra = PolygonRasterizer.Rasterize(a, 20, 20);
            var rb = PolygonRasterizer.Rasterize(b, 20, 20);
            Assert.AreEqual(4, RleMask.Merge(new[] { ra, rb }, intersect: true).Area);
            // The union equals rasterising each and OR-ing the pixels.
            var union = RleMask.Merge(new[] { ra, rb }).Decode();
            var expected = ra.Decode().Zip(rb.Decode(), (x, y) => (byte)(x | y)).ToArray();
            CollectionAssert.AreEqual(expected, union);
        }
    }
}
