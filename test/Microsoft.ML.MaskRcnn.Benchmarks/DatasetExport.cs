using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Imaging;

namespace Microsoft.ML.MaskRcnn.Benchmarks
{
    /// <summary>
    /// Writes a train and a validation <see cref="InstanceSegmentationDataset"/> to a folder that
    /// test/reference/train_reference.py reads: images as 8-bit RGB PNG, training masks as one instance-id PNG per image
    /// (8-bit up to 255 instances, else 16-bit; 0 = background, instance k of the sample = value k + 1), and dataset.json:
    /// <code>
    /// {"categories": [{"label": 1, "id": 1, "name": "person"}],
    ///  "train": [{"file": "train/00000.png", "mask": "train/00000_mask.png", "image_id": 3, "width": 400, "height": 300,
    ///             "instances": [{"value": 1, "label": 1, "box": [x0, y0, x1, y1], "iscrowd": false}]}],
    ///  "validation": [{"file": "validation/00000.png", "image_id": 7, "width": 400, "height": 300, "instances": [...]}]}
    /// </code>
    /// Train entries are in the training set's index order, which the batch schedule of the recipe refers to.
    /// Instances without area (zero-size boxes) are left out, as our trainer drops them.
    /// </summary>
    public static class DatasetExport
    {
        /// <summary>
        /// Exports into <paramref name="folder"/> unless it already holds a complete export made under the same
        /// <paramref name="key"/> (a description of the datasets); returns the path of dataset.json.
        /// </summary>
        public static string Export(string folder, string key, InstanceSegmentationDataset train, InstanceSegmentationDataset validation)
        {
            string json = Path.Combine(folder, "dataset.json");
            string marker = Path.Combine(folder, ".complete");
            if (File.Exists(marker) && File.ReadAllText(marker) == key && File.Exists(json)) return json;
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            Directory.CreateDirectory(Path.Combine(folder, "train"));
            Directory.CreateDirectory(Path.Combine(folder, "validation"));

            var trainEntries = new Dictionary<string, object>[train.Count];
            Parallel.For(0, train.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
                         i => trainEntries[i] = ExportOne(folder, "train", i, train.Load(i), withMask: true));
            var validationEntries = new Dictionary<string, object>[validation.Count];
            Parallel.For(0, validation.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
                         i => validationEntries[i] = ExportOne(folder, "validation", i, validation.Load(i), withMask: false));

            var categories = Enumerable.Range(1, train.Categories.Count)
                .Select(label => new Dictionary<string, object> { ["label"] = label, ["id"] = train.Categories.ToCategoryId(label), ["name"] = train.Categories.GetName(label) })
                .ToArray();
            var document = new Dictionary<string, object> { ["categories"] = categories, ["train"] = trainEntries, ["validation"] = validationEntries };
            File.WriteAllText(json, JsonSerializer.Serialize(document));
            File.WriteAllText(marker, key);
            return json;
        }

        private static Dictionary<string, object> ExportOne(string folder, string part, int index, InstanceSegmentationSample sample, bool withMask)
        {
            string name = $"{part}/{index:D5}";
            ImageCodec.EncodePng(sample.Image, Path.Combine(folder, name + ".png"), compressionLevel: 1);
            var a = sample.Annotations;
            var kept = Enumerable.Range(0, a.Count).Where(k => a.Boxes[4 * k + 2] > a.Boxes[4 * k] && a.Boxes[4 * k + 3] > a.Boxes[4 * k + 1]).ToArray();
            var instances = kept.Select((k, n) => new Dictionary<string, object>
            {
                ["value"] = n + 1, ["label"] = a.Labels[k], ["box"] = a.Boxes.Skip(4 * k).Take(4).ToArray(), ["iscrowd"] = a.IsCrowd[k],
            }).ToArray();
            var entry = new Dictionary<string, object>
            {
                ["file"] = name + ".png", ["image_id"] = sample.Descriptor.ImageId, ["width"] = a.Width, ["height"] = a.Height, ["instances"] = instances,
            };
            if (withMask)
            {
                ImageCodec.EncodePng(InstanceIdMask(a, kept, sample.Descriptor), Path.Combine(folder, name + "_mask.png"), compressionLevel: 1);
                entry["mask"] = name + "_mask.png";
            }
            return entry;
        }

        // One instance-id image; refuses overlapping instances, which such an image cannot represent.
        private static ImageBuffer InstanceIdMask(InstanceAnnotations a, int[] kept, ImageDescriptor descriptor)
        {
            bool wide = kept.Length > 255;
            int plane = a.Width * a.Height;
            var ids = new ushort[plane];
            for (int n = 0; n < kept.Length; n++)
            {
                var mask = a.GetMask(kept[n]);
                for (int p = 0; p < plane; p++)
                {
                    if (mask[p] == 0) continue;
                    if (ids[p] != 0) throw new InvalidDataException($"{descriptor}: instances {ids[p] - 1} and {n} overlap; an instance-id mask cannot hold both.");
                    ids[p] = (ushort)(n + 1);
                }
            }
            var buffer = new ImageBuffer(a.Width, a.Height, 1, wide ? 16 : 8);
            if (wide) ids.AsSpan().CopyTo(buffer.AsUInt16());
            else for (int p = 0; p < plane; p++) buffer.Data[p] = (byte)ids[p];
            return buffer;
        }
    }
}
