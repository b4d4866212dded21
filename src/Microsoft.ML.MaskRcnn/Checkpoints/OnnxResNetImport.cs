using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Microsoft.ML.MaskRcnn.Checkpoints
{
    /// <summary>
    /// The weights of an ImageNet ResNet stored as ONNX (such as the CNTK export that ML.NET's DnnImageFeaturizer
    /// packages ship), mapped onto torchvision's ResNet layout: state-dict keys as torchvision's resnet body names them
    /// ("conv1.weight", "bn1.running_mean", "layer2.0.downsample.1.weight", ...) and the number of residual blocks per
    /// stage. The mapping follows the graph's structure, not its tensor names: the stem is the convolution that reads the
    /// image; every Add node closes a residual block, whose main branch is the chain Conv -> BatchNormalization (-> Relu)
    /// leading to it and whose shortcut is either the block's input or a Conv -> BatchNormalization projection of it; a
    /// stage starts with the first block and at each later block with a projection.
    /// </summary>
    public sealed class OnnxResNetWeights
    {
        private OnnxResNetWeights(IReadOnlyDictionary<string, OnnxTensor> tensors, int[] stageBlocks, bool bottleneck)
        {
            Tensors = tensors;
            StageBlocks = stageBlocks;
            Bottleneck = bottleneck;
        }

        /// <summary>Weights by torchvision state-dict key (body only, no "backbone.body." prefix).</summary>
        public IReadOnlyDictionary<string, OnnxTensor> Tensors { get; }

        /// <summary>Residual blocks in each of the four stages (torchvision's resnet18: 2, 2, 2, 2).</summary>
        public int[] StageBlocks { get; }

        /// <summary>True for bottleneck blocks (three convolutions), false for basic blocks (two).</summary>
        public bool Bottleneck { get; }

        /// <summary>
        /// The weights as tensors keyed <paramref name="prefix"/> + torchvision's name (for a whole model:
        /// "backbone.body."). With <paramref name="reverseInputChannels"/> the first convolution's input channels are
        /// reversed, so that a network trained on BGR images (CNTK's, ML.NET's featurizers') reads RGB ones.
        /// </summary>
        public Dictionary<string, TorchSharp.torch.Tensor> ToTensors(string prefix = "", bool reverseInputChannels = false)
        {
            var result = new Dictionary<string, TorchSharp.torch.Tensor>(StringComparer.Ordinal);
            foreach (var (key, value) in Tensors)
            {
                var tensor = TorchSharp.torch.tensor(value.Values!, value.Dims);
                if (reverseInputChannels && key == "conv1.weight")
                {
                    using var original = tensor;
                    tensor = original.flip(1).contiguous();
                }
                result[prefix + key] = tensor;
            }
            return result;
        }

        /// <summary>Reads the ONNX ResNet at <paramref name="path"/>; a graph that is not such a ResNet is an <see cref="InvalidDataException"/> naming the node at fault.</summary>
        public static OnnxResNetWeights Read(string path)
        {
            var graph = OnnxGraph.Read(path);
            try
            {
                return Map(graph);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"The ONNX model '{path}' is not a ResNet this import understands: {e.Message}", e);
            }
        }

        private static OnnxResNetWeights Map(OnnxGraph graph)
        {
            var producer = new Dictionary<string, OnnxNode>(StringComparer.Ordinal);
            foreach (var node in graph.Nodes)
                foreach (var output in node.Outputs) producer[output] = node;
            var tensors = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
            if (graph.Inputs.Count != 1) throw new InvalidDataException($"expected one image input, found {graph.Inputs.Count}");
            string image = graph.Inputs[0];

            var stemConv = graph.Nodes.FirstOrDefault(n => n.OpType == "Conv" && n.Inputs[0] == image)
                           ?? throw new InvalidDataException("no convolution reads the image input");
            var stemNorm = NormAfter(graph, stemConv);
            AddConvNorm(graph, tensors, "conv1", "bn1", stemConv, stemNorm);

            var stageBlocks = new List<int>();
            bool? bottleneck = null;
            foreach (var add in graph.Nodes.Where(n => n.OpType == "Add"))
            {
                if (add.Inputs.Count != 2) throw new InvalidDataException($"Add node '{add.Name}' has {add.Inputs.Count} inputs");
                // The main branch ends in a normalised convolution whose input chain leads back to the shortcut's source.
                (List<(OnnxNode conv, OnnxNode norm)> chain, string blockInput, string shortcut)? found = null;
                foreach (int side in new[] { 0, 1 })
                {
                    var chain = MainBranch(add.Inputs[side], producer, out string start);
                    string other = add.Inputs[1 - side];
                    bool identity = other == start;
                    bool projection = producer.TryGetValue(other, out var p) && p.OpType == "BatchNormalization"
                                      && producer.TryGetValue(p.Inputs[0], out var pc) && pc.OpType == "Conv" && pc.Inputs[0] == start;
                    if (chain.Count >= 2 && (identity || projection)) { found = (chain, start, other); break; }
                }
                if (found is null) throw new InvalidDataException($"Add node '{add.Name}' does not close a residual block");
                var (convs, input, shortcutName) = found.Value;
                if (convs.Count is not (2 or 3)) throw new InvalidDataException($"the block closed by '{add.Name}' has {convs.Count} convolutions (2 or 3 expected)");
                bool isBottleneck = convs.Count == 3;
                if (bottleneck.HasValue && bottleneck != isBottleneck) throw new InvalidDataException($"the block closed by '{add.Name}' mixes basic and bottleneck blocks");
                bottleneck = isBottleneck;

                bool hasProjection = shortcutName != input;
                if (stageBlocks.Count == 0 || hasProjection)
                {
                    if (stageBlocks.Count == 4) throw new InvalidDataException($"a fifth stage starts at '{add.Name}'");
                    stageBlocks.Add(0);
                }
                int stage = stageBlocks.Count, block = stageBlocks[^1]++;
                string prefix = $"layer{stage}.{block}";
                for (int k = 0; k < convs.Count; k++)
                    AddConvNorm(graph, tensors, $"{prefix}.conv{k + 1}", $"{prefix}.bn{k + 1}", convs[k].conv, convs[k].norm);
                if (hasProjection)
                {
                    var norm = producer[shortcutName];
                    AddConvNorm(graph, tensors, $"{prefix}.downsample.0", $"{prefix}.downsample.1", producer[norm.Inputs[0]], norm);
                }
            }
            if (stageBlocks.Count != 4) throw new InvalidDataException($"found {stageBlocks.Count} stages of residual blocks (4 expected)");
            return new OnnxResNetWeights(tensors, stageBlocks.ToArray(), bottleneck!.Value);
        }

        /// <summary>
        /// Walks back from a block's output through BatchNormalization &lt;- Conv (&lt;- Relu &lt;- BatchNormalization &lt;- Conv ...)
        /// and returns the (conv, norm) pairs in forward order; <paramref name="start"/> is what the first conv reads.
        /// </summary>
        private static List<(OnnxNode conv, OnnxNode norm)> MainBranch(string output, Dictionary<string, OnnxNode> producer, out string start)
        {
            var chain = new List<(OnnxNode, OnnxNode)>();
            start = output;
            string current = output;
            while (producer.TryGetValue(current, out var norm) && norm.OpType == "BatchNormalization"
                   && producer.TryGetValue(norm.Inputs[0], out var conv) && conv.OpType == "Conv")
            {
                chain.Insert(0, (conv, norm));
                start = conv.Inputs[0];
                if (producer.TryGetValue(start, out var relu) && relu.OpType == "Relu"
                    && producer.TryGetValue(relu.Inputs[0], out var before) && before.OpType == "BatchNormalization")
                    current = relu.Inputs[0];
                else break;
            }
            return chain;
        }

        private static OnnxNode NormAfter(OnnxGraph graph, OnnxNode conv) =>
            graph.Nodes.FirstOrDefault(n => n.OpType == "BatchNormalization" && n.Inputs[0] == conv.Outputs[0])
            ?? throw new InvalidDataException($"convolution '{conv.Name}' is not followed by a BatchNormalization");

        /// <summary>
        /// A convolution without bias and its normalisation under torchvision's names. ONNX's BatchNormalization takes
        /// (X, scale, B, mean, var); the epsilon must be torchvision's 1e-5, and the convolution's padding must equal
        /// torchvision's symmetric k/2 on inputs whose sides are multiples of the stride (asymmetric "same" paddings that
        /// leave out the last row and column are: the left-out border is never read with an even input).
        /// </summary>
        private static void AddConvNorm(OnnxGraph graph, Dictionary<string, OnnxTensor> tensors, string convKey, string normKey, OnnxNode conv, OnnxNode norm)
        {
            if (conv.Inputs.Count != 2) throw new InvalidDataException($"convolution '{conv.Name}' has a bias (torchvision's ResNet convolutions have none)");
            if (conv.Ints("group", 1)[0] != 1 || conv.Ints("dilations", 1, 1).Any(d => d != 1))
                throw new InvalidDataException($"convolution '{conv.Name}' is grouped or dilated");
            var weight = Initializer(graph, conv, 1);
            long kernel = weight.Dims[^1];
            long stride = conv.Ints("strides", 1, 1)[0];
            var pads = conv.Ints("pads", 0, 0, 0, 0);
            long half = kernel / 2;
            bool symmetric = pads.All(p => p == half);
            bool leftOut = stride == 2 && kernel > 1 && pads.Length == 4 && pads[0] == half && pads[1] == half && pads[2] == half - 1 && pads[3] == half - 1;
            if (!symmetric && !leftOut)
                throw new InvalidDataException($"convolution '{conv.Name}' pads [{string.Join(", ", pads)}], which torchvision's padding {half} does not reproduce");
            float epsilon = norm.FloatAttributes.TryGetValue("epsilon", out var eps) ? eps : 1e-5f;
            if (Math.Abs(epsilon - 1e-5f) > 1e-9f) throw new InvalidDataException($"BatchNormalization '{norm.Name}' has epsilon {epsilon}, not torchvision's 1e-5");
            tensors[$"{convKey}.weight"] = weight;
            tensors[$"{normKey}.weight"] = Initializer(graph, norm, 1);
            tensors[$"{normKey}.bias"] = Initializer(graph, norm, 2);
            tensors[$"{normKey}.running_mean"] = Initializer(graph, norm, 3);
            tensors[$"{normKey}.running_var"] = Initializer(graph, norm, 4);
        }

        private static OnnxTensor Initializer(OnnxGraph graph, OnnxNode node, int input)
        {
            if (node.Inputs.Count <= input || !graph.Initializers.TryGetValue(node.Inputs[input], out var tensor) || tensor.Values is null)
                throw new InvalidDataException($"input {input} of {node.OpType} '{node.Name}' is not a float initializer");
            return tensor;
        }
    }
}
