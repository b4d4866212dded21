using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Microsoft.ML.MaskRcnn.Checkpoints
{
    /// <summary>What <see cref="StateDictLoader.Load(TorchSharp.torch.nn.Module, IReadOnlyDictionary{string, TorchSharp.torch.Tensor}, StateDictLoadOptions?)"/> did, entry by entry.</summary>
    public sealed class StateDictLoadReport
    {
        internal StateDictLoadReport(IReadOnlyList<string> loaded, IReadOnlyList<string> converted, IReadOnlyList<string> missing,
                                     IReadOnlyList<string> unexpected, IReadOnlyList<StateDictShapeMismatch> mismatches, IReadOnlyList<string> skipped)
        {
            LoadedKeys = loaded;
            ConvertedKeys = converted;
            MissingKeys = missing;
            UnexpectedKeys = unexpected;
            ShapeMismatches = mismatches;
            SkippedKeys = skipped;
        }

        /// <summary>Module entries whose values were copied from the state dict, in the module's order.</summary>
        public IReadOnlyList<string> LoadedKeys { get; }

        /// <summary>Loaded entries whose element type differed and was converted to the module's (for example float64 to float32).</summary>
        public IReadOnlyList<string> ConvertedKeys { get; }

        /// <summary>Module entries the state dict does not have; they keep their current values.</summary>
        public IReadOnlyList<string> MissingKeys { get; }

        /// <summary>State-dict entries the module does not have; they are ignored.</summary>
        public IReadOnlyList<string> UnexpectedKeys { get; }

        /// <summary>Entries on both sides with different shapes; they are not loaded.</summary>
        public IReadOnlyList<StateDictShapeMismatch> ShapeMismatches { get; }

        /// <summary>Entries of either side under a skip prefix (module entries first); left alone.</summary>
        public IReadOnlyList<string> SkippedKeys { get; }

        /// <summary>True when nothing is missing, unexpected or mismatched (skipped entries aside).</summary>
        public bool IsComplete => MissingKeys.Count == 0 && UnexpectedKeys.Count == 0 && ShapeMismatches.Count == 0;

        /// <summary>A summary: the counts, then every problem and skipped entry by name.</summary>
        public override string ToString()
        {
            var text = new StringBuilder();
            text.Append($"{LoadedKeys.Count} loaded ({ConvertedKeys.Count} with a type conversion), {MissingKeys.Count} missing, " +
                        $"{UnexpectedKeys.Count} unexpected, {ShapeMismatches.Count} with another shape, {SkippedKeys.Count} skipped.");
            Append(text, "Missing from the state dict", MissingKeys);
            Append(text, "Not in the module", UnexpectedKeys);
            Append(text, "Shape mismatches", ShapeMismatches.Select(m => m.ToString()).ToList());
            Append(text, "Skipped", SkippedKeys);
            return text.ToString();
        }

        internal string DescribeProblems()
        {
            var text = new StringBuilder();
            Append(text, "Missing from the state dict", MissingKeys);
            Append(text, "Not in the module", UnexpectedKeys);
            Append(text, "Shape mismatches", ShapeMismatches.Select(m => m.ToString()).ToList());
            return text.ToString();
        }

        private static void Append(StringBuilder text, string title, IReadOnlyCollection<string> items)
        {
            if (items.Count == 0) return;
            text.Append(Environment.NewLine).Append(title).Append($" ({items.Count}):");
            foreach (var item in items) text.Append(Environment.NewLine).Append("  ").Append(item);
        }
    }
}
