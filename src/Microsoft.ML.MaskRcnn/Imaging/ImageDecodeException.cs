using System.IO;

namespace Microsoft.ML.MaskRcnn.Imaging
{
    /// <summary>Why an image could not be decoded.</summary>
    public enum ImageDecodeError
    {
        /// <summary>The data is corrupt or truncated.</summary>
        Corrupt,

        /// <summary>The data is not PNG or JPEG, or a variant the codec does not decode (CMYK JPEG).</summary>
        UnsupportedFormat,

        /// <summary>The image declares more pixels than the limit allows (a decompression bomb, or a limit set too low).</summary>
        TooLarge,
    }

    /// <summary>An image file that exists but cannot be decoded. The message names the file.</summary>
    public sealed class ImageDecodeException : IOException
    {
        /// <summary>Creates the exception for the file at <paramref name="path"/> (null for an image in memory).</summary>
        public ImageDecodeException(string? path, ImageDecodeError error, string message) : base(message)
        {
            Path = path;
            Error = error;
        }

        /// <summary>The file that failed, or null when the image came from memory.</summary>
        public string? Path { get; }

        /// <summary>Why it failed.</summary>
        public ImageDecodeError Error { get; }
    }
}
