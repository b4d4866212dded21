using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.ML.Data;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Imaging;
using Microsoft.ML.MaskRcnn.Tests.Training;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.MaskRcnn.Tests.MLNet
{
    /// <summary>A training row as a user would load it: an image path, class names, boxes and RLE masks.</summary>
    public sealed class TextLabelRow
    {
        public string ImagePath { get; set; } = "";
        public string[] Label { get; set; } = Array.Empty<string>();
        public float[] BoundingBoxes { get; set; } = Array.Empty<float>();
        public string[] Masks { get; set; } = Array.Empty<string>();
    }

    /// <summary>The same with key labels (key k = class k of 3).</summary>
    public sealed class KeyLabelRow
    {
        public string ImagePath { get; set; } = "";

        [KeyType(3)]
        public uint[] Label { get; set; } = Array.Empty<uint>();

        public float[] BoundingBoxes { get; set; } = Array.Empty<float>();
        public string[] Masks { get; set; } = Array.Empty<string>();
    }

    /// <summary>Prediction-engine input for the whole pipeline (image loaded from the path).</summary>
    public sealed class PathInput
    {
        public string ImagePath { get; set; } = "";
    }

    /// <summary>Prediction-engine input for the transformer alone.</summary>
    public sealed class ImageInput
    {
        [ImageType(64, 80)]
        public MLImage? Image { get; set; }
    }

    /// <summary>Synthetic shapes written as PNG files, with their ground truth as ML.NET rows.</summary>
    internal sealed class MLNetTestData
    {
        private MLNetTestData(string folder, SyntheticShapesDataset dataset, TextLabelRow[] rows)
        {
            Folder = folder;
            Dataset = dataset;
            Rows = rows;
        }

        /// <summary>The folder holding the images.</summary>
        public string Folder { get; }

        /// <summary>The dataset the images and rows come from (80 x 64 images, 1-2 shapes each).</summary>
        public SyntheticShapesDataset Dataset { get; }

        public TextLabelRow[] Rows { get; }

        public string ImagePath(int index) => Path.Combine(Folder, Rows[index].ImagePath);

        /// <summary>Renders <paramref name="count"/> synthetic images into a new temporary folder.</summary>
        public static MLNetTestData Create(int count, int seed)
        {
            string folder = TrainingTestData.TemporaryFolder();
            var dataset = new SyntheticShapesDataset(count, seed, TrainingTestData.TinyImages);
            var rows = new TextLabelRow[count];
            for (int i = 0; i < count; i++)
            {
                var sample = dataset.Load(i);
                string name = $"image{i:D3}.png";
                ImageCodec.EncodePng(sample.Image, Path.Combine(folder, name));
                var a = sample.Annotations;
                rows[i] = new TextLabelRow
                {
                    ImagePath = name,
                    Label = a.Labels.Select(l => SyntheticShapesDataset.ClassNames[l - 1]).ToArray(),
                    BoundingBoxes = a.Boxes.ToArray(),
                    Masks = Enumerable.Range(0, a.Count).Select(k => RleMask.Encode(a.GetMask(k), a.Height, a.Width).ToCompressedString()).ToArray(),
                };
            }
            return new MLNetTestData(folder, dataset, rows);
        }

        /// <summary>The rows with key labels (circle = 1, square = 2, triangle = 3).</summary>
        public KeyLabelRow[] KeyRows() => Rows.Select(r => new KeyLabelRow
        {
            ImagePath = r.ImagePath,
            Label = r.Label.Select(n => (uint)(SyntheticShapesDataset.ClassNames.ToList().IndexOf(n) + 1)).ToArray(),
            BoundingBoxes = r.BoundingBoxes,
            Masks = r.Masks,
        }).ToArray();

        /// <summary>The rows as a data view with an "Image" column loaded from the paths.</summary>
        public IDataView Load<TRow>(MLContext ml, IEnumerable<TRow> rows)
            where TRow : class
        {
            var view = ml.Data.LoadFromEnumerable(rows);
            return ml.Transforms.LoadImages("Image", Folder, nameof(TextLabelRow.ImagePath)).Fit(view).Transform(view);
        }

        /// <summary>Tiny, fast estimator options: the trainer tests' network, <paramref name="steps"/> steps, every detection kept.</summary>
        public static MaskRcnnEstimator.Options TinyOptions(int steps) => new()
        {
            Trainer = TrainingTestData.TinyOptions(steps),
            ScoreThreshold = 0,
            LogEveryNStep = 2,
        };

        /// <summary>ML.NET's internal SchemaShape.Create (what an estimator chain uses), reached by reflection.</summary>
        public static SchemaShape ShapeOf(DataViewSchema schema) =>
            (SchemaShape)typeof(SchemaShape).GetMethod("Create", BindingFlags.NonPublic | BindingFlags.Static, new[] { typeof(DataViewSchema) })!
                .Invoke(null, new object[] { schema })!;
    }
}
