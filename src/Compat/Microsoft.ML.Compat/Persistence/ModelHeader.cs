using System;
using System.IO;
using System.Text;
using Microsoft.ML.Runtime;

namespace Microsoft.ML
{
    /// <summary>
    /// The 256-byte little-endian header of a Model.key stream (friend-only, as in ML.NET). Layout: signature
    /// "ML\0MODEL", header versions, the model block, the string table (cumulative UTF-16 byte ends), the string
    /// characters, the model signature and versions, two 24-character loader signatures, the tail position and limit,
    /// and the loader assembly name; the stream ends with the tail signature "LEDOM\0LM".
    /// </summary>
    internal struct ModelHeader
    {
        public const ulong SignatureValue = 0x4C45444F4D004C4DUL;
        public const ulong TailSignatureValue = 0x4D4C004D4F44454CUL;
        public const int Size = 0x100;

        // Versions of the header format itself (ML.NET's current values).
        private const uint VerAssemblyNameSupported = 0x00010002;
        private const uint VerWrittenCur = 0x00010002;
        private const uint VerReadableCur = 0x00010002;
        private const uint VerWeCanReadBack = 0x00010001;

        public ulong Signature;
        public uint VerWritten;
        public uint VerReadable;
        public long FpModel;
        public long CbModel;
        public long FpStringTable;
        public long CbStringTable;
        public long FpStringChars;
        public long CbStringChars;
        public ulong ModelSignature;
        public uint ModelVerWritten;
        public uint ModelVerReadable;
        public ulong LoaderSignature0;
        public ulong LoaderSignature1;
        public ulong LoaderSignature2;
        public ulong LoaderSignatureAlt0;
        public ulong LoaderSignatureAlt1;
        public ulong LoaderSignatureAlt2;
        public long FpTail;
        public long FpLim;
        public long FpAssemblyName;
        public uint CbAssemblyName;

        /// <summary>Writes a blank header and returns the position the model starts from.</summary>
        public static void BeginWrite(BinaryWriter writer, out long fpMin, out ModelHeader header)
        {
            fpMin = writer.BaseStream.Position;
            header = default;
            header.Signature = SignatureValue;
            header.VerWritten = VerWrittenCur;
            header.VerReadable = VerReadableCur;
            header.FpModel = Size;
            writer.Write(new byte[Size]);
        }

        /// <summary>Closes the model block, writes the string table, the loader assembly name, the tail and the header.</summary>
        public static void EndWrite(BinaryWriter writer, long fpMin, ref ModelHeader header, StringPool pool, string loaderAssemblyName)
        {
            header.CbModel = writer.BaseStream.Position - fpMin - header.FpModel;
            if (pool != null && pool.Count > 0)
            {
                header.FpStringTable = writer.BaseStream.Position - fpMin;
                long offset = 0;
                foreach (string s in pool.Strings)
                {
                    offset += s.Length * sizeof(char);
                    writer.Write(offset);
                }
                header.CbStringTable = pool.Count * sizeof(long);
                header.FpStringChars = writer.BaseStream.Position - fpMin;
                foreach (string s in pool.Strings)
                    foreach (char ch in s) writer.Write((short)ch);
                header.CbStringChars = writer.BaseStream.Position - fpMin - header.FpStringChars;
            }
            if (!string.IsNullOrEmpty(loaderAssemblyName))
            {
                header.FpAssemblyName = writer.BaseStream.Position - fpMin;
                header.CbAssemblyName = (uint)loaderAssemblyName.Length * sizeof(char);
                foreach (char ch in loaderAssemblyName) writer.Write((short)ch);
            }
            header.FpTail = writer.BaseStream.Position - fpMin;
            writer.Write(TailSignatureValue);
            header.FpLim = writer.BaseStream.Position - fpMin;
            Validate(ref header, header.FpLim);
            long end = writer.BaseStream.Position;
            writer.BaseStream.Position = fpMin;
            writer.Write(ToBytes(ref header));
            writer.BaseStream.Position = end;
        }

        public static void SetVersionInfo(ref ModelHeader header, VersionInfo ver)
        {
            header.ModelSignature = ver.ModelSignature;
            header.ModelVerWritten = ver.VerWrittenCur;
            header.ModelVerReadable = ver.VerReadableCur;
            PackSignature(ver.LoaderSignature, out header.LoaderSignature0, out header.LoaderSignature1, out header.LoaderSignature2);
            PackSignature(ver.LoaderSignatureAlt, out header.LoaderSignatureAlt0, out header.LoaderSignatureAlt1, out header.LoaderSignatureAlt2);
        }

        private static void PackSignature(string sig, out ulong s0, out ulong s1, out ulong s2)
        {
            s0 = s1 = s2 = 0;
            if (sig == null) return;
            Contracts.Check(sig.Length <= 24, "A loader signature has at most 24 characters.");
            for (int i = 0; i < sig.Length; i++)
            {
                Contracts.Check(sig[i] <= 0xFF, "A loader signature is ASCII.");
                ulong bits = (ulong)sig[i] << (i % 8 * 8);
                if (i < 8) s0 |= bits;
                else if (i < 16) s1 |= bits;
                else s2 |= bits;
            }
        }

        private static string UnpackSignature(ulong s0, ulong s1, ulong s2)
        {
            var chars = new char[24];
            for (int i = 0; i < 24; i++)
            {
                ulong word = i < 8 ? s0 : i < 16 ? s1 : s2;
                chars[i] = (char)((word >> (i % 8 * 8)) & 0xFF);
            }
            int length = 24;
            while (length > 0 && chars[length - 1] == 0) length--;
            return new string(chars, 0, length);
        }

        public static string GetLoaderSig(ref ModelHeader header) =>
            UnpackSignature(header.LoaderSignature0, header.LoaderSignature1, header.LoaderSignature2);

        public static string GetLoaderSigAlt(ref ModelHeader header) =>
            UnpackSignature(header.LoaderSignatureAlt0, header.LoaderSignatureAlt1, header.LoaderSignatureAlt2);

        /// <summary>The 8-character model signature, with zeros shown as spaces.</summary>
        public static string GetModelSignature(ref ModelHeader header)
        {
            var chars = new char[8];
            for (int i = 0; i < 8; i++)
            {
                char c = (char)((header.ModelSignature >> (i * 8)) & 0xFF);
                chars[i] = c == 0 ? ' ' : c;
            }
            return new string(chars);
        }

        /// <summary>Reads and validates the header, the string table and the loader assembly name; leaves the reader at the model.</summary>
        public static void BeginRead(out long fpMin, out ModelHeader header, out string[] strings, out string loaderAssemblyName, BinaryReader reader)
        {
            fpMin = reader.BaseStream.Position;
            byte[] bytes = reader.ReadBytes(Size);
            Contracts.CheckDecode(bytes.Length == Size, $"the stream has {bytes.Length} bytes, fewer than the {Size}-byte model header");
            header = FromBytes(bytes);
            Validate(ref header, reader.BaseStream.Length - fpMin);

            strings = null;
            if (header.FpStringTable != 0)
            {
                reader.BaseStream.Position = fpMin + header.FpStringTable;
                int count = (int)(header.CbStringTable / sizeof(long));
                var ends = new long[count];
                for (int i = 0; i < count; i++) ends[i] = reader.ReadInt64();
                Contracts.CheckDecode(count == 0 || ends[count - 1] == header.CbStringChars, "the string table does not match the string characters");
                strings = new string[count];
                long start = 0;
                var sb = new StringBuilder();
                for (int i = 0; i < count; i++)
                {
                    Contracts.CheckDecode(start <= ends[i] && ends[i] <= header.CbStringChars && ends[i] % sizeof(char) == 0, "corrupt string table");
                    sb.Clear();
                    for (long k = start; k < ends[i]; k += sizeof(char)) sb.Append((char)reader.ReadUInt16());
                    strings[i] = sb.ToString();
                    start = ends[i];
                }
            }
            loaderAssemblyName = null;
            if (header.VerWritten >= VerAssemblyNameSupported && header.FpAssemblyName != 0)
            {
                reader.BaseStream.Position = fpMin + header.FpAssemblyName;
                var sb = new StringBuilder();
                for (uint k = 0; k < header.CbAssemblyName; k += sizeof(char)) sb.Append((char)reader.ReadUInt16());
                loaderAssemblyName = sb.ToString();
            }
            reader.BaseStream.Position = fpMin + header.FpTail;
            Contracts.CheckDecode(reader.ReadUInt64() == TailSignatureValue, "Corrupt model file tail");
            reader.BaseStream.Position = fpMin + header.FpModel;
        }

        /// <summary>Checks that the reader consumed exactly the model block, then moves past the tail.</summary>
        public static void EndRead(long fpMin, ref ModelHeader header, BinaryReader reader)
        {
            long consumed = reader.BaseStream.Position - fpMin - header.FpModel;
            Contracts.CheckDecode(consumed == header.CbModel,
                $"the loader read {consumed} bytes of a {header.CbModel}-byte model block");
            reader.BaseStream.Position = fpMin + header.FpLim;
        }

        /// <summary>Checks the component's signature and versions against what the reading code supports.</summary>
        public static void CheckVersionInfo(ref ModelHeader header, VersionInfo ver)
        {
            Contracts.CheckDecode(header.ModelSignature == ver.ModelSignature,
                $"Unknown file type: model signature '{GetModelSignature(ref header)}' where '{ver.ModelSignatureText}' was expected");
            Contracts.CheckDecode(header.ModelVerReadable <= header.ModelVerWritten, "Corrupt file header");
            if (header.ModelVerReadable > ver.VerWrittenCur)
                throw Contracts.ExceptDecode(
                    $"Cannot read component '{ver.LoaderSignature}' of the model, because the model is too new: it needs a reader of version " +
                    $"0x{header.ModelVerReadable:X8} and this code reads versions up to 0x{ver.VerWrittenCur:X8}. " +
                    "Make sure the model is saved by this or an older version.");
            if (header.ModelVerWritten < ver.VerWeCanReadBack)
                throw Contracts.ExceptDecode(
                    $"Cannot read component '{ver.LoaderSignature}' of the model, because the model is too old: it was written as version " +
                    $"0x{header.ModelVerWritten:X8} and this code reads versions from 0x{ver.VerWeCanReadBack:X8}.");
        }

        private static void Validate(ref ModelHeader h, long size)
        {
            Contracts.CheckDecode(h.Signature == SignatureValue, "Wrong file type: the stream does not start with the model signature 'ML\\0MODEL'");
            Contracts.CheckDecode(h.VerReadable <= h.VerWritten, "Corrupt file header");
            Contracts.CheckDecode(h.VerReadable <= VerWrittenCur,
                $"File is too new: its header format 0x{h.VerReadable:X8} is newer than 0x{VerWrittenCur:X8}, the newest this code reads");
            Contracts.CheckDecode(h.VerWritten >= VerWeCanReadBack, "File is too old");
            Contracts.CheckDecode(h.FpModel == Size && h.CbModel >= 0, "Corrupt file header (model block)");
            long expectedTail;
            if (h.FpStringTable == 0)
            {
                Contracts.CheckDecode(h.CbStringTable == 0 && h.FpStringChars == 0 && h.CbStringChars == 0, "Corrupt file header (string table)");
                expectedTail = h.FpModel + h.CbModel;
            }
            else
            {
                Contracts.CheckDecode(h.FpStringTable == h.FpModel + h.CbModel && h.CbStringTable % sizeof(long) == 0 && h.CbStringTable > 0
                    && h.FpStringChars == h.FpStringTable + h.CbStringTable && h.CbStringChars % sizeof(char) == 0 && h.CbStringChars >= 0,
                    "Corrupt file header (string table)");
                expectedTail = h.FpStringChars + h.CbStringChars;
            }
            if (h.VerWritten >= VerAssemblyNameSupported && h.FpAssemblyName != 0)
            {
                Contracts.CheckDecode(h.FpAssemblyName == expectedTail && h.CbAssemblyName % sizeof(char) == 0, "Corrupt file header (assembly name)");
                expectedTail = h.FpAssemblyName + h.CbAssemblyName;
            }
            else
                Contracts.CheckDecode(h.CbAssemblyName == 0 || h.VerWritten < VerAssemblyNameSupported, "Corrupt file header (assembly name)");
            Contracts.CheckDecode(h.FpTail == expectedTail, "Corrupt file header (tail position)");
            Contracts.CheckDecode(h.FpLim == h.FpTail + sizeof(ulong), "Corrupt file header (limit)");
            Contracts.CheckDecode(size == 0 || size >= h.FpLim, $"the stream is truncated: {size} bytes where the header announces {h.FpLim}");
        }

        public static byte[] ToBytes(ref ModelHeader h)
        {
            var bytes = new byte[Size];
            using var w = new BinaryWriter(new MemoryStream(bytes));
            w.Write(h.Signature);
            w.Write(h.VerWritten);
            w.Write(h.VerReadable);
            w.Write(h.FpModel);
            w.Write(h.CbModel);
            w.Write(h.FpStringTable);
            w.Write(h.CbStringTable);
            w.Write(h.FpStringChars);
            w.Write(h.CbStringChars);
            w.Write(h.ModelSignature);
            w.Write(h.ModelVerWritten);
            w.Write(h.ModelVerReadable);
            w.Write(h.LoaderSignature0);
            w.Write(h.LoaderSignature1);
            w.Write(h.LoaderSignature2);
            w.Write(h.LoaderSignatureAlt0);
            w.Write(h.LoaderSignatureAlt1);
            w.Write(h.LoaderSignatureAlt2);
            w.Write(h.FpTail);
            w.Write(h.FpLim);
            w.Write(h.FpAssemblyName);
            w.Write(h.CbAssemblyName);
            return bytes;
        }

        public static ModelHeader FromBytes(byte[] bytes)
        {
            using var r = new BinaryReader(new MemoryStream(bytes));
            var h = default(ModelHeader);
            h.Signature = r.ReadUInt64();
            h.VerWritten = r.ReadUInt32();
            h.VerReadable = r.ReadUInt32();
            h.FpModel = r.ReadInt64();
            h.CbModel = r.ReadInt64();
            h.FpStringTable = r.ReadInt64();
            h.CbStringTable = r.ReadInt64();
            h.FpStringChars = r.ReadInt64();
            h.CbStringChars = r.ReadInt64();
            h.ModelSignature = r.ReadUInt64();
            h.ModelVerWritten = r.ReadUInt32();
            h.ModelVerReadable = r.ReadUInt32();
            h.LoaderSignature0 = r.ReadUInt64();
            h.LoaderSignature1 = r.ReadUInt64();
            h.LoaderSignature2 = r.ReadUInt64();
            h.LoaderSignatureAlt0 = r.ReadUInt64();
            h.LoaderSignatureAlt1 = r.ReadUInt64();
            h.LoaderSignatureAlt2 = r.ReadUInt64();
            h.FpTail = r.ReadInt64();
            h.FpLim = r.ReadInt64();
            h.FpAssemblyName = r.ReadInt64();
            h.CbAssemblyName = r.ReadUInt32();
            return h;
        }
    }

    /// <summary>
    /// A component's model format: an 8-character signature (spaces stored as zeros), the version written, the oldest
    /// reader version that can read it, the oldest written version this code reads back, and the loader signature(s)
    /// and assembly the loader lives in (friend-only, as in ML.NET).
    /// </summary>
    internal readonly struct VersionInfo
    {
        public readonly ulong ModelSignature;
        public readonly uint VerWrittenCur;
        public readonly uint VerReadableCur;
        public readonly uint VerWeCanReadBack;
        public readonly string LoaderAssemblyName;
        public readonly string LoaderSignature;
        public readonly string LoaderSignatureAlt;

        public VersionInfo(string modelSignature, uint verWrittenCur, uint verReadableCur, uint verWeCanReadBack,
            string loaderAssemblyName, string loaderSignature = null, string loaderSignatureAlt = null)
        {
            Contracts.Check(modelSignature != null && modelSignature.Length == 8, "Model signature must be eight characters");
            ModelSignature = 0;
            for (int i = 0; i < modelSignature.Length; i++)
            {
                char ch = modelSignature[i];
                Contracts.Check(ch <= 0xFF, "Model signature must be ASCII");
                if (ch != ' ') ModelSignature |= (ulong)ch << (i * 8);
            }
            VerWrittenCur = verWrittenCur;
            VerReadableCur = verReadableCur;
            VerWeCanReadBack = verWeCanReadBack;
            LoaderAssemblyName = loaderAssemblyName;
            LoaderSignature = loaderSignature;
            LoaderSignatureAlt = loaderSignatureAlt;
        }

        internal string ModelSignatureText
        {
            get
            {
                var chars = new char[8];
                for (int i = 0; i < 8; i++)
                {
                    char c = (char)((ModelSignature >> (i * 8)) & 0xFF);
                    chars[i] = c == 0 ? ' ' : c;
                }
                return new string(chars);
            }
        }
    }
}
