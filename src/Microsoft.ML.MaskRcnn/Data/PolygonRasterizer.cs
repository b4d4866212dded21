using System;
using System.Collections.Generic;

namespace Microsoft.ML.MaskRcnn.Data
{
    /// <summary>
    /// Turns COCO polygons into <see cref="RleMask"/>s with the same pixels as pycocotools (maskApi's rleFrPoly), so that
    /// mask areas and IoUs agree with COCO's tools to the pixel.
    /// </summary>
    /// <remarks>
    /// The rule, restated: vertices are snapped to a grid 5x finer than the pixels (rounding half up by truncation, as
    /// C's <c>(int)(5v + .5)</c>); every edge is walked one fine-grid step at a time along its major axis, rounding the
    /// minor coordinate the same way. Wherever two consecutive walked points change fine column across a pixel centre
    /// (fine column 5n + 2 to 5n + 3, i.e. x = n + 0.5), pixel column n toggles inside/outside at row
    /// ceil((v - 2) / 5) clamped to [0, H], with v the smaller fine row of the two points. Sorting the toggles in
    /// column-major order gives the runs; toggles at the same position cancel in pairs.
    /// </remarks>
    public static class PolygonRasterizer
    {
        private const int Scale = 5;

        /// <summary>One polygon, as COCO's flat list x0, y0, x1, y1, ... (closed implicitly).</summary>
        public static RleMask Rasterize(ReadOnlySpan<double> xy, int height, int width)
        {
            if (xy.Length % 2 != 0) throw new ArgumentException($"A polygon has an even number of coordinates, not {xy.Length}.", nameof(xy));
            if (height < 0 || width < 0) throw new ArgumentOutOfRangeException(nameof(height), "The mask size cannot be negative.");
            int k = xy.Length / 2;
            long pixels = (long)height * width;
            if (k == 0 || pixels == 0) return RleMask.Empty(height, width);

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
            return RleMask.FromTrustedCounts(height, width, runs.ToArray());
        }

        /// <summary>The union of several polygons (a COCO annotation's parts), as pycocotools merges them.</summary>
        public static RleMask Rasterize(IReadOnlyList<double[]> polygons, int height, int width)
        {
            if (polygons is null) throw new ArgumentNullException(nameof(polygons));
            if (polygons.Count == 0) return RleMask.Empty(height, width);
            var parts = new RleMask[polygons.Count];
            for (int i = 0; i < parts.Length; i++) parts[i] = Rasterize(polygons[i], height, width);
            return RleMask.Merge(parts);
        }

        /// <summary>A box as the 4-vertex polygon pycocotools' frBbox rasterises.</summary>
        public static RleMask Rasterize(CocoBox box, int height, int width)
        {
            double x0 = box.X, y0 = box.Y, x1 = box.X + box.Width, y1 = box.Y + box.Height;
            return Rasterize(new[] { x0, y0, x0, y1, x1, y1, x1, y0 }, height, width);
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
