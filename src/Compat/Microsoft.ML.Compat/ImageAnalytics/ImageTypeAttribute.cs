using System;
using Microsoft.ML.Data;

namespace Microsoft.ML.Transforms.Image
{
    /// <summary>Marks an <see cref="MLImage"/> member as an image column, of a given size or of any size.</summary>
    public sealed class ImageTypeAttribute : DataViewTypeAttribute
    {
        internal int Height { get; }

        internal int Width { get; }

        /// <summary>Images of any size.</summary>
        public ImageTypeAttribute()
        {
        }

        /// <summary>Images of <paramref name="height"/> x <paramref name="width"/> pixels.</summary>
        public ImageTypeAttribute(int height, int width)
        {
            if (width <= 0) throw new ArgumentOutOfRangeException(nameof(width), "Should be positive number");
            if (height <= 0) throw new ArgumentOutOfRangeException(nameof(height), "Should be positive number");
            Height = height;
            Width = width;
        }

        /// <summary>Equal sizes.</summary>
        public override bool Equals(DataViewTypeAttribute other) =>
            other is ImageTypeAttribute image && image.Height == Height && image.Width == Width;

        /// <summary>A hash of the size.</summary>
        public override int GetHashCode() => HashCode.Combine(Height, Width);

        /// <summary>Registers <see cref="MLImage"/> members with this attribute as <see cref="ImageDataViewType"/> columns.</summary>
        public override void Register()
        {
            var type = Height == 0 && Width == 0 ? new ImageDataViewType() : new ImageDataViewType(Height, Width);
            DataViewTypeManager.Register(type, typeof(MLImage), this);
        }
    }
}
