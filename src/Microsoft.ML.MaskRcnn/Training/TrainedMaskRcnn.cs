using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Imaging;
using Microsoft.ML.MaskRcnn.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Training
{
    /// <summary>One detected object: class, score, box (x0, y0, x1, y1 in pixels) and its mask as a run-length mask.</summary>
    public sealed record InstancePrediction(int Label, long CategoryId, string CategoryName, float Score, float X0, float Y0, float X1, float Y1, RleMask Mask);

    /// <summary>
    /// A trained network with the categories it predicts: turns images into instance predictions. Thread-safe: predictions
    /// are serialised on the model (libtorch parallelises each one internally).
    /// </summary>
    public sealed class TrainedMaskRcnn : IDisposable
    {
        private readonly object gate = new();

        public TrainedMaskRcnn(MaskRcnnModel model, CategoryMap categories, Device device)
        {
            Model = model ?? throw new ArgumentNullException(nameof(model));
            Categories = categories ?? throw new ArgumentNullException(nameof(categories));
            if (categories.Count + 1 != model.Options.NumClasses)
                throw new ArgumentException($"The model predicts {model.Options.NumClasses - 1} classes but {categories.Count} categories were given.", nameof(categories));
            Device = device;
        }

        public MaskRcnnModel Model { get; }

        /// <summary>Maps the model's labels 1..K to the dataset's category ids and names.</summary>
        public CategoryMap Categories { get; }

        public Device Device { get; }

        /// <summary>The instances found in <paramref name="image"/> (8-bit RGB), most confident first.</summary>
        public IReadOnlyList<InstancePrediction> Predict(ImageBuffer image) => PredictBatch(new[] { image })[0];

        /// <summary>The instances found in each image.</summary>
        public IReadOnlyList<InstancePrediction>[] PredictBatch(IReadOnlyList<ImageBuffer> images)
        {
            if (images.Count == 0) return Array.Empty<IReadOnlyList<InstancePrediction>>();
            lock (gate)
            {
                using var scope = NewDisposeScope();
                if (Model.training) Model.eval();
                var inputs = images.Select(i => SampleTensors.Image(i, Device)).ToArray();
                var detections = Model.Detect(inputs);
                return detections.Select((d, i) => (IReadOnlyList<InstancePrediction>)ToPredictions(d, images[i].Height, images[i].Width)).ToArray();
            }
        }

        private List<InstancePrediction> ToPredictions(Detections detections, int height, int width)
        {
            int count = (int)detections.Count;
            var result = new List<InstancePrediction>(count);
            if (count == 0) return result;
            var boxes = TensorArrays.ToArray<float>(detections.Boxes);
            var labels = TensorArrays.ToArray<long>(detections.Labels);
            var scores = TensorArrays.ToArray<float>(detections.Scores);
            byte[] masks;
            using (var binary = detections.BinaryMasks(Model.Options.MaskThreshold))
            using (var bytes = binary.to(ScalarType.Byte))
                masks = TensorArrays.ToArray<byte>(bytes);
            int plane = height * width;
            for (int i = 0; i < count; i++)
            {
                int label = (int)labels[i];
                var mask = RleMask.Encode(masks.AsSpan(i * plane, plane), height, width);
                result.Add(new InstancePrediction(label, Categories.ToCategoryId(label), Categories.GetName(label), scores[i],
                                                  boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3], mask));
            }
            return result;
        }

        public void Dispose() => Model.Dispose();
    }
}
