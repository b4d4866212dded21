using System;
using System.IO;
using Microsoft.ML.Internal.Native;

namespace Microsoft.ML.Data
{
    /// <summary>
    /// An image with 32-bit pixels (<see cref="MLPixelFormat.Bgra32"/> or <see cref="MLPixelFormat.Rgba32"/>), as ML.NET's
    /// image transforms exchange them. PNG and JPEG files are decoded to Bgra32 (as ML.NET does on little-endian
    /// machines) by the repository's native codec; pixels are held in managed memory.
    /// Any member used after <see cref="Dispose"/> throws <see cref="InvalidOperationException"/>.
    /// </summary>
    public sealed class MLImage : IDisposable
    {
        private byte[] pixels;
        private int width;
        private int height;
        private MLPixelFormat pixelFormat;
        private string tag;

        private MLImage()
        {
        }

        private MLImage(byte[] pixels, int width, int height, MLPixelFormat format)
        {
            this.pixels = pixels;
            this.width = width;
            this.height = height;
            pixelFormat = format;
        }

        /// <summary>Decodes a PNG or JPEG image from <paramref name="imageStream"/>.</summary>
        public static MLImage CreateFromStream(Stream imageStream)
        {
            if (imageStream is null) throw new ArgumentNullException(nameof(imageStream));
            using var buffer = new MemoryStream();
            imageStream.CopyTo(buffer);
            return Decode(buffer.ToArray(), "The image stream");
        }

        /// <summary>Decodes the PNG or JPEG file <paramref name="imagePath"/>.</summary>
        public static MLImage CreateFromFile(string imagePath)
        {
            if (imagePath is null) throw new ArgumentNullException(nameof(imagePath));
            byte[] data;
            try
            {
                data = File.ReadAllBytes(imagePath);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new ArgumentException($"Invalid path: the image file '{imagePath}' cannot be read ({ex.Message})", nameof(imagePath), ex);
            }
            return Decode(data, $"The image file '{imagePath}'");
        }

        /// <summary>Decodes image bytes; <paramref name="source"/> names them in error messages.</summary>
        internal static MLImage Decode(byte[] data, string source)
        {
            byte[] rgba = ImagingNative.DecodeRgba(data, source, out int w, out int h);
            SwapRedBlue(rgba);
            return new MLImage(rgba, w, h, MLPixelFormat.Bgra32);
        }

        /// <summary>
        /// An image of the given size from 4-byte pixels in <paramref name="pixelFormat"/> order
        /// (<see cref="MLPixelFormat.Bgra32"/> or <see cref="MLPixelFormat.Rgba32"/>), row by row.
        /// </summary>
        public static MLImage CreateFromPixels(int width, int height, MLPixelFormat pixelFormat, ReadOnlySpan<byte> imagePixelData)
        {
            if (pixelFormat != MLPixelFormat.Bgra32 && pixelFormat != MLPixelFormat.Rgba32)
                throw new ArgumentException("Unsupported pixel format", nameof(pixelFormat));
            if (width <= 0) throw new ArgumentException("Invalid width value.", nameof(width));
            if (height <= 0) throw new ArgumentException("Invalid height value.", nameof(height));
            if ((long)width * height * 4 != imagePixelData.Length)
                throw new ArgumentException($"Invalid {nameof(imagePixelData)} buffer size.");
            return new MLImage(imagePixelData.ToArray(), width, height, pixelFormat);
        }

        /// <summary>The order of the 4 bytes of each pixel.</summary>
        public MLPixelFormat PixelFormat
        {
            get
            {
                ThrowIfDisposed();
                return pixelFormat;
            }
        }

        /// <summary>A new array of the pixels' blue, green and red bytes (3 per pixel, row by row).</summary>
        public byte[] GetBGRPixels
        {
            get
            {
                ThrowIfDisposed();
                var bgr = new byte[height * width * 3];
                (int b, int g, int r) = pixelFormat == MLPixelFormat.Bgra32 ? (0, 1, 2) : (2, 1, 0);
                for (int i = 0, j = 0; i < bgr.Length; i += 3, j += 4)
                {
                    bgr[i] = pixels[j + b];
                    bgr[i + 1] = pixels[j + g];
                    bgr[i + 2] = pixels[j + r];
                }
                return bgr;
            }
        }

        /// <summary>The pixels, 4 bytes each in <see cref="PixelFormat"/> order, row by row.</summary>
        public ReadOnlySpan<byte> Pixels
        {
            get
            {
                ThrowIfDisposed();
                return pixels;
            }
        }

        /// <summary>A free-form label (the image loader stores the file path).</summary>
        public string Tag
        {
            get
            {
                ThrowIfDisposed();
                return tag;
            }
            set
            {
                ThrowIfDisposed();
                tag = value;
            }
        }

        /// <summary>The width in pixels.</summary>
        public int Width
        {
            get
            {
                ThrowIfDisposed();
                return width;
            }
        }

        /// <summary>The height in pixels.</summary>
        public int Height
        {
            get
            {
                ThrowIfDisposed();
                return height;
            }
        }

        /// <summary>Always 32.</summary>
        public int BitsPerPixel
        {
            get
            {
                ThrowIfDisposed();
                return 32;
            }
        }

        /// <summary>Saves the image; the extension chooses the format (this subset encodes PNG only).</summary>
        public void Save(string imagePath)
        {
            ThrowIfDisposed();
            if (imagePath is null) throw new ArgumentNullException(nameof(imagePath));
            string extension = Path.GetExtension(imagePath);
            if (!string.Equals(extension, ".png", StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException(
                    $"Saving image with the format '{extension}' is not supported. Try save it with `Png` format.", nameof(imagePath));
            var rgba = (byte[])pixels.Clone();
            if (pixelFormat == MLPixelFormat.Bgra32) SwapRedBlue(rgba);
            ImagingNative.EncodePngRgba(imagePath, rgba, width, height);
        }

        /// <summary>Releases the pixels.</summary>
        public void Dispose()
        {
            pixels = null;
        }

        /// <summary>
        /// A resized copy, following ML.NET's rules: Fill stretches (nearest neighbour, as ML.NET's unfiltered resize);
        /// Pad scales to fit inside and centres on black; the crop modes scale to cover and anchor the kept region.
        /// The scaled picture is interpolated bilinearly. The copy is Bgra32 except for Fill, which keeps the format.
        /// </summary>
        internal MLImage CloneWithResizing(int newWidth, int newHeight, ImageResizeMode mode)
        {
            ThrowIfDisposed();
            if (newWidth <= 0 || newHeight <= 0) throw new ArgumentOutOfRangeException(nameof(newWidth), "The new size must be positive.");
            if (mode == ImageResizeMode.Fill)
                return new MLImage(ImagingNative.Resize(pixels, width, height, 4, newWidth, newHeight, ImagingNative.InterpolationNearest),
                    newWidth, newHeight, pixelFormat);

            float widthAspect = (float)newWidth / width;
            float heightAspect = (float)newHeight / height;
            int destX = 0, destY = 0;
            float aspect;
            if (mode == ImageResizeMode.Pad)
            {
                if (heightAspect < widthAspect)
                {
                    aspect = heightAspect;
                    destX = (int)((newWidth - width * aspect) / 2);
                }
                else
                {
                    aspect = widthAspect;
                    destY = (int)((newHeight - height * aspect) / 2);
                }
            }
            else if (heightAspect < widthAspect)
            {
                aspect = widthAspect;
                destY = mode == ImageResizeMode.CropAnchorTop ? 0
                    : mode == ImageResizeMode.CropAnchorBottom ? (int)(newHeight - height * aspect)
                    : (int)((newHeight - height * aspect) / 2);
            }
            else
            {
                aspect = heightAspect;
                destX = mode == ImageResizeMode.CropAnchorLeft ? 0
                    : mode == ImageResizeMode.CropAnchorRight ? (int)(newWidth - width * aspect)
                    : (int)((newWidth - width * aspect) / 2);
            }
            int scaledWidth = Math.Max(1, (int)(width * aspect));
            int scaledHeight = Math.Max(1, (int)(height * aspect));
            byte[] scaled = ImagingNative.Resize(pixels, width, height, 4, scaledWidth, scaledHeight, ImagingNative.InterpolationBilinear);
            if (pixelFormat == MLPixelFormat.Rgba32) SwapRedBlue(scaled);

            var canvas = new byte[newWidth * newHeight * 4];
            for (int i = 3; i < canvas.Length; i += 4) canvas[i] = 255; // opaque black
            for (int y = Math.Max(0, destY); y < Math.Min(newHeight, destY + scaledHeight); y++)
            {
                int x0 = Math.Max(0, destX);
                int x1 = Math.Min(newWidth, destX + scaledWidth);
                if (x1 <= x0) continue;
                Buffer.BlockCopy(scaled, ((y - destY) * scaledWidth + (x0 - destX)) * 4, canvas, (y * newWidth + x0) * 4, (x1 - x0) * 4);
            }
            return new MLImage(canvas, newWidth, newHeight, MLPixelFormat.Bgra32);
        }

        /// <summary>A copy of this image.</summary>
        internal MLImage Clone()
        {
            ThrowIfDisposed();
            return new MLImage((byte[])pixels.Clone(), width, height, pixelFormat) { tag = tag };
        }

        private static void SwapRedBlue(byte[] data)
        {
            for (int i = 0; i < data.Length; i += 4) (data[i], data[i + 2]) = (data[i + 2], data[i]);
        }

        private void ThrowIfDisposed()
        {
            if (pixels is null) throw new InvalidOperationException("Object is disposed.");
        }
    }

    /// <summary>The byte order of a 32-bit pixel.</summary>
    public enum MLPixelFormat
    {
        /// <summary>Unknown.</summary>
        Unknown,

        /// <summary>Blue, green, red, alpha.</summary>
        Bgra32,

        /// <summary>Red, green, blue, alpha.</summary>
        Rgba32,
    }

    /// <summary>How <see cref="MLImage.CloneWithResizing"/> fits an image into a new size.</summary>
    internal enum ImageResizeMode
    {
        Pad,
        Fill,
        CropAnchorTop,
        CropAnchorBottom,
        CropAnchorLeft,
        CropAnchorRight,
        CropAnchorCentral,
    }
}
