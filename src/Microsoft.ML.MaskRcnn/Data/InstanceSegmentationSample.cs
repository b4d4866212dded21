using System;
using Microsoft.ML.MaskRcnn.Imaging;

namespace Microsoft.ML.MaskRcnn.Data
{
    /// <summary>One training or evaluation example: the decoded image (8-bit RGB, H x W x 3) and its instances.</summary>
    public sealed class InstanceSegmentationSample
    {
        /// <summary>Creates a sample; the image and the annotations must have the same size.</summary>
        public InstanceSegmentationSample(ImageDescriptor descriptor, ImageBuffer image, InstanceAnnotations annotations)
        {
            Descriptor = descriptor ?? throw new ArgumentNullException(nameof(descriptor));
            Image = image ?? throw new ArgumentNullException(nameof(image));
            Annotations = annotations ?? throw new ArgumentNullException(nameof(annotations));
            if (image.Width != annotations.Width || image.Height != annotations.Height)
                throw new ArgumentException($"{descriptor}: the image is {image.Width}x{image.Height} but its annotations are {annotations.Width}x{annotations.Height}.");
        }

        /// <summary>Where the image came from (its size is the original one, before any augmentation).</summary>
        public ImageDescriptor Descriptor { get; }

        /// <summary>The pixels, 8-bit RGB.</summary>
        public ImageBuffer Image { get; }

        /// <summary>The instances.</summary>
        public InstanceAnnotations Annotations { get; }

        /// <summary>Current width (after augmentation).</summary>
        public int Width => Image.Width;

        /// <summary>Current height (after augmentation).</summary>
        public int Height => Image.Height;
    }
}
