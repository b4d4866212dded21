using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Imaging;
using Microsoft.ML.MaskRcnn.TestUtilities;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.MaskRcnn.Benchmarks
{
    /// <summary>
    /// How <see cref="MaskRcnnEstimator"/>'s Fit should read its input IDataView, on Penn-Fudan (170 RGB PNGs) loaded with
    /// ML.NET's <c>LoadImages</c> (SkiaSharp). A, today's way: <see cref="DataViewInstanceDataset.Read"/> cursors the view
    /// once and writes every image as PNG (level 1) to a temporary folder, annotations kept as RLE (A1, one-time), then
    /// each epoch loads every sample by index with libpng (A2, in the trainer's <see cref="AspectRatioBatchSampler"/>
    /// order). B, ML.NET's way: every epoch is one cursor over the same view, each row's image converted to RGB with
    /// <see cref="ImageRowReader"/> and its annotation columns read with <see cref="InstanceRowReader"/>, the masks decoded
    /// as <see cref="DataViewInstanceDataset.LoadAnnotations"/> decodes them, so both give the same samples. The rounds
    /// alternate the order of A and B; RESULT lines are medians of the rounds, ours = A2 and reference = B, so
    /// ratio &lt; 1 means the PNG folder reads an epoch faster. Allocation is managed only (SkiaSharp's native pixels are
    /// not counted). The temporary folders go below a folder of their own in the system temp path and are deleted.
    /// </summary>
    public sealed class FitInputBenchmarks : IBenchmarkSuite
    {
        private const int Rounds = 3;
        private const int BatchSize = 4;
        private static readonly DataViewInstanceDataset.Columns ColumnNames =
            new("Image", nameof(InstanceSegmentationInput.Label), nameof(InstanceSegmentationInput.BoundingBoxes), nameof(InstanceSegmentationInput.Masks));

        public string Name => "fit-input";

        public string Description => "Fit's input: PNG temp folder read per epoch (today) vs one IDataView cursor per epoch, Penn-Fudan (~1 min)";

        public void Run(BenchmarkOptions options)
        {
            string root = Path.Combine(RepositoryPaths.SharedData, "penn-fudan");
            string imageFolder = Path.Combine(root, "PNGImages");
            if (!Directory.Exists(imageFolder) || !Directory.Exists(Path.Combine(root, "PedMasks")))
            {
                Console.WriteLine($"SKIP fit-input: the Penn-Fudan folder is not found: {root} (it lives beside the repository in ../shared/data).");
                return;
            }

            var total = Stopwatch.StartNew();
            var source = new InstanceMaskFolderDataset(imageFolder, Path.Combine(root, "PedMasks"),
                new InstanceMaskFolderOptions { MaskSuffix = "_mask.png", CategoryNames = new[] { "person" } });
            // Materialized once: FromDataset is lazy, and LoadFromEnumerable would re-run it (mask PNG decoding) on every cursor.
            var rows = InstanceSegmentationInput.FromDataset(source, imageFolder).ToList();
            long sourceBytes = Directory.GetFiles(imageFolder).Sum(f => new FileInfo(f).Length);
            Console.WriteLine($"INFO pennfudan: {rows.Count} rows, {rows.Sum(r => r.Label.Length)} instances, source PNGs {Mb(sourceBytes):F1} MB; " +
                              $"rows built in {total.Elapsed.TotalSeconds:F2} s (not measured); batch sampler order with batch {BatchSize}; {Rounds} rounds");

            var ml = new MLContext(seed: 1);
            var data = ml.Data.LoadFromEnumerable(rows);
            var view = ml.Transforms.LoadImages(ColumnNames.Image, imageFolder, nameof(InstanceSegmentationInput.ImagePath)).Fit(data).Transform(data);
            var env = (IHostEnvironment)ml;

            string temporaryRoot = Path.Combine(Path.GetTempPath(), "maskrcnn-fit-input-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(temporaryRoot);
            try
            {
                using var channel = env.Start("fit-input");
                Warmup(ml, view, temporaryRoot, channel);

                var first = new List<double>();
                var disk = new List<double>();
                var firstAlloc = new List<double>();
                var epochA = new List<Epoch>();
                var epochB = new List<Epoch>();
                for (int round = 0; round < Rounds; round++)
                {
                    bool aFirst = round % 2 == 0;
                    if (!aFirst) epochB.Add(CursorEpoch(view));
                    var (read, bytes, alloc, a2) = FolderRound(view, temporaryRoot, channel, round);
                    first.Add(read);
                    disk.Add(Mb(bytes));
                    firstAlloc.Add(alloc);
                    epochA.Add(a2);
                    if (aFirst) epochB.Add(CursorEpoch(view));
                    var b = epochB[^1];
                    Console.WriteLine(FormattableString.Invariant(
                        $"INFO round {round + 1} ({(aFirst ? "A then B" : "B then A")}): A1 first read {read:F3} s, temp folder {Mb(bytes):F1} MB, A1 alloc {alloc:F1} MB; ") + FormattableString.Invariant(
                        $"A2 epoch {a2.Seconds:F3} s (images {a2.ImageSeconds:F3} s, annotations {a2.AnnotationSeconds:F3} s, alloc {a2.AllocatedMb:F1} MB); ") + FormattableString.Invariant(
                        $"B epoch {b.Seconds:F3} s (images {b.ImageSeconds:F3} s, annotations {b.AnnotationSeconds:F3} s, alloc {b.AllocatedMb:F1} MB)"));
                }

                double a1 = Median(first), a2s = Median(epochA.Select(e => e.Seconds)), bs = Median(epochB.Select(e => e.Seconds));
                Console.WriteLine(FormattableString.Invariant(
                    $"INFO medians: A2 images {Median(epochA.Select(e => e.ImageSeconds)):F3} s + annotations {Median(epochA.Select(e => e.AnnotationSeconds)):F3} s; ") + FormattableString.Invariant(
                    $"B images {Median(epochB.Select(e => e.ImageSeconds)):F3} s + annotations {Median(epochB.Select(e => e.AnnotationSeconds)):F3} s; ") + FormattableString.Invariant(
                    $"{rows.Count} images per epoch, {epochA[0].Pixels / 1e6:F1} Mpixel"));
                Console.WriteLine(FormattableString.Invariant(
                    $"INFO A1 - B epoch = {a1 - bs:F3} s: the PNG encoding and writing on top of one pass of reading"));
                Console.WriteLine(bs > a2s
                    ? FormattableString.Invariant($"INFO break-even: A (A1 + E x A2) costs less than B (E x B) from E > {a1 / (bs - a2s):F1} epochs")
                    : "INFO break-even: none, B reads an epoch no slower than A2, so A never recovers its first read");
                BenchmarkReport.Result("fit_input_epoch_pennfudan", a2s, bs, "s");
                BenchmarkReport.Result("fit_input_first_read_pennfudan", a1, null, "s");
                BenchmarkReport.Result("fit_input_temp_disk_pennfudan", Median(disk), null, "MB");
                BenchmarkReport.Result("fit_input_alloc_epoch_pennfudan", Median(epochA.Select(e => e.AllocatedMb)), Median(epochB.Select(e => e.AllocatedMb)), "MB");
                BenchmarkReport.Result("fit_input_alloc_first_read_pennfudan", Median(firstAlloc), null, "MB");
            }
            finally
            {
                try
                {
                    Directory.Delete(temporaryRoot, recursive: true);
                }
                catch (IOException e)
                {
                    Console.WriteLine($"INFO could not delete {temporaryRoot}: {e.Message}");
                }
                Console.WriteLine(FormattableString.Invariant($"INFO fit-input wall time {total.Elapsed.TotalSeconds:F1} s; temporary folder removed: {!Directory.Exists(temporaryRoot)}"));
            }
        }

        /// <summary>One epoch's time, split into images and annotations, its managed allocation and a sink against dead code.</summary>
        private sealed record Epoch(double Seconds, double ImageSeconds, double AnnotationSeconds, double AllocatedMb, long Pixels, long Sink);

        /// <summary>A1 (Read into a new temporary folder, as Fit does) then A2 (one epoch by index); the folder is deleted.</summary>
        private static (double Seconds, long Bytes, double AllocatedMb, Epoch Epoch) FolderRound(IDataView view, string temporaryRoot, IChannel channel, int round)
        {
            Settle();
            long allocated = GC.GetTotalAllocatedBytes(precise: true);
            var watch = Stopwatch.StartNew();
            using var dataset = ReadAsFitDoes(view, temporaryRoot, channel);
            double read = watch.Elapsed.TotalSeconds;
            double alloc = Mb(GC.GetTotalAllocatedBytes(precise: true) - allocated);
            long bytes = Directory.GetFiles(dataset.Folder).Sum(f => new FileInfo(f).Length);
            var epoch = FolderEpoch(dataset, round);
            return (read, bytes, alloc, epoch);
        }

        private static DataViewInstanceDataset ReadAsFitDoes(IDataView view, string temporaryRoot, IChannel channel)
        {
            var classes = ClassSpace.ForText();
            var dataset = DataViewInstanceDataset.Read(view, ColumnNames, classes, temporaryRoot, channel, "training");
            var remap = classes.Close();
            dataset.Relabel(remap, classes.Names);
            return dataset;
        }

        /// <summary>A2: every sample loaded by index (LoadImage: libpng; LoadAnnotations: RLE decoded), in the trainer's order.</summary>
        private static Epoch FolderEpoch(InstanceSegmentationDataset dataset, int epoch)
        {
            var order = new AspectRatioBatchSampler(dataset, BatchSize, seed: 1, shuffle: true).GetBatches(epoch).SelectMany(b => b).ToArray();
            Settle();
            long allocated = GC.GetTotalAllocatedBytes(precise: true);
            long imageTicks = 0, annotationTicks = 0, pixels = 0, sink = 0;
            var watch = Stopwatch.StartNew();
            foreach (int index in order)
            {
                long t0 = Stopwatch.GetTimestamp();
                var image = dataset.LoadImage(index);
                long t1 = Stopwatch.GetTimestamp();
                var annotations = dataset.LoadAnnotations(index);
                long t2 = Stopwatch.GetTimestamp();
                var sample = new InstanceSegmentationSample(dataset.GetDescriptor(index), image, annotations);
                imageTicks += t1 - t0;
                annotationTicks += t2 - t1;
                pixels += (long)image.Width * image.Height;
                sink += sample.Image.Data[^1] + sample.Annotations.Count;
            }
            double seconds = watch.Elapsed.TotalSeconds;
            return new Epoch(seconds, Seconds(imageTicks), Seconds(annotationTicks),
                             Mb(GC.GetTotalAllocatedBytes(precise: true) - allocated), pixels, sink);
        }

        /// <summary>B: one cursor over the view; image to RGB as Fit does, annotation columns read and masks decoded.</summary>
        private static Epoch CursorEpoch(IDataView view)
        {
            Settle();
            long allocated = GC.GetTotalAllocatedBytes(precise: true);
            long imageTicks = 0, annotationTicks = 0, pixels = 0, sink = 0;
            var watch = Stopwatch.StartNew();
            foreach (var sample in CursorSamples(view, (image, annotations) => { imageTicks += image; annotationTicks += annotations; }))
            {
                pixels += (long)sample.Image.Width * sample.Image.Height;
                sink += sample.Image.Data[^1] + sample.Annotations.Count;
            }
            double seconds = watch.Elapsed.TotalSeconds;
            return new Epoch(seconds, Seconds(imageTicks), Seconds(annotationTicks),
                             Mb(GC.GetTotalAllocatedBytes(precise: true) - allocated), pixels, sink);
        }

        private static IEnumerable<InstanceSegmentationSample> CursorSamples(IDataView view, Action<long, long> ticks)
        {
            var schema = view.Schema;
            var image = schema[ColumnNames.Image];
            var label = schema[ColumnNames.Label];
            var boxes = schema[ColumnNames.Boxes];
            var masks = schema[ColumnNames.Masks];
            var classes = ClassSpace.Fixed(new[] { "person" });
            using var cursor = view.GetRowCursor(new[] { image, label, boxes, masks });
            var images = new ImageRowReader(cursor, image);
            var instances = new InstanceRowReader(cursor, classes, label, boxes, masks, null, groundTruth: true);
            while (cursor.MoveNext())
            {
                long t0 = Stopwatch.GetTimestamp();
                var rgb = images.ReadRgb();
                long t1 = Stopwatch.GetTimestamp();
                var row = instances.Read(rgb.Height, rgb.Width);
                long imageId = cursor.Position + 1;
                var annotations = Annotations(row, rgb.Height, rgb.Width, imageId);
                long t2 = Stopwatch.GetTimestamp();
                ticks(t1 - t0, t2 - t1);
                yield return new InstanceSegmentationSample(new ImageDescriptor(imageId, "", rgb.Width, rgb.Height), rgb, annotations);
            }
        }

        /// <summary>The instances of a row as <see cref="DataViewInstanceDataset.LoadAnnotations"/> builds them.</summary>
        private static InstanceAnnotations Annotations(RowInstances row, int height, int width, long imageId)
        {
            int n = row.Count, plane = height * width;
            var masks = new byte[(long)n * plane];
            var areas = new double[n];
            var ids = new long[n];
            for (int i = 0; i < n; i++)
            {
                row.Masks[i].Decode(masks.AsSpan(i * plane, plane));
                areas[i] = row.Masks[i].Area;
                ids[i] = imageId * 65536 + i + 1;
            }
            return new InstanceAnnotations(height, width, (float[])row.Boxes.Clone(), (int[])row.Labels.Clone(), new bool[n], ids, areas, masks);
        }

        /// <summary>JIT warm-up of both paths on 8 rows, and a check that they give the same samples (pixels, boxes, masks).</summary>
        private static void Warmup(MLContext ml, IDataView view, string temporaryRoot, IChannel channel)
        {
            var small = ml.Data.TakeRows(view, 8);
            using var dataset = ReadAsFitDoes(small, temporaryRoot, channel);
            int compared = 0, differing = 0;
            foreach (var b in CursorSamples(small, (_, _) => { }))
            {
                var a = dataset.Load(compared++);
                bool same = a.Image.Width == b.Image.Width && a.Image.Height == b.Image.Height && a.Image.Data.AsSpan().SequenceEqual(b.Image.Data)
                            && a.Annotations.Boxes.AsSpan().SequenceEqual(b.Annotations.Boxes)
                            && a.Annotations.Labels.AsSpan().SequenceEqual(b.Annotations.Labels)
                            && a.Annotations.Masks.AsSpan().SequenceEqual(b.Annotations.Masks);
                if (!same) differing++;
            }
            FolderEpoch(dataset, 0);
            Console.WriteLine($"INFO warm-up on {compared} rows: A (PNG folder) and B (cursor) samples identical in {compared - differing}/{compared} (pixels, labels, boxes, masks)");
        }

        private static void Settle()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }

        private static double Seconds(long ticks) => (double)ticks / Stopwatch.Frequency;

        private static double Mb(long bytes) => bytes / (1024.0 * 1024.0);

        private static double Median(IEnumerable<double> values)
        {
            var sorted = values.OrderBy(v => v).ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        }
    }
}
