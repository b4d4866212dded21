using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.Compat.Tests
{
    /// <summary>A folder of three PNGs of different sizes and the LoadImages -> ResizeImages -> ExtractPixels pipeline over it.</summary>
    internal sealed class ImagePipelineFixture
    {
        public ImagePipelineFixture(MLContext ml)
        {
            Ml = ml;
            Folder = TestSetup.NewFolder("images");
            Rows = new[]
            {
                new ImagePathRow { ImagePath = TestImages.WritePng(Folder, "wide", 12, 6, seed: 1) },
                new ImagePathRow { ImagePath = TestImages.WritePng(Folder, "square", 8, 8, seed: 2) },
                new ImagePathRow { ImagePath = TestImages.WritePng(Folder, "tall", 5, 10, seed: 3) },
            };
            Data = ml.Data.LoadFromEnumerable(Rows);
        }

        public MLContext Ml { get; }

        public string Folder { get; }

        public ImagePathRow[] Rows { get; }

        public IDataView Data { get; }

        public EstimatorChain<ImagePixelExtractingTransformer> Pipeline(ImageResizingEstimator.ResizingKind resizing = ImageResizingEstimator.ResizingKind.IsoCrop) =>
            Ml.Transforms.LoadImages("Image", Folder, nameof(ImagePathRow.ImagePath))
                .Append(Ml.Transforms.ResizeImages("Resized", 8, 8, "Image", resizing))
                .Append(Ml.Transforms.ExtractPixels("Pixels", "Resized", offsetImage: 10f, scaleImage: 0.5f));

        /// <summary>The "Pixels" column of the transformed data.</summary>
        public static float[][] Pixels(IDataView transformed) => transformed.GetColumn<float[]>("Pixels").ToArray();

        /// <summary>Saves a model to a byte array.</summary>
        public byte[] SaveToBytes(ITransformer model, DataViewSchema schema)
        {
            using var stream = new MemoryStream();
            Ml.Model.Save(model, schema, stream);
            return stream.ToArray();
        }
    }
}
