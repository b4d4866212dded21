using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Text;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Data.IO
{
    /// <summary>
    /// Writes and reads the Schema entry of a model: an empty (0-row) binary IDV file. Layout: a 256-byte header
    /// (signature "CML\0DVB\0", version, compatible version, table-of-contents offset, tail offset, row count, column
    /// count), per column an annotation block (values, then their table of contents: count, kind, codec, compression,
    /// offset, size), the column table of contents (name, codec, compression, rows per block, block lookup offset,
    /// annotation table offset) and the tail signature. Columns whose type has no codec (images) are left out, as
    /// ML.NET leaves out unsavable columns.
    /// </summary>
    internal static class SchemaBinaryFormat
    {
        private const int HeaderSize = 256;
        private const ulong SignatureValue = 0x00425644004C4D43;
        private const ulong TailSignatureValue = 0x434D4C0044564200;
        private const ulong WriterVersion = 0x0001000100010006;
        private const ulong CanBeReadByVersion = 0x0001000100010006;
        private const ulong MetadataVersion = 0x0001000100010004;
        private const byte CompressionNone = 0;
        private const byte CompressionDeflate = 1;

        /// <summary>Whether a column of <paramref name="type"/> can be stored.</summary>
        public static bool IsColumnSavable(DataViewType type) => CodecFactory.GetCodec(type) != null;

        /// <summary>Writes the savable columns of <paramref name="schema"/> (hidden ones included) to <paramref name="stream"/>.</summary>
        public static void Write(Stream stream, DataViewSchema schema, IChannel ch = null)
        {
            var columns = new List<(DataViewSchema.Column Column, ValueCodec Codec)>();
            foreach (var column in schema)
            {
                var codec = CodecFactory.GetCodec(column.Type);
                if (codec != null) columns.Add((column, codec));
                else ch?.Info(MessageSensitivity.Schema, "The column '{0}' will not be written as it has unsavable column type.", column.Name);
            }
            if (columns.Count == 0) throw new InvalidOperationException("No valid columns to save");

            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            long start = stream.Position;
            writer.Write(new byte[HeaderSize]);
            long lookupOffset = stream.Position - start; // no rows, so no blocks: every lookup table is empty and starts here
            var annotationTables = new long[columns.Count];
            for (int c = 0; c < columns.Count; c++)
                annotationTables[c] = WriteAnnotations(writer, start, columns[c].Column, ch);

            long tocOffset = stream.Position - start;
            for (int c = 0; c < columns.Count; c++)
            {
                writer.Write(columns[c].Column.Name);
                CodecFactory.WriteCodec(writer, columns[c].Codec);
                writer.Write(CompressionDeflate);
                ValueCodec.WriteLeb128(writer, 1); // rows per block
                writer.Write(lookupOffset);
                writer.Write(annotationTables[c]);
            }
            long tailOffset = stream.Position - start;
            writer.Write(TailSignatureValue);
            long end = stream.Position;

            stream.Position = start;
            writer.Write(SignatureValue);
            writer.Write(WriterVersion);
            writer.Write(CanBeReadByVersion);
            writer.Write(tocOffset);
            writer.Write(tailOffset);
            writer.Write(0L); // rows
            writer.Write(columns.Count);
            stream.Position = end;
        }

        private static long WriteAnnotations(BinaryWriter writer, long start, DataViewSchema.Column column, IChannel ch)
        {
            var entries = new List<(string Kind, ValueCodec Codec, long Offset, long Size)>();
            var kinds = new HashSet<string>();
            foreach (var annotation in column.Annotations.Schema)
            {
                if (!kinds.Add(annotation.Name))
                    throw new InvalidOperationException($"Annotation with duplicate kind '{annotation.Name}' on column '{column.Name}'.");
                var codec = CodecFactory.GetCodec(annotation.Type);
                if (codec == null || !codec.SupportsValues)
                {
                    ch?.Warning(MessageSensitivity.Schema, "Could not get codec for type {0}, dropping column '{1}' annotation '{2}'",
                        annotation.Type, column.Name, annotation.Name);
                    continue;
                }
                var values = Array.CreateInstance(annotation.Type.RawType, 1);
                values.SetValue(ReadAnnotation(column.Annotations, annotation), 0);
                long offset = writer.BaseStream.Position - start;
                codec.WriteValues(writer, values);
                entries.Add((annotation.Name, codec, offset, writer.BaseStream.Position - start - offset));
            }
            if (entries.Count == 0) return 0;
            long table = writer.BaseStream.Position - start;
            ValueCodec.WriteLeb128(writer, (ulong)entries.Count);
            foreach (var e in entries)
            {
                writer.Write(e.Kind);
                CodecFactory.WriteCodec(writer, e.Codec);
                writer.Write(CompressionNone);
                writer.Write(e.Offset);
                ValueCodec.WriteLeb128(writer, (ulong)e.Size);
            }
            return table;
        }

        private static object ReadAnnotation(DataViewSchema.Annotations annotations, DataViewSchema.Column annotation)
        {
            var method = typeof(SchemaBinaryFormat).GetMethod(nameof(ReadAnnotationCore), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)
                .MakeGenericMethod(annotation.Type.RawType);
            return method.Invoke(null, new object[] { annotations, annotation });
        }

        private static object ReadAnnotationCore<T>(DataViewSchema.Annotations annotations, DataViewSchema.Column annotation)
        {
            T value = default;
            annotations.GetGetter<T>(annotation)(ref value);
            return value;
        }

        /// <summary>Reads a schema written by <see cref="Write"/> or by ML.NET's BinarySaver. <paramref name="where"/> names it in errors.</summary>
        public static DataViewSchema Read(Stream stream, string where)
        {
            try
            {
                return ReadCore(stream);
            }
            catch (Exception ex) when (ex is FormatException || ex is EndOfStreamException || ex is IOException || ex is InvalidDataException)
            {
                throw new FormatException($"Cannot read the schema in {where}: {ex.Message}", ex);
            }
        }

        private static DataViewSchema ReadCore(Stream stream)
        {
            using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
            long start = stream.Position;
            long length = stream.Length - start;
            Contracts.CheckDecode(length >= HeaderSize + sizeof(ulong), "the stream is too short to be a binary IDV file");
            Contracts.CheckDecode(reader.ReadUInt64() == SignatureValue, "wrong signature: not a binary IDV file");
            ulong version = reader.ReadUInt64();
            ulong compatible = reader.ReadUInt64();
            long tocOffset = reader.ReadInt64();
            long tailOffset = reader.ReadInt64();
            reader.ReadInt64(); // rows
            int columnCount = reader.ReadInt32();
            Contracts.CheckDecode(compatible <= version, "corrupt header: compatible version after the version");
            Contracts.CheckDecode(compatible >= MetadataVersion, "the file is too old");
            Contracts.CheckDecode(compatible <= WriterVersion,
                $"the file was written by a newer version (readable from {VersionText(compatible)}; this code reads up to {VersionText(WriterVersion)})");
            Contracts.CheckDecode(columnCount >= 0 && tocOffset >= HeaderSize && tailOffset >= tocOffset && tailOffset + sizeof(ulong) <= length,
                "corrupt header offsets");
            stream.Position = start + tailOffset;
            Contracts.CheckDecode(reader.ReadUInt64() == TailSignatureValue, "Incorrect tail signature");

            stream.Position = start + tocOffset;
            var columns = new List<(string Name, ValueCodec Codec, long AnnotationTable)>();
            for (int c = 0; c < columnCount; c++)
            {
                string name = reader.ReadString();
                var codec = CodecFactory.ReadCodec(reader);
                byte compression = reader.ReadByte();
                Contracts.CheckDecode(compression <= CompressionDeflate, $"unknown compression {compression}");
                ValueCodec.ReadLeb128(reader); // rows per block
                reader.ReadInt64(); // block lookup
                long annotationTable = reader.ReadInt64();
                if (codec != null) columns.Add((name, codec, annotationTable));
            }
            var builder = new DataViewSchema.Builder();
            foreach (var (name, codec, table) in columns)
                builder.AddColumn(name, codec.Type, table == 0 ? null : ReadAnnotations(reader, start, table));
            return builder.ToSchema();
        }

        private static DataViewSchema.Annotations ReadAnnotations(BinaryReader reader, long start, long table)
        {
            reader.BaseStream.Position = start + table;
            ulong count = ValueCodec.ReadLeb128(reader);
            Contracts.CheckDecode(count < int.MaxValue, "too many annotations");
            var entries = new List<(string Kind, ValueCodec Codec, byte Compression, long Offset, long Size)>();
            for (ulong i = 0; i < count; i++)
            {
                string kind = reader.ReadString();
                var codec = CodecFactory.ReadCodec(reader);
                byte compression = reader.ReadByte();
                long offset = reader.ReadInt64();
                long size = (long)ValueCodec.ReadLeb128(reader);
                if (codec != null && codec.SupportsValues) entries.Add((kind, codec, compression, offset, size));
            }
            var builder = new DataViewSchema.Annotations.Builder();
            foreach (var e in entries)
            {
                reader.BaseStream.Position = start + e.Offset;
                byte[] raw = reader.ReadBytes(checked((int)e.Size));
                Contracts.CheckDecode(raw.Length == e.Size, "truncated annotation value");
                Stream block = new MemoryStream(raw);
                if (e.Compression == CompressionDeflate) block = new DeflateStream(block, CompressionMode.Decompress);
                else Contracts.CheckDecode(e.Compression == CompressionNone, $"unknown compression {e.Compression}");
                using var blockReader = new BinaryReader(block);
                object value = e.Codec.ReadValues(blockReader, 1).GetValue(0);
                builder.Add(e.Kind, e.Codec.Type, ConstantGetters.Make(e.Codec.Type.RawType, value));
            }
            return builder.ToAnnotations();
        }

        private static string VersionText(ulong v) => $"{(v >> 48) & 0xffff}.{(v >> 32) & 0xffff}.{(v >> 16) & 0xffff}.{v & 0xffff}";
    }
}
