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

            // Vertices on the fine grid, the first repeated at the end to close the polygon. Beyond +-2^50 a vertex is as
            // good as infinitely far (pycocotools' int arithmetic overflows long before).
            var fx = new long[k + 1];
            var fy = new long[k + 1];
            for (int j = 0; j < k; j++)
            {
                double x = xy[2 * j], y = xy[2 * j + 1];
                if (!double.IsFinite(x) || !double.IsFinite(y)) throw new ArgumentException($"Vertex {j} of a polygon is not finite ({x}, {y}).", nameof(xy));
                fx[j] = (long)Math.Clamp(Scale * x + 0.5, -FineLimit, FineLimit);
                fy[j] = (long)Math.Clamp(Scale * y + 0.5, -FineLimit, FineLimit);
            }
            fx[k] = fx[0];
            fy[k] = fy[0];

            var toggles = new List<long>();
            for (int j = 0; j < k; j++) AddEdgeToggles(fx[j], fy[j], fx[j + 1], fy[j + 1], height, width, toggles);

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

        private const double FineLimit = 1L << 50;

        /// <summary>
        /// The toggles of one edge from (xs, ys) to (xe, ye) on the fine grid. pycocotools walks the edge a fine step at a
        /// time along its major axis (the minor coordinate interpolated from the lower end, rounded by adding 0.5 and
        /// truncating) and toggles a pixel wherever two consecutive points straddle a column centre u = 5c + 2. Only the
        /// steps at the image's column centres matter, so they are computed directly: the work is one step per column
        /// (with a binary search on steep edges), not one per fine step, and a hostile vertex far away costs nothing more.
        /// </summary>
        private static void AddEdgeToggles(long xs, long ys, long xe, long ye, int height, int width, List<long> toggles)
        {
            long dx = Math.Abs(xe - xs), dy = Math.Abs(ye - ys);
            if (dx == 0) return;  // the column never changes: no toggle
            void Add(long column, long minorMin) =>
                toggles.Add(column * height + Math.Clamp(CeilDiv(minorMin - 2, Scale), 0, height));
            if (dx >= dy)
            {
                // One step per column: the points at u and u + 1 are t = u - lx and t + 1 along the edge.
                bool reversed = xs > xe;
                long lx = reversed ? xe : xs, ly = reversed ? ye : ys, ry = reversed ? ys : ye;
                double slope = (double)(ry - ly) / dx;
                long first = Math.Max(0, CeilDiv(lx - 2, Scale)), last = Math.Min(width - 1, FloorDiv(lx + dx - 1 - 2, Scale));
                for (long c = first; c <= last; c++)
                {
                    long t = Scale * c + 2 - lx;
                    long a = (long)(ly + slope * t + 0.5), b = (long)(ly + slope * (t + 1) + 0.5);
                    Add(c, Math.Min(a, b));
                }
                return;
            }
            // Steep: the column u(t) moves by at most one per step and monotonically, so it passes from one column centre
            // to the next fine column exactly once; a binary search finds the step.
            bool up = ys > ye;
            long ty = up ? ye : ys, tx = up ? xe : xs, bx = up ? xs : xe;
            double steepSlope = (double)(bx - tx) / dy;
            long U(long t) => (long)(tx + steepSlope * t + 0.5);
            long u0 = U(0), u1 = U(dy);
            bool rising = u1 > u0;
            long low = Math.Min(u0, u1), high = Math.Max(u0, u1);
            long firstColumn = Math.Max(0, CeilDiv(low - 2, Scale)), lastColumn = Math.Min(width - 1, FloorDiv(high - 1 - 2, Scale));
            for (long c = firstColumn; c <= lastColumn; c++)
            {
                long centre = Scale * c + 2;
                // The first step past the pair (centre, centre + 1) in the direction the column moves.
                long lo = 0, hi = dy;
                while (lo < hi)
                {
                    long mid = lo + (hi - lo) / 2;
                    if (rising ? U(mid) >= centre + 1 : U(mid) <= centre) hi = mid;
                    else lo = mid + 1;
                }
                if (lo == 0) continue;
                long before = U(lo - 1), after = U(lo);
                if (rising ? before == centre && after == centre + 1 : before == centre + 1 && after == centre) Add(c, ty + lo - 1);
            }
        }

        private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);

        private static long CeilDiv(long a, long b) => a >= 0 ? (a + b - 1) / b : -(-a / b);
    }
}
