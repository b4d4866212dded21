using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML
{
    /// <summary>The image transforms of <see cref="TransformsCatalog"/>.</summary>
    public static class ImageEstimatorsCatalog
    {
        /// <summary>
        /// Loads the images whose paths (relative to <paramref name="imageFolder"/>, or as given when it is null or empty)
        /// are in the text column <paramref name="inputColumnName"/> into an image column.
        /// </summary>
        public static ImageLoadingEstimator LoadImages(this TransformsCatalog catalog, string outputColumnName, string imageFolder, string inputColumnName = null)
            => new ImageLoadingEstimator(CatalogUtils.GetEnvironment(catalog), imageFolder, true, (outputColumnName, inputColumnName ?? outputColumnName));

        /// <summary>Loads the bytes of the files named in <paramref name="inputColumnName"/> into a variable-size byte vector.</summary>
        public static ImageLoadingEstimator LoadRawImageBytes(this TransformsCatalog catalog, string outputColumnName, string imageFolder, string inputColumnName = null)
            => new ImageLoadingEstimator(CatalogUtils.GetEnvironment(catalog), imageFolder, false, (outputColumnName, inputColumnName ?? outputColumnName));

        /// <summary>
        /// Extracts the pixels of fixed-size images into a vector: (planes, height, width), or (height, width, planes)
        /// when interleaved; values are (pixel - <paramref name="offsetImage"/>) * <paramref name="scaleImage"/>.
        /// </summary>
        public static ImagePixelExtractingEstimator ExtractPixels(this TransformsCatalog catalog, string outputColumnName, string inputColumnName = null,
            ImagePixelExtractingEstimator.ColorBits colorsToExtract = ImagePixelExtractingEstimator.Defaults.Colors,
            ImagePixelExtractingEstimator.ColorsOrder orderOfExtraction = ImagePixelExtractingEstimator.Defaults.Order,
            bool interleavePixelColors = false,
            float offsetImage = ImagePixelExtractingEstimator.Defaults.Offset,
            float scaleImage = ImagePixelExtractingEstimator.Defaults.Scale,
            bool outputAsFloatArray = ImagePixelExtractingEstimator.Defaults.Convert)
            => new ImagePixelExtractingEstimator(CatalogUtils.GetEnvironment(catalog), new ImagePixelExtractingEstimator.ColumnOptions(
                outputColumnName, inputColumnName, colorsToExtract, orderOfExtraction, interleavePixelColors, offsetImage, scaleImage, outputAsFloatArray));

        /// <summary>Resizes images to <paramref name="imageWidth"/> x <paramref name="imageHeight"/> (note: width first).</summary>
        public static ImageResizingEstimator ResizeImages(this TransformsCatalog catalog, string outputColumnName, int imageWidth, int imageHeight,
            string inputColumnName = null,
            ImageResizingEstimator.ResizingKind resizing = ImageResizingEstimator.ResizingKind.IsoCrop,
            ImageResizingEstimator.Anchor cropAnchor = ImageResizingEstimator.Anchor.Center)
            => new ImageResizingEstimator(CatalogUtils.GetEnvironment(catalog), outputColumnName, imageWidth, imageHeight, inputColumnName, resizing, cropAnchor);
    }
}
