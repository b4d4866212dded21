using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Modeling;
using Microsoft.ML.MaskRcnn.TestUtilities;
using Microsoft.ML.MaskRcnn.Training;
using TorchSharp;

namespace Microsoft.ML.MaskRcnn.Benchmarks
{
    /// <summary>
    /// compute-accuracy: a trained model's held-out COCO metrics under each compute option against float32 in the default
    /// layout (targets: bfloat16 mask and box AP within 0.005). Default: the main job's model (out/main-job/model.zip, made
    /// by ./build.sh main) on its 100 held-out images (the embedded shapes of seed 1,000,001). Where the CPU has no native
    /// bfloat16 the bfloat16 variant runs emulated (slow; the same roundings of inputs and weights to bfloat16, sums in
    /// float32 either way), and the suite says so. Settings: model (a model zip), images (held-out count, 100).
    /// </summary>
    public sealed class ComputeAccuracyBenchmark : IBenchmarkSuite
    {
        public string Name => "compute-accuracy";

        public string Description => "the main job's model: held-out mask/box AP per compute option (folded, contiguous, bfloat16) vs float32";

        public void Run(BenchmarkOptions options)
        {
            string modelPath = Path.Combine(RepositoryPaths.Root, "out", "main-job", "model.zip");
            int images = 100;
            foreach (var (name, value) in options.Settings)
            {
                if (name == "model") modelPath = Path.GetFullPath(value);
                else if (name == "images" && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out images) && images > 0) { }
                else throw new ArgumentException($"compute-accuracy takes --set model=ZIP and --set images=N; got {name}={value}.");
            }
            if (!File.Exists(modelPath))
            {
                Console.WriteLine($"SKIP compute-accuracy: no model at {modelPath} (run ./build.sh main first, or --set model=ZIP)");
                return;
            }
            torch.set_num_threads(options.Threads);
            var ml = new MLContext(seed: 0);
            using var chain = (TransformerChain<ITransformer>)ml.Model.Load(modelPath, out _);
            var trained = ((MaskRcnnTransformer)chain.LastTransformer).Model;
            // The main job's held-out images: its seed 1 plus 1,000,000, default shapes.
            var heldOut = new SyntheticShapesDataset(images, seed: 1_000_001);
            bool native = ComputeOptions.HasNativeBFloat16(torch.CPU);
            if (!native) Console.WriteLine("INFO no native bfloat16 on this CPU: the bfloat16 variant runs emulated (accuracy as native, time not comparable)");

            var variants = new (string Name, ComputeOptions Compute)[]
            {
                ("float32", new ComputeOptions()),
                ("folded", new ComputeOptions { FoldBatchNorm = true }),
                ("contiguous", new ComputeOptions { MemoryFormat = FeatureMemoryFormat.Contiguous }),
                ("bfloat16", new ComputeOptions { FoldBatchNorm = true, InferencePrecision = ComputePrecision.BFloat16 }),
            };
            ModelEvaluationResult? reference = null;
            ComputePlan.EmulatedBFloat16Allowed = !native;
            try
            {
                foreach (var (variant, compute) in variants)
                {
                    trained.Compute = compute;
                    var watch = Stopwatch.StartNew();
                    var result = ModelEvaluation.Evaluate(trained, heldOut);
                    double perImage = watch.Elapsed.TotalSeconds / images;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"INFO {variant}: mask AP {result.Masks.AP:F4} AP50 {result.Masks.AP50:F4}, box AP {result.Boxes.AP:F4} AP50 {result.Boxes.AP50:F4}, {perImage * 1000:F0} ms per image (precision {trained.EffectiveInferencePrecision})"));
                    if (reference is null)
                    {
                        reference = result;
                        continue;
                    }
                    BenchmarkReport.Result($"main_job_mask_ap_{variant}", result.Masks.AP, reference.Masks.AP, "AP");
                    BenchmarkReport.Result($"main_job_box_ap_{variant}", result.Boxes.AP, reference.Boxes.AP, "AP");
                }
            }
            finally
            {
                ComputePlan.EmulatedBFloat16Allowed = false;
                trained.Compute = new ComputeOptions();
            }
        }
    }
}
