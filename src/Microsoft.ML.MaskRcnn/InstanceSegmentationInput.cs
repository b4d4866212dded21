using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.MaskRcnn.Data;

namespace Microsoft.ML.MaskRcnn
{
    /// <summary>
    /// One training or evaluation row in <see cref="MaskRcnnEstimator"/>'s column contract (default column names,
    /// text labels): load a list of them with <c>mlContext.Data.LoadFromEnumerable</c> and the images with
    /// <c>LoadImages("Image", imageFolder, "ImagePath")</c>. <see cref="FromDataset"/> converts any
    /// <see cref="InstanceSegmentationDataset"/> (a COCO file, an instance-mask folder...).
    /// </summary>
    public sealed class InstanceSegmentationInput
    {
        /// <summary>The image file, relative to the image folder given to LoadImages (or absolute).</summary>
        public string ImagePath { get; set; } = "";

        /// <summary>One class name per object.</summary>
        public string[] Label { get; set; } = Array.Empty<string>();

        /// <summary>x0, y0, x1, y1 per object, in pixels.</summary>
        public float[] BoundingBoxes { get; set; } = Array.Empty<float>();

        /// <summary>One COCO compressed RLE string per object, at the image's size.</summary>
        public string[] Masks { get; set; } = Array.Empty<string>();

        /// <summary>
        /// The rows of <paramref name="dataset"/>, read lazily: image paths relative to <paramref name="imageFolder"/>
        /// when the image lies below it (absolute otherwise), class names from the dataset's categories. Crowd regions
        /// have no place in the column contract and are left out.
        /// </summary>
        public static IEnumerable<InstanceSegmentationInput> FromDataset(InstanceSegmentationDataset dataset, string? imageFolder = null)
        {
            ArgumentNullException.ThrowIfNull(dataset);
            string? root = string.IsNullOrEmpty(imageFolder) ? null : Path.GetFullPath(imageFolder);
            for (int i = 0; i < dataset.Count; i++)
            {
                var descriptor = dataset.GetDescriptor(i);
                var a = dataset.LoadAnnotations(i);
                var kept = Enumerable.Range(0, a.Count).Where(k => !a.IsCrowd[k]).ToArray();
                string path = Path.GetFullPath(descriptor.Path);
                if (root is not null)
                {
                    string relative = Path.GetRelativePath(root, path);
                    if (!relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative)) path = relative;
                }
                yield return new InstanceSegmentationInput
                {
                    ImagePath = path,
                    Label = kept.Select(k => dataset.Categories.GetName(a.Labels[k])).ToArray(),
                    BoundingBoxes = kept.SelectMany(k => a.Boxes.Skip(4 * k).Take(4)).ToArray(),
                    Masks = kept.Select(k => RleMask.Encode(a.GetMask(k), a.Height, a.Width).ToCompressedString()).ToArray(),
                };
            }
        }
    }
}
