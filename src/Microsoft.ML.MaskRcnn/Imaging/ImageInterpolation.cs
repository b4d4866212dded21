namespace Microsoft.ML.MaskRcnn.Imaging
{
    /// <summary>
    /// Resampling rules of <see cref="ImageCodec.Resize(ImageBuffer, int, int, ImageInterpolation)"/>, both those of
    /// <c>torch.nn.functional.interpolate</c> with <c>align_corners=False</c>, so that images and masks are resized as
    /// torchvision's transforms resize them.
    /// </summary>
    public enum ImageInterpolation
    {
        /// <summary>PyTorch's "nearest": source index floor(dst * in / out) (scale in single precision). For masks and labels.</summary>
        Nearest = 0,

        /// <summary>PyTorch's "bilinear": half-pixel centres, no antialiasing; integer samples are rounded half up.</summary>
        Bilinear = 1,
    }
}
