using System;

namespace Microsoft.ML.MaskRcnn.Data
{
    /// <summary>What a dataset knows about an image without decoding it: id, file and size.</summary>
    public sealed class ImageDescriptor
    {
        /// <summary>Creates a descriptor.</summary>
        public ImageDescriptor(long imageId, string path, int width, int height)
        {
            if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"Image {imageId} has an invalid size {width}x{height}.");
            ImageId = imageId;
            Path = path ?? throw new ArgumentNullException(nameof(path));
            Width = width;
            Height = height;
        }

        /// <summary>The image id (COCO's "id"; 1-based file order for mask folders).</summary>
        public long ImageId { get; }

        /// <summary>The image file.</summary>
        public string Path { get; }

        /// <summary>Width in pixels.</summary>
        public int Width { get; }

        /// <summary>Height in pixels.</summary>
        public int Height { get; }

        /// <summary>Width / height.</summary>
        public double AspectRatio => (double)Width / Height;

        /// <inheritdoc/>
        public override string ToString() => $"image {ImageId} ({Path}, {Width}x{Height})";
    }
}
