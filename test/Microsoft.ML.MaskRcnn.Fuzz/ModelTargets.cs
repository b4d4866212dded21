using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using Microsoft.ML.MaskRcnn.Checkpoints;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Modeling;
using Microsoft.ML.MaskRcnn.Training;
using TorchSharp;

namespace Microsoft.ML.MaskRcnn.Fuzz
{
    /// <summary>PyTorch checkpoints, zip (torch.save since 1.6) and legacy formats: the restricted unpickler and the storages.</summary>
    internal sealed class CheckpointTarget : FuzzTarget
    {
        public override string Name => "checkpoint";

        public override string Description => "PyTorchCheckpoint.Read and TakeStateDict (zip and legacy torch.save formats)";

        protected override void Parse(byte[] input)
        {
            string path = ScratchPath(".pth");
            File.WriteAllBytes(path, input);
            using var contents = PyTorchCheckpoint.Read(path);
            using var stateDict = contents.TakeStateDict();
        }

        protected override bool IsContractError(Exception e) => e is CheckpointFormatException;

        /// <summary>
        /// Small state dicts written by Debian's PyTorch (make_checkpoint_seeds.py): the formats come from torch.save
        /// itself. Without /usr/bin/python3 and torch, there are no seeds of this kind.
        /// </summary>
        public override IEnumerable<(string, byte[])> Seeds()
        {
            string script = Path.Combine(AppContext.BaseDirectory, "make_checkpoint_seeds.py");
            string folder = Path.Combine(Path.GetTempPath(), "maskrcnn-checkpoint-seeds-" + Environment.ProcessId);
            Directory.CreateDirectory(folder);
            try
            {
                var start = new ProcessStartInfo("/usr/bin/python3", $"\"{script}\" \"{folder}\"") { RedirectStandardError = true };
                using var python = Process.Start(start)!;
                string errors = python.StandardError.ReadToEnd();
                python.WaitForExit();
                if (python.ExitCode != 0) throw new InvalidOperationException($"make_checkpoint_seeds.py failed: {errors}");
                return Directory.GetFiles(folder).OrderBy(f => f, StringComparer.Ordinal).Select(f => (Path.GetFileName(f), File.ReadAllBytes(f))).ToList();
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    /// <summary>
    /// Saved model zips as mlContext.Model.Load reads them: ML.NET's repository and headers, our model block and the
    /// network options. The weights entry of the seeds is emptied: its SHA-256 is recorded, so any change to it is refused
    /// before parsing (the byte-change test covers it), and 45 MB per input would make the campaign crawl.
    /// </summary>
    internal sealed class ModelZipTarget : FuzzTarget
    {
        public override string Name => "model-zip";

        public override string Description => "MLContext.Model.Load of a zip: ML.NET's repository, MaskRcnnTransformer's model block, options and digests";

        protected override void Parse(byte[] input)
        {
            var model = new MLContext(seed: 1).Model.Load(new MemoryStream(input, writable: false), out _);
            (model as IDisposable)?.Dispose();
        }

        // Judged by the root cause (ML.NET wraps a loader's exception in its own InvalidOperationException, which must not
        // hide a bug): our loader's every refusal is a FormatException; ML.NET refuses an unreadable zip with
        // InvalidDataException (System.IO.Compression's) or FormatException, a zip that is not a model ("Repository
        // doesn't contain entry ...") with an InvalidOperationException thrown by its own assemblies, and a header whose
        // loader assembly name is damaged with the runtime's FileNotFoundException or FileLoadException naming that
        // assembly (ML.NET loads it by name before any loader of ours runs).
        protected override bool IsContractError(Exception e)
        {
            var cause = e;
            while (cause.InnerException is not null) cause = cause.InnerException;
            if (cause is FormatException or InvalidDataException) return true;
            if (cause is FileNotFoundException or FileLoadException) return ThrownResolvingALoaderAssembly(cause);
            string? thrower = cause.TargetSite?.DeclaringType?.Assembly.GetName().Name;
            return cause is InvalidOperationException && thrower is not null && thrower.StartsWith("Microsoft.ML.", StringComparison.Ordinal)
                   && thrower != "Microsoft.ML.MaskRcnn";
        }

        private static bool ThrownResolvingALoaderAssembly(Exception e) =>
            new StackTrace(e).GetFrames().Any(frame => frame.GetMethod() is { Name: "EnsureLoaderAssemblyIsRegistered" } method
                                                      && method.DeclaringType?.FullName == "Microsoft.ML.ModelLoadContext");

        public override IEnumerable<(string, byte[])> Seeds()
        {
            var ml = new MLContext(seed: 1);
            var options = new MaskRcnnOptions
            {
                NumClasses = 3, BackboneDepth = 18, MinSize = 64, MaxSize = 96, FpnChannels = 32, RepresentationSize = 32,
                MaskHeadChannels = 8, MaskHeadLayers = 1,
            };
            using var network = new MaskRcnnModel(options);
            var trained = new TrainedMaskRcnn(network, new CategoryMap(new[] { (1L, "circle"), (2L, "square") }), new torch.Device("cpu"));
            using var transformer = new MaskRcnnTransformer(ml, trained, new[] { "circle", "square" },
                new InstanceOutputColumns("Image", "PredictedLabel", "Score", "PredictedBoundingBoxes", "PredictedMasks"), 0.5, null);
            using var saved = new MemoryStream();
            ml.Model.Save(transformer, null, saved);
            yield return ("no-weights.zip", WithoutWeights(saved.ToArray(), CompressionLevel.Optimal));
            yield return ("no-weights-stored.zip", WithoutWeights(saved.ToArray(), CompressionLevel.NoCompression));
        }

        /// <summary>The zip with the weights entry (TSModel) empty, every other entry as saved.</summary>
        private static byte[] WithoutWeights(byte[] zip, CompressionLevel level)
        {
            using var source = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
            using var target = new MemoryStream();
            using (var archive = new ZipArchive(target, ZipArchiveMode.Create, leaveOpen: true))
                foreach (var entry in source.Entries)
                {
                    using var to = archive.CreateEntry(entry.FullName, level).Open();
                    if (entry.Name == "TSModel") continue;
                    using var from = entry.Open();
                    from.CopyTo(to);
                }
            return target.ToArray();
        }
    }
}
