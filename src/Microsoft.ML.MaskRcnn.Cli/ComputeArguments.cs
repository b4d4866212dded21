using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.MaskRcnn.Modeling;

namespace Microsoft.ML.MaskRcnn.Cli
{
    /// <summary>The options that say how the network computes (<see cref="ComputeOptions"/>), shared by train, evaluate and predict.</summary>
    internal static class ComputeArguments
    {
        public static IEnumerable<CliOption> Options() => new[]
        {
            new CliOption("memory-format", "F", "feature-map layout: auto, channels-last or contiguous", "auto (channels-last on the CPU)"),
            new CliOption("fold-batch-norm", null, "fold batch norm into the convolutions for inference"),
            new CliOption("precision", "P", "inference precision: float32 or bfloat16 (float32 where the device lacks native bfloat16)", "float32"),
        };

        /// <summary>train's own: the precision of the training steps.</summary>
        public static CliOption TrainingOption() =>
            new("training-precision", "P", "training precision: float32 or bfloat16 (convolutions and box head in bfloat16 from float32 weights; float32 where the device lacks native bfloat16)", "float32");

        /// <summary>The options given, over <paramref name="defaults"/> (a copy is changed).</summary>
        public static ComputeOptions Read(ParsedArguments a, ComputeOptions defaults)
        {
            var compute = defaults.Clone();
            if (a.Text("memory-format") is string format)
                compute.MemoryFormat = Choose(format, "memory-format", new Dictionary<string, FeatureMemoryFormat>
                {
                    ["auto"] = FeatureMemoryFormat.Auto, ["channels-last"] = FeatureMemoryFormat.ChannelsLast, ["contiguous"] = FeatureMemoryFormat.Contiguous,
                });
            if (a.Flag("fold-batch-norm")) compute.FoldBatchNorm = true;
            if (a.Text("precision") is string precision) compute.InferencePrecision = Choose(precision, "precision", Precisions);
            if (a.Text("training-precision") is string training)
                compute.TrainingPrecision = Choose(training, "training-precision", Precisions);
            return compute;
        }

        private static readonly Dictionary<string, ComputePrecision> Precisions = new()
        {
            ["float32"] = ComputePrecision.Float32, ["bfloat16"] = ComputePrecision.BFloat16,
        };

        /// <summary>Sets the options on a loaded model and says when bfloat16 falls back to float32.</summary>
        public static void Apply(ParsedArguments a, MaskRcnnTransformer detector, CliConsole console)
        {
            detector.Model.Compute = Read(a, detector.Model.Compute);
            if (detector.Model.ComputeFallbackMessage is { } message) console.Warning(message);
        }

        private static T Choose<T>(string text, string option, Dictionary<string, T> choices) =>
            choices.TryGetValue(text.ToLowerInvariant(), out var value) ? value
                : throw new UsageException($"--{option} must be one of {string.Join(", ", choices.Keys)}, got '{text}'");
    }
}
