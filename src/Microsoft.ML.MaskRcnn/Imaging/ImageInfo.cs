namespace Microsoft.ML.MaskRcnn.Imaging
{
    /// <summary>An encoded image format.</summary>
    public enum ImageFileFormat
    {
        /// <summary>PNG.</summary>
        Png = 1,

        /// <summary>JPEG (JFIF/EXIF baseline and progressive, gray or YCbCr).</summary>
        Jpeg = 2,
    }

    /// <summary>What an image header says, read without decoding the pixels (<see cref="ImageCodec.Probe(string)"/>).</summary>
    public readonly struct ImageInfo
    {
        /// <summary>Creates a description.</summary>
        public ImageInfo(ImageFileFormat format, int width, int height, int channels, int bitDepth, bool isPalette)
        {
            Format = format;
            Width = width;
            Height = height;
            Channels = channels;
            BitDepth = bitDepth;
            IsPalette = isPalette;
        }

        /// <summary>The file format.</summary>
        public ImageFileFormat Format { get; }

        /// <summary>Width in pixels.</summary>
        public int Width { get; }

        /// <summary>Height in pixels.</summary>
        public int Height { get; }

        /// <summary>Channels as stored: 1 gray (or palette index), 2 gray+alpha, 3 RGB, 4 RGBA.</summary>
        public int Channels { get; }

        /// <summary>Bits per stored sample: 1, 2, 4, 8 or 16.</summary>
        public int BitDepth { get; }

        /// <summary>True for palette (indexed-colour) PNGs.</summary>
        public bool IsPalette { get; }

        /// <summary>Width x height.</summary>
        public long PixelCount => (long)Width * Height;

        /// <inheritdoc/>
        public override string ToString() =>
            $"{Format} {Width}x{Height}, {Channels} channel(s) of {BitDepth} bits{(IsPalette ? ", palette" : "")}";
    }
}
