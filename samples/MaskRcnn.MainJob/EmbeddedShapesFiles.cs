using System.IO;
using System.Linq;
using Microsoft.ML.MaskRcnn;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Imaging;

namespace MaskRcnn.MainJob
{
    /// <summary>Prediction-engine input: an image path relative to the image folder.</summary>
    public sealed class ImagePathInput
    {
        public string ImagePath { get; set; } = "";
    }

    /// <summary>Writes the embedded synthetic-shapes dataset as PNG files plus rows in the pipeline's column contract.</summary>
    public static class EmbeddedShapesFiles
    {
        /// <summary>Renders <paramref name="count"/> images of seed <paramref name="seed"/> into <paramref name="folder"/>.</summary>
        public static InstanceSegmentationInput[] Write(string folder, int count, int seed, SyntheticShapesOptions options)
        {
            Directory.CreateDirectory(folder);
            var dataset = new SyntheticShapesDataset(count, seed, options);
            var rows = new InstanceSegmentationInput[count];
            for (int i = 0; i < count; i++)
            {
                var sample = dataset.Load(i);
                string name = $"shapes-{seed}-{i:D5}.png";
                string path = Path.Combine(folder, name);
                // Reruns reuse the pictures: the dataset is deterministic by seed.
                if (!File.Exists(path)) ImageCodec.EncodePng(sample.Image, path, compressionLevel: 1);
                var a = sample.Annotations;
                rows[i] = new InstanceSegmentationInput
                {
                    ImagePath = name,
                    Label = a.Labels.Select(l => SyntheticShapesDataset.ClassNames[l - 1]).ToArray(),
                    BoundingBoxes = a.Boxes.ToArray(),
                    Masks = Enumerable.Range(0, a.Count).Select(k => RleMask.Encode(a.GetMask(k), a.Height, a.Width).ToCompressedString()).ToArray(),
                };
            }
            return rows;
        }
    }
}
