using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Modeling;

namespace Microsoft.ML.MaskRcnn.Onnx
{
    /// <summary>
    /// Writes a Mask R-CNN as an ONNX model (opset 17) that ONNX Runtime runs without libtorch: the whole inference graph
    /// from one normalised, resized and zero-padded image to its detections, built from the network's own modules and
    /// weights (nothing is traced, so every image size works).
    /// </summary>
    /// <remarks>
    /// <para>Inputs: <c>images</c>, float [1, 3, height, width], the image as the network's transform prepares it
    /// (normalised with the model's mean and standard deviation, resized so that the short side is the minimum size,
    /// zero-padded to multiples of 32); <c>image_size</c>, int64 [2], its height and width before the padding.</para>
    /// <para>Outputs, best first: <c>boxes</c> float [D, 4] (x1, y1, x2, y2 in the resized image), <c>labels</c> int64
    /// [D] (1..classes; 0 is the background), <c>scores</c> float [D], <c>mask_probabilities</c> float [D, 1, 28, 28]
    /// (each detection's mask over its box, for its class). Mapping back to the original image and pasting the masks stays
    /// with the caller.</para>
    /// <para>The model's settings travel in the file's metadata (<c>maskrcnn.config</c>, JSON): the transform's sizes,
    /// mean and standard deviation, the mask threshold and the categories.</para>
    /// </remarks>
    public static class MaskRcnnOnnxExporter
    {
        /// <summary>The name of the metadata entry that holds the model's settings (JSON).</summary>
        public const string ConfigMetadataKey = "maskrcnn.config";

        /// <summary>Writes the transformer's trained network, with its categories, to <paramref name="onnxPath"/>.</summary>
        public static void Export(MaskRcnnTransformer transformer, string onnxPath)
        {
            ArgumentNullException.ThrowIfNull(transformer);
            Export(transformer.Model.Model, onnxPath, transformer.Model.Categories);
        }

        /// <summary>
        /// Writes <paramref name="model"/> to <paramref name="onnxPath"/> (replaced all at once: a failure leaves the
        /// previous file). <paramref name="categories"/> names the labels in the metadata; null numbers them.
        /// </summary>
        public static void Export(MaskRcnnModel model, string onnxPath, CategoryMap? categories = null)
        {
            ArgumentNullException.ThrowIfNull(model);
            ArgumentException.ThrowIfNullOrEmpty(onnxPath);
            if (categories is not null && categories.Count != model.Options.NumClasses - 1)
                throw new ArgumentException($"The model has {model.Options.NumClasses - 1} classes but the category map {categories.Count}.", nameof(categories));
            var graph = BuildGraph(model);
            var version = typeof(MaskRcnnOnnxExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";
            var metadata = new Dictionary<string, string> { [ConfigMetadataKey] = ConfigJson(model, categories) };
            AtomicFile.Write(onnxPath, stream => graph.WriteTo(stream, "mask_rcnn", version, metadata));
        }

        /// <summary>The inference graph of <paramref name="model"/>: transform output in, detections out.</summary>
        internal static OnnxGraphBuilder BuildGraph(MaskRcnnModel model)
        {
            var g = new OnnxGraphBuilder();
            var images = g.Input("images", OnnxElementType.Float, 1, 3, "height", "width");
            var imageSize = g.Input("image_size", OnnxElementType.Int64, 2);
            var height = g.Cast(g.Element(imageSize, 0), OnnxElementType.Float);
            var width = g.Cast(g.Element(imageSize, 1), OnnxElementType.Float);

            var features = OnnxBackboneGraph.Build(g, model.Backbone, images);
            var proposals = OnnxProposalGraph.Build(g, model.Rpn, model.Options, images, features, height, width);
            var detections = OnnxRoIHeadsGraph.Build(g, model.RoIHeads, model.Options, features, proposals, height, width);

            g.Output(detections.Boxes, "boxes", OnnxElementType.Float, "detections", 4);
            g.Output(detections.Labels, "labels", OnnxElementType.Int64, "detections");
            g.Output(detections.Scores, "scores", OnnxElementType.Float, "detections");
            g.Output(detections.MaskProbabilities, "mask_probabilities", OnnxElementType.Float, "detections", 1, "mask_height", "mask_width");
            return g;
        }

        private static string ConfigJson(MaskRcnnModel model, CategoryMap? categories)
        {
            var options = model.Options;
            var ids = categories?.CategoryIds.ToArray() ?? Enumerable.Range(1, options.NumClasses - 1).Select(i => (long)i).ToArray();
            var names = categories?.Names.ToArray() ?? ids.Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
            var config = new Dictionary<string, object>
            {
                ["min_size"] = options.MinSize,
                ["max_size"] = options.MaxSize,
                ["size_divisible"] = model.Transform.SizeDivisible,
                ["image_mean"] = options.ImageMean.ToArray(),
                ["image_std"] = options.ImageStd.ToArray(),
                ["mask_threshold"] = options.MaskThreshold,
                ["category_ids"] = ids,
                ["category_names"] = names,
            };
            return JsonSerializer.Serialize(config);
        }
    }
}
