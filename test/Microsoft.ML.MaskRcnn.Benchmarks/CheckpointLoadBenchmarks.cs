using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Microsoft.ML.MaskRcnn.Checkpoints;
using Microsoft.ML.MaskRcnn.Modeling;
using Microsoft.ML.MaskRcnn.TestUtilities;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Benchmarks
{
    /// <summary>
    /// Loading torchvision's maskrcnn_resnet50_fpn state dict (about 170 MB, written by torch.save in Debian's PyTorch
    /// 1.13 through test/reference/checkpoint_reference.py) into a <see cref="MaskRcnnModel"/>: our reader
    /// (<see cref="StateDictLoader"/>) against TorchSharp.PyBridge 1.4.4's <c>load_py</c>, in the same process, rounds
    /// alternating between the two sides, strict on both. Why the product keeps its reader: docs/architecture.md (issue 16).
    /// </summary>
    public sealed class CheckpointLoadBenchmarks : IBenchmarkSuite
    {
        private const int Rounds = 5;

        public string Name => "checkpoint-load";

        public string Description => "torchvision R50-FPN .pth into MaskRcnnModel: our reader vs TorchSharp.PyBridge (issue 16)";

        public void Run(BenchmarkOptions options)
        {
            torch.set_num_threads(options.Threads);
            string path = Path.Combine(PythonReference.Run("checkpoint_reference.py", "maskrcnn"), "maskrcnn.pth");
            Console.WriteLine(FormattableString.Invariant(
                $"INFO checkpoint {path} ({new FileInfo(path).Length / 1e6:F1} MB); reference = TorchSharp.PyBridge 1.4.4 load_py (not Python)"));

            // weights=None builds BatchNorm2d (with num_batches_tracked), so the model does too; every key must load.
            var modelOptions = new MaskRcnnOptions { NumClasses = 91, BackboneDepth = 50, BackboneNormalization = BackboneNormalization.BatchNorm, TrainableBackboneStages = 5 };
            using var ours = new MaskRcnnModel(modelOptions);
            using var bridge = new MaskRcnnModel(modelOptions);
            void LoadOurs() => StateDictLoader.Load(ours, path, new StateDictLoadOptions { Strict = true });
            void LoadBridge() => bridge.load_py(path, strict: true);

            // One unmeasured load each (JIT, page cache), then alternating rounds so drift in the machine's load hits both.
            LoadOurs();
            LoadBridge();
            var oursSeconds = new List<double>();
            var bridgeSeconds = new List<double>();
            for (int round = 0; round < Rounds; round++)
            {
                oursSeconds.Add(Seconds(LoadOurs));
                bridgeSeconds.Add(Seconds(LoadBridge));
            }
            Console.WriteLine(FormattableString.Invariant(
                $"INFO checkpoint_load_r50_fpn rounds ours=[{string.Join(", ", oursSeconds.Select(s => s.ToString("F3")))}] pybridge=[{string.Join(", ", bridgeSeconds.Select(s => s.ToString("F3")))}] s"));

            CompareStates(ours, bridge);
            BenchmarkReport.Result("checkpoint_load_r50_fpn", Median(oursSeconds), Median(bridgeSeconds), "s");
        }

        /// <summary>Whether both loads left bitwise-identical tensors in every state-dict entry.</summary>
        private static void CompareStates(nn.Module ours, nn.Module bridge)
        {
            var theirs = bridge.state_dict();
            int differing = 0, total = 0;
            foreach (var (key, tensor) in ours.state_dict())
            {
                total++;
                if (!theirs.TryGetValue(key, out var other) || tensor.dtype != other.dtype || !tensor.shape.SequenceEqual(other.shape) || !tensor.Equals(other))
                {
                    if (differing++ < 5) Console.WriteLine($"INFO checkpoint_load_r50_fpn differs: {key}");
                }
            }
            Console.WriteLine($"INFO checkpoint_load_r50_fpn equality: {total - differing} of {total} state-dict tensors bitwise identical between the two loads");
        }

        private static double Seconds(Action action)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var watch = Stopwatch.StartNew();
            action();
            return watch.Elapsed.TotalSeconds;
        }

        private static double Median(List<double> values)
        {
            var sorted = values.OrderBy(v => v).ToList();
            return sorted[sorted.Count / 2];
        }
    }
}
