using System;
using System.Collections.Generic;

namespace Microsoft.ML.MaskRcnn.Data
{
    internal enum ShapeKind { Circle = 1, Square = 2, Triangle = 3 }

    /// <summary>A deterministic generator (SplitMix64) seeded by dataset seed and image index, identical on every platform.</summary>
    internal sealed class ShapeRandom
    {
        private ulong state;

        public ShapeRandom(ulong seed, ulong index)
        {
            state = seed * 0x9E3779B97F4A7C15UL ^ (index + 1) * 0xBF58476D1CE4E5B9UL;
            NextUInt64();
        }

        public ulong NextUInt64()
        {
            ulong z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

        /// <summary>An integer in [min, max).</summary>
        public int Next(int min, int max) => min + (int)(NextDouble() * (max - min));

        public double Range(double min, double max) => min + NextDouble() * (max - min);
    }

    /// <summary>One shape: its kind, geometry and texture; rasterised by pixel-centre inclusion.</summary>
    internal sealed class Shape
    {
        private readonly double cx, cy, size, angle;

        private Shape(int id, ShapeKind kind, double cx, double cy, double size, double angle)
        {
            Id = id;
            Kind = kind;
            this.cx = cx;
            this.cy = cy;
            this.size = size;
            this.angle = angle;
        }

        public int Id { get; }
        public ShapeKind Kind { get; }
        public Texture? Texture { get; set; }
        public int FullArea { get; private set; }

        public static Shape Random(ShapeRandom random, int width, int height, int minSize, int maxSize, int id)
        {
            var kind = (ShapeKind)random.Next(1, 4);
            double size = random.Range(minSize, maxSize);
            double margin = size / 2;
            // Centres may lie near the border, so that shapes are sometimes cut by the image edge.
            double cx = random.Range(margin * 0.6, width - margin * 0.6);
            double cy = random.Range(margin * 0.6, height - margin * 0.6);
            return new Shape(id, kind, cx, cy, size, random.Range(0, 2 * Math.PI));
        }

        /// <summary>Indices (y * width + x) of the pixels whose centre lies inside the shape.</summary>
        public List<int> Rasterize(int width, int height)
        {
            var pixels = new List<int>();
            int x0 = Math.Max(0, (int)(cx - size)), x1 = Math.Min(width - 1, (int)(cx + size));
            int y0 = Math.Max(0, (int)(cy - size)), y1 = Math.Min(height - 1, (int)(cy + size));
            var polygon = Kind == ShapeKind.Circle ? null : Vertices();
            int full = 0;
            for (int y = (int)(cy - size); y <= (int)(cy + size); y++)
                for (int x = (int)(cx - size); x <= (int)(cx + size); x++)
                {
                    double px = x + 0.5, py = y + 0.5;
                    bool inside = polygon is null
                        ? (px - cx) * (px - cx) + (py - cy) * (py - cy) <= size * size / 4
                        : InsidePolygon(polygon, px, py);
                    if (!inside) continue;
                    full++;
                    if (x >= x0 && x <= x1 && y >= y0 && y <= y1) pixels.Add(y * width + x);
                }
            FullArea = full;
            return pixels;
        }

        private (double x, double y)[] Vertices()
        {
            int n = Kind == ShapeKind.Square ? 4 : 3;
            // Circumradius giving a side (square) or height-like extent (triangle) of `size`.
            double radius = Kind == ShapeKind.Square ? size / Math.Sqrt(2) : size / Math.Sqrt(3) * 1.1;
            var vertices = new (double, double)[n];
            for (int i = 0; i < n; i++)
            {
                double a = angle + 2 * Math.PI * i / n;
                vertices[i] = (cx + radius * Math.Cos(a), cy + radius * Math.Sin(a));
            }
            return vertices;
        }

        private static bool InsidePolygon((double x, double y)[] polygon, double px, double py)
        {
            bool inside = false;
            for (int i = 0, j = polygon.Length - 1; i < polygon.Length; j = i++)
            {
                var (xi, yi) = polygon[i];
                var (xj, yj) = polygon[j];
                if ((yi > py) != (yj > py) && px < (xj - xi) * (py - yi) / (yj - yi) + xi) inside = !inside;
            }
            return inside;
        }
    }

    /// <summary>How a region is coloured: solid, striped, checkered or noisy, with one or two colours.</summary>
    internal sealed class Texture
    {
        private enum Pattern { Solid, Stripes, Checker, Noise, Gradient }

        private readonly Pattern pattern;
        private readonly (byte r, byte g, byte b) first;
        private readonly (byte r, byte g, byte b) second;
        private readonly double period;
        private readonly double direction;
        private readonly ulong noiseSeed;

        private Texture(Pattern pattern, (byte, byte, byte) first, (byte, byte, byte) second, double period, double direction, ulong noiseSeed)
        {
            this.pattern = pattern;
            this.first = first;
            this.second = second;
            this.period = period;
            this.direction = direction;
            this.noiseSeed = noiseSeed;
        }

        public (byte r, byte g, byte b) MainColor => first;

        public static Texture Random(ShapeRandom random)
        {
            var pattern = (Pattern)random.Next(0, 5);
            var a = RandomColor(random);
            var b = Near(random, a, 70);
            return new Texture(pattern, a, b, random.Range(4, 16), random.Range(0, Math.PI), random.NextUInt64());
        }

        /// <summary>A texture whose main colour differs clearly from the background's, so that shapes stay visible.</summary>
        public static Texture RandomContrasting(ShapeRandom random, Texture background)
        {
            (byte, byte, byte) color;
            int tries = 0;
            do color = RandomColor(random);
            while (Distance(color, background.first) < 120 && Distance(color, background.second) < 120 && ++tries < 32);
            var pattern = (Pattern)random.Next(0, 4);
            return new Texture(pattern, color, Near(random, color, 50), random.Range(3, 10), random.Range(0, Math.PI), random.NextUInt64());
        }

        public void Paint(byte[] canvas, int width, int height, Func<int, bool>? where)
        {
            double cos = Math.Cos(direction), sin = Math.Sin(direction);
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    int i = y * width + x;
                    if (where != null && !where(i)) continue;
                    double t = x * cos + y * sin;
                    (byte r, byte g, byte b) c = pattern switch
                    {
                        Pattern.Stripes => ((int)Math.Floor(t / period) & 1) == 0 ? first : second,
                        Pattern.Checker => (((int)Math.Floor(x / period) + (int)Math.Floor(y / period)) & 1) == 0 ? first : second,
                        Pattern.Noise => Jitter(first, Hash(noiseSeed, (ulong)i), 40),
                        Pattern.Gradient => Mix(first, second, Math.Clamp(t / (width * Math.Abs(cos) + height * Math.Abs(sin) + 1), 0, 1)),
                        _ => first,
                    };
                    canvas[3 * i] = c.r;
                    canvas[3 * i + 1] = c.g;
                    canvas[3 * i + 2] = c.b;
                }
        }

        private static (byte, byte, byte) RandomColor(ShapeRandom random) =>
            ((byte)random.Next(0, 256), (byte)random.Next(0, 256), (byte)random.Next(0, 256));

        private static (byte, byte, byte) Near(ShapeRandom random, (byte r, byte g, byte b) c, int spread) =>
            (Clamp(c.r + random.Next(-spread, spread + 1)), Clamp(c.g + random.Next(-spread, spread + 1)), Clamp(c.b + random.Next(-spread, spread + 1)));

        private static (byte, byte, byte) Jitter((byte r, byte g, byte b) c, ulong hash, int spread)
        {
            int d = (int)(hash % (ulong)(2 * spread + 1)) - spread;
            return (Clamp(c.r + d), Clamp(c.g + d), Clamp(c.b + d));
        }

        private static (byte, byte, byte) Mix((byte r, byte g, byte b) a, (byte r, byte g, byte b) b, double t) =>
            (Clamp((int)(a.r + (b.r - a.r) * t)), Clamp((int)(a.g + (b.g - a.g) * t)), Clamp((int)(a.b + (b.b - a.b) * t)));

        private static double Distance((byte r, byte g, byte b) a, (byte r, byte g, byte b) b) =>
            Math.Sqrt((a.r - b.r) * (a.r - b.r) + (a.g - b.g) * (a.g - b.g) + (a.b - b.b) * (a.b - b.b));

        private static byte Clamp(int v) => (byte)Math.Clamp(v, 0, 255);

        private static ulong Hash(ulong seed, ulong i)
        {
            ulong z = seed ^ (i * 0x9E3779B97F4A7C15UL);
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
