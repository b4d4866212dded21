using System;
using System.Globalization;
using System.IO;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Training;

namespace MaskRcnn.MainJob
{
    /// <summary>What the main job does, from its command line (every setting has a default).</summary>
    public sealed class MainJobSettings
    {
        /// <summary>Where the data, model, metrics and pictures go.</summary>
        public string OutputDirectory { get; set; } = Path.GetFullPath(Path.Combine("out", "main-job"));

        /// <summary>Training images generated from the embedded dataset.</summary>
        public int TrainImages { get; set; } = 2000;

        /// <summary>Held-out images (a different seed) for the metrics.</summary>
        public int TestImages { get; set; } = 100;

        /// <summary>How many held-out images get an overlay picture.</summary>
        public int Overlays { get; set; } = 8;

        /// <summary>Training steps; 0 keeps the recipe's.</summary>
        public int Steps { get; set; }

        /// <summary>CPU threads for libtorch.</summary>
        public int Threads { get; set; } = Environment.ProcessorCount;

        /// <summary>Seed of the data and of training.</summary>
        public int Seed { get; set; } = 1;

        /// <summary>Whether the backbone starts from ML.NET's ImageNet ResNet-18 (the default) or from random weights.</summary>
        public bool Pretrained { get; set; } = true;

        /// <summary>
        /// The recipe: the small-machine preset tuned for the embedded dataset's 160 x 128 images, on the ImageNet backbone
        /// (800 steps) or from scratch (3,000 steps).
        /// </summary>
        public MaskRcnnTrainerOptions TrainerOptions()
        {
            var options = Pretrained ? MaskRcnnTrainerOptions.EmbeddedShapesPretrained() : MaskRcnnTrainerOptions.EmbeddedShapes();
            if (Steps > 0) options.MaxSteps = Steps;
            options.Threads = Threads;
            options.Seed = Seed;
            return options;
        }

        /// <summary>The embedded dataset's image settings.</summary>
        public SyntheticShapesOptions ImageOptions() => new();

        public const string Usage =
            "usage: MaskRcnn.MainJob [--out DIR] [--train N] [--test N] [--overlays N] [--steps N] [--threads N] [--seed N] [--start pretrained|scratch] [--quick]\n" +
            "  trains Mask R-CNN on the embedded shapes dataset (backbone from ML.NET's ImageNet ResNet-18, or --start scratch), evaluates it on held-out images, saves and reloads the\n" +
            "  model zip, and writes overlay pictures and metrics.json (default folder out/main-job).\n" +
            "  --quick: a smoke run (a few images and steps) that exercises every stage in seconds.";

        /// <summary>Parses the command line; an unknown or malformed argument is an <see cref="ArgumentException"/> naming it.</summary>
        public static MainJobSettings Parse(string[] args)
        {
            var settings = new MainJobSettings();
            for (int i = 0; i < args.Length; i++)
            {
                string name = args[i];
                string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"Argument {name} needs a value.");
                int Count(int min)
                {
                    string text = Value();
                    if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) || n < min)
                        throw new ArgumentException($"Argument {name} needs an integer of at least {min}, got '{text}'.");
                    return n;
                }
                switch (name)
                {
                    case "--out": settings.OutputDirectory = Path.GetFullPath(Value()); break;
                    case "--train": settings.TrainImages = Count(1); break;
                    case "--test": settings.TestImages = Count(1); break;
                    case "--overlays": settings.Overlays = Count(0); break;
                    case "--steps": settings.Steps = Count(1); break;
                    case "--threads": settings.Threads = Count(1); break;
                    case "--seed": settings.Seed = Count(0); break;
                    case "--start":
                        string start = Value();
                        settings.Pretrained = start switch
                        {
                            "pretrained" => true,
                            "scratch" => false,
                            _ => throw new ArgumentException($"Argument --start needs 'pretrained' or 'scratch', got '{start}'."),
                        };
                        break;
                    case "--quick":
                        settings.TrainImages = 16; settings.TestImages = 6; settings.Overlays = 2; settings.Steps = 4;
                        break;
                    default: throw new ArgumentException($"Unknown argument '{name}'.\n{Usage}");
                }
            }
            return settings;
        }
    }
}
