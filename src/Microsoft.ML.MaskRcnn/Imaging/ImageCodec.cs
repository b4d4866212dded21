using System;
using System.IO;

namespace Microsoft.ML.MaskRcnn.Imaging
{
    /// <summary>
    /// PNG and JPEG decoding, PNG encoding and resizing through libpng and libjpeg-turbo (native libMaskRcnnImaging).
    /// Decoding reads the header first, refuses images above <see cref="ImageDecodeOptions.MaxPixels"/>, allocates the
    /// managed buffer and lets the codec write the pixels straight into it (no intermediate copy).
    /// Failures name the file: <see cref="FileNotFoundException"/> when it is missing, otherwise
    /// <see cref="ImageDecodeException"/> (corrupt or truncated data, unsupported format, too many pixels).
    /// All members are thread-safe.
    /// </summary>
    public static unsafe class ImageCodec
    {
        /// <summary>Reads the header of the file at <paramref name="path"/> without decoding pixels.</summary>
        public static ImageInfo Probe(string path)
        {
            ImagingNative.EnsureLoaded();
            var info = ProbeFile(path, ImageColorMode.Unchanged, 0);
            return ToInfo(info);
        }

        /// <summary>Reads the header of an encoded image in memory without decoding pixels.</summary>
        public static ImageInfo Probe(ReadOnlySpan<byte> encoded)
        {
            ImagingNative.EnsureLoaded();
            return ToInfo(ProbeMemory(encoded, ImageColorMode.Unchanged, 0));
        }

        /// <summary>Decodes the PNG or JPEG file at <paramref name="path"/> (default options: 8-bit RGB).</summary>
        public static ImageBuffer Decode(string path, ImageDecodeOptions? options = null)
        {
            ImagingNative.EnsureLoaded();
            options ??= new ImageDecodeOptions();
            ValidateMode(options.Mode);
            var probed = ProbeFile(path, options.Mode, options.BitDepth);
            CheckLimit(probed, options.MaxPixels, path, path);
            byte[] pixels = GC.AllocateUninitializedArray<byte>(checked((int)probed.ByteSize));
            byte[] utf8 = ImagingNative.Utf8Path(path);
            ImagingNative.ImgInfo decoded;
            int status;
            fixed (byte* p = utf8)
            fixed (byte* o = pixels)
            {
                status = ImagingNative.DecodeFile(p, (int)options.Mode, options.BitDepth, options.MaxPixels, o, pixels.LongLength, &decoded);
            }
            if (status != ImagingNative.Ok) ImagingNative.ThrowDecodeFailure(status, $"'{path}'", path);
            return ImageBuffer.Adopt(pixels, decoded.Width, decoded.Height, decoded.Channels, decoded.BitDepth);
        }

        /// <summary>Decodes the PNG or JPEG file at <paramref name="path"/> into <paramref name="mode"/>, 8 bits per sample.</summary>
        public static ImageBuffer Decode(string path, ImageColorMode mode) =>
            Decode(path, new ImageDecodeOptions { Mode = mode, BitDepth = mode == ImageColorMode.Unchanged ? 0 : 8 });

        /// <summary>Decodes an encoded PNG or JPEG image held in memory.</summary>
        public static ImageBuffer Decode(ReadOnlySpan<byte> encoded, ImageDecodeOptions? options = null)
        {
            ImagingNative.EnsureLoaded();
            options ??= new ImageDecodeOptions();
            ValidateMode(options.Mode);
            var probed = ProbeMemory(encoded, options.Mode, options.BitDepth);
            CheckLimit(probed, options.MaxPixels, Describe(encoded), null);
            byte[] pixels = GC.AllocateUninitializedArray<byte>(checked((int)probed.ByteSize));
            ImagingNative.ImgInfo decoded;
            int status;
            fixed (byte* e = encoded)
            fixed (byte* o = pixels)
            {
                status = ImagingNative.DecodeMemory(e, encoded.Length, (int)options.Mode, options.BitDepth, options.MaxPixels, o, pixels.LongLength, &decoded);
            }
            if (status != ImagingNative.Ok) ImagingNative.ThrowDecodeFailure(status, Describe(encoded), null);
            return ImageBuffer.Adopt(pixels, decoded.Width, decoded.Height, decoded.Channels, decoded.BitDepth);
        }

        /// <summary>
        /// Writes <paramref name="image"/> (1 to 4 channels, 8 or 16 bits) as a PNG file; <paramref name="compressionLevel"/>
        /// is zlib's 0 (none) to 9 (smallest). A failed write leaves no partial file.
        /// </summary>
        public static void EncodePng(ImageBuffer image, string path, int compressionLevel = 6)
        {
            ImagingNative.EnsureLoaded();
            ValidateForPng(image, compressionLevel);
            byte[] utf8 = ImagingNative.Utf8Path(path);
            int status;
            fixed (byte* p = utf8)
            fixed (byte* pixels = image.Data)
            {
                status = ImagingNative.EncodePngFile(p, pixels, image.Width, image.Height, image.Channels, image.BitDepth, compressionLevel);
            }
            if (status != ImagingNative.Ok) throw new IOException($"Cannot write PNG '{path}': {ImagingNative.LastError()}.");
        }

        /// <summary>Encodes <paramref name="image"/> as PNG bytes.</summary>
        public static byte[] EncodePng(ImageBuffer image, int compressionLevel = 6)
        {
            ImagingNative.EnsureLoaded();
            ValidateForPng(image, compressionLevel);
            byte* data = null;
            long length = 0;
            int status;
            fixed (byte* pixels = image.Data)
            {
                status = ImagingNative.EncodePngMemory(pixels, image.Width, image.Height, image.Channels, image.BitDepth, compressionLevel, &data, &length);
            }
            if (status != ImagingNative.Ok) throw new IOException($"Cannot encode PNG: {ImagingNative.LastError()}.");
            try
            {
                return new ReadOnlySpan<byte>(data, checked((int)length)).ToArray();
            }
            finally
            {
                ImagingNative.Free(data);
            }
        }

        /// <summary>
        /// Resizes to <paramref name="width"/> x <paramref name="height"/> with PyTorch's interpolation rules
        /// (see <see cref="ImageInterpolation"/>); the result has the same channels and depth.
        /// </summary>
        public static ImageBuffer Resize(ImageBuffer image, int width, int height, ImageInterpolation interpolation)
        {
            if (image is null) throw new ArgumentNullException(nameof(image));
            CheckSize(width, height);
            ImagingNative.EnsureLoaded();
            var result = new ImageBuffer(width, height, image.Channels, image.BitDepth);
            int sampleType = image.BitDepth == 16 ? ImagingNative.SampleU16 : ImagingNative.SampleU8;
            int status;
            fixed (byte* s = image.Data)
            fixed (byte* d = result.Data)
            {
                status = ImagingNative.Resize(s, image.Width, image.Height, image.Channels, sampleType, d, width, height, (int)interpolation);
            }
            if (status != ImagingNative.Ok) throw new InvalidOperationException($"Resize failed: {ImagingNative.LastError()}.");
            return result;
        }

        /// <summary>
        /// Resizes interleaved float samples (<paramref name="height"/> x <paramref name="width"/> x <paramref name="channels"/>)
        /// into <paramref name="destination"/> (<paramref name="newHeight"/> x <paramref name="newWidth"/> x channels).
        /// </summary>
        public static void Resize(ReadOnlySpan<float> source, int width, int height, int channels,
                                  Span<float> destination, int newWidth, int newHeight, ImageInterpolation interpolation)
        {
            CheckSize(width, height);
            CheckSize(newWidth, newHeight);
            if (channels <= 0) throw new ArgumentOutOfRangeException(nameof(channels), channels, "The channel count must be positive.");
            if (source.Length != (long)width * height * channels)
                throw new ArgumentException($"The source holds {source.Length} samples, not {width}x{height}x{channels}.", nameof(source));
            if (destination.Length != (long)newWidth * newHeight * channels)
                throw new ArgumentException($"The destination holds {destination.Length} samples, not {newWidth}x{newHeight}x{channels}.", nameof(destination));
            ImagingNative.EnsureLoaded();
            int status;
            fixed (float* s = source)
            fixed (float* d = destination)
            {
                status = ImagingNative.Resize(s, width, height, channels, ImagingNative.SampleF32, d, newWidth, newHeight, (int)interpolation);
            }
            if (status != ImagingNative.Ok) throw new InvalidOperationException($"Resize failed: {ImagingNative.LastError()}.");
        }

        private static ImagingNative.ImgInfo ProbeFile(string path, ImageColorMode mode, int depth)
        {
            byte[] utf8 = ImagingNative.Utf8Path(path);
            ImagingNative.ImgInfo info;
            int status;
            fixed (byte* p = utf8)
            {
                status = ImagingNative.ProbeFile(p, (int)mode, depth, &info);
            }
            if (status != ImagingNative.Ok) ImagingNative.ThrowDecodeFailure(status, $"'{path}'", path);
            return info;
        }

        private static ImagingNative.ImgInfo ProbeMemory(ReadOnlySpan<byte> encoded, ImageColorMode mode, int depth)
        {
            ImagingNative.ImgInfo info;
            int status;
            fixed (byte* e = encoded)
            {
                // A non-null pointer even for an empty span, so that the codec reports "empty" rather than "null".
                byte dummy = 0;
                status = ImagingNative.ProbeMemory(e == null ? &dummy : e, encoded.Length, (int)mode, depth, &info);
            }
            if (status != ImagingNative.Ok) ImagingNative.ThrowDecodeFailure(status, Describe(encoded), null);
            return info;
        }

        private static void CheckLimit(ImagingNative.ImgInfo info, long maxPixels, string what, string? path)
        {
            long pixels = (long)info.Width * info.Height;
            if (maxPixels > 0 && pixels > maxPixels)
                throw new ImageDecodeException(path, ImageDecodeError.TooLarge,
                    $"Cannot decode image {what}: it declares {info.Width} x {info.Height} = {pixels} pixels, more than the limit of {maxPixels} (a decompression bomb? raise ImageDecodeOptions.MaxPixels if the image is genuine).");
            if (info.ByteSize > Array.MaxLength)
                throw new ImageDecodeException(path, ImageDecodeError.TooLarge, $"Cannot decode image {what}: {info.ByteSize} bytes of pixels do not fit in a .NET array.");
        }

        private static ImageInfo ToInfo(ImagingNative.ImgInfo info) =>
            new((ImageFileFormat)info.Format, info.Width, info.Height, info.StoredChannels, info.StoredBitDepth, info.IsPalette != 0);

        private static string Describe(ReadOnlySpan<byte> encoded) => $"from memory ({encoded.Length} bytes)";

        private static void ValidateMode(ImageColorMode mode)
        {
            if (mode is not (ImageColorMode.Unchanged or ImageColorMode.Gray or ImageColorMode.Rgb or ImageColorMode.Rgba))
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown colour mode.");
        }

        private static void ValidateForPng(ImageBuffer image, int compressionLevel)
        {
            if (image is null) throw new ArgumentNullException(nameof(image));
            if (image.Channels > 4) throw new ArgumentException($"PNG images have 1 to 4 channels, not {image.Channels}.", nameof(image));
            if (compressionLevel < -1 || compressionLevel > 9)
                throw new ArgumentOutOfRangeException(nameof(compressionLevel), compressionLevel, "The compression level is -1 (zlib's default) or 0 to 9.");
        }

        private static void CheckSize(int width, int height)
        {
            if (width <= 0) throw new ArgumentOutOfRangeException(nameof(width), width, "The width must be positive.");
            if (height <= 0) throw new ArgumentOutOfRangeException(nameof(height), height, "The height must be positive.");
        }
    }
}
