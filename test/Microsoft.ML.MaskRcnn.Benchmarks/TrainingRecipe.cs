using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML.MaskRcnn.Checkpoints;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Training;

namespace Microsoft.ML.MaskRcnn.Benchmarks
{
    /// <summary>
    /// The recipe train_reference.py follows: our <see cref="MaskRcnnTrainerOptions"/> serialised with snake_case names,
    /// the step count, and the batch schedule our trainer will use (the batches of <see cref="AspectRatioBatchSampler"/>
    /// epoch after epoch, each index with the flip that <see cref="AugmentationPipeline"/> draws for it), so that both
    /// trainings see the same images in the same order with the same flips.
    /// </summary>
    public static class TrainingRecipe
    {
        private static readonly JsonSerializerOptions Json = new()
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            Converters = { new JsonStringEnumConverter() },
            WriteIndented = false,
        };

        /// <summary>The steps the trainer runs: MaxSteps, or Epochs times the batches of an epoch.</summary>
        public static int TotalSteps(MaskRcnnTrainerOptions options, InstanceSegmentationDataset train)
        {
            if (options.MaxSteps > 0) return options.MaxSteps;
            var sampler = new AspectRatioBatchSampler(train, options.BatchSize, options.Seed, shuffle: true, dropLast: false);
            return options.Epochs * sampler.GetBatches(0).Count();
        }

        /// <summary>Per step, the batch as (training index, flipped) pairs, exactly as MaskRcnnTrainer's TrainingBatches makes them.</summary>
        public static List<(int Index, bool Flip)[]> Schedule(MaskRcnnTrainerOptions options, InstanceSegmentationDataset train, int totalSteps)
        {
            var sampler = new AspectRatioBatchSampler(train, options.BatchSize, options.Seed, shuffle: true, dropLast: false);
            double p = options.HorizontalFlipProbability;
            var steps = new List<(int, bool)[]>(totalSteps);
            for (int epoch = 0; steps.Count < totalSteps; epoch++)
            {
                foreach (var batch in sampler.GetBatches(epoch))
                {
                    // HorizontalFlip is the pipeline's only step, so its draw is the first of the sample's generator.
                    steps.Add(batch.Select(i => (i, p > 0 && SeededRandom.Derive(options.Seed, epoch, i).NextDouble() < p)).ToArray());
                    if (steps.Count == totalSteps) break;
                }
            }
            return steps;
        }

        /// <summary>Writes the recipe JSON for train_reference.py and returns its path.</summary>
        public static string Write(string path, MaskRcnnTrainerOptions options, InstanceSegmentationDataset train, string datasetJson,
                                   string outputFolder, int evaluateEvery, string? initialWeights = null, bool saveInitialWeights = false)
        {
            int total = TotalSteps(options, train);
            var schedule = Schedule(options, train, total).Select(b => b.Select(s => new[] { s.Index, s.Flip ? 1 : 0 }).ToArray()).ToArray();
            var recipe = new Dictionary<string, object?>
            {
                ["options"] = options,
                ["total_steps"] = total,
                ["schedule"] = schedule,
                ["dataset"] = Path.GetFullPath(datasetJson),
                ["evaluate_every"] = evaluateEvery,
                ["output"] = Path.GetFullPath(outputFolder),
                ["initial_weights"] = initialWeights is null ? null : Path.GetFullPath(initialWeights),
                ["save_initial_weights"] = saveInitialWeights,
                ["backbone_weights"] = options.InitialWeights is string onnx && onnx.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)
                    ? WriteBackbone(Path.Combine(outputFolder, "backbone_weights.json"), options) : null,
            };
            File.WriteAllText(path, JsonSerializer.Serialize(recipe, Json));
            return path;
        }

        /// <summary>
        /// The ONNX backbone of <paramref name="options"/> as our trainer loads it (mapped to torchvision's keys, channels
        /// reversed when the options say so), written for train_reference.py: a raw float32 file and a JSON index.
        /// </summary>
        private static string WriteBackbone(string indexPath, MaskRcnnTrainerOptions options)
        {
            var tensors = OnnxResNetWeights.Read(options.InitialWeights!).ToTensors("backbone.body.", options.InitialWeightsChannelsReversed);
            var index = new List<Dictionary<string, object>>();
            long offset = 0;
            string dataName = Path.GetFileNameWithoutExtension(indexPath) + ".bin";
            using (var data = new BinaryWriter(File.Create(Path.Combine(Path.GetDirectoryName(indexPath)!, dataName))))
            {
                foreach (var (key, tensor) in tensors)
                {
                    using (tensor)
                    {
                        var values = tensor.data<float>().ToArray();
                        foreach (float v in values) data.Write(v);
                        index.Add(new Dictionary<string, object> { ["key"] = key, ["shape"] = tensor.shape, ["offset"] = offset });
                        offset += values.Length;
                    }
                }
            }
            File.WriteAllText(indexPath, JsonSerializer.Serialize(new Dictionary<string, object> { ["data"] = dataName, ["tensors"] = index }));
            return Path.GetFullPath(indexPath);
        }

        /// <summary>
        /// Applies "Name=value" settings to the options by property path (e.g. <c>LearningRate=0.01</c>,
        /// <c>Model.MinSize=256</c>, <c>Model.TrainingMinSizes=224,256,288</c>, <c>Model.AnchorSizes=16;32;64;128;256</c>,
        /// <c>Model.AnchorAspectRatios=0.5,1,2</c> for every level). Lists are comma-separated; per-level lists are
        /// separated by semicolons.
        /// </summary>
        public static void Apply(object target, string path, string value)
        {
            var parts = path.Split('.');
            for (int i = 0; i < parts.Length - 1; i++)
                target = Property(target, parts[i]).GetValue(target) ?? throw new ArgumentException($"Setting '{path}': '{parts[i]}' is null.");
            var property = Property(target, parts[^1]);
            property.SetValue(target, Parse(property.PropertyType, value, path));
        }

        private static PropertyInfo Property(object target, string name) =>
            target.GetType().GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)
            ?? throw new ArgumentException($"{target.GetType().Name} has no property '{name}'.");

        private static object? Parse(Type type, string value, string path)
        {
            var c = CultureInfo.InvariantCulture;
            var underlying = Nullable.GetUnderlyingType(type);
            if (underlying is not null) return value.Length == 0 || value == "null" ? null : Parse(underlying, value, path);
            if (type == typeof(int)) return int.Parse(value, c);
            if (type == typeof(long)) return long.Parse(value, c);
            if (type == typeof(double)) return double.Parse(value, c);
            if (type == typeof(bool)) return bool.Parse(value);
            if (type == typeof(string)) return value == "null" ? null : value;
            if (type.IsEnum) return Enum.Parse(type, value, ignoreCase: true);
            if (type == typeof(IReadOnlyList<int>)) return value == "null" ? null : value.Split(',').Select(v => int.Parse(v, c)).ToArray();
            if (type == typeof(IReadOnlyList<double>)) return value.Split(',').Select(v => double.Parse(v, c)).ToArray();
            if (type == typeof(IReadOnlyList<double[]>))
            {
                var levels = value.Split(';').Select(l => l.Split(',').Select(v => double.Parse(v, c)).ToArray()).ToArray();
                return levels.Length == 1 ? Enumerable.Repeat(levels[0], 5).Select(l => l.ToArray()).ToArray() : levels;
            }
            throw new ArgumentException($"Setting '{path}': properties of type {type.Name} cannot be set from the command line.");
        }

        /// <summary>The options as the recipe JSON writes them (for the log and the docs).</summary>
        public static string Describe(MaskRcnnTrainerOptions options) => JsonSerializer.Serialize(options, new JsonSerializerOptions(Json) { WriteIndented = true });
    }
}
