using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Onnx
{
    /// <summary>
    /// Builds an ONNX graph node by node: each operator helper appends a node and returns the name of its output value,
    /// so that the stage exporters read like the forward passes they mirror. Weights become initializers under their
    /// state-dict keys; small constants are shared by value. Node names are unique (operator type and a counter).
    /// </summary>
    internal sealed class OnnxGraphBuilder
    {
        private readonly List<OnnxNodeProto> nodes = new();
        private readonly List<OnnxInitializer> initializers = new();
        private readonly List<OnnxValueInfo> inputs = new();
        private readonly List<OnnxValueInfo> outputs = new();
        private readonly Dictionary<string, string> constants = new(StringComparer.Ordinal);
        private readonly HashSet<string> names = new(StringComparer.Ordinal);
        private readonly HashSet<string> weights = new(StringComparer.Ordinal);
        private int counter;

        /// <summary>Declares a graph input and returns its name.</summary>
        public string Input(string name, OnnxElementType type, params OnnxDimension[] shape)
        {
            Claim(name);
            inputs.Add(new OnnxValueInfo(name, type, shape));
            return name;
        }

        /// <summary>Makes <paramref name="value"/> a graph output called <paramref name="name"/>.</summary>
        public void Output(string value, string name, OnnxElementType type, params OnnxDimension[] shape)
        {
            Claim(name);
            nodes.Add(new OnnxNodeProto(NextNodeName("Identity"), "Identity", new[] { value }, new[] { name }, Array.Empty<OnnxAttribute>()));
            outputs.Add(new OnnxValueInfo(name, type, shape));
        }

        /// <summary>
        /// A float32 initializer holding <paramref name="tensor"/> (copied to the CPU), named <paramref name="name"/>; a
        /// name given again (a layer shared by several levels) returns the initializer written the first time.
        /// </summary>
        public string Weight(string name, Tensor tensor)
        {
            if (weights.Contains(name)) return name;
            Claim(name);
            weights.Add(name);
            using var cpu = tensor.detach().to(ScalarType.Float32, torch.CPU).contiguous();
            var values = cpu.data<float>().ToArray();
            initializers.Add(new OnnxInitializer(name, OnnxElementType.Float, cpu.shape, MemoryMarshal.AsBytes(values.AsSpan()).ToArray()));
            return name;
        }

        /// <summary>A float32 constant of the given shape (a scalar when no dimensions are given).</summary>
        public string Floats(float[] values, params long[] dims) =>
            Constant(OnnxElementType.Float, MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), dims.Length == 0 && values.Length != 1 ? new long[] { values.Length } : dims,
                     "f:" + string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));

        /// <summary>A float32 scalar (rank 0).</summary>
        public string Scalar(float value) => Floats(new[] { value });

        /// <summary>An int64 scalar (rank 0).</summary>
        public string ScalarInt64(long value) => Constant(OnnxElementType.Int64, BitConverter.GetBytes(value), Array.Empty<long>(), "s:" + value);

        /// <summary>A 1-D int64 constant.</summary>
        public string Int64s(params long[] values) =>
            Constant(OnnxElementType.Int64, MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), new long[] { values.Length }, "i:" + string.Join(",", values));

        /// <summary>Appends a node with one output and returns the output's name.</summary>
        public string Op(string opType, IReadOnlyList<string> nodeInputs, params OnnxAttribute[] attributes) => Op(opType, 1, nodeInputs, attributes)[0];

        /// <summary>Appends a node with <paramref name="outputCount"/> outputs and returns their names.</summary>
        public string[] Op(string opType, int outputCount, IReadOnlyList<string> nodeInputs, params OnnxAttribute[] attributes)
        {
            string name = NextNodeName(opType);
            var nodeOutputs = Enumerable.Range(0, outputCount).Select(i => outputCount == 1 ? name : $"{name}:{i}").ToArray();
            foreach (var o in nodeOutputs) Claim(o);
            nodes.Add(new OnnxNodeProto(name, opType, nodeInputs.ToArray(), nodeOutputs, attributes));
            return nodeOutputs;
        }

        /// <summary>Writes the model to <paramref name="stream"/>.</summary>
        public void WriteTo(Stream stream, string graphName, string producerVersion, IReadOnlyDictionary<string, string> metadata) =>
            OnnxModelProto.Write(stream, graphName, nodes, initializers, inputs, outputs, producerVersion, metadata);

        // ---- Operators (ONNX opset 17), named as in the operator reference ----

        public string Add(string a, string b) => Op("Add", new[] { a, b });

        public string Sub(string a, string b) => Op("Sub", new[] { a, b });

        public string Mul(string a, string b) => Op("Mul", new[] { a, b });

        public string Div(string a, string b) => Op("Div", new[] { a, b });

        public string Relu(string x) => Op("Relu", new[] { x });

        public string Sigmoid(string x) => Op("Sigmoid", new[] { x });

        public string Exp(string x) => Op("Exp", new[] { x });

        public string Log(string x) => Op("Log", new[] { x });

        public string Sqrt(string x) => Op("Sqrt", new[] { x });

        public string Floor(string x) => Op("Floor", new[] { x });

        public string Cast(string x, OnnxElementType to) => Op("Cast", new[] { x }, OnnxAttribute.Of("to", (long)to));

        public string Shape(string x) => Op("Shape", new[] { x });

        public string Equal(string a, string b) => Op("Equal", new[] { a, b });

        public string Greater(string a, string b) => Op("Greater", new[] { a, b });

        public string GreaterOrEqual(string a, string b) => Op("GreaterOrEqual", new[] { a, b });

        public string And(string a, string b) => Op("And", new[] { a, b });

        public string Where(string condition, string whenTrue, string whenFalse) => Op("Where", new[] { condition, whenTrue, whenFalse });

        public string Min(params string[] values) => Op("Min", values);

        /// <summary>Clamps to [min, max]; either bound may be null (absent).</summary>
        public string Clip(string x, string? min, string? max) =>
            max is null ? Op("Clip", new[] { x, min ?? "" }) : Op("Clip", new[] { x, min ?? "", max });

        /// <summary>Element <paramref name="index"/> of a 1-D tensor, as a scalar.</summary>
        public string Element(string x, long index) => Op("Gather", new[] { x, ScalarInt64(index) }, OnnxAttribute.Of("axis", 0L));

        public string Gather(string x, string indices, long axis = 0) => Op("Gather", new[] { x, indices }, OnnxAttribute.Of("axis", axis));

        public string GatherND(string x, string indices) => Op("GatherND", new[] { x, indices });

        public string Slice(string x, long start, long end, long axis) => Op("Slice", new[] { x, Int64s(start), Int64s(end), Int64s(axis) });

        public string Concat(long axis, params string[] values) => Op("Concat", values, OnnxAttribute.Of("axis", axis));

        public string Reshape(string x, string shape) => Op("Reshape", new[] { x, shape });

        public string Reshape(string x, params long[] shape) => Reshape(x, Int64s(shape));

        public string Transpose(string x, params long[] permutation) => Op("Transpose", new[] { x }, OnnxAttribute.Of("perm", permutation));

        public string Unsqueeze(string x, params long[] axes) => Op("Unsqueeze", new[] { x, Int64s(axes) });

        public string Squeeze(string x, params long[] axes) => Op("Squeeze", new[] { x, Int64s(axes) });

        public string Expand(string x, string shape) => Op("Expand", new[] { x, shape });

        public string Range(string start, string limit, string delta) => Op("Range", new[] { start, limit, delta });

        public string Compress(string x, string condition, long axis = 0) => Op("Compress", new[] { x, condition }, OnnxAttribute.Of("axis", axis));

        public string NonZero(string x) => Op("NonZero", new[] { x });

        public string ScatterND(string data, string indices, string updates) => Op("ScatterND", new[] { data, indices, updates });

        public string ConstantOfShape(string shape) => Op("ConstantOfShape", new[] { shape });

        public string Softmax(string x, long axis) => Op("Softmax", new[] { x }, OnnxAttribute.Of("axis", axis));

        public string Flatten(string x, long axis) => Op("Flatten", new[] { x }, OnnxAttribute.Of("axis", axis));

        /// <summary>The <paramref name="k"/> (a 1-element int64 tensor) largest or smallest values along the axis, sorted: (values, indices).</summary>
        public (string values, string indices) TopK(string x, string k, long axis, bool largest)
        {
            var o = Op("TopK", 2, new[] { x, k }, OnnxAttribute.Of("axis", axis), OnnxAttribute.Of("largest", largest ? 1L : 0L), OnnxAttribute.Of("sorted", 1L));
            return (o[0], o[1]);
        }

        public string MaxPool(string x, long kernel, long stride, long padding) =>
            Op("MaxPool", new[] { x }, OnnxAttribute.Of("kernel_shape", kernel, kernel), OnnxAttribute.Of("strides", stride, stride),
               OnnxAttribute.Of("pads", padding, padding, padding, padding));

        /// <summary>A fully connected layer (y = x W^T + b) with the weights of <paramref name="linear"/> stored under <paramref name="key"/>.</summary>
        public string Linear(string x, Linear linear, string key) =>
            Op("Gemm", new[] { x, Weight(key + ".weight", linear.weight), Weight(key + ".bias", linear.bias!) }, OnnxAttribute.Of("transB", 1L));

        /// <summary>The convolution <paramref name="conv"/> (its weights stored under <paramref name="key"/>), with its stride, padding, dilation and groups.</summary>
        public string Conv(string x, Convolution conv, string key)
        {
            if (conv.padding_type is not null || conv.padding is not { } padding || conv.padding_mode != PaddingModes.Zeros)
                throw new NotSupportedException($"The convolution '{key}' pads by {conv.padding_type?.ToString() ?? conv.padding_mode.ToString()}; the exporter writes explicit zero padding only.");
            var weight = Weight(key + ".weight", conv.weight);
            var convInputs = conv.bias is null ? new[] { x, weight } : new[] { x, weight, Weight(key + ".bias", conv.bias) };
            var pads = padding.Concat(padding).ToArray();
            var attributes = new List<OnnxAttribute>
            {
                OnnxAttribute.Of("kernel_shape", conv.kernel_size), OnnxAttribute.Of("strides", conv.stride),
                OnnxAttribute.Of("pads", pads), OnnxAttribute.Of("dilations", conv.dilation), OnnxAttribute.Of("group", conv.groups),
            };
            if (conv.transposed) attributes.Add(OnnxAttribute.Of("output_padding", conv.output_padding));
            return Op(conv.transposed ? "ConvTranspose" : "Conv", convInputs, attributes.ToArray());
        }

        private string Constant(OnnxElementType type, byte[] raw, long[] dims, string key)
        {
            key += "|" + string.Join("x", dims);
            if (constants.TryGetValue(key, out var existing)) return existing;
            string name = $"const_{constants.Count}";
            Claim(name);
            initializers.Add(new OnnxInitializer(name, type, dims, raw));
            constants[key] = name;
            return name;
        }

        private string NextNodeName(string opType) => $"{opType}_{counter++}";

        private void Claim(string name)
        {
            if (!names.Add(name)) throw new InvalidOperationException($"The ONNX graph already has a value named '{name}'.");
        }
    }
}
