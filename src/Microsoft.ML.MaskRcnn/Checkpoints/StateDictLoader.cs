using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Checkpoints
{
    /// <summary>
    /// Loads a state dict (for example one read by <see cref="PyTorchCheckpoint.ReadStateDict"/>) into a TorchSharp
    /// module whose field names follow PyTorch's, and reports entry by entry what happened.
    /// </summary>
    public static class StateDictLoader
    {
        /// <summary>
        /// Copies every entry of <paramref name="stateDict"/> whose name and shape match an entry of
        /// <paramref name="module"/>'s <c>state_dict()</c> into the module's own tensor, under <c>torch.no_grad()</c>,
        /// so parameters keep their identity (optimizers holding them stay valid) and their device. Element types are
        /// converted to the module's as PyTorch's <c>load_state_dict</c> does (a float64 checkpoint into a float32 module,
        /// an int32 <c>num_batches_tracked</c> into the module's int64 buffer); such entries are listed in
        /// <see cref="StateDictLoadReport.ConvertedKeys"/>. The state dict's tensors are only read, never kept.
        /// </summary>
        /// <param name="module">The module to load into.</param>
        /// <param name="stateDict">Names to tensors, as PyTorch names them.</param>
        /// <param name="options">Strictness and prefixes to skip; by default non-strict, nothing skipped.</param>
        /// <returns>What was loaded, missing, unexpected, mismatched in shape, converted and skipped.</returns>
        /// <exception cref="StateDictLoadException">
        /// <see cref="StateDictLoadOptions.Strict"/> is set and there is any problem; the module is left unchanged.
        /// </exception>
        public static StateDictLoadReport Load(nn.Module module, IReadOnlyDictionary<string, Tensor> stateDict, StateDictLoadOptions? options = null)
        {
            ArgumentNullException.ThrowIfNull(module);
            ArgumentNullException.ThrowIfNull(stateDict);
            options ??= new StateDictLoadOptions();
            bool Skipped(string key) => options.SkipPrefixes.Any(prefix => key.StartsWith(prefix, StringComparison.Ordinal));

            var target = module.state_dict();
            var plan = new List<(string key, Tensor destination, Tensor source)>();
            var missing = new List<string>();
            var mismatches = new List<StateDictShapeMismatch>();
            var skipped = new List<string>();
            foreach (var (key, destination) in target)
            {
                if (Skipped(key)) skipped.Add(key);
                else if (!stateDict.TryGetValue(key, out var source)) missing.Add(key);
                else
                {
                    var expected = destination.shape;
                    var found = source.shape;
                    if (expected.SequenceEqual(found)) plan.Add((key, destination, source));
                    else mismatches.Add(new StateDictShapeMismatch(key, expected, found));
                }
            }
            var unexpected = new List<string>();
            foreach (var key in stateDict.Keys)
            {
                if (target.ContainsKey(key)) continue;
                if (Skipped(key)) skipped.Add(key);
                else unexpected.Add(key);
            }
            var converted = plan.Where(p => p.destination.dtype != p.source.dtype).Select(p => p.key).ToList();
            var report = new StateDictLoadReport(plan.Select(p => p.key).ToList(), converted, missing, unexpected, mismatches, skipped);
            if (options.Strict && !report.IsComplete) throw new StateDictLoadException(report);

            using (torch.no_grad())
            {
                foreach (var (_, destination, source) in plan) destination.copy_(source);
            }
            return report;
        }

        /// <summary>
        /// Reads the state dict of the checkpoint at <paramref name="checkpointPath"/> (see
        /// <see cref="PyTorchCheckpoint.ReadStateDict"/>), loads it into <paramref name="module"/> as
        /// <see cref="Load(nn.Module, IReadOnlyDictionary{string, Tensor}, StateDictLoadOptions?)"/> does, and releases the
        /// checkpoint's tensors.
        /// </summary>
        /// <exception cref="CheckpointFormatException">The file is not a readable checkpoint or holds no state dict.</exception>
        /// <exception cref="StateDictLoadException">A strict load found problems; the module is left unchanged.</exception>
        public static StateDictLoadReport Load(nn.Module module, string checkpointPath, StateDictLoadOptions? options = null)
        {
            using var stateDict = PyTorchCheckpoint.ReadStateDict(checkpointPath);
            return Load(module, stateDict, options);
        }
    }
}
