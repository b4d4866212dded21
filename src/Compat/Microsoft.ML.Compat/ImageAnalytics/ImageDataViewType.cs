using System;
using Microsoft.ML.Data;

namespace Microsoft.ML.Transforms.Image
{
    /// <summary>The type of image columns: values are <see cref="MLImage"/>s, of a known size or not (0 x 0).</summary>
    public sealed class ImageDataViewType : StructuredDataViewType
    {
        /// <summary>The height of every image, 0 when unknown.</summary>
        public readonly int Height;

        /// <summary>The width of every image, 0 when unknown.</summary>
        public readonly int Width;

        /// <summary>Images of <paramref name="height"/> x <paramref name="width"/> pixels (note: height first).</summary>
        public ImageDataViewType(int height, int width)
            : base(typeof(MLImage))
        {
            if (height <= 0) throw new ArgumentOutOfRangeException(nameof(height), "Must be positive.");
            if (width <= 0) throw new ArgumentOutOfRangeException(nameof(width), " Must be positive.");
            if ((long)height * width > int.MaxValue / 4)
                throw new ArgumentOutOfRangeException(nameof(height), nameof(height) + " * " + nameof(width) + " is too large.");
            Height = height;
            Width = width;
        }

        /// <summary>Images of any size.</summary>
        public ImageDataViewType()
            : base(typeof(MLImage))
        {
        }

        /// <summary>Equal sizes.</summary>
        public override bool Equals(DataViewType other) =>
            ReferenceEquals(other, this) || (other is ImageDataViewType image && image.Height == Height && image.Width == Width);

        /// <summary>A hash of the size.</summary>
        public override int GetHashCode() => HashCode.Combine(Height, Width);

        /// <summary>"Image", or "Image&lt;height, width&gt;".</summary>
        public override string ToString() => Height == 0 && Width == 0 ? "Image" : string.Format("Image<{0}, {1}>", Height, Width);
    }
}
