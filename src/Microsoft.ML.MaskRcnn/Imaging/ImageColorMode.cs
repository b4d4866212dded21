namespace Microsoft.ML.MaskRcnn.Imaging
{
    /// <summary>The channel layout a decode produces (values match the native IMG_MODE_* constants).</summary>
    public enum ImageColorMode
    {
        /// <summary>
        /// Samples as stored: gray 1 channel, gray+alpha 2, RGB 3, RGBA 4. Palette PNGs give their palette indices
        /// (1 channel); gray or palette samples of 1, 2 or 4 bits are unpacked to bytes without scaling. The mode for
        /// instance-id and label masks.
        /// </summary>
        Unchanged = 0,

        /// <summary>One channel. Colour becomes PIL's luminance (19595 R + 38470 G + 7471 B + 32768) &gt;&gt; 16; alpha is dropped.</summary>
        Gray = 1,

        /// <summary>Three channels, red first. Gray is replicated, palettes expanded, alpha dropped.</summary>
        Rgb = 3,

        /// <summary>Four channels. Images without alpha are opaque; PNG transparency chunks become alpha.</summary>
        Rgba = 4,
    }
}
