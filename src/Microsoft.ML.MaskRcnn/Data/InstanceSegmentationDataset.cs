using System;
using System.Collections.Generic;
using Microsoft.ML.MaskRcnn.Imaging;

namespace Microsoft.ML.MaskRcnn.Data
{
    /// <summary>
    /// A random-access instance-segmentation dataset. Nothing is decoded up front: <see cref="Load"/> reads one image and
    /// its masks when asked, so a dataset of any size costs only its index in memory. Loading is thread-safe.
    /// </summary>
    public abstract class InstanceSegmentationDataset
    {
        /// <summary>The number of images.</summary>
        public abstract int Count { get; }

        /// <summary>Category ids and names, with their labels 1..K.</summary>
        public abstract CategoryMap Categories { get; }

        /// <summary>Problems that were repaired or skipped (each also sent to the options' warning callback).</summary>
        public abstract IReadOnlyList<string> Warnings { get; }

        /// <summary>Id, file and size of image <paramref name="index"/>, without decoding it (used to group batches by aspect ratio).</summary>
        public abstract ImageDescriptor GetDescriptor(int index);

        /// <summary>The instances of image <paramref name="index"/> (masks decoded, image pixels not).</summary>
        public abstract InstanceAnnotations LoadAnnotations(int index);

        /// <summary>How images are decoded (8-bit RGB, with the default pixel limit unless the options say otherwise).</summary>
        protected virtual ImageDecodeOptions ImageOptions => ImageDecodeOptions.Rgb8;

        /// <summary>The most pixels an image (and each of its masks) may have: larger ones are refused before decoding.</summary>
        internal long MaxPixels => ImageOptions.MaxPixels;

        /// <summary>
        /// Image <paramref name="index"/>, decoded as 8-bit RGB (by SkiaSharp; other <see cref="ImageOptions"/> modes by
        /// <see cref="ImageCodec"/>) and checked against its descriptor's size.
        /// </summary>
        public virtual ImageBuffer LoadImage(int index)
        {
            var descriptor = GetDescriptor(index);
            var options = ImageOptions;
            var image = options.Mode == ImageColorMode.Rgb && options.BitDepth == 8
                ? SkiaImageReader.DecodeRgb(descriptor.Path, options.MaxPixels)
                : ImageCodec.Decode(descriptor.Path, options);
            if (image.Width != descriptor.Width || image.Height != descriptor.Height)
                throw new System.IO.InvalidDataException(
                    $"{descriptor}: the file is {image.Width}x{image.Height}, not the {descriptor.Width}x{descriptor.Height} its annotations describe.");
            return image;
        }

        /// <summary>Image <paramref name="index"/> and its instances.</summary>
        public virtual InstanceSegmentationSample Load(int index) => new(GetDescriptor(index), LoadImage(index), LoadAnnotations(index));

        /// <summary>A view of the images at <paramref name="indices"/> (in that order); nothing is copied or loaded.</summary>
        public InstanceSegmentationDataset Subset(IReadOnlyList<int> indices) => new SubsetDataset(this, indices);

        /// <summary>
        /// A deterministic train/validation split: the same seed and count always give the same split
        /// (see <see cref="DatasetSplit"/>).
        /// </summary>
        public (InstanceSegmentationDataset Train, InstanceSegmentationDataset Validation) Split(double validationFraction, int seed)
        {
            var (train, validation) = DatasetSplit.Split(Count, validationFraction, seed);
            return (Subset(train), Subset(validation));
        }

        /// <summary>Throws unless <paramref name="index"/> is in [0, Count).</summary>
        protected void CheckIndex(int index)
        {
            if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"The dataset has {Count} images.");
        }

        private sealed class SubsetDataset : InstanceSegmentationDataset
        {
            private readonly InstanceSegmentationDataset parent;
            private readonly int[] indices;

            public SubsetDataset(InstanceSegmentationDataset parent, IReadOnlyList<int> indices)
            {
                this.parent = parent ?? throw new ArgumentNullException(nameof(parent));
                this.indices = new int[indices.Count];
                for (int i = 0; i < this.indices.Length; i++)
                {
                    if ((uint)indices[i] >= (uint)parent.Count) throw new ArgumentOutOfRangeException(nameof(indices), indices[i], $"The dataset has {parent.Count} images.");
                    this.indices[i] = indices[i];
                }
            }

            public override int Count => indices.Length;
            public override CategoryMap Categories => parent.Categories;
            public override IReadOnlyList<string> Warnings => parent.Warnings;
            public override ImageDescriptor GetDescriptor(int index) { CheckIndex(index); return parent.GetDescriptor(indices[index]); }
            public override InstanceAnnotations LoadAnnotations(int index) { CheckIndex(index); return parent.LoadAnnotations(indices[index]); }
            public override ImageBuffer LoadImage(int index) { CheckIndex(index); return parent.LoadImage(indices[index]); }
            public override InstanceSegmentationSample Load(int index) { CheckIndex(index); return parent.Load(indices[index]); }
        }
    }
}
