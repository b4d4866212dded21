using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Imaging;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.MaskRcnn
{
    /// <summary>
    /// The rows of an ML.NET data view as an <see cref="InstanceSegmentationDataset"/> the trainer can use. The view is read
    /// once with a cursor: each row's image goes to a PNG file in a temporary folder and its instances stay in memory
    /// compactly (boxes, labels and RLE masks), so memory grows with the annotations, not the pixels. Image ids are row
    /// positions + 1. <see cref="Dispose"/> deletes the folder.
    /// </summary>
    internal sealed class DataViewInstanceDataset : InstanceSegmentationDataset, IDisposable
    {
        private readonly string folder;
        private readonly List<ImageDescriptor> descriptors = new();
        private readonly List<RowInstances> rows = new();
        private CategoryMap categories = CategoryMap.SingleClass("object");

        private DataViewInstanceDataset(string folder)
        {
            this.folder = folder;
        }

        /// <summary>The names of the data view's columns that hold the instances.</summary>
        internal sealed record Columns(string Image, string Label, string Boxes, string Masks);

        /// <summary>The temporary folder holding the images.</summary>
        public string Folder => folder;

        /// <summary>The number of instances over all rows.</summary>
        public int InstanceCount { get; private set; }

        public override int Count => descriptors.Count;
        public override CategoryMap Categories => categories;
        public override IReadOnlyList<string> Warnings => Array.Empty<string>();

        public override ImageDescriptor GetDescriptor(int index)
        {
            CheckIndex(index);
            return descriptors[index];
        }

        public override InstanceAnnotations LoadAnnotations(int index)
        {
            CheckIndex(index);
            var row = rows[index];
            var descriptor = descriptors[index];
            int n = row.Count;
            long plane = (long)descriptor.Height * descriptor.Width;
            if (plane * n > Array.MaxLength)
                throw new InvalidDataException($"{descriptor}: {n} instances of {descriptor.Width}x{descriptor.Height} pixels: their masks would take {plane * n} bytes, more than one array holds.");
            var masks = new byte[plane * n];
            var areas = new double[n];
            var ids = new long[n];
            for (int i = 0; i < n; i++)
            {
                row.Masks[i].Decode(masks.AsSpan((int)(i * plane), (int)plane));
                areas[i] = row.Masks[i].Area;
                ids[i] = descriptor.ImageId * 65536 + i + 1;
            }
            return new InstanceAnnotations(descriptor.Height, descriptor.Width, (float[])row.Boxes.Clone(), (int[])row.Labels.Clone(),
                                           new bool[n], ids, areas, masks);
        }

        /// <summary>
        /// Reads <paramref name="data"/> into a new folder below <paramref name="temporaryRoot"/>. The schema must already have
        /// been checked. <paramref name="classes"/> maps labels (an open space grows; the caller closes it and calls
        /// <see cref="Relabel"/>). On failure the folder is deleted and the row's error propagates.
        /// </summary>
        public static DataViewInstanceDataset Read(IDataView data, Columns columns, ClassSpace classes, string temporaryRoot, IChannel channel, string role)
        {
            string folder = Path.Combine(temporaryRoot, "maskrcnn-" + role + "-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            var dataset = new DataViewInstanceDataset(folder);
            try
            {
                var schema = data.Schema;
                var image = schema[columns.Image];
                var label = schema[columns.Label];
                var boxes = schema[columns.Boxes];
                var masks = schema[columns.Masks];
                using var cursor = data.GetRowCursor(new[] { image, label, boxes, masks });
                var images = new ImageRowReader(cursor, image);
                var instances = new InstanceRowReader(cursor, classes, label, boxes, masks, null, groundTruth: true);
                while (cursor.MoveNext())
                {
                    var rgb = images.ReadRgb();
                    var row = instances.Read(rgb.Height, rgb.Width);
                    int index = dataset.descriptors.Count;
                    string path = Path.Combine(folder, index.ToString("D7", CultureInfo.InvariantCulture) + ".png");
                    ImageCodec.EncodePng(rgb, path, compressionLevel: 1);
                    dataset.descriptors.Add(new ImageDescriptor(index + 1, path, rgb.Width, rgb.Height));
                    dataset.rows.Add(row);
                    dataset.InstanceCount += row.Count;
                    if ((index + 1) % 1000 == 0) channel.Trace(MessageSensitivity.None, $"Read {index + 1} {role} rows.");
                }
                return dataset;
            }
            catch
            {
                dataset.Dispose();
                throw;
            }
        }

        /// <summary>Applies a label remapping (index = old label) and sets the categories: ids 1..K, the classes' names.</summary>
        public void Relabel(int[]? remap, IReadOnlyList<string> names)
        {
            if (remap is not null)
                foreach (var row in rows)
                    for (int i = 0; i < row.Labels.Length; i++) row.Labels[i] = remap[row.Labels[i]];
            categories = new CategoryMap(names.Select((name, i) => ((long)(i + 1), name)));
        }

        /// <summary>Deletes the temporary folder.</summary>
        public void Dispose()
        {
            try
            {
                if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a file still open elsewhere keeps the folder; the OS's temp cleaning removes it later.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
