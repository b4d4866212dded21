using System;

namespace Microsoft.ML
{
    /// <summary>The names of an output column and the input column it is computed from.</summary>
    public sealed class InputOutputColumnPair
    {
        /// <summary>The output column.</summary>
        public string OutputColumnName { get; }

        /// <summary>The input column (the output column's name when not given).</summary>
        public string InputColumnName { get; }

        /// <summary>Pairs <paramref name="outputColumnName"/> with <paramref name="inputColumnName"/>.</summary>
        public InputOutputColumnPair(string outputColumnName, string inputColumnName = null)
        {
            if (string.IsNullOrEmpty(outputColumnName)) throw new ArgumentException("must be non-empty", nameof(outputColumnName));
            OutputColumnName = outputColumnName;
            InputColumnName = inputColumnName ?? outputColumnName;
        }
    }
}
