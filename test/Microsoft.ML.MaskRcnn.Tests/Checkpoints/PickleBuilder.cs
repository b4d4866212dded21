using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Text;

namespace Microsoft.ML.MaskRcnn.Tests.Checkpoints
{
    /// <summary>Writes pickle opcodes by hand, to craft malformed or hostile checkpoints that torch.save would never write.</summary>
    internal sealed class PickleBuilder
    {
        private readonly List<byte> bytes = new() { 0x80, 2 };

        public PickleBuilder Op(params byte[] opcodes) { bytes.AddRange(opcodes); return this; }
        public PickleBuilder Op(char opcode) { bytes.Add((byte)opcode); return this; }
        public PickleBuilder Mark() => Op('(');
        public PickleBuilder Tuple() => Op('t');
        public PickleBuilder Stop() => Op('.');

        public PickleBuilder Global(string module, string name)
        {
            bytes.Add((byte)'c');
            bytes.AddRange(Encoding.UTF8.GetBytes(module + "\n" + name + "\n"));
            return this;
        }

        public PickleBuilder Str(string text)
        {
            var utf8 = Encoding.UTF8.GetBytes(text);
            bytes.Add((byte)'X');
            bytes.AddRange(BitConverter.GetBytes(utf8.Length));
            bytes.AddRange(utf8);
            return this;
        }

        public PickleBuilder Int(int value)
        {
            bytes.Add((byte)'J');
            bytes.AddRange(BitConverter.GetBytes(value));
            return this;
        }

        /// <summary>Pushes <c>_rebuild_tensor_v2(('storage', torch.FloatStorage, key, 'cpu', numel), offset, size, stride, False, OrderedDict())</c>.</summary>
        public PickleBuilder FloatTensor(string key, int storageElements, int offset, int[] size, int[] stride)
        {
            Global("torch._utils", "_rebuild_tensor_v2").Mark();
            Mark().Str("storage").Global("torch", "FloatStorage").Str(key).Str("cpu").Int(storageElements).Tuple().Op('Q');
            Int(offset);
            Mark(); foreach (var s in size) Int(s); Tuple();
            Mark(); foreach (var s in stride) Int(s); Tuple();
            Op(0x89).Global("collections", "OrderedDict").Op(')').Op('R');
            return Tuple().Op('R');
        }

        public byte[] ToArray() => bytes.ToArray();

        /// <summary>A zip checkpoint with this pickle as <c>archive/data.pkl</c> and the given storage records.</summary>
        public void WriteCheckpoint(string path, IReadOnlyDictionary<string, byte[]>? storages = null)
        {
            using var zip = new ZipArchive(File.Create(path), ZipArchiveMode.Create);
            Write(zip, "archive/data.pkl", ToArray());
            foreach (var (key, data) in storages ?? new Dictionary<string, byte[]>()) Write(zip, "archive/data/" + key, data);
            Write(zip, "archive/version", Encoding.ASCII.GetBytes("3\n"));
        }

        private static void Write(ZipArchive zip, string name, byte[] data)
        {
            using var stream = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
            stream.Write(data);
        }
    }
}
