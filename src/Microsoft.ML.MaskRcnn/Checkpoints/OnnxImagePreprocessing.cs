using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Microsoft.ML.MaskRcnn.Checkpoints
{
    /// <summary>
    /// What an ONNX preprocessing graph of ML.NET's DnnImageFeaturizer packages (ResNetPreprocess.onnx) does to 0-255 RGB
    /// pixels before the network sees them: an optional reordering of the channels (a Split of the image along the
    /// channels followed by a Concat of the pieces) and the subtraction of a constant mean image. Our pipeline resizes
    /// images to any size, so the mean image becomes one mean per channel (its average over the pixels).
    /// </summary>
    public sealed class OnnxImagePreprocessing
    {
        private OnnxImagePreprocessing(int[] networkChannelOfInput, double[] inputChannelMean, double meanImageSpread)
        {
            NetworkChannelOfInput = networkChannelOfInput;
            InputChannelMean = inputChannelMean;
            MeanImageSpread = meanImageSpread;
        }

        /// <summary>For each input (RGB) channel, the position at which the network receives it: [2, 1, 0] for BGR networks.</summary>
        public IReadOnlyList<int> NetworkChannelOfInput { get; }

        /// <summary>True when the network reads the channels in reverse order (BGR).</summary>
        public bool ReversesChannels => NetworkChannelOfInput.SequenceEqual(new[] { 2, 1, 0 });

        /// <summary>The value subtracted from each input (RGB) channel, on the 0-255 scale (the mean image's average).</summary>
        public IReadOnlyList<double> InputChannelMean { get; }

        /// <summary>The largest standard deviation over the pixels of one channel of the mean image: what the per-channel mean gives up.</summary>
        public double MeanImageSpread { get; }

        /// <summary>
        /// The mean and standard deviation, in RGB order on the 0-1 scale of our pipeline (<see cref="Modeling.MaskRcnnOptions.ImageMean"/>
        /// and <see cref="Modeling.MaskRcnnOptions.ImageStd"/>), that feed the network the values it was trained on.
        /// </summary>
        public (double[] Mean, double[] Std) Normalization() =>
            (InputChannelMean.Select(m => m / 255.0).ToArray(), new[] { 1 / 255.0, 1 / 255.0, 1 / 255.0 });

        /// <summary>Reads the preprocessing graph at <paramref name="path"/>; any other kind of graph is an <see cref="InvalidDataException"/> naming the file.</summary>
        public static OnnxImagePreprocessing Read(string path)
        {
            var graph = OnnxGraph.Read(path);
            try
            {
                return Interpret(graph);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"The ONNX model '{path}' is not an image preprocessing this import understands: {e.Message}", e);
            }
        }

        private static OnnxImagePreprocessing Interpret(OnnxGraph graph)
        {
            if (graph.Inputs.Count != 1) throw new InvalidDataException($"expected one image input, found {graph.Inputs.Count}");
            string image = graph.Inputs[0];
            var known = new HashSet<string> { "Split", "Concat", "Sub" };
            var foreign = graph.Nodes.FirstOrDefault(n => !known.Contains(n.OpType));
            if (foreign is not null) throw new InvalidDataException($"node '{foreign.Name}' is a {foreign.OpType} (only Split, Concat and Sub are understood)");
            var subtractions = graph.Nodes.Where(n => n.OpType == "Sub").ToList();
            if (subtractions.Count != 1) throw new InvalidDataException($"expected one Sub node, found {subtractions.Count}");
            var sub = subtractions[0];
            if (!graph.Initializers.TryGetValue(sub.Inputs[1], out var mean) || mean.Values is null)
                throw new InvalidDataException($"Sub '{sub.Name}' does not subtract a float constant");
            int channels = mean.Dims.Length >= 3 ? (int)mean.Dims[^3] : 0;
            if (channels != 3 || mean.Dims.Take(mean.Dims.Length - 3).Any(d => d != 1))
                throw new InvalidDataException($"the mean '{mean.Name}' has shape [{string.Join(", ", mean.Dims)}], not [1, 3, H, W]");

            int[] order = ChannelOrder(graph, sub.Inputs[0], image);
            int plane = mean.Values.Length / 3;
            var networkMean = new double[3];
            double spread = 0;
            for (int c = 0; c < 3; c++)
            {
                var values = new ArraySegment<float>(mean.Values, c * plane, plane);
                networkMean[c] = values.Average(v => (double)v);
                double m = networkMean[c];
                spread = Math.Max(spread, Math.Sqrt(values.Average(v => (v - m) * (v - m))));
            }
            var inputMean = order.Select(position => networkMean[position]).ToArray();
            return new OnnxImagePreprocessing(order, inputMean, spread);
        }

        /// <summary>For each input channel, its position in <paramref name="tensor"/>: the image itself, or a Concat of a channel Split of it.</summary>
        private static int[] ChannelOrder(OnnxGraph graph, string tensor, string image)
        {
            if (tensor == image) return new[] { 0, 1, 2 };
            var concat = graph.Nodes.FirstOrDefault(n => n.Outputs.Contains(tensor));
            if (concat is null || concat.OpType != "Concat" || concat.Ints("axis", 0)[0] != 1 || concat.Inputs.Count != 3)
                throw new InvalidDataException($"the subtracted tensor '{tensor}' is neither the image nor a channel Concat of three pieces");
            var split = graph.Nodes.FirstOrDefault(n => n.Outputs.Contains(concat.Inputs[0]));
            if (split is null || split.OpType != "Split" || split.Inputs[0] != image || split.Ints("axis", 0)[0] != 1 || split.Outputs.Count != 3
                || split.Ints("split", 1, 1, 1).Any(s => s != 1))
                throw new InvalidDataException($"Concat '{concat.Name}' does not join the image's channels split one by one");
            var order = new int[3];
            for (int c = 0; c < 3; c++)
            {
                int position = concat.Inputs.ToList().IndexOf(split.Outputs[c]);
                if (position < 0) throw new InvalidDataException($"channel {c} of the image is missing from Concat '{concat.Name}'");
                order[c] = position;
            }
            if (order.Distinct().Count() != 3) throw new InvalidDataException($"Concat '{concat.Name}' repeats a channel");
            return order;
        }
    }
}
