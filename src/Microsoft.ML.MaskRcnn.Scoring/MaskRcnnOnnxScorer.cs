using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Imaging;
using Microsoft.ML.MaskRcnn.Training;
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
            var detections = RunNetwork(rgb, width, height);
            var instances = new List<OnnxInstance>(detections.Count);
            for (int i = 0; i < detections.Count; i++)
            {
                var (label, score, box) = detections.Describe(i);
                instances.Add(new OnnxInstance(label, Settings.CategoryIds[label - 1], Settings.CategoryNames[label - 1], score,
                                               box[0], box[1], box[2], box[3], detections.BinaryMask(i)));
            }
            return instances;
        }

        /// <summary>
        /// The instances in <paramref name="image"/> (8-bit RGB) as the TorchSharp path's <see cref="InstancePrediction"/>
        /// records, masks run-length encoded: what the ML.NET transformer outputs.
        /// </summary>
        internal IReadOnlyList<InstancePrediction> Predict(ImageBuffer image)
        {
            if (image.Channels != 3) throw new ArgumentException($"The image has {image.Channels} channels; RGB (3) is needed.", nameof(image));
            var detections = RunNetwork(image.Data, image.Width, image.Height);
            var instances = new InstancePrediction[detections.Count];
            for (int i = 0; i < instances.Length; i++)
            {
                var (label, score, box) = detections.Describe(i);
                instances[i] = new InstancePrediction(label, Settings.CategoryIds[label - 1], Settings.CategoryNames[label - 1], score,
                                                      box[0], box[1], box[2], box[3], RleMask.Encode(detections.BinaryMask(i), image.Height, image.Width));
            }
            return instances;
        }

        /// <summary>Runs the graph on the prepared image and maps its boxes back to the image's pixels.</summary>
        private Detections RunNetwork(ReadOnlySpan<byte> rgb, int width, int height)
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
            foreach (long label in labels)
                if (label < 1 || label > Settings.CategoryIds.Count)
                    throw new InvalidDataException($"The model returned label {label}, but its metadata lists {Settings.CategoryIds.Count} categories.");

            // Back to the image: the ratios in float32, as the network's transform computes them.
            float ratioHeight = (float)height / prepared.Height, ratioWidth = (float)width / prepared.Width;
            for (int i = 0; i < labels.Length; i++)
            {
                boxes[4 * i] *= ratioWidth;
                boxes[4 * i + 1] *= ratioHeight;
                boxes[4 * i + 2] *= ratioWidth;
                boxes[4 * i + 3] *= ratioHeight;
            }
            return new Detections(boxes, labels, scores, maskTensor.ToArray(), maskTensor.Dimensions[^1], height, width, (float)Settings.MaskThreshold);
        }

        /// <summary>The graph's detections with boxes in the image's pixels; masks are pasted one at a time, on demand.</summary>
        private sealed record Detections(float[] Boxes, long[] Labels, float[] Scores, float[] Masks, int MaskSize, int Height, int Width, float MaskThreshold)
        {
            public int Count => Labels.Length;

            public (int Label, float Score, float[] Box) Describe(int i) => ((int)Labels[i], Scores[i], Boxes.AsSpan(4 * i, 4).ToArray());

            /// <summary>Detection <paramref name="i"/>'s mask pasted into the image: one byte per pixel, 1 above the threshold.</summary>
            public byte[] BinaryMask(int i)
            {
                var probabilities = MaskPasting.Paste(Masks, MaskSize, Boxes, i, Height, Width);
                var mask = new byte[probabilities.Length];
                for (int p = 0; p < mask.Length; p++) mask[p] = probabilities[p] > MaskThreshold ? (byte)1 : (byte)0;
                return mask;
            }
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
