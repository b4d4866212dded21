using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.ML.MaskRcnn.Native;

namespace Microsoft.ML.MaskRcnn.Imaging
{
    /// <summary>
    /// The C ABI of libMaskRcnnImaging (src/Native/imaging/imaging_api.h), and the translation of its status codes
    /// into .NET exceptions that name the file.
    /// </summary>
    internal static unsafe class ImagingNative
    {
        internal const int AbiVersion = 1;

        internal const int Ok = 0;
        internal const int ErrorCorrupt = -1;
        internal const int ErrorNotFound = -2;
        internal const int ErrorUnsupported = -3;
        internal const int ErrorTooLarge = -4;

        internal const int SampleU8 = 0;
        internal const int SampleU16 = 1;
        internal const int SampleF32 = 2;

        /// <summary>Mirror of img_info.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct ImgInfo
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
        private static extern byte* LastErrorNative();

        [DllImport(NativeLibraryResolver.Imaging, EntryPoint = "img_abi_version")]
        private static extern int AbiVersionNative();

        [DllImport(NativeLibraryResolver.Imaging, EntryPoint = "img_probe_file")]
        internal static extern int ProbeFile(byte* path, int mode, int depth, ImgInfo* info);

        [DllImport(NativeLibraryResolver.Imaging, EntryPoint = "img_probe_memory")]
        internal static extern int ProbeMemory(byte* data, long length, int mode, int depth, ImgInfo* info);

        [DllImport(NativeLibraryResolver.Imaging, EntryPoint = "img_decode_file")]
        internal static extern int DecodeFile(byte* path, int mode, int depth, long maxPixels, byte* output, long outputSize, ImgInfo* info);

        [DllImport(NativeLibraryResolver.Imaging, EntryPoint = "img_decode_memory")]
        internal static extern int DecodeMemory(byte* data, long length, int mode, int depth, long maxPixels, byte* output, long outputSize, ImgInfo* info);

        [DllImport(NativeLibraryResolver.Imaging, EntryPoint = "img_encode_png_file")]
        internal static extern int EncodePngFile(byte* path, byte* pixels, int width, int height, int channels, int bitDepth, int compressionLevel);

        [DllImport(NativeLibraryResolver.Imaging, EntryPoint = "img_encode_png_memory")]
        internal static extern int EncodePngMemory(byte* pixels, int width, int height, int channels, int bitDepth, int compressionLevel, byte** data, long* length);

        [DllImport(NativeLibraryResolver.Imaging, EntryPoint = "img_free")]
        internal static extern void Free(void* data);

        [DllImport(NativeLibraryResolver.Imaging, EntryPoint = "img_resize")]
        internal static extern int Resize(void* source, int sourceWidth, int sourceHeight, int channels, int sampleType,
                                          void* destination, int destinationWidth, int destinationHeight, int interpolation);

        private static readonly Lazy<bool> abiChecked = new(() =>
        {
            int version = AbiVersionNative();
            if (version != AbiVersion)
                throw new InvalidOperationException(
                    $"libMaskRcnnImaging.so has ABI version {version} but this assembly needs {AbiVersion}: rebuild the native libraries with ./build.sh.");
            return true;
        });

        /// <summary>Checks once that the loaded library speaks this ABI.</summary>
        internal static void EnsureLoaded() => _ = abiChecked.Value;

        internal static string LastError()
        {
            byte* message = LastErrorNative();
            return message == null ? "unknown error" : Marshal.PtrToStringUTF8((IntPtr)message) ?? "unknown error";
        }

        /// <summary>The path as NUL-terminated UTF-8.</summary>
        internal static byte[] Utf8Path(string path)
        {
            if (path is null) throw new ArgumentNullException(nameof(path));
            if (path.IndexOf('\0') >= 0) throw new ArgumentException($"The path '{path}' contains a NUL character.", nameof(path));
            var bytes = new byte[Encoding.UTF8.GetByteCount(path) + 1];
            Encoding.UTF8.GetBytes(path, 0, path.Length, bytes, 0);
            return bytes;
        }

        /// <summary>Throws the exception for a failed decode of <paramref name="source"/> (a path, or null for memory).</summary>
        internal static void ThrowDecodeFailure(int status, string? source, string? path)
        {
            string message = LastError();
            string what = source ?? "the image";
            switch (status)
            {
                case ErrorNotFound when path != null && !File.Exists(path):
                    throw new FileNotFoundException($"Cannot read image '{path}': {message}.", path);
                case ErrorNotFound:
                    throw new IOException($"Cannot read image {what}: {message}.");
                case ErrorUnsupported:
                    throw new ImageDecodeException(path, ImageDecodeError.UnsupportedFormat, $"Cannot decode image {what}: {message}.");
                case ErrorTooLarge:
                    throw new ImageDecodeException(path, ImageDecodeError.TooLarge, $"Cannot decode image {what}: {message}.");
                default:
                    throw new ImageDecodeException(path, ImageDecodeError.Corrupt, $"Cannot decode image {what}: {message}.");
            }
        }
    }
}
