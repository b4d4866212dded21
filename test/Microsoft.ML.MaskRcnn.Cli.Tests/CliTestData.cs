using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Imaging;

namespace Microsoft.ML.MaskRcnn.Cli.Tests
{
    /// <summary>
    /// Tiny synthetic-shapes images (80 x 64, 1-2 shapes) written as PNG files, with their ground truth as a COCO file
    /// (written here with System.Text.Json, not by the product) and as instance-id mask PNGs plus a class-map CSV.
    /// The COCO ids are deliberately not 1..N so that id handling is exercised.
    /// </summary>
    internal sealed class CliTestData
    {
        public static SyntheticShapesOptions TinyImages => new() { Width = 80, Height = 64, MinShapes = 1, MaxShapes = 2, MinShapeSize = 14, MaxShapeSize = 30 };

        /// <summary>
        /// COCO category id of each class name: not the model's keys 1..3, but in the synthetic dataset's class order so that
        /// the trainer's evaluation of the in-memory dataset (categories 1..3) can serve as the reference.
        /// </summary>
        public static readonly IReadOnlyDictionary<string, long> CategoryIds = new Dictionary<string, long> { ["circle"] = 12, ["square"] = 25, ["triangle"] = 40 };

        /// <summary>The COCO category names in id order: the classes of a model trained on the COCO file.</summary>
        public static string[] CocoClasses => CategoryIds.OrderBy(c => c.Value).Select(c => c.Key).ToArray();

        private CliTestData(string folder, SyntheticShapesDataset dataset, string[] fileNames, long[] imageIds)
        {
            Folder = folder;
            Dataset = dataset;
            FileNames = fileNames;
            ImageIds = imageIds;
        }

        /// <summary>The folder of the images (and of annotations.json).</summary>
        public string Folder { get; }

        /// <summary>Where the images and ground truth come from.</summary>
        public SyntheticShapesDataset Dataset { get; }

        public string[] FileNames { get; }

        /// <summary>The COCO image id of each file.</summary>
        public long[] ImageIds { get; }

        public string CocoFile => Path.Combine(Folder, "annotations.json");

        public string ImagePath(int index) => Path.Combine(Folder, FileNames[index]);

        public int Count => FileNames.Length;

        public int InstanceCount => Enumerable.Range(0, Count).Sum(i => Dataset.LoadAnnotations(i).Count);

        public static CliTestData Create(string folder, int count, int seed, long firstImageId)
        {
            Directory.CreateDirectory(folder);
            var dataset = new SyntheticShapesDataset(count, seed, TinyImages);
            var names = Enumerable.Range(0, count).Select(i => $"img{i:D3}.png").ToArray();
            var ids = Enumerable.Range(0, count).Select(i => firstImageId + 7L * i).ToArray();
            var images = new List<object>();
            var annotations = new List<object>();
            for (int i = 0; i < count; i++)
            {
                var sample = dataset.Load(i);
                ImageCodec.EncodePng(sample.Image, Path.Combine(folder, names[i]));
                var a = sample.Annotations;
                images.Add(new Dictionary<string, object> { ["id"] = ids[i], ["file_name"] = names[i], ["width"] = a.Width, ["height"] = a.Height });
                for (int k = 0; k < a.Count; k++)
                {
                    var mask = RleMask.Encode(a.GetMask(k), a.Height, a.Width);
                    float x0 = a.Boxes[4 * k], y0 = a.Boxes[4 * k + 1], x1 = a.Boxes[4 * k + 2], y1 = a.Boxes[4 * k + 3];
                    annotations.Add(new Dictionary<string, object>
                    {
                        ["id"] = annotations.Count + 1,
                        ["image_id"] = ids[i],
                        ["category_id"] = CategoryIds[SyntheticShapesDataset.ClassNames[a.Labels[k] - 1]],
                        ["segmentation"] = new Dictionary<string, object> { ["size"] = new[] { a.Height, a.Width }, ["counts"] = mask.ToCompressedString() },
                        ["bbox"] = new double[] { x0, y0, x1 - x0, y1 - y0 },
                        ["area"] = mask.Area,
                        ["iscrowd"] = 0,
                    });
                }
            }
            var categories = CategoryIds.Select(c => new Dictionary<string, object> { ["id"] = c.Value, ["name"] = c.Key, ["supercategory"] = "shape" });
            var file = new Dictionary<string, object> { ["images"] = images, ["categories"] = categories, ["annotations"] = annotations };
            File.WriteAllText(Path.Combine(folder, "annotations.json"), JsonSerializer.Serialize(file));
            return new CliTestData(folder, dataset, names, ids);
        }

        /// <summary>
        /// Writes instance-id masks (value k + 1 = instance k, 8-bit gray) into <paramref name="maskFolder"/> as NAME_mask.png
        /// and a class-map CSV giving each instance its class; returns the CSV's path.
        /// </summary>
        public string WriteInstanceMasks(string maskFolder)
        {
            Directory.CreateDirectory(maskFolder);
            var lines = new List<string> { "# image,value,class" };
            for (int i = 0; i < Count; i++)
            {
                var a = Dataset.LoadAnnotations(i);
                var ids = new ImageBuffer(a.Width, a.Height, 1);
                for (int k = 0; k < a.Count; k++)
                {
                    var mask = a.GetMask(k);
                    for (int p = 0; p < mask.Length; p++)
                        if (mask[p] != 0) ids.Data[p] = (byte)(k + 1);
                    lines.Add($"{FileNames[i]},{k + 1},{SyntheticShapesDataset.ClassNames[a.Labels[k] - 1]}");
                }
                ImageCodec.EncodePng(ids, Path.Combine(maskFolder, Path.GetFileNameWithoutExtension(FileNames[i]) + "_mask.png"));
            }
            string map = Path.Combine(maskFolder, "classes.csv");
            File.WriteAllLines(map, lines);
            return map;
        }
    }

    /// <summary>A CLI run's exit code and what it wrote.</summary>
    internal sealed record CliRun(int ExitCode, string Out, string Error)
    {
        public static CliRun Of(params string[] args)
        {
            var output = new StringWriter();
            var error = new StringWriter();
            int code = MaskRcnnCli.Run(args, output, error);
            return new CliRun(code, output.ToString(), error.ToString());
        }

        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
    }
}
