using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Google.Protobuf;

namespace Microsoft.ML.MaskRcnn.Checkpoints
{
    /// <summary>
    /// The parts of an ONNX model that a weight import needs: the graph's nodes (operator, inputs, outputs, integer and
    /// float attributes) in file order (ONNX requires topological order) and its float initializers. Decoded directly from
    /// the protobuf wire format with Google.Protobuf's reader, by the field numbers of ONNX's published schema (onnx.proto);
    /// every other field is skipped. A malformed file is an <see cref="InvalidDataException"/> naming the file.
    /// </summary>
    public sealed class OnnxGraph
    {
        private OnnxGraph(IReadOnlyList<OnnxNode> nodes, IReadOnlyDictionary<string, OnnxTensor> initializers, IReadOnlyList<string> inputs)
        {
            Nodes = nodes;
            Initializers = initializers;
            Inputs = inputs;
        }

        /// <summary>The graph's nodes in file (topological) order.</summary>
        public IReadOnlyList<OnnxNode> Nodes { get; }

        /// <summary>Constant tensors by name (weights).</summary>
        public IReadOnlyDictionary<string, OnnxTensor> Initializers { get; }

        /// <summary>The graph's declared inputs that are not initializers.</summary>
        public IReadOnlyList<string> Inputs { get; }

        /// <summary>Reads the ONNX model file at <paramref name="path"/>.</summary>
        public static OnnxGraph Read(string path)
        {
            if (path is null) throw new ArgumentNullException(nameof(path));
            if (!File.Exists(path)) throw new FileNotFoundException($"The ONNX model '{path}' does not exist.", path);
            try
            {
                return Parse(File.ReadAllBytes(path));
            }
            catch (Exception e) when (e is InvalidProtocolBufferException or InvalidDataException or ArgumentException or OverflowException)
            {
                throw new InvalidDataException($"Cannot read the ONNX model '{path}': {e.Message}", e);
            }
        }

        // ModelProto: graph = 7. GraphProto: node = 1, initializer = 5, input = 11 (ValueInfoProto, name = 1).
        private static OnnxGraph Parse(byte[] model)
        {
            ByteString? graph = null;
            ForEachField(model, (field, delimited, input) => { if (field == 7) graph = input.ReadBytes(); else input.SkipLastField(); });
            if (graph is null) throw new InvalidDataException("the file holds no graph (not an ONNX model?)");
            var nodes = new List<OnnxNode>();
            var initializers = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
            var declared = new List<string>();
            ForEachField(graph.Span, (field, delimited, input) =>
            {
                switch (field)
                {
                    case 1: nodes.Add(ReadNode(input.ReadBytes())); break;
                    case 5:
                        var tensor = ReadTensor(input.ReadBytes());
                        initializers[tensor.Name] = tensor;
                        break;
                    case 11:
                        string name = "";
                        ForEachField(input.ReadBytes().Span, (f, _, i) => { if (f == 1) name = i.ReadString(); else i.SkipLastField(); });
                        declared.Add(name);
                        break;
                    default: input.SkipLastField(); break;
                }
            });
            return new OnnxGraph(nodes, initializers, declared.Where(n => !initializers.ContainsKey(n)).ToList());
        }

        // NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5.
        private static OnnxNode ReadNode(ByteString bytes)
        {
            var inputs = new List<string>();
            var outputs = new List<string>();
            string name = "", opType = "";
            var ints = new Dictionary<string, long[]>(StringComparer.Ordinal);
            var floats = new Dictionary<string, float>(StringComparer.Ordinal);
            ForEachField(bytes.Span, (field, delimited, input) =>
            {
                switch (field)
                {
                    case 1: inputs.Add(input.ReadString()); break;
                    case 2: outputs.Add(input.ReadString()); break;
                    case 3: name = input.ReadString(); break;
                    case 4: opType = input.ReadString(); break;
                    case 5: ReadAttribute(input.ReadBytes(), ints, floats); break;
                    default: input.SkipLastField(); break;
                }
            });
            return new OnnxNode(name, opType, inputs, outputs, ints, floats);
        }

        // AttributeProto: name = 1, f = 2, i = 3, ints = 8 (packed or not).
        private static void ReadAttribute(ByteString bytes, Dictionary<string, long[]> ints, Dictionary<string, float> floats)
        {
            string name = "";
            float? f = null;
            var values = new List<long>();
            ForEachField(bytes.Span, (field, delimited, input) =>
            {
                switch (field)
                {
                    case 1: name = input.ReadString(); break;
                    case 2: f = input.ReadFloat(); break;
                    case 3: values.Add(input.ReadInt64()); break;
                    case 8: ReadInt64s(input, delimited, values); break;
                    default: input.SkipLastField(); break;
                }
            });
            if (f.HasValue) floats[name] = f.Value;
            if (values.Count > 0) ints[name] = values.ToArray();
        }

        // TensorProto: dims = 1, data_type = 2 (1 = FLOAT), float_data = 4, name = 8, raw_data = 9 (little-endian).
        private static OnnxTensor ReadTensor(ByteString bytes)
        {
            var dims = new List<long>();
            int dataType = 0;
            string name = "";
            ByteString? raw = null;
            var floatData = new List<float>();
            ForEachField(bytes.Span, (field, delimited, input) =>
            {
                switch (field)
                {
                    case 1: ReadInt64s(input, delimited, dims); break;
                    case 2: dataType = input.ReadInt32(); break;
                    case 4:
                        if (delimited)
                        {
                            var packed = input.ReadBytes().Span;
                            for (int k = 0; k + 4 <= packed.Length; k += 4) floatData.Add(BitConverter.ToSingle(packed.Slice(k, 4)));
                        }
                        else floatData.Add(input.ReadFloat());
                        break;
                    case 8: name = input.ReadString(); break;
                    case 9: raw = input.ReadBytes(); break;
                    default: input.SkipLastField(); break;
                }
            });
            if (dims.Any(d => d < 0)) throw new InvalidDataException($"initializer '{name}' has a negative dimension");
            long count = dims.Aggregate(1L, (a, d) => checked(a * d));
            if (dataType != 1) return new OnnxTensor(name, dims.ToArray(), null);
            float[] values;
            if (raw is not null)
            {
                if (raw.Length != count * 4) throw new InvalidDataException($"initializer '{name}' has {raw.Length} bytes of data for {count} floats");
                values = new float[count];
                raw.Span.CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
                if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw data is little-endian");
            }
            else
            {
                if (floatData.Count != count) throw new InvalidDataException($"initializer '{name}' has {floatData.Count} floats for dimensions [{string.Join(", ", dims)}]");
                values = floatData.ToArray();
            }
            return new OnnxTensor(name, dims.ToArray(), values);
        }

        // A repeated int64 field comes one value per tag or packed into one length-delimited run.
        private static void ReadInt64s(CodedInputStream input, bool delimited, List<long> values)
        {
            if (!delimited)
            {
                values.Add(input.ReadInt64());
                return;
            }
            var packed = new CodedInputStream(input.ReadBytes().ToByteArray());
            while (!packed.IsAtEnd) values.Add(packed.ReadInt64());
        }

        /// <summary>Calls <paramref name="read"/>(field number, whether it is length-delimited, reader) for each field.</summary>
        private static void ForEachField(ReadOnlySpan<byte> message, Action<int, bool, CodedInputStream> read)
        {
            var input = new CodedInputStream(message.ToArray());
            uint tag;
            while ((tag = input.ReadTag()) != 0)
                read(WireFormat.GetTagFieldNumber(tag), WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited, input);
        }
    }

    /// <summary>One ONNX node: its operator, the names of its inputs and outputs, its integer(-list) and float attributes.</summary>
    public sealed record OnnxNode(string Name, string OpType, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs,
                                  IReadOnlyDictionary<string, long[]> IntAttributes, IReadOnlyDictionary<string, float> FloatAttributes)
    {
        /// <summary>An integer-list attribute, or <paramref name="fallback"/> when absent.</summary>
        public long[] Ints(string name, params long[] fallback) => IntAttributes.TryGetValue(name, out var v) ? v : fallback;
    }

    /// <summary>An ONNX initializer: name, dimensions and, for float tensors, the values in row-major order (null otherwise).</summary>
    public sealed record OnnxTensor(string Name, long[] Dims, float[]? Values);
}
