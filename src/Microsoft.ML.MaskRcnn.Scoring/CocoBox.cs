using System;

namespace Microsoft.ML.MaskRcnn.Data
{
    /// <summary>
    /// A box in COCO's layout: left, top, width, height, in pixel-edge coordinates (pixel (x, y) covers [x, x+1) x [y, y+1)).
    /// The data layer's corner form (x0, y0, x1, y1) is <see cref="X"/>, <see cref="Y"/>, <see cref="Right"/>, <see cref="Bottom"/>.
    /// </summary>
    public readonly struct CocoBox : IEquatable<CocoBox>
    {
        /// <summary>Creates a box from its left, top, width and height.</summary>
        public CocoBox(double x, double y, double width, double height)
        {
            X = x;
            Y = y;
            Width = width;
            Height = height;
        }

        /// <summary>Left edge.</summary>
        public double X { get; }

        /// <summary>Top edge.</summary>
        public double Y { get; }

        /// <summary>Width.</summary>
        public double Width { get; }

        /// <summary>Height.</summary>
        public double Height { get; }

        /// <summary>Right edge (X + Width).</summary>
        public double Right => X + Width;

        /// <summary>Bottom edge (Y + Height).</summary>
        public double Bottom => Y + Height;

        /// <summary>Width x height, the area COCO's evaluation gives a box detection.</summary>
        public double Area => Width * Height;

        /// <summary>The box with corners (x0, y0) and (x1, y1).</summary>
        public static CocoBox FromCorners(double x0, double y0, double x1, double y1) => new(x0, y0, x1 - x0, y1 - y0);

        /// <inheritdoc/>
        public bool Equals(CocoBox other) => X.Equals(other.X) && Y.Equals(other.Y) && Width.Equals(other.Width) && Height.Equals(other.Height);

        /// <inheritdoc/>
        public override bool Equals(object? obj) => obj is CocoBox other && Equals(other);

        /// <inheritdoc/>
        public override int GetHashCode() => HashCode.Combine(X, Y, Width, Height);

        /// <inheritdoc/>
        public override string ToString() => FormattableString.Invariant($"[{X}, {Y}, {Width}, {Height}]");
    }
}
