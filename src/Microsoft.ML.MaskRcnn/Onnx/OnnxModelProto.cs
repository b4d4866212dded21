using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Google.Protobuf;

namespace Microsoft.ML.MaskRcnn.Onnx
{
    /// <summary>ONNX element types (TensorProto.DataType) the exporter writes.</summary>
    internal enum OnnxElementType
    {
        Float = 1,
        Int64 = 7,
        Bool = 9,
    }

    /// <summary>One dimension of a graph input or output: a fixed size or a named, dynamic one.</summary>
    internal readonly record struct OnnxDimension(long? Size, string? Name)
    {
        public static implicit operator OnnxDimension(long size) => new(size, null);

        public static implicit operator OnnxDimension(string name) => new(null, name);
    }

    /// <summary>A graph input or output: name, element type and shape.</summary>
    internal sealed record OnnxValueInfo(string Name, OnnxElementType ElementType, IReadOnlyList<OnnxDimension> Shape);

    /// <summary>An initializer: a constant tensor stored in the file as little-endian raw bytes.</summary>
    internal sealed record OnnxInitializer(string Name, OnnxElementType ElementType, long[] Dims, ReadOnlyMemory<byte> RawData);

    /// <summary>A node attribute: exactly one of the value fields is set, as <see cref="Kind"/> says.</summary>
    internal sealed record OnnxAttribute(string Name, OnnxAttributeKind Kind, long Int = 0, float Float = 0, string? String = null,
                                         long[]? Ints = null)
    {
        public static OnnxAttribute Of(string name, long value) => new(name, OnnxAttributeKind.Int, Int: value);

        public static OnnxAttribute Of(string name, float value) => new(name, OnnxAttributeKind.Float, Float: value);

        public static OnnxAttribute Of(string name, string value) => new(name, OnnxAttributeKind.String, String: value);

        public static OnnxAttribute Of(string name, params long[] values) => new(name, OnnxAttributeKind.Ints, Ints: values);
    }

    /// <summary>AttributeProto.AttributeType values used by the exporter.</summary>
    internal enum OnnxAttributeKind
    {
        Float = 1,
        Int = 2,
        String = 3,
        Ints = 7,
    }

    /// <summary>One operator application: type, input and output value names, attributes.</summary>
    internal sealed record OnnxNodeProto(string Name, string OpType, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs,
                                         IReadOnlyList<OnnxAttribute> Attributes);

    /// <summary>
    /// Writes an ONNX model (ModelProto with one graph) in protobuf's wire format with Google.Protobuf's encoder, by the
    /// field numbers of ONNX's published schema (onnx.proto; the reader in Checkpoints/OnnxGraph.cs uses the same ones).
    /// Only the messages and fields a plain inference graph needs are written. Message lengths are computed before the
    /// message is written, so that the weights stream to the file once instead of being copied into nested buffers.
    /// </summary>
    internal static class OnnxModelProto
    {
        /// <summary>The IR version written (ONNX 1.12 reads up to 8) and the default-domain operator set.</summary>
        internal const long IrVersion = 8;

        internal const long OperatorSet = 17;

        internal static void Write(Stream stream, string graphName, IReadOnlyList<OnnxNodeProto> nodes, IReadOnlyList<OnnxInitializer> initializers,
                                   IReadOnlyList<OnnxValueInfo> inputs, IReadOnlyList<OnnxValueInfo> outputs, string producerVersion,
                                   IReadOnlyDictionary<string, string> metadata)
        {
            var output = new CodedOutputStream(stream, leaveOpen: true);
            // ModelProto: ir_version = 1, producer_name = 2, producer_version = 3, graph = 7, opset_import = 8, metadata_props = 14.
            WriteInt64(output, 1, IrVersion);
            WriteString(output, 2, "Microsoft.ML.MaskRcnn");
            WriteString(output, 3, producerVersion);
            long graphSize = GraphSize(graphName, nodes, initializers, inputs, outputs);
            if (graphSize > int.MaxValue) throw new InvalidOperationException($"The graph needs {graphSize} bytes; a protobuf message holds at most 2 GiB.");
            WriteHeader(output, 7, (int)graphSize);
            WriteGraph(output, graphName, nodes, initializers, inputs, outputs);
            // OperatorSetIdProto: domain = 1 (empty: the default ONNX domain), version = 2.
            WriteHeader(output, 8, Int64Size(2, OperatorSet));
            WriteInt64(output, 2, OperatorSet);
            foreach (var (key, value) in metadata)
            {
                // StringStringEntryProto: key = 1, value = 2.
                WriteHeader(output, 14, StringSize(1, key) + StringSize(2, value));
                WriteString(output, 1, key);
                WriteString(output, 2, value);
            }
            output.Flush();
        }

        // GraphProto: node = 1, name = 2, initializer = 5, input = 11, output = 12.
        private static long GraphSize(string name, IReadOnlyList<OnnxNodeProto> nodes, IReadOnlyList<OnnxInitializer> initializers,
                                      IReadOnlyList<OnnxValueInfo> inputs, IReadOnlyList<OnnxValueInfo> outputs) =>
            nodes.Sum(n => (long)MessageSize(1, NodeSize(n))) + StringSize(2, name)
            + initializers.Sum(t => (long)MessageSize(5, TensorSize(t)))
            + inputs.Sum(v => (long)MessageSize(11, ValueInfoSize(v))) + outputs.Sum(v => (long)MessageSize(12, ValueInfoSize(v)));

        private static void WriteGraph(CodedOutputStream output, string name, IReadOnlyList<OnnxNodeProto> nodes, IReadOnlyList<OnnxInitializer> initializers,
                                       IReadOnlyList<OnnxValueInfo> inputs, IReadOnlyList<OnnxValueInfo> outputs)
        {
            foreach (var node in nodes)
            {
                WriteHeader(output, 1, NodeSize(node));
                WriteNode(output, node);
            }
            WriteString(output, 2, name);
            foreach (var tensor in initializers)
            {
                WriteHeader(output, 5, TensorSize(tensor));
                WriteTensor(output, tensor);
            }
            foreach (var value in inputs)
            {
                WriteHeader(output, 11, ValueInfoSize(value));
                WriteValueInfo(output, value);
            }
            foreach (var value in outputs)
            {
                WriteHeader(output, 12, ValueInfoSize(value));
                WriteValueInfo(output, value);
            }
        }

        // NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5.
        private static int NodeSize(OnnxNodeProto node) =>
            node.Inputs.Sum(i => StringSize(1, i)) + node.Outputs.Sum(o => StringSize(2, o)) + StringSize(3, node.Name)
            + StringSize(4, node.OpType) + node.Attributes.Sum(a => MessageSize(5, AttributeSize(a)));

        private static void WriteNode(CodedOutputStream output, OnnxNodeProto node)
        {
            foreach (var input in node.Inputs) WriteString(output, 1, input);
            foreach (var o in node.Outputs) WriteString(output, 2, o);
            WriteString(output, 3, node.Name);
            WriteString(output, 4, node.OpType);
            foreach (var attribute in node.Attributes)
            {
                WriteHeader(output, 5, AttributeSize(attribute));
                WriteAttribute(output, attribute);
            }
        }

        // AttributeProto: name = 1, f = 2, i = 3, s = 4, ints = 8 (one value per tag), type = 20.
        private static int AttributeSize(OnnxAttribute a) =>
            StringSize(1, a.Name) + Int64Size(20, (long)a.Kind) + a.Kind switch
            {
                OnnxAttributeKind.Float => CodedOutputStream.ComputeTagSize(2) + 4,
                OnnxAttributeKind.Int => Int64Size(3, a.Int),
                OnnxAttributeKind.String => StringSize(4, a.String!),
                OnnxAttributeKind.Ints => a.Ints!.Sum(v => Int64Size(8, v)),
                _ => throw new ArgumentOutOfRangeException(nameof(a), a.Kind, "unsupported attribute kind"),
            };

        private static void WriteAttribute(CodedOutputStream output, OnnxAttribute a)
        {
            WriteString(output, 1, a.Name);
            switch (a.Kind)
            {
                case OnnxAttributeKind.Float:
                    output.WriteTag(2, WireFormat.WireType.Fixed32);
                    output.WriteFloat(a.Float);
                    break;
                case OnnxAttributeKind.Int: WriteInt64(output, 3, a.Int); break;
                case OnnxAttributeKind.String: WriteString(output, 4, a.String!); break;
                case OnnxAttributeKind.Ints:
                    foreach (var v in a.Ints!) WriteInt64(output, 8, v);
                    break;
            }
            WriteInt64(output, 20, (long)a.Kind);
        }

        // TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9.
        private static int TensorSize(OnnxInitializer t) =>
            t.Dims.Sum(d => Int64Size(1, d)) + Int64Size(2, (long)t.ElementType) + StringSize(8, t.Name)
            + CodedOutputStream.ComputeTagSize(9) + CodedOutputStream.ComputeLengthSize(t.RawData.Length) + t.RawData.Length;

        private static void WriteTensor(CodedOutputStream output, OnnxInitializer t)
        {
            foreach (var d in t.Dims) WriteInt64(output, 1, d);
            WriteInt64(output, 2, (long)t.ElementType);
            WriteString(output, 8, t.Name);
            output.WriteTag(9, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(UnsafeByteOperations.UnsafeWrap(t.RawData));
        }

        // ValueInfoProto: name = 1, type = 2. TypeProto: tensor_type = 1. TypeProto.Tensor: elem_type = 1, shape = 2.
        // TensorShapeProto: dim = 1. Dimension: dim_value = 1, dim_param = 2.
        private static int ValueInfoSize(OnnxValueInfo v) => StringSize(1, v.Name) + MessageSize(2, TypeSize(v));

        private static int TypeSize(OnnxValueInfo v) => MessageSize(1, TensorTypeSize(v));

        private static int TensorTypeSize(OnnxValueInfo v) => Int64Size(1, (long)v.ElementType) + MessageSize(2, ShapeSize(v));

        private static int ShapeSize(OnnxValueInfo v) => v.Shape.Sum(d => MessageSize(1, DimensionSize(d)));

        private static int DimensionSize(OnnxDimension d) => d.Size is { } size ? Int64Size(1, size) : StringSize(2, d.Name!);

        private static void WriteValueInfo(CodedOutputStream output, OnnxValueInfo v)
        {
            WriteString(output, 1, v.Name);
            WriteHeader(output, 2, TypeSize(v));
            WriteHeader(output, 1, TensorTypeSize(v));
            WriteInt64(output, 1, (long)v.ElementType);
            WriteHeader(output, 2, ShapeSize(v));
            foreach (var d in v.Shape)
            {
                WriteHeader(output, 1, DimensionSize(d));
                if (d.Size is { } size) WriteInt64(output, 1, size);
                else WriteString(output, 2, d.Name!);
            }
        }

        private static int StringSize(int field, string value) => CodedOutputStream.ComputeTagSize(field) + CodedOutputStream.ComputeStringSize(value);

        private static int Int64Size(int field, long value) => CodedOutputStream.ComputeTagSize(field) + CodedOutputStream.ComputeInt64Size(value);

        private static int MessageSize(int field, int size) => CodedOutputStream.ComputeTagSize(field) + CodedOutputStream.ComputeLengthSize(size) + size;

        private static void WriteHeader(CodedOutputStream output, int field, int size)
        {
            output.WriteTag(field, WireFormat.WireType.LengthDelimited);
            output.WriteLength(size);
        }

        private static void WriteString(CodedOutputStream output, int field, string value)
        {
            output.WriteTag(field, WireFormat.WireType.LengthDelimited);
            output.WriteString(value);
        }

        private static void WriteInt64(CodedOutputStream output, int field, long value)
        {
            output.WriteTag(field, WireFormat.WireType.Varint);
            output.WriteInt64(value);
        }
    }
}
