using System;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.TestUtilities;
using Microsoft.ML.MaskRcnn.Training;

namespace Microsoft.ML.MaskRcnn.Benchmarks
{
    /// <summary>
    /// Issue 17's soak: the main job's kind of model (<see cref="MaskRcnnTrainerOptions.EmbeddedShapes"/>, 160 x 128
    /// synthetic shapes) trained a few steps, saved and loaded back, then 1,000 warm-up and 10,000 measured predictions
    /// through one PredictionEngine on the CPU: resident memory (after a collection) sampled every 500 predictions
    /// against its size after the warm-up, and live tensor handles. Then 4 threads, each with its own engine over the
    /// one loaded model, against a single thread. Settings: --set Warmup=N, Predictions=N, Steps=N,
    /// Threads=N, Detections=N (the network's detections per image, 10 by default).
    /// </summary>
    public sealed class SoakBenchmarks : IBenchmarkSuite
    {
        public string Name => "soak";

        public string Description => "10,000 predictions through one PredictionEngine (resident memory, tensor handles); 4 engines on 4 threads vs 1";

        public void Run(BenchmarkOptions options)
        {
            int warmup = Setting(options, "Warmup", 1000), predictions = Setting(options, "Predictions", 10_000);
            int steps = Setting(options, "Steps", 20), threads = Setting(options, "Threads", 4), detections = Setting(options, "Detections", 10);
            TorchSharp.torch.set_num_threads(options.Threads);
            var trainer = MaskRcnnTrainerOptions.EmbeddedShapes();
            trainer.MaxSteps = steps;
            trainer.WarmupSteps = Math.Min(trainer.WarmupSteps, steps);
            trainer.Threads = options.Threads;
            // A barely trained network keeps 100 detections per image (every class scores near 1/4), each pasted and
            // run-length encoded: about 1 s a prediction here. A trained one keeps a few on these 1-4 shapes; so does the cap.
            trainer.Model.DetectionsPerImage = detections;
            // A score threshold of 0.05 (the network's own) keeps the boxes and masks of a barely trained model coming.
            using var soak = PredictionSoak.Create(Path.GetTempPath(), trainer, new SyntheticShapesOptions(), imageCount: 16, scoreThreshold: 0.05);
            Console.WriteLine($"INFO model: EmbeddedShapes trained {steps} steps, at most {detections} detections per image, saved ({soak.ModelBytes} bytes) and loaded; {soak.Images.Count} images of 160 x 128");

            var run = soak.Run(warmup, predictions, sampleEvery: 500, (done, resident) =>
                Console.WriteLine($"INFO {done} predictions: resident {resident / 1048576.0:F1} MiB"));
            BenchmarkReport.Result("soak_prediction_ms", run.Seconds * 1000 / predictions, null, "ms");
            BenchmarkReport.Result("soak_resident_after_warmup_mib", run.ResidentAfterWarmup / 1048576.0, null, "MiB");
            BenchmarkReport.Result("soak_resident_max_drift_percent", run.MaxResidentDrift * 100, null, "%");
            BenchmarkReport.Result("soak_resident_final_drift_percent", run.FinalResidentDrift * 100, null, "%");
            BenchmarkReport.Result("soak_tensor_handles_before", run.HandlesBefore, null, "handles");
            BenchmarkReport.Result("soak_tensor_handles_gained_over_run", run.HandlesAfterRun - run.HandlesAfterWarmup, null, "handles");
            BenchmarkReport.Result("soak_tensor_handles_left_after_dispose", run.HandlesAfterDispose - run.HandlesBefore, null, "handles");

            var single = soak.PredictOnThreads(1, rounds: 4)[0];
            var parallel = soak.PredictOnThreads(threads, rounds: 4);
            int differing = parallel.Sum(thread => thread.Where((p, i) => PredictionSoak.Difference(single[i], p) is not null).Count());
            int found = single.Sum(p => p.Count);
            Console.WriteLine($"INFO {threads} threads x {single.Length} predictions ({found} detections per thread) against one thread");
            BenchmarkReport.Result($"soak_{threads}_threads_predictions_differing_from_1_thread", differing, null, "predictions");
        }

        private static int Setting(BenchmarkOptions options, string name, int fallback)
        {
            var value = options.Settings.LastOrDefault(s => s.Name == name).Value;
            return value is null ? fallback : int.Parse(value, CultureInfo.InvariantCulture);
        }
    }
}
