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
    /// <summary>
    /// A trained network with the categories it predicts: turns images into instance predictions. Thread-safe: predictions
    /// are serialised on the model (libtorch parallelises each one internally).
    /// </summary>
    public sealed class TrainedMaskRcnn : IDisposable
    {
        private readonly object gate = new();
        private ComputeOptions compute = new();
        private ComputePlan? plan;  // made for `compute` at the first prediction after it was set

        public TrainedMaskRcnn(MaskRcnnModel model, CategoryMap categories, Device device)
        {
            Model = model ?? throw new ArgumentNullException(nameof(model));
            Categories = categories ?? throw new ArgumentNullException(nameof(categories));
            if (categories.Count + 1 != model.Options.NumClasses)
                throw new ArgumentException($"The model predicts {model.Options.NumClasses - 1} classes but {categories.Count} categories were given.", nameof(categories));
            Device = device;
            (EffectiveInferencePrecision, ComputeFallbackMessage) = ComputePlan.EffectivePrecision(compute, device);
        }

        public MaskRcnnModel Model { get; }

        /// <summary>Maps the model's labels 1..K to the dataset's category ids and names.</summary>
        public CategoryMap Categories { get; }

        public Device Device { get; }

        /// <summary>
        /// How predictions compute (memory layout, folded batch norm, precision; a copy is kept). Folding and a lower
        /// precision predict from a copy of the weights prepared at the first prediction after this is set: set it again
        /// after changing the model's weights.
        /// </summary>
        public ComputeOptions Compute
        {
            get => compute.Clone();
            set
            {
                ArgumentNullException.ThrowIfNull(value, nameof(Compute));
                value.Validate();
                lock (gate)
                {
                    compute = value.Clone();
                    plan?.Dispose();
                    plan = null;
                    (EffectiveInferencePrecision, ComputeFallbackMessage) = ComputePlan.EffectivePrecision(compute, Device);
                }
            }
        }

        /// <summary>The precision predictions compute in: <see cref="ComputeOptions.InferencePrecision"/>, or float32 where the device lacks it.</summary>
        public ComputePrecision EffectiveInferencePrecision { get; private set; }

        /// <summary>Why <see cref="EffectiveInferencePrecision"/> differs from the precision asked for; null when it does not.</summary>
        public string? ComputeFallbackMessage { get; private set; }

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
                plan ??= ComputePlan.ForInference(Model, compute, EffectiveInferencePrecision);
                Detections[] detections;
                using (plan.Activate()) detections = Model.Detect(inputs);
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

        public void Dispose()
        {
            lock (gate)
            {
                plan?.Dispose();
                plan = null;
            }
            Model.Dispose();
        }
    }
}
