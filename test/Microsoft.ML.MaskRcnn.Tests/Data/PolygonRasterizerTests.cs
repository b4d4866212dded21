using System;
using System.Collections.Generic;
using System.Diagnostics;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.Data
{
    /// <summary>
    /// The rasteriser computes each edge's toggles at the column centres directly. Its truth is the fine-step walk it
    /// replaced (pycocotools' method, which the hand-computed cases of RleMaskTests pinned down), kept here as the oracle:
    /// the two agree pixel for pixel on random polygons, and the new one no longer hangs on far vertices (fuzz finding).
    /// </summary>
    [TestClass]
    public sealed class PolygonRasterizerTests
    {
        [TestMethod]
        public void AgreesWithTheFineStepWalkOnRandomPolygons()
        {
            var random = new Random(11);
            for (int trial = 0; trial < 3000; trial++)
            {
                int height = random.Next(1, 40), width = random.Next(1, 40), vertices = random.Next(1, 9);
                var xy = new double[2 * vertices];
                for (int i = 0; i < xy.Length; i++)
                {
                    int size = i % 2 == 0 ? width : height;
                    // Mostly inside, some outside on either side, some on the half-pixel grid.
                    xy[i] = random.Next(4) switch
                    {
                        0 => Math.Round(random.NextDouble() * size * 2) / 2,
                        _ => (random.NextDouble() * 3.5 - 1.2) * size,
                    };
                }
                var expected = FineStepWalk.Rasterize(xy, height, width);
                var actual = PolygonRasterizer.Rasterize(xy, height, width).Decode();
                CollectionAssert.AreEqual(expected, actual, $"trial {trial}: {height}x{width} [{string.Join(", ", xy)}]");
            }
        }

        [TestMethod]
        public void FarVerticesCostNothingMore()
        {
            // Fuzz finding (polygon, 2026-12-04): a vertex at 1e9 made the walk take 5e9 fine steps (a hang), and one at
            // 4e8 or beyond overflowed the int grid (OverflowException in Math.Abs).
            var watch = Stopwatch.StartNew();
            var far = PolygonRasterizer.Rasterize(new double[] { 1, 1, 1e9, 2, 3e15, 1e12, -7e14, 9 }, 50, 60);
            var steep = PolygonRasterizer.Rasterize(new double[] { 2, -1e13, 30, 1e13, 31, 5 }, 50, 60);
            Assert.IsTrue(watch.Elapsed < TimeSpan.FromSeconds(1), $"{watch.Elapsed.TotalSeconds:F2} s");
            Assert.AreEqual(50, far.Height);
            Assert.IsTrue(steep.Area > 0);
        }

        [TestMethod]
        public void ANonFiniteVertexIsRefusedNamingIt()
        {
            var e = Assert.ThrowsExactly<ArgumentException>(() => PolygonRasterizer.Rasterize(new[] { 0, 0, double.NaN, 1, 4, 4 }, 10, 10));
            StringAssert.StartsWith(e.Message, "Vertex 1 of a polygon is not finite (NaN, 1).");
        }

        /// <summary>The previous rasteriser: a walk over every fine step of every edge.</summary>
        private static class FineStepWalk
        {
            private const int Scale = 5;

            public static byte[] Rasterize(double[] xy, int height, int width)
            {
                int k = xy.Length / 2;
                long pixels = (long)height * width;
                if (k == 0 || pixels == 0) return new byte[pixels];

                // Vertices on the fine grid, the first repeated at the end to close the polygon.
                var fx = new int[k + 1];
                var fy = new int[k + 1];
                for (int j = 0; j < k; j++)
                {
                    fx[j] = (int)(Scale * xy[2 * j] + 0.5);
                    fy[j] = (int)(Scale * xy[2 * j + 1] + 0.5);
                }
                fx[k] = fx[0];
                fy[k] = fy[0];

                var toggles = new List<long>();
                bool havePrevious = false;
                int previousU = 0, previousV = 0;
                void Visit(int u, int v)
                {
                    if (havePrevious && u != previousU)
                    {
                        long column = FloorDiv(Math.Min(u, previousU) - 2, Scale);
                        bool atCentre = Math.Min(u, previousU) - 2 - column * Scale == 0;
                        if (atCentre && column >= 0 && column <= width - 1)
                        {
                            long row = CeilDiv(Math.Min(v, previousV) - 2, Scale);
                            row = Math.Clamp(row, 0, height);
                            toggles.Add(column * height + row);
                        }
                    }
                    previousU = u;
                    previousV = v;
                    havePrevious = true;
                }

                for (int j = 0; j < k; j++) WalkEdge(fx[j], fy[j], fx[j + 1], fy[j + 1], Visit);

                toggles.Sort();
                // Runs between the positions where an odd number of toggles fall; the last run ends at the mask's end.
                var runs = new List<uint>(toggles.Count + 1);
                long start = 0;
                for (int i = 0; i < toggles.Count;)
                {
                    long position = toggles[i];
                    int same = 0;
                    while (i < toggles.Count && toggles[i] == position)
                    {
                        same++;
                        i++;
                    }
                    if ((same & 1) == 0) continue;
                    runs.Add((uint)(position - start));
                    start = position;
                }
                if (pixels - start > 0 || runs.Count == 0) runs.Add((uint)(pixels - start));
                return new RleMask(height, width, runs).Decode();
            }

            // Walks from (xs, ys) to (xe, ye) one fine step at a time along the major axis, in that direction, visiting
            // every point including both ends; the minor coordinate is interpolated from the lower end and rounded half up.
            private static void WalkEdge(int xs, int ys, int xe, int ye, Action<int, int> visit)
            {
                int dx = Math.Abs(xe - xs), dy = Math.Abs(ye - ys);
                if (dx == 0 && dy == 0)
                {
                    visit(xs, ys);
                    return;
                }
                if (dx >= dy)
                {
                    // Interpolate from the left end so that both directions round identically.
                    bool reversed = xs > xe;
                    int lx = reversed ? xe : xs, ly = reversed ? ye : ys, ry = reversed ? ys : ye;
                    double slope = (double)(ry - ly) / dx;
                    for (int d = 0; d <= dx; d++)
                    {
                        int t = reversed ? dx - d : d;
                        visit(lx + t, (int)(ly + slope * t + 0.5));
                    }
                }
                else
                {
                    bool reversed = ys > ye;
                    int ty = reversed ? ye : ys, tx = reversed ? xe : xs, bx = reversed ? xs : xe;
                    double slope = (double)(bx - tx) / dy;
                    for (int d = 0; d <= dy; d++)
                    {
                        int t = reversed ? dy - d : d;
                        visit((int)(tx + slope * t + 0.5), ty + t);
                    }
                }
            }

            private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);

            private static long CeilDiv(long a, long b) => a >= 0 ? (a + b - 1) / b : -(-a / b);
        }
    }
}
