using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using System.Text;
using SkiaSharp;

namespace Microsoft.ML.MaskRcnn.Tests.Reliability
{
    /// <summary>Small image files whose headers claim enormous sizes: decompression bombs in the making.</summary>
    internal static class HostileImageFiles
    {
        /// <summary>
        /// A PNG of a few hundred bytes whose header declares <paramref name="width"/> x <paramref name="height"/> RGB pixels;
        /// its data holds only a few rows (a decoder that allocates first and reads later pays for the whole claim).
        /// </summary>
        public static byte[] Png(int width, int height)
        {
            using var file = new MemoryStream();
            file.Write(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A });
            var header = new byte[13];
            BinaryPrimitives.WriteInt32BigEndian(header, width);
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
            header[8] = 8;  // bits per sample
            header[9] = 2;  // RGB
            WriteChunk(file, "IHDR", header);
            using var rows = new MemoryStream();
            using (var zlib = new ZLibStream(rows, CompressionLevel.SmallestSize, leaveOpen: true))
                zlib.Write(new byte[4 * (1 + 3 * width)]);
            WriteChunk(file, "IDAT", rows.ToArray());
            WriteChunk(file, "IEND", Array.Empty<byte>());
            return file.ToArray();
        }

        /// <summary>A real 16 x 16 baseline JPEG (encoded by SkiaSharp) whose frame header is rewritten to claim the given size.</summary>
        public static byte[] Jpeg(ushort width, ushort height)
        {
            using var bitmap = new SKBitmap(16, 16);
            bitmap.Erase(SKColors.Gray);
            using var image = SKImage.FromBitmap(bitmap);
            byte[] jpeg = image.Encode(SKEncodedImageFormat.Jpeg, 90).ToArray();
            // The start-of-frame segment (FFC0 baseline, FFC2 progressive): length, precision, height, width.
            for (int i = 2; i + 9 < jpeg.Length; i++)
            {
                if (jpeg[i] != 0xFF || (jpeg[i + 1] != 0xC0 && jpeg[i + 1] != 0xC2)) continue;
                BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(i + 5), height);
                BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(i + 7), width);
                return jpeg;
            }
            throw new InvalidOperationException("SkiaSharp's JPEG has no start-of-frame segment.");
        }

        private static void WriteChunk(Stream file, string type, byte[] data)
        {
            Span<byte> word = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
            file.Write(word);
            byte[] typed = new byte[4 + data.Length];
            Encoding.ASCII.GetBytes(type, typed);
            data.CopyTo(typed, 4);
            file.Write(typed);
            BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typed));
            file.Write(word);
        }

        /// <summary>The CRC-32 of PNG's chunks (ISO 3309, reflected polynomial 0xEDB88320), bit by bit.</summary>
        private static uint Crc32(byte[] bytes)
        {
            uint crc = 0xFFFFFFFF;
            foreach (byte b in bytes)
            {
                crc ^= b;
                for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
            return ~crc;
        }
    }
}
