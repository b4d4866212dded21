using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.TestUtilities;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.MaskRcnn.Benchmarks
{
    /// <summary>
    /// Streaming inference (issue 20): the main job's saved model (out/main-job/model.zip; ./build.sh main makes it) over a
    /// lazy data view of synthetic-shapes pictures made as the cursor reaches them (no files; each image is disposed when
    /// the cursor moves on), read through one cursor of <c>Transform</c>'s output: throughput after the warm-up, and
    /// resident memory (after a collection) every SampleEvery images against its size after the warm-up. Settings:
    /// --set Images=N (100,000), Warmup=N (1,000), SampleEvery=N (5,000); torch threads: --threads.
    /// </summary>
    public sealed class StreamingBenchmarks : IBenchmarkSuite
    {
        public string Name => "streaming";

        public string Description => "Transform over 100,000 generated images through one cursor: images/s and resident-memory drift";

        public void Run(BenchmarkOptions options)
        {
            int images = Setting(options, "Images", 100_000), warmup = Setting(options, "Warmup", 1000), every = Setting(options, "SampleEvery", 5000);
            string zip = Path.Combine(RepositoryPaths.Root, "out", "main-job", "model.zip");
            if (!File.Exists(zip))
            {
                Console.WriteLine($"INFO {zip} is absent: run ./build.sh main first");
                return;
            }
            TorchSharp.torch.set_num_threads(options.Threads);
            var ml = new MLContext(seed: 0);
            var model = ml.Model.Load(zip, out _);
            var detector = ((IEnumerable<ITransformer>)model).OfType<MaskRcnnTransformer>().Single();
            var view = new GeneratedImageView(images, detector.ImageColumnName, seed: 20);
            var scored = detector.Transform(view);
            var columns = new[] { detector.PredictedLabelColumnName, detector.ScoreColumnName, detector.PredictedBoundingBoxColumnName, detector.PredictedMaskColumnName }
                .Select(name => scored.Schema[name]).ToArray();

            long detections = 0, residentAfterWarmup = 0;
            var samples = new List<long>();
            var windowRates = new List<double>();
            var watch = new Stopwatch();
            var lastWindowEnd = TimeSpan.Zero;
            using (var cursor = scored.GetRowCursor(columns))
            {
                var labels = cursor.GetGetter<VBuffer<uint>>(columns[0]);
                var scores = cursor.GetGetter<VBuffer<float>>(columns[1]);
                var boxes = cursor.GetGetter<VBuffer<float>>(columns[2]);
                var masks = cursor.GetGetter<VBuffer<ReadOnlyMemory<char>>>(columns[3]);
                VBuffer<uint> l = default;
                VBuffer<float> s = default, b = default;
                VBuffer<ReadOnlyMemory<char>> m = default;
                for (int done = 0; cursor.MoveNext(); )
                {
                    labels(ref l);
                    scores(ref s);
                    boxes(ref b);
                    masks(ref m);
                    detections += s.Length;
                    done++;
                    if (done == warmup)
                    {
                        residentAfterWarmup = PredictionSoak.ResidentBytes();
                        Console.WriteLine($"INFO warm-up of {warmup} images done: resident {residentAfterWarmup / 1048576.0:F1} MiB");
                        watch.Start();
                    }
                    else if (done > warmup && (done - warmup) % every == 0)
                    {
                        watch.Stop();
                        windowRates.Add(every / (watch.Elapsed - lastWindowEnd).TotalSeconds);
                        lastWindowEnd = watch.Elapsed;
                        samples.Add(PredictionSoak.ResidentBytes());
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"INFO {done} images: resident {samples[^1] / 1048576.0:F1} MiB, {windowRates[^1]:F2} images/s in this window, {(done - warmup) / watch.Elapsed.TotalSeconds:F2} so far"));
                        watch.Start();
                    }
                }
                watch.Stop();
            }
            (model as IDisposable)?.Dispose();
            int measured = images - warmup;
            BenchmarkReport.Result("streaming_images", images, null, "images");
            BenchmarkReport.Result("streaming_images_per_second", measured / watch.Elapsed.TotalSeconds, null, "images/s");
            // The machine is shared: the median window is the rate a quiet machine gives, the mean above includes any noise.
            BenchmarkReport.Result("streaming_images_per_second_median_window", TrainingRuns.Median(windowRates), null, "images/s");
            BenchmarkReport.Result("streaming_detections_per_image", detections / (double)images, null, "detections");
            BenchmarkReport.Result("streaming_resident_after_warmup_mib", residentAfterWarmup / 1048576.0, null, "MiB");
            BenchmarkReport.Result("streaming_resident_max_drift_percent", (samples.DefaultIfEmpty(residentAfterWarmup).Max() / (double)residentAfterWarmup - 1) * 100, null, "%");
            BenchmarkReport.Result("streaming_resident_final_drift_percent", (samples.DefaultIfEmpty(residentAfterWarmup).Last() / (double)residentAfterWarmup - 1) * 100, null, "%");
        }

        private static int Setting(BenchmarkOptions options, string name, int fallback)
        {
            var value = options.Settings.LastOrDefault(s => s.Name == name).Value;
            return value is null ? fallback : int.Parse(value, CultureInfo.InvariantCulture);
        }
    }

    /// <summary>
    /// One image column of synthetic-shapes pictures (the main job's 160 x 128 kind), made when the cursor reaches a row
    /// and disposed when it moves on: any number of rows with nothing on disk and one image alive per cursor. Row i is
    /// the same picture on every pass (1,000 layouts, drawn again each time).
    /// </summary>
    internal sealed class GeneratedImageView : IDataView
    {
        private const int Layouts = 1000;
        private readonly long count;
        private readonly SyntheticShapesDataset shapes;

        public GeneratedImageView(long count, string column, int seed)
        {
            this.count = count;
            shapes = new SyntheticShapesDataset(Layouts, seed);
            var first = shapes.LoadImage(0);
            var builder = new DataViewSchema.Builder();
            builder.AddColumn(column, new ImageDataViewType(first.Height, first.Width));
            Schema = builder.ToSchema();
        }

        public bool CanShuffle => false;

        public DataViewSchema Schema { get; }

        public long? GetRowCount() => count;

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(this);

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
            new[] { GetRowCursor(columnsNeeded, rand) };

        private sealed class Cursor : DataViewRowCursor
        {
            private readonly GeneratedImageView parent;
            private long position = -1;
            private MLImage? current;

            public Cursor(GeneratedImageView parent) => this.parent = parent;

            public override long Position => position;

            public override long Batch => 0;

            public override DataViewSchema Schema => parent.Schema;

            public override bool IsColumnActive(DataViewSchema.Column column) => true;

            public override bool MoveNext()
            {
                current?.Dispose();
                current = null;
                if (position + 1 >= parent.count) return false;
                position++;
                var rgb = parent.shapes.LoadImage((int)(position % Layouts));
                var rgba = new byte[rgb.Width * rgb.Height * 4];
                for (int p = 0, q = 0; q < rgba.Length; p += 3, q += 4)
                {
                    rgba[q] = rgb.Data[p];
                    rgba[q + 1] = rgb.Data[p + 1];
                    rgba[q + 2] = rgb.Data[p + 2];
                    rgba[q + 3] = 255;
                }
                current = MLImage.CreateFromPixels(rgb.Width, rgb.Height, MLPixelFormat.Rgba32, rgba);
                return true;
            }

            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
            {
                ValueGetter<MLImage> getter = (ref MLImage value) => value = current ?? throw new InvalidOperationException("The cursor is not on a row.");
                return (ValueGetter<TValue>)(Delegate)getter;
            }

            public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)position, 0);

            protected override void Dispose(bool disposing)
            {
                if (disposing) current?.Dispose();
                current = null;
                base.Dispose(disposing);
            }
        }
    }
}
