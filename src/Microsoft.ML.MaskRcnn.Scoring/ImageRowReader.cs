using Microsoft.ML.Data;
using Microsoft.ML.MaskRcnn.Imaging;

namespace Microsoft.ML.MaskRcnn
{
    /// <summary>
    /// Reads the image column of the current row and converts ML.NET's 32-bit <see cref="MLImage"/> (Bgra32 or Rgba32) to
    /// the 8-bit RGB <see cref="ImageBuffer"/> the network takes, dropping alpha as the datasets' RGB decoding does. A
    /// missing (null) or empty image is an error naming the column and the row. Images are not disposed: they belong
    /// to the data view (or to the caller's object in a prediction engine).
    /// </summary>
    internal sealed class ImageRowReader
    {
        private readonly DataViewRow row;
        private readonly string name;
        private readonly ValueGetter<MLImage> getImage;

        public ImageRowReader(DataViewRow row, DataViewSchema.Column column)
        {
            this.row = row;
            name = column.Name;
            getImage = row.GetGetter<MLImage>(column);
        }

        /// <summary>The image of the current row (checked: present, not empty, 32-bit).</summary>
        public MLImage Read()
        {
            MLImage image = null!;
            getImage(ref image);
            if (image is null)
                throw InstanceColumns.RowError(name, row.Position, "the image is missing (null; an empty path loads no image).");
            int width, height;
            try
            {
                (width, height) = (image.Width, image.Height);
            }
            catch (System.InvalidOperationException)
            {
                throw InstanceColumns.RowError(name, row.Position, "the image was disposed before it was read.");
            }
            if (width <= 0 || height <= 0)
                throw InstanceColumns.RowError(name, row.Position, $"the image is empty ({width}x{height}).");
            if (image.PixelFormat != MLPixelFormat.Bgra32 && image.PixelFormat != MLPixelFormat.Rgba32)
                throw InstanceColumns.RowError(name, row.Position, $"the image's pixel format {image.PixelFormat} is not Bgra32 or Rgba32.");
            return image;
        }

        /// <summary>The image of the current row as 8-bit RGB.</summary>
        public ImageBuffer ReadRgb() => ToRgb(Read());

        /// <summary>Converts a Bgra32 or Rgba32 image to 8-bit RGB (H x W x 3).</summary>
        public static ImageBuffer ToRgb(MLImage image)
        {
            int width = image.Width, height = image.Height;
            var pixels = image.Pixels;
            (int r, int g, int b) = image.PixelFormat == MLPixelFormat.Bgra32 ? (2, 1, 0) : (0, 1, 2);
            var rgb = new byte[width * height * 3];
            for (int i = 0, j = 0; i < rgb.Length; i += 3, j += 4)
            {
                rgb[i] = pixels[j + r];
                rgb[i + 1] = pixels[j + g];
                rgb[i + 2] = pixels[j + b];
            }
            return new ImageBuffer(rgb, width, height, 3);
        }
    }
}
