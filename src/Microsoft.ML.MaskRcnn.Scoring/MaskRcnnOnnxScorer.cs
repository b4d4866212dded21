using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Microsoft.ML.MaskRcnn.Scoring
{
    /// <summary>
    /// One detected instance: its label (1..classes) and category, score, box (x0, y0, x1, y1 in the image's pixels) and
    /// mask (one byte per pixel of the image, row by row, 1 inside the instance).
    /// </summary>
    public sealed record OnnxInstance(int Label, long CategoryId, string CategoryName, float Score, float X0, float Y0, float X1, float Y1, byte[] Mask);

    /// <summary>
    /// Scores images with a Mask R-CNN exported to ONNX (MaskRcnnOnnxExporter), by ONNX Runtime, without libtorch: prepares
    /// the image as the network's transform does, runs the graph, maps the boxes back to the image and pastes the masks.
    /// One session serves every call; calls may come from several threads at once (ONNX Runtime's Run is thread-safe).
    /// </summary>
    public sealed class MaskRcnnOnnxScorer : IDisposable
    {
        private readonly InferenceSession session;

        /// <summary>Loads the model at <paramref name="onnxPath"/>; <paramref name="options"/> are ONNX Runtime's session options.</summary>
        public MaskRcnnOnnxScorer(string onnxPath, SessionOptions? options = null)
        {
            ArgumentException.ThrowIfNullOrEmpty(onnxPath);
            if (!File.Exists(onnxPath)) throw new FileNotFoundException($"The ONNX model '{onnxPath}' does not exist.", onnxPath);
            session = Open(() => options is null ? new InferenceSession(onnxPath) : new InferenceSession(onnxPath, options), onnxPath);
            Settings = ReadSettings(onnxPath);
        }

        /// <summary>Loads a model from its bytes; <paramref name="name"/> names it in errors.</summary>
        public MaskRcnnOnnxScorer(byte[] onnxModel, string name = "(bytes)", SessionOptions? options = null)
        {
            ArgumentNullException.ThrowIfNull(onnxModel);
            session = Open(() => options is null ? new InferenceSession(onnxModel) : new InferenceSession(onnxModel, options), name);
            Settings = ReadSettings(name);
        }

        /// <summary>The model's transform settings and categories (from its metadata).</summary>
        public MaskRcnnOnnxSettings Settings { get; }

        /// <summary>
        /// The instances in an image given as 8-bit RGB, row by row (<paramref name="width"/> * <paramref name="height"/> * 3
        /// bytes), most confident first, every detection the network keeps (its floor is a score of 0.05).
        /// </summary>
        public IReadOnlyList<OnnxInstance> Score(ReadOnlySpan<byte> rgb, int width, int height)
        {
            var prepared = ImagePreparation.Prepare(rgb, width, height, Settings);
            var images = new DenseTensor<float>(prepared.Batch, new[] { 1, 3, prepared.PaddedHeight, prepared.PaddedWidth });
            var size = new DenseTensor<long>(new long[] { prepared.Height, prepared.Width }, new[] { 2 });
            using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("images", images), NamedOnnxValue.CreateFromTensor("image_size", size) });
            var byName = results.ToDictionary(r => r.Name);
            var boxes = byName["boxes"].AsTensor<float>().ToArray();
            var labels = byName["labels"].AsTensor<long>().ToArray();
            var scores = byName["scores"].AsTensor<float>().ToArray();
            var maskTensor = byName["mask_probabilities"].AsTensor<float>();
            var masks = maskTensor.ToArray();
            int maskSize = maskTensor.Dimensions[^1];

            // Back to the image: the ratios in float32, as the network's transform computes them.
            float ratioHeight = (float)height / prepared.Height, ratioWidth = (float)width / prepared.Width;
            for (int i = 0; i < labels.Length; i++)
            {
                boxes[4 * i] *= ratioWidth;
                boxes[4 * i + 1] *= ratioHeight;
                boxes[4 * i + 2] *= ratioWidth;
                boxes[4 * i + 3] *= ratioHeight;
            }
            float threshold = (float)Settings.MaskThreshold;
            var instances = new List<OnnxInstance>(labels.Length);
            for (int i = 0; i < labels.Length; i++)
            {
                var probabilities = MaskPasting.Paste(masks, maskSize, boxes, i, height, width);
                var mask = new byte[probabilities.Length];
                for (int p = 0; p < mask.Length; p++) mask[p] = probabilities[p] > threshold ? (byte)1 : (byte)0;
                int label = (int)labels[i];
                if (label < 1 || label > Settings.CategoryIds.Count)
                    throw new InvalidDataException($"The model returned label {label}, but its metadata lists {Settings.CategoryIds.Count} categories.");
                instances.Add(new OnnxInstance(label, Settings.CategoryIds[label - 1], Settings.CategoryNames[label - 1], scores[i],
                                               boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3], mask));
            }
            return instances;
        }

        public void Dispose() => session.Dispose();

        private static InferenceSession Open(Func<InferenceSession> open, string name)
        {
            try
            {
                return open();
            }
            catch (OnnxRuntimeException e)
            {
                throw new InvalidDataException($"ONNX Runtime cannot load the model '{name}': {e.Message}", e);
            }
        }

        private MaskRcnnOnnxSettings ReadSettings(string name)
        {
            try
            {
                foreach (var input in new[] { "images", "image_size" })
                    if (!session.InputMetadata.ContainsKey(input))
                        throw new InvalidDataException($"The ONNX model '{name}' has no input '{input}': it was not written by MaskRcnnOnnxExporter.");
                return MaskRcnnOnnxSettings.FromMetadata(session.ModelMetadata.CustomMetadataMap, name);
            }
            catch
            {
                session.Dispose();
                throw;
            }
        }
    }
}
