using System;
using System.Runtime.InteropServices;

namespace Microsoft.ML.MaskRcnn.Imaging
{
    /// <summary>
    /// Decoded pixels in managed memory: Height x Width x Channels samples, interleaved and row-major with no padding.
    /// 8-bit samples are one byte each; 16-bit samples two bytes, little-endian (read them with <see cref="AsUInt16"/>).
    /// </summary>
    public sealed class ImageBuffer
    {
        /// <summary>Allocates a zero-filled image.</summary>
        public ImageBuffer(int width, int height, int channels, int bitDepth = 8)
            : this(width, height, channels, bitDepth, allocate: true)
        {
        }

        /// <summary>Wraps existing samples (not copied). <paramref name="data"/> must hold exactly Height x Width x Channels samples.</summary>
        public ImageBuffer(byte[] data, int width, int height, int channels, int bitDepth = 8)
            : this(width, height, channels, bitDepth, allocate: false)
        {
            if (data is null) throw new ArgumentNullException(nameof(data));
            if (data.LongLength != ByteLength)
                throw new ArgumentException($"A {width}x{height} image of {channels} channel(s) at {bitDepth} bits needs {ByteLength} bytes, not {data.LongLength}.", nameof(data));
            Data = data;
        }

        private ImageBuffer(int width, int height, int channels, int bitDepth, bool allocate)
        {
            if (width <= 0) throw new ArgumentOutOfRangeException(nameof(width), width, "The width must be positive.");
            if (height <= 0) throw new ArgumentOutOfRangeException(nameof(height), height, "The height must be positive.");
            if (channels <= 0) throw new ArgumentOutOfRangeException(nameof(channels), channels, "The channel count must be positive.");
            if (bitDepth != 8 && bitDepth != 16) throw new ArgumentOutOfRangeException(nameof(bitDepth), bitDepth, "The bit depth is 8 or 16.");
            Width = width;
            Height = height;
            Channels = channels;
            BitDepth = bitDepth;
            long length = ByteLength;
            if (length > Array.MaxLength) throw new ArgumentException($"A {width}x{height}x{channels} image of {bitDepth}-bit samples is larger than a .NET array.");
            Data = allocate ? new byte[length] : Array.Empty<byte>();
        }

        /// <summary>Takes ownership of a buffer the codec filled.</summary>
        internal static ImageBuffer Adopt(byte[] data, int width, int height, int channels, int bitDepth) => new(data, width, height, channels, bitDepth);

        /// <summary>Width in pixels.</summary>
        public int Width { get; }

        /// <summary>Height in pixels.</summary>
        public int Height { get; }

        /// <summary>Samples per pixel.</summary>
        public int Channels { get; }

        /// <summary>Bits per sample: 8 or 16.</summary>
        public int BitDepth { get; }

        /// <summary>The samples (H x W x C; 16-bit ones little-endian).</summary>
        public byte[] Data { get; }

        /// <summary>Bytes per sample.</summary>
        public int BytesPerSample => BitDepth / 8;

        /// <summary>Bytes per row.</summary>
        public int RowBytes => Width * Channels * BytesPerSample;

        /// <summary>Total bytes.</summary>
        public long ByteLength => (long)Width * Height * Channels * (BitDepth / 8);

        /// <summary>The samples of a 16-bit image.</summary>
        public Span<ushort> AsUInt16()
        {
            if (BitDepth != 16) throw new InvalidOperationException($"The image has {BitDepth}-bit samples; AsUInt16 needs 16-bit ones.");
            return MemoryMarshal.Cast<byte, ushort>(Data.AsSpan());
        }

        /// <summary>The sample at column <paramref name="x"/>, row <paramref name="y"/>, channel <paramref name="channel"/>.</summary>
        public int this[int y, int x, int channel = 0]
        {
            get
            {
                long index = Index(y, x, channel);
                return BitDepth == 8 ? Data[index] : Data[2 * index] | (Data[2 * index + 1] << 8);
            }
            set
            {
                long index = Index(y, x, channel);
                if (BitDepth == 8)
                {
                    Data[index] = checked((byte)value);
                }
                else
                {
                    ushort v = checked((ushort)value);
                    Data[2 * index] = (byte)v;
                    Data[2 * index + 1] = (byte)(v >> 8);
                }
            }
        }

        /// <summary>A deep copy.</summary>
        public ImageBuffer Clone() => new((byte[])Data.Clone(), Width, Height, Channels, BitDepth);

        /// <inheritdoc/>
        public override string ToString() => $"{Width}x{Height}x{Channels} ({BitDepth}-bit)";

        private long Index(int y, int x, int channel)
        {
            if ((uint)y >= (uint)Height || (uint)x >= (uint)Width || (uint)channel >= (uint)Channels)
                throw new ArgumentOutOfRangeException(nameof(x), $"({y}, {x}, {channel}) is outside the {Height}x{Width}x{Channels} image.");
            return ((long)y * Width + x) * Channels + channel;
        }
    }
}
