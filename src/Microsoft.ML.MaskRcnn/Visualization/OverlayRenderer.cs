using System;
using System.Collections.Generic;
using System.Globalization;
using Microsoft.ML.MaskRcnn.Imaging;
using Microsoft.ML.MaskRcnn.Training;

namespace Microsoft.ML.MaskRcnn.Visualization
{
    /// <summary>Appearance of <see cref="OverlayRenderer"/>'s pictures.</summary>
    public sealed class OverlayOptions
    {
        /// <summary>Opacity of the mask colour over the image (0..1).</summary>
        public double MaskOpacity { get; set; } = 0.45;

        /// <summary>Thickness of box outlines in pixels (0: no boxes).</summary>
        public int BoxThickness { get; set; } = 2;

        /// <summary>Draw "name score" above each box.</summary>
        public bool DrawLabels { get; set; } = true;

        /// <summary>Text scale (1 = 5x7 pixel glyphs); 0 picks one from the image size.</summary>
        public int TextScale { get; set; }
    }

    /// <summary>
    /// Draws instance predictions over an image: each instance's mask tinted in its own colour with a solid outline, its
    /// box, and a label with class name and score. Works on 8-bit RGB <see cref="ImageBuffer"/>s; save with
    /// <see cref="ImageCodec.EncodePng(ImageBuffer, string, int)"/>.
    /// </summary>
    public static class OverlayRenderer
    {
        // Distinct, saturated colours (RGB), reused cyclically.
        private static readonly (byte r, byte g, byte b)[] Palette =
        {
            (230, 25, 75), (60, 180, 75), (255, 225, 25), (0, 130, 200), (245, 130, 48), (145, 30, 180), (70, 240, 240),
            (240, 50, 230), (210, 245, 60), (250, 190, 212), (0, 128, 128), (220, 190, 255), (170, 110, 40), (128, 0, 0),
        };

        /// <summary>A new image: <paramref name="image"/> with <paramref name="instances"/> drawn over it.</summary>
        public static ImageBuffer Render(ImageBuffer image, IReadOnlyList<InstancePrediction> instances, OverlayOptions? options = null)
        {
            if (image.Channels != 3 || image.BitDepth != 8) throw new ArgumentException($"Overlays are drawn on 8-bit RGB images, got {image}.", nameof(image));
            options ??= new OverlayOptions();
            var canvas = image.Clone();
            int w = canvas.Width, h = canvas.Height;
            int scale = options.TextScale > 0 ? options.TextScale : Math.Max(1, Math.Min(w, h) / 300);
            // Draw the least confident first so that confident instances end up on top.
            for (int i = instances.Count - 1; i >= 0; i--)
            {
                var p = instances[i];
                var color = Palette[i % Palette.Length];
                if (p.Mask.Height == h && p.Mask.Width == w) TintMask(canvas, p.Mask.Decode(), color, options.MaskOpacity);
                int x0 = Clamp((int)Math.Floor(p.X0), 0, w - 1), y0 = Clamp((int)Math.Floor(p.Y0), 0, h - 1);
                int x1 = Clamp((int)Math.Ceiling(p.X1) - 1, 0, w - 1), y1 = Clamp((int)Math.Ceiling(p.Y1) - 1, 0, h - 1);
                for (int t = 0; t < options.BoxThickness; t++) Rectangle(canvas, x0 + t, y0 + t, x1 - t, y1 - t, color);
                if (options.DrawLabels)
                    Label(canvas, $"{p.CategoryName} {p.Score.ToString("0.00", CultureInfo.InvariantCulture)}", x0, y0, color, scale);
            }
            return canvas;
        }

        private static void TintMask(ImageBuffer canvas, byte[] mask, (byte r, byte g, byte b) color, double opacity)
        {
            int w = canvas.Width, h = canvas.Height;
            var data = canvas.Data;
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    int i = y * w + x;
                    if (mask[i] == 0) continue;
                    bool edge = x == 0 || y == 0 || x == w - 1 || y == h - 1 || mask[i - 1] == 0 || mask[i + 1] == 0 || mask[i - w] == 0 || mask[i + w] == 0;
                    double a = edge ? 1.0 : opacity;
                    data[3 * i] = Blend(data[3 * i], color.r, a);
                    data[3 * i + 1] = Blend(data[3 * i + 1], color.g, a);
                    data[3 * i + 2] = Blend(data[3 * i + 2], color.b, a);
                }
        }

        private static void Rectangle(ImageBuffer canvas, int x0, int y0, int x1, int y1, (byte r, byte g, byte b) color)
        {
            if (x1 < x0 || y1 < y0) return;
            for (int x = x0; x <= x1; x++) { Put(canvas, x, y0, color); Put(canvas, x, y1, color); }
            for (int y = y0; y <= y1; y++) { Put(canvas, x0, y, color); Put(canvas, x1, y, color); }
        }

        private static void Label(ImageBuffer canvas, string text, int x, int y, (byte r, byte g, byte b) color, int scale)
        {
            int textWidth = BitmapFont.MeasureWidth(text, scale) + 2 * scale;
            int textHeight = (BitmapFont.GlyphHeight + 2) * scale;
            // Above the box when there is room, otherwise inside its top edge.
            int top = y - textHeight >= 0 ? y - textHeight : y;
            int left = Math.Min(x, Math.Max(0, canvas.Width - textWidth));
            for (int yy = top; yy < top + textHeight; yy++)
                for (int xx = left; xx < left + textWidth; xx++) Put(canvas, xx, yy, color);
            // Dark text on light colours, white on dark ones.
            double luminance = 0.299 * color.r + 0.587 * color.g + 0.114 * color.b;
            var ink = luminance > 150 ? ((byte)0, (byte)0, (byte)0) : ((byte)255, (byte)255, (byte)255);
            int penX = left + scale;
            foreach (char c in text)
            {
                var rows = BitmapFont.Glyph(c);
                for (int row = 0; row < BitmapFont.GlyphHeight; row++)
                    for (int column = 0; column < BitmapFont.GlyphWidth; column++)
                    {
                        if ((rows[row] >> (BitmapFont.GlyphWidth - 1 - column) & 1) == 0) continue;
                        for (int dy = 0; dy < scale; dy++)
                            for (int dx = 0; dx < scale; dx++)
                                Put(canvas, penX + column * scale + dx, top + scale + row * scale + dy, ink);
                    }
                penX += (BitmapFont.GlyphWidth + 1) * scale;
            }
        }

        private static void Put(ImageBuffer canvas, int x, int y, (byte r, byte g, byte b) color)
        {
            if ((uint)x >= (uint)canvas.Width || (uint)y >= (uint)canvas.Height) return;
            int i = 3 * (y * canvas.Width + x);
            canvas.Data[i] = color.r;
            canvas.Data[i + 1] = color.g;
            canvas.Data[i + 2] = color.b;
        }

        private static byte Blend(byte background, byte foreground, double alpha) =>
            (byte)Math.Round(background * (1 - alpha) + foreground * alpha, MidpointRounding.AwayFromZero);

        private static int Clamp(int v, int lo, int hi) => Math.Max(lo, Math.Min(hi, v));
    }
}
