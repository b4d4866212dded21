using System.IO;
using Microsoft.ML.Data;

namespace Microsoft.ML.Compat.Tests
{
    /// <summary>Small synthetic images with known pixels, written as PNG files through MLImage.</summary>
    internal static class TestImages
    {
        /// <summary>
        /// RGBA pixels of a width x height image where pixel (x, y) is (R, G, B, A) = (x * 16 + seed, y * 16, (x + y + seed) % 256, 255).
        /// </summary>
        public static byte[] Rgba(int width, int height, int seed = 0)
        {
            var pixels = new byte[width * height * 4];
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    int i = (y * width + x) * 4;
                    pixels[i] = (byte)(x * 16 + seed);
                    pixels[i + 1] = (byte)(y * 16);
                    pixels[i + 2] = (byte)((x + y + seed) % 256);
                    pixels[i + 3] = 255;
                }
            return pixels;
        }

        /// <summary>Writes <see cref="Rgba"/> as folder/name.png and returns the file name.</summary>
        public static string WritePng(string folder, string name, int width, int height, int seed = 0)
        {
            using var image = MLImage.CreateFromPixels(width, height, MLPixelFormat.Rgba32, Rgba(width, height, seed));
            image.Save(Path.Combine(folder, name + ".png"));
            return name + ".png";
        }
    }
}
