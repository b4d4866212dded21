using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.ML.MaskRcnn.Imaging;

namespace Microsoft.ML.MaskRcnn.Data
{
    /// <summary>
    /// A folder of images and a folder of instance-id masks: the mask of image "name.ext" is "name" +
    /// <see cref="InstanceMaskFolderOptions.MaskSuffix"/>, a one-channel PNG (8- or 16-bit gray, or palette indices)
    /// where value k &gt; 0 marks instance k and 0 the background (the layouts of Penn-Fudan and the nuclei set).
    /// Building the dataset only lists the files; sizes are read from image headers when first needed and pixels
    /// when a sample is loaded. An image without a mask file is skipped with a warning (an error when strict).
    /// </summary>
    public sealed class InstanceMaskFolderDataset : InstanceSegmentationDataset
    {
        private readonly InstanceMaskFolderOptions options;
        private readonly List<string> warnings = new();
        private readonly string[] imagePaths;
        private readonly string[] maskPaths;
        private readonly long[] sizes;  // width << 32 | height once probed, 0 before
        private readonly CategoryMap categories;

        /// <summary>Lists the images of <paramref name="imageFolder"/> and their masks in <paramref name="maskFolder"/>.</summary>
        public InstanceMaskFolderDataset(string imageFolder, string maskFolder, InstanceMaskFolderOptions? options = null)
        {
            this.options = options ?? new InstanceMaskFolderOptions();
            if (!Directory.Exists(imageFolder)) throw new DirectoryNotFoundException($"The image folder '{imageFolder}' does not exist.");
            if (!Directory.Exists(maskFolder)) throw new DirectoryNotFoundException($"The mask folder '{maskFolder}' does not exist.");
            if (this.options.CategoryNames.Count == 0) throw new ArgumentException("At least one category name is needed.", nameof(options));
            categories = new CategoryMap(this.options.CategoryNames.Select((name, i) => ((long)(i + 1), name)));
            var extensions = new HashSet<string>(this.options.ImageExtensions, StringComparer.OrdinalIgnoreCase);
            var files = Directory.EnumerateFiles(imageFolder).Where(f => extensions.Contains(Path.GetExtension(f))).OrderBy(f => f, StringComparer.Ordinal);
            var images = new List<string>();
            var masks = new List<string>();
            foreach (string image in files)
            {
                string mask = Path.Combine(maskFolder, Path.GetFileNameWithoutExtension(image) + this.options.MaskSuffix);
                if (!File.Exists(mask))
                {
                    this.options.Report(warnings, $"{image}: its mask '{mask}' does not exist; the image is skipped.");
                    continue;
                }
                images.Add(image);
                masks.Add(mask);
            }
            imagePaths = images.ToArray();
            maskPaths = masks.ToArray();
            sizes = new long[imagePaths.Length];
        }

        /// <inheritdoc/>
        public override int Count => imagePaths.Length;

        /// <inheritdoc/>
        public override CategoryMap Categories => categories;

        /// <inheritdoc/>
        public override IReadOnlyList<string> Warnings => warnings;

        /// <inheritdoc/>
        protected override ImageDecodeOptions ImageOptions => options.ImageDecodeOptions;

        /// <summary>The mask file of image <paramref name="index"/>.</summary>
        public string GetMaskPath(int index)
        {
            CheckIndex(index);
            return maskPaths[index];
        }

        /// <inheritdoc/>
        /// <remarks>Image ids are 1-based positions in the sorted file list. The size comes from the image header (read once).</remarks>
        public override ImageDescriptor GetDescriptor(int index)
        {
            CheckIndex(index);
            long size = Volatile.Read(ref sizes[index]);
            if (size == 0)
            {
                var (width, height) = SkiaImageReader.ProbeSize(imagePaths[index]);
                size = ((long)width << 32) | (uint)height;
                Volatile.Write(ref sizes[index], size);
            }
            return new ImageDescriptor(index + 1, imagePaths[index], (int)(size >> 32), (int)(uint)size);
        }

        /// <inheritdoc/>
        /// <remarks>
        /// Instances are the distinct non-zero mask values in ascending order; boxes are the tight pixel-edge boxes
        /// (x1 = last column + 1), areas the pixel counts, annotation ids image id x 65536 + value.
        /// </remarks>
        public override InstanceAnnotations LoadAnnotations(int index)
        {
            var descriptor = GetDescriptor(index);
            string path = maskPaths[index];
            var mask = ImageCodec.Decode(path, new ImageDecodeOptions { Mode = ImageColorMode.Unchanged, BitDepth = 0, MaxPixels = options.MaxPixels });
            if (mask.Channels != 1)
                throw new InvalidDataException($"{path}: an instance-id mask has one channel (gray or palette), this one has {mask.Channels}.");
            if (mask.Width != descriptor.Width || mask.Height != descriptor.Height)
                throw new InvalidDataException($"{path}: the mask is {mask.Width}x{mask.Height} but its image {descriptor.Path} is {descriptor.Width}x{descriptor.Height}.");
            return InstanceIdMask.ToInstances(mask, descriptor, options.ClassMap, categories.Count, path);
        }
    }
}
