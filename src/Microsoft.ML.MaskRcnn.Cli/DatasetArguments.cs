using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Imaging;

namespace Microsoft.ML.MaskRcnn.Cli
{
    /// <summary>
    /// The ways a command is given a dataset: a COCO file and its image folder, an image folder with instance-id masks,
    /// or images of the embedded synthetic-shapes dataset. The validation set of <c>train</c> uses the same forms with
    /// a "val-" prefix.
    /// </summary>
    internal static class DatasetArguments
    {
        public const string ValidationPrefix = "val-";

        /// <summary>The dataset forms, named with <paramref name="prefix"/> ("" or "val-").</summary>
        public static IEnumerable<CliOption> Forms(string prefix, bool synthetic = true)
        {
            string what = prefix.Length == 0 ? "" : "validation: ";
            yield return new CliOption(prefix + "coco", "FILE", what + "a COCO instances JSON file (polygon or RLE masks)");
            yield return new CliOption(prefix + "images", "DIR", what + "the folder its image file_name entries are relative to");
            yield return new CliOption(prefix + "image-folder", "DIR", what + "a folder of images (.png, .jpg, .jpeg)");
            yield return new CliOption(prefix + "mask-folder", "DIR",
                what + "their instance-id masks: one single-channel PNG per image, value k > 0 marks object k, 0 the background");
            if (synthetic)
                yield return new CliOption(prefix + "synthetic", "N",
                    what + "N images of the embedded synthetic-shapes dataset (160x128, classes circle, square, triangle)");
        }

        /// <summary>Settings shared by the training and validation sets.</summary>
        public static IEnumerable<CliOption> Settings(bool synthetic = true)
        {
            yield return new CliOption("mask-suffix", "TEXT", "the mask of image NAME.ext is NAME + TEXT in the mask folder (Penn-Fudan: _mask.png)", ".png");
            yield return new CliOption("classes", "LIST",
                "comma-separated class names of a mask-folder dataset; more than one needs --class-map", "object");
            yield return new CliOption("class-map", "FILE",
                "CSV lines 'image file name,mask value,class name' giving the class of each instance of a mask-folder dataset");
            if (synthetic)
                yield return new CliOption("synthetic-seed", "N", "seed of the --synthetic images (the --val-synthetic images use N + 1)", "0");
        }

        /// <summary>True when one of the forms with <paramref name="prefix"/> was given.</summary>
        public static bool IsGiven(ParsedArguments a, string prefix) =>
            new[] { "coco", "images", "image-folder", "mask-folder", "synthetic" }.Any(n => a.Has(prefix + n));

        /// <summary>
        /// Opens the dataset given with <paramref name="prefix"/>; throws a <see cref="UsageException"/> when none or
        /// several forms are given or an option is incomplete.
        /// </summary>
        public static DatasetSource Open(ParsedArguments a, string prefix, CliConsole console)
        {
            string coco = prefix + "coco", images = prefix + "images", imageFolder = prefix + "image-folder", maskFolder = prefix + "mask-folder";
            string synthetic = prefix + "synthetic";
            a.Requires(coco, images);
            a.Requires(images, coco);
            a.Requires(imageFolder, maskFolder);
            a.Requires(maskFolder, imageFolder);
            a.AtMostOne(coco, imageFolder, synthetic);
            if (a.Has(coco))
            {
                string file = a.ExistingFile(coco)!, folder = a.ExistingDirectory(images)!;
                var options = new CocoDatasetOptions { Warning = console.Warning };
                return Checked(new DatasetSource(new CocoDataset(file, folder, options), $"COCO file '{file}'"));
            }
            if (a.Has(imageFolder))
            {
                string imageDirectory = a.ExistingDirectory(imageFolder)!, maskDirectory = a.ExistingDirectory(maskFolder)!;
                var options = MaskFolderOptions(a, console);
                return Checked(new DatasetSource(new InstanceMaskFolderDataset(imageDirectory, maskDirectory, options), $"image folder '{imageDirectory}'"));
            }
            if (a.Has(synthetic))
            {
                int count = a.OptionalInt(synthetic, min: 1)!.Value;
                int seed = a.Int("synthetic-seed", 0, min: 0) + (prefix.Length == 0 ? 0 : 1);
                return DatasetSource.Synthetic(count, seed);
            }
            string p = "--" + prefix;
            throw new UsageException($"a {(prefix.Length == 0 ? "" : "validation ")}dataset is required: {p}coco FILE {p}images DIR, " +
                                     $"{p}image-folder DIR {p}mask-folder DIR, or {p}synthetic N");
        }

        // Every image and annotation is checked before any work, so that all problems are reported in one go.
        private static DatasetSource Checked(DatasetSource source)
        {
            try
            {
                if (source.Dataset.Count == 0) throw new InvalidDataException($"The {source.Description} has no usable images.");
                DatasetCheck.ThrowIfInvalid(source.Dataset, source.Description);
                return source;
            }
            catch
            {
                source.Dispose();
                throw;
            }
        }

        private static InstanceMaskFolderOptions MaskFolderOptions(ParsedArguments a, CliConsole console)
        {
            string suffix = a.Text("mask-suffix") ?? ".png";
            if (suffix.Length == 0) throw new UsageException("--mask-suffix needs a suffix, got ''");
            string[] classes = (a.Text("classes") ?? "object").Split(',', StringSplitOptions.TrimEntries);
            if (classes.Any(c => c.Length == 0)) throw new UsageException($"--classes has an empty class name in '{a.Text("classes")}'");
            if (classes.Distinct(StringComparer.Ordinal).Count() != classes.Length) throw new UsageException($"--classes names a class twice in '{a.Text("classes")}'");
            string? mapFile = a.ExistingFile("class-map");
            if (classes.Length > 1 && mapFile is null)
                throw new UsageException($"--classes names {classes.Length} classes but instance-id masks carry no class: add --class-map FILE");
            return new InstanceMaskFolderOptions
            {
                MaskSuffix = suffix,
                CategoryNames = classes,
                ClassMap = mapFile is null ? null : ClassMapFile.Read(mapFile, classes),
                Warning = console.Warning,
            };
        }
    }

    /// <summary>A dataset opened from the command line; owns the folder of generated synthetic images, if any.</summary>
    internal sealed class DatasetSource : IDisposable
    {
        private readonly string? temporaryFolder;

        public DatasetSource(InstanceSegmentationDataset dataset, string description, string? temporaryFolder = null)
        {
            Dataset = dataset;
            Description = description;
            this.temporaryFolder = temporaryFolder;
        }

        /// <summary>The images and their ground truth; every image is a file on disk.</summary>
        public InstanceSegmentationDataset Dataset { get; }

        /// <summary>What it is, for messages ("COCO file '...'").</summary>
        public string Description { get; }

        /// <summary>
        /// Rows in the pipeline's column contract, image paths absolute (so the saved model needs no image folder). The
        /// rows are read once: Fit and evaluation go over them more than once.
        /// </summary>
        public static InstanceSegmentationInput[] Rows(InstanceSegmentationDataset dataset) => InstanceSegmentationInput.FromDataset(dataset).ToArray();

        /// <summary>
        /// Renders <paramref name="count"/> synthetic images as PNG files in a new temporary folder (deleted on
        /// <see cref="Dispose"/>): the pipeline loads images from files.
        /// </summary>
        public static DatasetSource Synthetic(int count, int seed)
        {
            string folder = Path.Combine(Path.GetTempPath(), "maskrcnn-cli-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            try
            {
                var shapes = new SyntheticShapesDataset(count, seed);
                var paths = new string[count];
                for (int i = 0; i < count; i++)
                {
                    paths[i] = Path.Combine(folder, $"shapes-{seed}-{i:D5}.png");
                    ImageCodec.EncodePng(shapes.LoadImage(i), paths[i], compressionLevel: 1);
                }
                return new DatasetSource(new FileBackedDataset(shapes, paths), $"synthetic shapes (seed {seed})", folder);
            }
            catch
            {
                Directory.Delete(folder, recursive: true);
                throw;
            }
        }

        public void Dispose()
        {
            if (temporaryFolder is null || !Directory.Exists(temporaryFolder)) return;
            try
            {
                Directory.Delete(temporaryFolder, recursive: true);
            }
            catch (IOException)
            {
                // A file still open elsewhere: the folder is below the temporary path and harmless to leave.
            }
        }

        /// <summary>A generated dataset whose images have been written to files.</summary>
        private sealed class FileBackedDataset : InstanceSegmentationDataset
        {
            private readonly InstanceSegmentationDataset inner;
            private readonly string[] paths;

            public FileBackedDataset(InstanceSegmentationDataset inner, string[] paths)
            {
                this.inner = inner;
                this.paths = paths;
            }

            public override int Count => inner.Count;

            public override CategoryMap Categories => inner.Categories;

            public override IReadOnlyList<string> Warnings => inner.Warnings;

            public override ImageDescriptor GetDescriptor(int index)
            {
                var d = inner.GetDescriptor(index);
                return new ImageDescriptor(d.ImageId, paths[index], d.Width, d.Height);
            }

            public override InstanceAnnotations LoadAnnotations(int index) => inner.LoadAnnotations(index);
        }
    }
}
