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
    /// by ./build.sh main) on its 100 held-out images (the embedded shapes of seed 1,000,001). "--set dataset=pennfudan":
    /// a Penn-Fudan model trained here first (the training-pennfudan recipe, 300 steps, about 8 minutes) on its 34
    /// validation photos (split 0.2, seed 7). Where the CPU has no native bfloat16 the bfloat16 variant runs emulated (slow;
    /// the same roundings of inputs and weights to bfloat16, sums in float32 either way), and the suite says so.
    /// Settings: dataset (main-job, pennfudan), model (a model zip, main-job), images (held-out count, main-job: 100),
    /// steps (pennfudan training steps, 300), training ("bfloat16": trains the recipe twice, with float32 and with
    /// ComputeOptions.TrainingPrecision bfloat16, same seed, and compares the two models' float32 metrics and training times;
    /// target: mask AP within 0.01. Penn-Fudan's recipe trains its batch norms; with dataset=main-job it is the main job's
    /// recipe, fine-tuning ML.NET's ImageNet ResNet-18 with frozen norms, on 2,000 embedded-shapes images of seed 1).
    /// </summary>
    public sealed class ComputeAccuracyBenchmark : IBenchmarkSuite
    {
        public string Name => "compute-accuracy";

        public string Description => "held-out mask/box AP per compute option (folded, contiguous, bfloat16) vs float32: the main job's model, or Penn-Fudan (--set dataset=pennfudan)";

        public void Run(BenchmarkOptions options)
        {
            string modelPath = Path.Combine(RepositoryPaths.Root, "out", "main-job", "model.zip");
            string dataset = "main-job";
            int images = 100, steps = 300;
            bool bfloat16Training = false;
            foreach (var (name, value) in options.Settings)
            {
                if (name == "model") modelPath = Path.GetFullPath(value);
                else if (name == "dataset" && value is "main-job" or "pennfudan") dataset = value;
                else if (name == "images" && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out images) && images > 0) { }
                else if (name == "steps" && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out steps) && steps > 0) { }
                else if (name == "training" && value is "float32" or "bfloat16") bfloat16Training = value == "bfloat16";
                else throw new ArgumentException($"compute-accuracy takes --set dataset=main-job|pennfudan, --set model=ZIP, --set images=N, --set steps=N and --set training=float32|bfloat16; got {name}={value}.");
            }
            torch.set_num_threads(options.Threads);
            if (dataset == "pennfudan")
            {
                RunPennFudan(options.Threads, steps, bfloat16Training);
                return;
            }
            if (bfloat16Training)
            {
                TrainMainJobRecipeTwice(options.Threads, images);
                return;
            }
            if (!File.Exists(modelPath))
            {
                Console.WriteLine($"SKIP compute-accuracy: no model at {modelPath} (run ./build.sh main first, or --set model=ZIP)");
                return;
            }
            var ml = new MLContext(seed: 0);
            using var chain = (TransformerChain<ITransformer>)ml.Model.Load(modelPath, out _);
            var trained = ((MaskRcnnTransformer)chain.LastTransformer).Model;
            // The main job's held-out images: its seed 1 plus 1,000,000, default shapes.
            CompareVariants("main_job", trained, new SyntheticShapesDataset(images, seed: 1_000_001));
        }

        private static void RunPennFudan(int threads, int steps, bool bfloat16Training)
        {
            string root = Path.Combine(RepositoryPaths.SharedData, "penn-fudan");
            if (!Directory.Exists(root))
            {
                Console.WriteLine($"SKIP compute-accuracy pennfudan: the Penn-Fudan folder is not found: {root} (it lives beside the repository in ../shared/data).");
                return;
            }
            var all = new InstanceMaskFolderDataset(Path.Combine(root, "PNGImages"), Path.Combine(root, "PedMasks"),
                new InstanceMaskFolderOptions { MaskSuffix = "_mask.png", CategoryNames = new[] { "person" } });
            var (train, validation) = all.Split(0.2, seed: 7);
            var recipe = TrainingRecipes.PennFudan(threads, steps);
            Console.WriteLine($"INFO pennfudan: training {steps} steps of {recipe.BatchSize} on {train.Count} images (TrainingRecipes.PennFudan)");
            var watch = Stopwatch.StartNew();
            using var trained = new MaskRcnnTrainer(recipe).Train(train).Model;
            double seconds = watch.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"INFO pennfudan: trained in {seconds:F0} s; {validation.Count} validation images"));
            var float32 = CompareVariants("pennfudan", trained, validation);
            if (bfloat16Training) CompareTrainingPrecision("pennfudan", () => TrainingRecipes.PennFudan(threads, steps), train, validation, float32, seconds);
        }

        // The main job's recipe and data in this process (its pipeline reads the same images from PNG files), float32 first.
        private static void TrainMainJobRecipeTwice(int threads, int heldOutImages)
        {
            MaskRcnnTrainerOptions Recipe()
            {
                var recipe = MaskRcnnTrainerOptions.EmbeddedShapesPretrained();
                recipe.Threads = threads;
                recipe.Seed = 1;
                return recipe;
            }
            var train = new SyntheticShapesDataset(2000, seed: 1);
            var heldOut = new SyntheticShapesDataset(heldOutImages, seed: 1_000_001);
            Console.WriteLine($"INFO main_job: training the main job's recipe ({Recipe().MaxSteps} steps from ML.NET's ImageNet ResNet-18) on {train.Count} images");
            var watch = Stopwatch.StartNew();
            using var trained = new MaskRcnnTrainer(Recipe()).Train(train).Model;
            double seconds = watch.Elapsed.TotalSeconds;
            var float32 = ModelEvaluation.Evaluate(trained, heldOut);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"INFO main_job float32 training: trained in {seconds:F0} s; mask AP {float32.Masks.AP:F4} AP50 {float32.Masks.AP50:F4}, box AP {float32.Boxes.AP:F4} AP50 {float32.Boxes.AP50:F4}"));
            CompareTrainingPrecision("main_job", Recipe, train, heldOut, float32, seconds);
        }

        /// <summary>
        /// The same recipe and seed trained with bfloat16 training, evaluated in float32 like the float32-trained model
        /// (<paramref name="float32"/>, trained in <paramref name="float32Seconds"/>).
        /// </summary>
        private static void CompareTrainingPrecision(string caseName, Func<MaskRcnnTrainerOptions> newRecipe, InstanceSegmentationDataset train,
                                                     InstanceSegmentationDataset validation, ModelEvaluationResult float32, double float32Seconds)
        {
            bool native = ComputeOptions.HasNativeBFloat16(torch.CPU);
            var recipe = newRecipe();
            recipe.Compute.TrainingPrecision = ComputePrecision.BFloat16;
            Console.WriteLine($"INFO {caseName}: training again with bfloat16 training" + (native ? "" : " (emulated here: its accuracy is native bfloat16's, its time is not)"));
            ComputePlan.EmulatedBFloat16Allowed = !native;
            try
            {
                var watch = Stopwatch.StartNew();
                using var trained = new MaskRcnnTrainer(recipe).Train(train).Model;
                double seconds = watch.Elapsed.TotalSeconds;
                var result = ModelEvaluation.Evaluate(trained, validation);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"INFO {caseName} bfloat16 training: trained in {seconds:F0} s; mask AP {result.Masks.AP:F4} AP50 {result.Masks.AP50:F4}, box AP {result.Boxes.AP:F4} AP50 {result.Boxes.AP50:F4}"));
                BenchmarkReport.Result($"{caseName}_mask_ap_bfloat16_training", result.Masks.AP, float32.Masks.AP, "AP");
                BenchmarkReport.Result($"{caseName}_box_ap_bfloat16_training", result.Boxes.AP, float32.Boxes.AP, "AP");
                BenchmarkReport.Result($"{caseName}_train_seconds_bfloat16_training" + (native ? "" : "_emulated"), seconds, float32Seconds, "s");
            }
            finally
            {
                ComputePlan.EmulatedBFloat16Allowed = false;
            }
        }

        /// <summary>
        /// Evaluates <paramref name="trained"/> under each variant and prints RESULT lines against the first (float32), whose
        /// result it returns.
        /// </summary>
        private static ModelEvaluationResult CompareVariants(string caseName, TrainedMaskRcnn trained, InstanceSegmentationDataset heldOut)
        {
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
                    double perImage = watch.Elapsed.TotalSeconds / heldOut.Count;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"INFO {caseName} {variant}: mask AP {result.Masks.AP:F4} AP50 {result.Masks.AP50:F4}, box AP {result.Boxes.AP:F4} AP50 {result.Boxes.AP50:F4}, {perImage * 1000:F0} ms per image (precision {trained.EffectiveInferencePrecision})"));
                    if (reference is null)
                    {
                        reference = result;
                        continue;
                    }
                    BenchmarkReport.Result($"{caseName}_mask_ap_{variant}", result.Masks.AP, reference.Masks.AP, "AP");
                    BenchmarkReport.Result($"{caseName}_box_ap_{variant}", result.Boxes.AP, reference.Boxes.AP, "AP");
                }
                return reference!;
            }
            finally
            {
                ComputePlan.EmulatedBFloat16Allowed = false;
                trained.Compute = new ComputeOptions();
            }
        }
    }
}
