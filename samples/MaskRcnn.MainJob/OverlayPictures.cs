using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Imaging;
using Microsoft.ML.MaskRcnn.Training;
using Microsoft.ML.MaskRcnn.Visualization;

namespace MaskRcnn.MainJob
{
    /// <summary>Overlay pictures of predictions, enlarged so that labels are readable, and a contact sheet of several.</summary>
    public static class OverlayPictures
    {
        /// <summary>Draws <paramref name="instances"/> over <paramref name="image"/> enlarged <paramref name="factor"/> times.</summary>
        public static ImageBuffer Render(ImageBuffer image, IReadOnlyList<InstancePrediction> instances, int factor)
        {
            var rgb = image.Channels == 3 ? image : ToRgb(image);
            var large = ImageCodec.Resize(rgb, rgb.Width * factor, rgb.Height * factor, ImageInterpolation.Bilinear);
            var scaled = instances.Select(p => p with
            {
                X0 = p.X0 * factor, Y0 = p.Y0 * factor, X1 = p.X1 * factor, Y1 = p.Y1 * factor,
                Mask = Enlarge(p.Mask, factor),
            }).ToList();
            return OverlayRenderer.Render(large, scaled, new OverlayOptions { TextSize = 5 * factor });
        }

        /// <summary>Tiles equally sized pictures <paramref name="columns"/> per row with a white gap.</summary>
        public static ImageBuffer ContactSheet(IReadOnlyList<ImageBuffer> pictures, int columns, int gap = 6)
        {
            if (pictures.Count == 0) throw new ArgumentException("No pictures to tile.", nameof(pictures));
            int w = pictures[0].Width, h = pictures[0].Height, rows = (pictures.Count + columns - 1) / columns;
            int cols = Math.Min(columns, pictures.Count);
            var sheet = new ImageBuffer(cols * w + (cols + 1) * gap, rows * h + (rows + 1) * gap, 3);
            Array.Fill(sheet.Data, (byte)255);
            for (int k = 0; k < pictures.Count; k++)
            {
                int left = gap + (k % columns) * (w + gap), top = gap + (k / columns) * (h + gap);
                for (int y = 0; y < h; y++)
                    Buffer.BlockCopy(pictures[k].Data, y * w * 3, sheet.Data, ((top + y) * sheet.Width + left) * 3, w * 3);
            }
            return sheet;
        }

        private static RleMask Enlarge(RleMask mask, int factor)
        {
            var small = mask.Decode();
            int h = mask.Height, w = mask.Width, bigW = w * factor;
            var big = new byte[h * factor * bigW];
            for (int y = 0; y < h * factor; y++)
                for (int x = 0; x < bigW; x++)
                    big[y * bigW + x] = small[(y / factor) * w + x / factor];
            return RleMask.Encode(big, h * factor, bigW);
        }

        private static ImageBuffer ToRgb(ImageBuffer image)
        {
            var rgb = new ImageBuffer(image.Width, image.Height, 3);
            for (int i = 0, n = image.Width * image.Height; i < n; i++)
                for (int c = 0; c < 3; c++)
                    rgb.Data[3 * i + c] = image.Data[image.Channels * i + Math.Min(c, image.Channels - 1)];
            return rgb;
        }
    }
}
