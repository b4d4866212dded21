using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;

namespace Microsoft.ML.MaskRcnn.Tests.Reliability
{
    /// <summary>Where each entry's stored (compressed) bytes lie in a zip, read from its central directory.</summary>
    internal static class ZipLayout
    {
        /// <summary>Entry name to the range of its stored data: [Start, Start + Length).</summary>
        public static Dictionary<string, (long Start, long Length)> EntryData(byte[] zip)
        {
            int end = zip.Length - 22;
            while (end >= 0 && BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(end)) != 0x06054b50) end--;
            if (end < 0) throw new FormatException("no end of central directory record");
            int count = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(end + 10));
            int at = (int)BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(end + 16));
            var entries = new Dictionary<string, (long, long)>();
            for (int i = 0; i < count; i++)
            {
                long compressed = BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(at + 20));
                int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(at + 28));
                int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(at + 30));
                int commentLength = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(at + 32));
                int local = (int)BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(at + 42));
                string name = Encoding.UTF8.GetString(zip, at + 46, nameLength);
                int data = local + 30 + BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(local + 26)) + BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(local + 28));
                entries[name] = (data, compressed);
                at += 46 + nameLength + extraLength + commentLength;
            }
            return entries;
        }
    }
}
