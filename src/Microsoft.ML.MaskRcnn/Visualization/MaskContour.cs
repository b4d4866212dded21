using System;
using System.Collections.Generic;
using SkiaSharp;

namespace Microsoft.ML.MaskRcnn.Visualization
{
    /// <summary>
    /// Turns a binary mask into a closed vector outline (marching squares at the level halfway between inside and
    /// outside pixel centres). The outline runs along pixel borders where the mask's edge is straight and cuts staircases
    /// diagonally, so that an anti-aliased fill of it shows a smooth edge instead of the mask's pixel steps.
    /// </summary>
    internal static class MaskContour
    {
        // Cell corners: TL = 1, TR = 2, BR = 4, BL = 8. Each case lists the cell edges its segments join (T, R, B, L);
        // the saddles (5, 10) keep the two inside corners apart, as the pixels touch only at a corner.
        private const int T = 0, R = 1, B = 2, L = 3;
        private static readonly int[][] Segments =
        {
            new int[0], new[] { L, T }, new[] { T, R }, new[] { L, R }, new[] { R, B }, new[] { L, T, R, B }, new[] { T, B }, new[] { L, B },
            new[] { B, L }, new[] { T, B }, new[] { T, R, B, L }, new[] { R, B }, new[] { L, R }, new[] { T, R }, new[] { L, T }, new int[0],
        };

        /// <summary>
        /// The outline of the nonzero pixels of <paramref name="mask"/> (row-major, <paramref name="width"/> wide) in pixel
        /// coordinates (pixel (x, y) covers [x, x+1] x [y, y+1]); holes are separate contours, so fill it even-odd.
        /// </summary>
        public static SKPath Trace(byte[] mask, int width, int height)
        {
            // Vertices are the crossed edges between neighbouring pixel centres; every one joins exactly two segments
            // (the image is padded with outside pixels), so following neighbours walks closed loops.
            var neighbours = new Dictionary<int, (int First, int Second)>();
            int stride = width + 2;
            for (int cy = -1; cy < height; cy++)
                for (int cx = -1; cx < width; cx++)
                {
                    int index = (Inside(mask, width, height, cx, cy) ? 1 : 0) | (Inside(mask, width, height, cx + 1, cy) ? 2 : 0)
                              | (Inside(mask, width, height, cx + 1, cy + 1) ? 4 : 0) | (Inside(mask, width, height, cx, cy + 1) ? 8 : 0);
                    var edges = Segments[index];
                    for (int s = 0; s < edges.Length; s += 2)
                        Link(neighbours, EdgeVertex(edges[s], cx, cy, stride), EdgeVertex(edges[s + 1], cx, cy, stride));
                }

            var path = new SKPath { FillType = SKPathFillType.EvenOdd };
            var visited = new HashSet<int>();
            foreach (int start in neighbours.Keys)
            {
                if (!visited.Add(start)) continue;
                path.MoveTo(Point(start, stride));
                int previous = start, current = neighbours[start].First;
                while (current != start)
                {
                    visited.Add(current);
                    path.LineTo(Point(current, stride));
                    var (first, second) = neighbours[current];
                    int next = first == previous ? second : first;
                    previous = current;
                    current = next;
                }
                path.Close();
            }
            return path;
        }

        private static bool Inside(byte[] mask, int width, int height, int x, int y) =>
            (uint)x < (uint)width && (uint)y < (uint)height && mask[y * width + x] != 0;

        // A vertex id: the pixel (x, y) left of or above the crossed edge, shifted by the padding, and whether its
        // neighbour is to the right (even ids) or below (odd ids).
        private static int EdgeVertex(int edge, int cx, int cy, int stride) => edge switch
        {
            T => Id(cx, cy, stride, below: false),
            B => Id(cx, cy + 1, stride, below: false),
            L => Id(cx, cy, stride, below: true),
            _ => Id(cx + 1, cy, stride, below: true),
        };

        private static int Id(int x, int y, int stride, bool below) => checked(((y + 1) * stride + x + 1) * 2 + (below ? 1 : 0));

        private static SKPoint Point(int id, int stride)
        {
            int cell = id >> 1, x = cell % stride - 1, y = cell / stride - 1;
            // Pixel centres are at (x + 0.5, y + 0.5); the vertex lies halfway to the neighbour.
            return (id & 1) == 0 ? new SKPoint(x + 1f, y + 0.5f) : new SKPoint(x + 0.5f, y + 1f);
        }

        private static void Link(Dictionary<int, (int First, int Second)> neighbours, int a, int b)
        {
            Add(neighbours, a, b);
            Add(neighbours, b, a);
        }

        private static void Add(Dictionary<int, (int First, int Second)> neighbours, int vertex, int other)
        {
            if (!neighbours.TryGetValue(vertex, out var pair)) neighbours[vertex] = (other, -1);
            else if (pair.Second < 0) neighbours[vertex] = (pair.First, other);
            else throw new InvalidOperationException("A contour vertex joins more than two segments.");
        }
    }
}
