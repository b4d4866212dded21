using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace Microsoft.ML.Internal.Native
{
    /// <summary>
    /// MLImage's binding to the C ABI of libMaskRcnnImaging (src/Native/imaging/imaging_api.h): 8-bit RGBA decoding of
    /// PNG and JPEG, PNG encoding, and resizing. Status codes become .NET exceptions whose messages name the image.
    /// </summary>
    internal static unsafe class ImagingNative
    {
        private const int AbiVersion = 1;
        private const int Ok = 0;
        private const int ErrorNotFound = -2;
        private const int ErrorUnsupported = -3;
        private const int ModeRgba = 4;
        private const int Depth8 = 8;
        private const int SampleU8 = 0;
        internal const int InterpolationNearest = 0;
        internal const int InterpolationBilinear = 1;

        [StructLayout(LayoutKind.Sequential)]
        private struct ImgInfo
        {
            public int Format;
            public int Width;
            public int Height;
            public int StoredChannels;
            public int StoredBitDepth;
            public int IsPalette;
            public int Channels;
            public int BitDepth;
            public long ByteSize;
        }

        [DllImport(NativeLibraryResolver.Imaging, EntryPoint = "img_last_error")]
        private static extern byte* LastError();

        [DllImport(NativeLibraryResolver.Imaging, EntryPoint = "img_abi_version")]
        private static extern int AbiVersionNative();

        [DllImport(NativeLibraryResolver.Imaging, EntryPoint = "img_probe_memory")]
        private static extern int ProbeMemory(byte* data, long length, int mode, int depth, ImgInfo* info);

        [DllImport(NativeLibraryResolver.Imaging, EntryPoint = "img_decode_memory")]
        private static extern int DecodeMemory(byte* data, long length, int mode, int depth, long maxPixels, byte* output, long outputSize, ImgInfo* info);

        [DllImport(NativeLibraryResolver.Imaging, EntryPoint = "img_encode_png_file")]
        private static extern int EncodePngFile(byte* path, byte* pixels, int width, int height, int channels, int bitDepth, int compressionLevel);

        [DllImport(NativeLibraryResolver.Imaging, EntryPoint = "img_resize")]
        private static extern int ResizeNative(void* source, int sourceWidth, int sourceHeight, int channels, int sampleType,
            void* destination, int destinationWidth, int destinationHeight, int interpolation);

        private static readonly Lazy<bool> abiChecked = new Lazy<bool>(() =>
        {
            int version = AbiVersionNative();
            if (version != AbiVersion)
                throw new InvalidOperationException(
                    $"libMaskRcnnImaging.so has ABI version {version} but MLImage needs {AbiVersion}: rebuild the native libraries with ./build.sh.");
            return true;
        });

        private static string Message()
        {
            byte* text = LastError();
            return text == null ? "" : Marshal.PtrToStringUTF8((IntPtr)text) ?? "";
        }

        /// <summary>
        /// Decodes a PNG or JPEG held in <paramref name="data"/> to 8-bit RGBA. Failures throw <see cref="ArgumentException"/>
        /// whose message names <paramref name="source"/>.
        /// </summary>
        public static byte[] DecodeRgba(byte[] data, string source, out int width, out int height)
        {
            _ = abiChecked.Value;
            ImgInfo info;
            fixed (byte* input = data)
            {
                int status = ProbeMemory(input, data.LongLength, ModeRgba, Depth8, &info);
                if (status != Ok) throw DecodeFailure(status, source);
                if (info.ByteSize > int.MaxValue)
                    throw new ArgumentException($"{source} is too large to decode: {info.Width} x {info.Height} pixels.");
                var pixels = new byte[info.ByteSize];
                fixed (byte* output = pixels)
                {
                    status = DecodeMemory(input, data.LongLength, ModeRgba, Depth8, 0, output, pixels.LongLength, &info);
                    if (status != Ok) throw DecodeFailure(status, source);
                }
                width = info.Width;
                height = info.Height;
                return pixels;
            }
        }

        private static Exception DecodeFailure(int status, string source)
        {
            string kind = status == ErrorUnsupported ? "is not a PNG or JPEG image this codec decodes"
                : status == ErrorNotFound ? "cannot be opened"
                : "is corrupt or truncated";
            return new ArgumentException($"{source} {kind}: {Message()}");
        }

        /// <summary>Writes 8-bit RGBA pixels as a PNG file.</summary>
        public static void EncodePngRgba(string path, byte[] rgba, int width, int height)
        {
            _ = abiChecked.Value;
            byte[] utf8 = Encoding.UTF8.GetBytes(path + "\0");
            fixed (byte* p = utf8)
            fixed (byte* pixels = rgba)
            {
                int status = EncodePngFile(p, pixels, width, height, 4, 8, -1);
                if (status == ErrorNotFound) throw new IOException($"Cannot write the image file '{path}': {Message()}");
                if (status != Ok) throw new InvalidOperationException($"Encoding '{path}' as PNG failed: {Message()}");
            }
        }

        /// <summary>Resizes interleaved 8-bit pixels of <paramref name="channels"/> channels (PyTorch's interpolate rules).</summary>
        public static byte[] Resize(byte[] source, int width, int height, int channels, int newWidth, int newHeight, int interpolation)
        {
            _ = abiChecked.Value;
            var result = new byte[checked(newWidth * newHeight * channels)];
            fixed (byte* src = source)
            fixed (byte* dst = result)
            {
                int status = ResizeNative(src, width, height, channels, SampleU8, dst, newWidth, newHeight, interpolation);
                if (status != Ok)
                    throw new InvalidOperationException($"Resizing a {width} x {height} image to {newWidth} x {newHeight} failed: {Message()}");
            }
            return result;
        }
    }
}
