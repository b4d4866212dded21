using System;

namespace Microsoft.ML.MaskRcnn.Imaging
{
    /// <summary>How <see cref="ImageCodec"/> decodes an image.</summary>
    public sealed class ImageDecodeOptions
    {
        /// <summary>
        /// The default pixel limit: 2^28 (268,435,456) pixels, a 16384 x 16384 image. Larger images are refused before
        /// any pixel is decoded, so a small file that declares a huge size cannot exhaust memory.
        /// </summary>
        public const long DefaultMaxPixels = 1L << 28;

        private int bitDepth;
        private long maxPixels = DefaultMaxPixels;

        /// <summary>The channel layout to produce (default <see cref="ImageColorMode.Rgb"/>).</summary>
        public ImageColorMode Mode { get; set; } = ImageColorMode.Rgb;

        /// <summary>
        /// Bits per output sample: 0 (default) keeps 16-bit PNG samples 16-bit and gives 8 bits otherwise; 8 takes the
        /// high byte of 16-bit samples (as PIL does); 16 widens 8-bit samples by v * 257.
        /// </summary>
        public int BitDepth
        {
            get => bitDepth;
            set => bitDepth = value is 0 or 8 or 16 ? value : throw new ArgumentOutOfRangeException(nameof(BitDepth), value, "The bit depth is 0 (as stored), 8 or 16.");
        }

        /// <summary>Images with more pixels (width x height) are refused with <see cref="ImageDecodeError.TooLarge"/>; 0 or less means no limit.</summary>
        public long MaxPixels
        {
            get => maxPixels;
            set => maxPixels = value;
        }

        /// <summary>RGB, 8 bits, default limit: what a network input needs.</summary>
        public static ImageDecodeOptions Rgb8 => new() { Mode = ImageColorMode.Rgb, BitDepth = 8 };

        /// <summary>Samples as stored (palette indices, 8- or 16-bit ids): what an instance-id or label mask needs.</summary>
        public static ImageDecodeOptions Unchanged => new() { Mode = ImageColorMode.Unchanged, BitDepth = 0 };
    }
}
