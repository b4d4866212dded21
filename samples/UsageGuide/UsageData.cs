using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Imaging;

/// <summary>
/// What the guide's code (Program.cs) takes as given: an image folder and the rows of its training and test images,
/// here generated shapes (the product's embedded dataset) written as PNG files.
/// </summary>
public partial class Program
{
    private static readonly string imageFolder = Path.Combine(Path.GetTempPath(), "maskrcnn-usage-guide");
    private static readonly Row[] trainRows = Write("train", count: 8, seed: 1);
    private static readonly Row[] testRows = Write("test", count: 4, seed: 2);

    private static Row[] Write(string prefix, int count, int seed)
    {
        Directory.CreateDirectory(imageFolder);
        var shapes = new SyntheticShapesDataset(count, seed);
        return Enumerable.Range(0, count).Select(i =>
        {
            var sample = shapes.Load(i);
            string name = $"{prefix}-{i:D3}.png";
            ImageCodec.EncodePng(sample.Image, Path.Combine(imageFolder, name), compressionLevel: 1);
            var a = sample.Annotations;
            return new Row
            {
                ImagePath = name,
                Label = a.Labels.Select(l => SyntheticShapesDataset.ClassNames[l - 1]).ToArray(),
                BoundingBoxes = a.Boxes.ToArray(),
                Masks = Enumerable.Range(0, a.Count).Select(k => RleMask.Encode(a.GetMask(k), a.Height, a.Width).ToCompressedString()).ToArray(),
            };
        }).ToArray();
    }
}
