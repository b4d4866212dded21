using System;
using System.IO;
using SkiaSharp;

namespace Microsoft.ML.MaskRcnn.Imaging
{
    /// <summary>
    /// Reads dataset images with SkiaSharp, which ML.NET's ImageAnalytics already brings (its <c>LoadImages</c> decodes
    /// with it too). On every image of the real datasets its 8-bit RGB samples equal <see cref="ImageCodec"/>'s, JPEG
    /// included (docs/benchmarks.md, "decode"). Masks stay with <see cref="ImageCodec"/>: SkiaSharp has no colour type
    /// that keeps 16-bit samples or palette indices, which instance-id masks are made of.
    /// </summary>
    internal static unsafe class SkiaImageReader
    {
        /// <summary>The width and height of the image file at <paramref name="path"/>, from its header.</summary>
        public static (int Width, int Height) ProbeSize(string path)
        {
            using var codec = Open(path);
            return (codec.Info.Width, codec.Info.Height);
        }

        /// <summary>
        /// Decodes the image file at <paramref name="path"/> to 8-bit RGB: the samples as stored (no colour management),
        /// alpha dropped, gray repeated. Refuses images of more than <paramref name="maxPixels"/> pixels before decoding.
        /// </summary>
        public static ImageBuffer DecodeRgb(string path, long maxPixels)
        {
            using var codec = Open(path);
            int width = codec.Info.Width, height = codec.Info.Height;
            long pixels = (long)width * height;
            if (pixels > maxPixels)
                throw new ImageDecodeException(path, ImageDecodeError.TooLarge,
                    $"Cannot decode image '{path}': {width}x{height} is {pixels} pixels, more than the limit of {maxPixels}.");
            // No colour space: SkiaSharp then converts nothing, as the native codec and PIL do.
            var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
            byte[] rgba = GC.AllocateUninitializedArray<byte>(checked((int)(pixels * 4)));
            SKCodecResult result;
            fixed (byte* target = rgba) result = codec.GetPixels(info, (IntPtr)target);
            if (result != SKCodecResult.Success) throw Failure(path, result);
            byte[] rgb = GC.AllocateUninitializedArray<byte>(checked((int)(pixels * 3)));
            for (long i = 0; i < pixels; i++)
            {
                rgb[3 * i] = rgba[4 * i];
                rgb[3 * i + 1] = rgba[4 * i + 1];
                rgb[3 * i + 2] = rgba[4 * i + 2];
            }
            return ImageBuffer.Adopt(rgb, width, height, 3, 8);
        }

        private static SKCodec Open(string path)
        {
            if (!File.Exists(path)) throw new FileNotFoundException($"Cannot read image '{path}': the file does not exist.", path);
            var codec = SKCodec.Create(path, out var result);
            return codec ?? throw Failure(path, result);
        }

        private static Exception Failure(string path, SKCodecResult result) => result switch
        {
            SKCodecResult.IncompleteInput => new ImageDecodeException(path, ImageDecodeError.Corrupt, $"Cannot decode image '{path}': the file is truncated."),
            SKCodecResult.Unimplemented or SKCodecResult.InvalidConversion =>
                new ImageDecodeException(path, ImageDecodeError.UnsupportedFormat, $"Cannot decode image '{path}': the format or its variant is not supported ({result})."),
            _ => new ImageDecodeException(path, ImageDecodeError.Corrupt, $"Cannot decode image '{path}': the data is corrupt or not an image ({result})."),
        };
    }
}
