using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace Microsoft.ML.MaskRcnn.Scoring
{
    /// <summary>
    /// What scoring an exported model needs beyond its graph, read from the file's <c>maskrcnn.config</c> metadata: the
    /// image transform's sizes, mean and standard deviation, the mask threshold and the categories.
    /// </summary>
    public sealed class MaskRcnnOnnxSettings
    {
        /// <summary>The metadata entry the exporter writes.</summary>
        public const string MetadataKey = "maskrcnn.config";

        private MaskRcnnOnnxSettings(int minSize, int maxSize, int sizeDivisible, double[] mean, double[] std, double maskThreshold,
                                     long[] categoryIds, string[] categoryNames)
        {
            MinSize = minSize;
            MaxSize = maxSize;
            SizeDivisible = sizeDivisible;
            ImageMean = mean;
            ImageStd = std;
            MaskThreshold = maskThreshold;
            CategoryIds = categoryIds;
            CategoryNames = categoryNames;
        }

        /// <summary>Short side of the resized image.</summary>
        public int MinSize { get; }

        /// <summary>Upper bound of the resized image's long side.</summary>
        public int MaxSize { get; }

        /// <summary>The padded image's sides are multiples of this.</summary>
        public int SizeDivisible { get; }

        /// <summary>Per-channel mean of the input normalisation (RGB in [0, 1]).</summary>
        public IReadOnlyList<double> ImageMean { get; }

        /// <summary>Per-channel standard deviation of the input normalisation.</summary>
        public IReadOnlyList<double> ImageStd { get; }

        /// <summary>A pixel belongs to a mask when its pasted probability is above this.</summary>
        public double MaskThreshold { get; }

        /// <summary>The category id of label 1, 2, ...</summary>
        public IReadOnlyList<long> CategoryIds { get; }

        /// <summary>The category name of label 1, 2, ...</summary>
        public IReadOnlyList<string> CategoryNames { get; }

        /// <summary>Reads the settings from the metadata of a model; <paramref name="file"/> names it in errors.</summary>
        public static MaskRcnnOnnxSettings FromMetadata(IReadOnlyDictionary<string, string> metadata, string file)
        {
            if (!metadata.TryGetValue(MetadataKey, out var json))
                throw new InvalidDataException($"The ONNX model '{file}' has no '{MetadataKey}' metadata: it was not written by MaskRcnnOnnxExporter.");
            try
            {
                using var document = JsonDocument.Parse(json);
                var root = document.RootElement;
                double[] Doubles(string name) => root.GetProperty(name).EnumerateArray().Select(e => e.GetDouble()).ToArray();
                var settings = new MaskRcnnOnnxSettings(
                    root.GetProperty("min_size").GetInt32(), root.GetProperty("max_size").GetInt32(), root.GetProperty("size_divisible").GetInt32(),
                    Doubles("image_mean"), Doubles("image_std"), root.GetProperty("mask_threshold").GetDouble(),
                    root.GetProperty("category_ids").EnumerateArray().Select(e => e.GetInt64()).ToArray(),
                    root.GetProperty("category_names").EnumerateArray().Select(e => e.GetString() ?? "").ToArray());
                settings.Validate();
                return settings;
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
            {
                throw new InvalidDataException($"The ONNX model '{file}' has invalid '{MetadataKey}' metadata: {e.Message}", e);
            }
        }

        private void Validate()
        {
            if (MinSize <= 0 || MaxSize < MinSize) throw new ArgumentException($"min_size {MinSize} and max_size {MaxSize} must satisfy 0 < min_size <= max_size");
            if (SizeDivisible <= 0) throw new ArgumentException($"size_divisible must be positive, got {SizeDivisible}");
            if (ImageMean.Count != 3 || ImageStd.Count != 3 || ImageStd.Any(s => !(s > 0)))
                throw new ArgumentException("image_mean and image_std need three values each, image_std positive");
            if (CategoryIds.Count == 0 || CategoryIds.Count != CategoryNames.Count)
                throw new ArgumentException($"category_ids ({CategoryIds.Count}) and category_names ({CategoryNames.Count}) must list the same, non-zero number of categories");
        }
    }
}
