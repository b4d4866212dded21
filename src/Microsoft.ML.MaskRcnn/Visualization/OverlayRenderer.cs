using System;
using System.Collections.Generic;
using System.Globalization;
using Microsoft.ML.MaskRcnn.Imaging;
using Microsoft.ML.MaskRcnn.Training;
using SkiaSharp;

namespace Microsoft.ML.MaskRcnn.Visualization
{
    /// <summary>Appearance of <see cref="OverlayRenderer"/>'s pictures.</summary>
    public sealed class OverlayOptions
    {
        /// <summary>Opacity of the mask colour over the image (0..1).</summary>
        public double MaskOpacity { get; set; } = 0.45;

        /// <summary>Width in pixels of the solid line around each mask (0: none).</summary>
        public double OutlineThickness { get; set; } = 2;

        /// <summary>Thickness of box outlines in pixels (0: no boxes).</summary>
        public int BoxThickness { get; set; } = 2;

        /// <summary>Draw "name score" above each box.</summary>
        public bool DrawLabels { get; set; } = true;

        /// <summary>Label text size in pixels; 0 picks one from the image size (at least 12).</summary>
        public double TextSize { get; set; }
    }

    /// <summary>
    /// Draws instance predictions over an image with SkiaSharp: each instance's mask tinted in its own colour with
    /// anti-aliased edges and a solid outline, its box, and a label with class name and score in the system's sans-serif
    /// font (DejaVu Sans on Debian) on a filled background. A machine without any font gets no labels. Works on 8-bit RGB
    /// <see cref="ImageBuffer"/>s; save with <see cref="ImageCodec.EncodePng(ImageBuffer, string, int)"/>.
    /// </summary>
    public static class OverlayRenderer
    {
        // Distinct, saturated colours (RGB), reused cyclically.
        private static readonly (byte r, byte g, byte b)[] Palette =
        {
            (230, 25, 75), (60, 180, 75), (255, 225, 25), (0, 130, 200), (245, 130, 48), (145, 30, 180), (70, 240, 240),
            (240, 50, 230), (210, 245, 60), (250, 190, 212), (0, 128, 128), (220, 190, 255), (170, 110, 40), (128, 0, 0),
        };

        private static readonly Lazy<SKTypeface?> LabelTypeface = new(FindTypeface);

        /// <summary>A new image: <paramref name="image"/> with <paramref name="instances"/> drawn over it.</summary>
        public static ImageBuffer Render(ImageBuffer image, IReadOnlyList<InstancePrediction> instances, OverlayOptions? options = null) =>
            Render(image, instances, options ?? new OverlayOptions(), LabelTypeface.Value);

        /// <summary>As the public overload, with labels in <paramref name="typeface"/> (null: no labels).</summary>
        internal static ImageBuffer Render(ImageBuffer image, IReadOnlyList<InstancePrediction> instances, OverlayOptions options, SKTypeface? typeface)
        {
            if (image.Channels != 3 || image.BitDepth != 8) throw new ArgumentException($"Overlays are drawn on 8-bit RGB images, got {image}.", nameof(image));
            int w = image.Width, h = image.Height;
            using var bitmap = ToBitmap(image);
            using var canvas = new SKCanvas(bitmap);
            float textSize = options.TextSize > 0 ? (float)options.TextSize : Math.Max(12f, Math.Min(w, h) / 28f);
            // Draw the least confident first so that confident instances end up on top.
            for (int i = instances.Count - 1; i >= 0; i--)
            {
                var p = instances[i];
                var (r, g, b) = Palette[i % Palette.Length];
                var color = new SKColor(r, g, b);
                if (p.Mask.Height == h && p.Mask.Width == w) DrawMask(canvas, p.Mask.Decode(), w, h, color, options);
                if (options.BoxThickness > 0)
                {
                    // The stroke lies inside the box, as the box's far edges are exclusive.
                    float inset = options.BoxThickness / 2f;
                    using var boxPaint = new SKPaint { Color = color, Style = SKPaintStyle.Stroke, StrokeWidth = options.BoxThickness, IsAntialias = true };
                    canvas.DrawRect(SKRect.Create(p.X0 + inset, p.Y0 + inset, Math.Max(0, p.X1 - p.X0 - 2 * inset), Math.Max(0, p.Y1 - p.Y0 - 2 * inset)), boxPaint);
                }
                if (options.DrawLabels && typeface != null)
                    DrawLabel(canvas, $"{p.CategoryName} {p.Score.ToString("0.00", CultureInfo.InvariantCulture)}", p.X0, p.Y0, w, color, typeface, textSize);
            }
            canvas.Flush();
            return ToImage(bitmap);
        }

        // The mask is a threshold of the network's soft mask, so its border is a pixel staircase. Tracing it as a vector
        // contour that cuts the steps diagonally and filling that with anti-aliasing gives edge pixels their covered
        // fraction of the tint; blurring the mask instead would also soften straight edges and thin parts.
        private static void DrawMask(SKCanvas canvas, byte[] mask, int w, int h, SKColor color, OverlayOptions options)
        {
            using var contour = MaskContour.Trace(mask, w, h);
            if (contour.IsEmpty) return;
            byte alpha = (byte)Math.Round(Math.Clamp(options.MaskOpacity, 0, 1) * 255);
            using (var fill = new SKPaint { Color = color.WithAlpha(alpha), Style = SKPaintStyle.Fill, IsAntialias = true })
                canvas.DrawPath(contour, fill);
            if (options.OutlineThickness > 0)
            {
                using var outline = new SKPaint
                {
                    Color = color, Style = SKPaintStyle.Stroke, StrokeWidth = (float)options.OutlineThickness,
                    StrokeJoin = SKStrokeJoin.Round, IsAntialias = true,
                };
                canvas.DrawPath(contour, outline);
            }
        }

        private static void DrawLabel(SKCanvas canvas, string text, float x, float y, int imageWidth, SKColor color, SKTypeface typeface, float size)
        {
            using var font = new SKFont(typeface, size) { Edging = SKFontEdging.Antialias, Subpixel = true };
            var metrics = font.Metrics;
            float pad = MathF.Ceiling(size * 0.2f);
            float textHeight = MathF.Ceiling(metrics.Descent - metrics.Ascent);
            float width = MathF.Ceiling(font.MeasureText(text)) + 2 * pad, height = textHeight + pad;
            // Above the box when there is room, otherwise inside its top edge; kept within the image horizontally.
            float top = MathF.Floor(y) - height >= 0 ? MathF.Floor(y) - height : MathF.Floor(y);
            float left = Math.Max(0, Math.Min(MathF.Floor(x), imageWidth - width));
            using (var background = new SKPaint { Color = color, Style = SKPaintStyle.Fill })
                canvas.DrawRect(SKRect.Create(left, top, width, height), background);
            // Dark text on light colours, white on dark ones.
            double luminance = 0.299 * color.Red + 0.587 * color.Green + 0.114 * color.Blue;
            using var ink = new SKPaint { Color = luminance > 150 ? SKColors.Black : SKColors.White, IsAntialias = true };
            canvas.DrawText(text, left + pad, top + pad / 2 - metrics.Ascent, SKTextAlign.Left, font, ink);
        }

        // DejaVu Sans where installed, else whatever sans-serif face fontconfig offers; null when no face has glyphs.
        private static SKTypeface? FindTypeface()
        {
            foreach (var candidate in new[] { SKFontManager.Default.MatchFamily("DejaVu Sans"), SKTypeface.Default })
                if (candidate != null && candidate.GlyphCount > 0 && candidate.ContainsGlyphs("0.9Aa")) return candidate;
            return null;
        }

        private static unsafe SKBitmap ToBitmap(ImageBuffer image)
        {
            var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
            byte* target = (byte*)bitmap.GetPixels();
            var rgb = image.Data;
            for (long i = 0, n = (long)image.Width * image.Height; i < n; i++)
            {
                target[4 * i] = rgb[3 * i];
                target[4 * i + 1] = rgb[3 * i + 1];
                target[4 * i + 2] = rgb[3 * i + 2];
                target[4 * i + 3] = 255;
            }
            return bitmap;
        }

        private static unsafe ImageBuffer ToImage(SKBitmap bitmap)
        {
            var result = new ImageBuffer(bitmap.Width, bitmap.Height, 3);
            byte* source = (byte*)bitmap.GetPixels();
            var rgb = result.Data;
            for (long i = 0, n = (long)bitmap.Width * bitmap.Height; i < n; i++)
            {
                rgb[3 * i] = source[4 * i];
                rgb[3 * i + 1] = source[4 * i + 1];
                rgb[3 * i + 2] = source[4 * i + 2];
            }
            return result;
        }
    }
}
