using System;
using System.Collections.Generic;
using Microsoft.ML.MaskRcnn.Imaging;

namespace Microsoft.ML.MaskRcnn.Data
{
    /// <summary>What the dataset readers share: how they treat recoverable problems and decode images.</summary>
    public abstract class DatasetOptions
    {
        /// <summary>
        /// False (default): recoverable problems (see docs/data-and-evaluation.md) are repaired or skipped and reported
        /// through <see cref="Warning"/> and the dataset's Warnings. True: each is an <see cref="System.IO.InvalidDataException"/>.
        /// </summary>
        public bool Strict { get; set; }

        /// <summary>Receives each warning as it is found (besides the dataset's Warnings list).</summary>
        public Action<string>? Warning { get; set; }

        /// <summary>Images with more pixels are refused before decoding (see <see cref="ImageDecodeOptions.MaxPixels"/>).</summary>
        public long MaxPixels { get; set; } = ImageDecodeOptions.DefaultMaxPixels;

        internal ImageDecodeOptions ImageDecodeOptions => new() { Mode = ImageColorMode.Rgb, BitDepth = 8, MaxPixels = MaxPixels };

        /// <summary>Records a recoverable problem, or throws in strict mode.</summary>
        internal void Report(List<string> warnings, string message)
        {
            if (Strict) throw new System.IO.InvalidDataException(message + " (strict mode)");
            warnings.Add(message);
            Warning?.Invoke(message);
        }
    }

    /// <summary>Options of <see cref="CocoDataset"/>.</summary>
    public sealed class CocoDatasetOptions : DatasetOptions
    {
        /// <summary>Keep images that have no (usable) annotation, as negatives (default true).</summary>
        public bool IncludeImagesWithoutAnnotations { get; set; } = true;

        /// <summary>Keep crowd annotations, flagged in <see cref="InstanceAnnotations.IsCrowd"/> (default true).</summary>
        public bool IncludeCrowd { get; set; } = true;

        /// <summary>
        /// How far (in pixels) a box may reach outside its image before clipping it is reported as a warning; smaller
        /// overshoots (rounding in labelling tools) are clipped silently. Default 1.
        /// </summary>
        public double BoxTolerance { get; set; } = 1.0;
    }

    /// <summary>Options of <see cref="InstanceMaskFolderDataset"/>.</summary>
    public sealed class InstanceMaskFolderOptions : DatasetOptions
    {
        /// <summary>
        /// The mask of image "name.ext" is "name" + this suffix in the mask folder: ".png" (default, the nuclei layout)
        /// or "_mask.png" (Penn-Fudan's PedMasks).
        /// </summary>
        public string MaskSuffix { get; set; } = ".png";

        /// <summary>File extensions taken as images (case-insensitive).</summary>
        public IReadOnlyList<string> ImageExtensions { get; set; } = new[] { ".png", ".jpg", ".jpeg" };

        /// <summary>Category names, for labels 1..K (category ids are the labels). Default: one class, "object".</summary>
        public IReadOnlyList<string> CategoryNames { get; set; } = new[] { "object" };

        /// <summary>
        /// The label (1..K) of instance value k in the image with the given file name; 0 drops the instance (its pixels
        /// become background). Null: every instance has label 1.
        /// </summary>
        public Func<string, int, int>? ClassMap { get; set; }
    }
}
