using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Imaging;
using Microsoft.ML.MaskRcnn.Training;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.TestUtilities
{
    /// <summary>Prediction-engine input of a soak: one image file.</summary>
    public sealed class SoakInput
    {
        public string ImagePath { get; set; } = "";
    }

    /// <summary>What a long run of predictions through one engine did to the process.</summary>
    /// <param name="HandlesBefore">Live tensors (after a collection) before the engine was made.</param>
    /// <param name="HandlesAfterWarmup">Live tensors after the warm-up, engine alive.</param>
    /// <param name="HandlesAfterRun">Live tensors after the measured predictions, engine alive.</param>
    /// <param name="HandlesAfterDispose">Live tensors once the engine is disposed.</param>
    /// <param name="ResidentAfterWarmup">Resident bytes after the warm-up (after a collection).</param>
    /// <param name="ResidentSamples">Resident bytes every <c>sampleEvery</c> measured predictions (after a collection).</param>
    /// <param name="Seconds">Wall time of the measured predictions.</param>
    public sealed record SoakRun(long HandlesBefore, long HandlesAfterWarmup, long HandlesAfterRun, long HandlesAfterDispose,
                                 long ResidentAfterWarmup, IReadOnlyList<long> ResidentSamples, double Seconds)
    {
        /// <summary>The largest resident size sampled after the warm-up, relative to the one at its end (0.01 = 1%).</summary>
        public double MaxResidentDrift => ResidentSamples.DefaultIfEmpty(ResidentAfterWarmup).Max() / (double)ResidentAfterWarmup - 1;

        /// <summary>The last sample relative to the one after the warm-up.</summary>
        public double FinalResidentDrift => ResidentSamples.DefaultIfEmpty(ResidentAfterWarmup).Last() / (double)ResidentAfterWarmup - 1;
    }

    /// <summary>
    /// A saved and reloaded LoadImages -> DetectInstances model over synthetic-shapes PNG files, driven through
    /// PredictionEngines: the soak of issue 17 (resident memory and tensor handles over many predictions; engines on
    /// several threads over one loaded model agree with one thread). Shared by the CI test and the "soak" benchmark.
    /// </summary>
    public sealed class PredictionSoak : IDisposable
    {
        private readonly MLContext ml;

        private PredictionSoak(MLContext ml, ITransformer model, string[] images, string folder)
        {
            this.ml = ml;
            Model = model;
            Images = images;
            Folder = folder;
        }

        /// <summary>The model as loaded from its zip.</summary>
        public ITransformer Model { get; }

        /// <summary>The image files the predictions cycle through.</summary>
        public IReadOnlyList<string> Images { get; }

        /// <summary>The scratch folder (images and model.zip), deleted on disposal.</summary>
        public string Folder { get; }

        /// <summary>Size of the saved model in bytes.</summary>
        public long ModelBytes => new FileInfo(Path.Combine(Folder, "model.zip")).Length;

        /// <summary>
        /// Renders <paramref name="imageCount"/> images, trains <paramref name="trainer"/> on them (its MaxSteps steps), saves
        /// the model to a zip in a new folder under <paramref name="parent"/>, disposes it and loads the zip back.
        /// </summary>
        public static PredictionSoak Create(string parent, MaskRcnnTrainerOptions trainer, SyntheticShapesOptions shapes, int imageCount, double scoreThreshold)
        {
            string folder = Path.Combine(parent, "soak-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            var dataset = new SyntheticShapesDataset(imageCount, seed: 17, shapes);
            var rows = new InstanceSegmentationInput[imageCount];
            for (int i = 0; i < imageCount; i++)
            {
                var sample = dataset.Load(i);
                string path = Path.Combine(folder, $"image{i:D3}.png");
                ImageCodec.EncodePng(sample.Image, path);
                var a = sample.Annotations;
                rows[i] = new InstanceSegmentationInput
                {
                    ImagePath = path,
                    Label = a.Labels.Select(l => SyntheticShapesDataset.ClassNames[l - 1]).ToArray(),
                    BoundingBoxes = a.Boxes.ToArray(),
                    Masks = Enumerable.Range(0, a.Count).Select(k => RleMask.Encode(a.GetMask(k), a.Height, a.Width).ToCompressedString()).ToArray(),
                };
            }
            var ml = new MLContext(seed: 1);
            var view = ml.Data.LoadFromEnumerable(rows);
            var options = new MaskRcnnEstimator.Options { Trainer = trainer, ScoreThreshold = scoreThreshold, LogEveryNStep = 1000 };
            var pipeline = ml.Transforms.LoadImages("Image", null, nameof(SoakInput.ImagePath)).Append(ml.Transforms.DetectInstances(options));
            string zip = Path.Combine(folder, "model.zip");
            using (var trained = pipeline.Fit(view)) ml.Model.Save(trained, view.Schema, zip);
            var loaded = ml.Model.Load(zip, out _);
            return new PredictionSoak(ml, loaded, rows.Select(r => r.ImagePath).ToArray(), folder);
        }

        /// <summary>Live native tensors once the garbage the finalizers free has been collected.</summary>
        public static long LiveTensors()
        {
            Collect();
            return Tensor.TotalCount;
        }

        /// <summary>Resident set size in bytes after a collection (Linux /proc/self/statm: pages).</summary>
        public static long ResidentBytes()
        {
            Collect();
            string[] fields = File.ReadAllText("/proc/self/statm").Split(' ');
            return long.Parse(fields[1], CultureInfo.InvariantCulture) * Environment.SystemPageSize;
        }

        private static void Collect()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }

        /// <summary>
        /// <paramref name="warmup"/> then <paramref name="predictions"/> predictions through one engine, cycling through the
        /// images; resident memory sampled every <paramref name="sampleEvery"/> measured predictions.
        /// </summary>
        public SoakRun Run(int warmup, int predictions, int sampleEvery, Action<int, long>? progress = null)
        {
            long before = LiveTensors();
            long afterWarmup, afterRun, residentAfterWarmup;
            var samples = new List<long>();
            var watch = new System.Diagnostics.Stopwatch();
            using (var engine = ml.Model.CreatePredictionEngine<SoakInput, InstanceSegmentationPrediction>(Model, new PredictionEngineOptions { OwnsTransformer = false }))
            {
                var input = new SoakInput();
                var output = new InstanceSegmentationPrediction();
                for (int i = 0; i < warmup; i++) Predict(engine, input, output, i);
                afterWarmup = LiveTensors();
                residentAfterWarmup = ResidentBytes();
                watch.Start();
                for (int i = 0; i < predictions; i++)
                {
                    Predict(engine, input, output, warmup + i);
                    if ((i + 1) % sampleEvery == 0)
                    {
                        watch.Stop();
                        samples.Add(ResidentBytes());
                        progress?.Invoke(i + 1, samples[^1]);
                        watch.Start();
                    }
                }
                watch.Stop();
                afterRun = LiveTensors();
            }
            return new SoakRun(before, afterWarmup, afterRun, LiveTensors(), residentAfterWarmup, samples, watch.Elapsed.TotalSeconds);
        }

        private void Predict(PredictionEngine<SoakInput, InstanceSegmentationPrediction> engine, SoakInput input, InstanceSegmentationPrediction output, int index)
        {
            input.ImagePath = Images[index % Images.Count];
            engine.Predict(input, ref output);
        }

        /// <summary>
        /// Each of <paramref name="threads"/> threads makes its own engine over <see cref="Model"/> and predicts every image
        /// <paramref name="rounds"/> times, all threads at once; the result is per thread, per prediction.
        /// </summary>
        public InstanceSegmentationPrediction[][] PredictOnThreads(int threads, int rounds)
        {
            var results = new InstanceSegmentationPrediction[threads][];
            using var start = new Barrier(threads);
            var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
            {
                using var engine = ml.Model.CreatePredictionEngine<SoakInput, InstanceSegmentationPrediction>(Model, new PredictionEngineOptions { OwnsTransformer = false });
                var mine = new InstanceSegmentationPrediction[rounds * Images.Count];
                start.SignalAndWait();
                for (int i = 0; i < mine.Length; i++) mine[i] = engine.Predict(new SoakInput { ImagePath = Images[i % Images.Count] });
                results[t] = mine;
            })).ToList();
            workers.ForEach(w => w.Start());
            workers.ForEach(w => w.Join());
            return results;
        }

        /// <summary>Where two predictions differ (labels, scores, boxes and masks compared exactly), or null.</summary>
        public static string? Difference(InstanceSegmentationPrediction expected, InstanceSegmentationPrediction actual)
        {
            if (!expected.PredictedLabel.SequenceEqual(actual.PredictedLabel)) return "labels";
            if (!expected.Score.SequenceEqual(actual.Score)) return "scores";
            if (!expected.PredictedBoundingBoxes.SequenceEqual(actual.PredictedBoundingBoxes)) return "boxes";
            if (!expected.PredictedMasks.SequenceEqual(actual.PredictedMasks)) return "masks";
            return null;
        }

        public void Dispose()
        {
            (Model as IDisposable)?.Dispose();
            Directory.Delete(Folder, recursive: true);
        }
    }
}
