using System;

namespace Microsoft.ML.MaskRcnn.Checkpoints
{
    /// <summary>A strict load found problems; nothing was copied. <see cref="Report"/> lists them all.</summary>
    public sealed class StateDictLoadException : Exception
    {
        /// <summary>Creates the exception from a report.</summary>
        public StateDictLoadException(StateDictLoadReport report)
            : base($"The state dict does not match the module ({report.MissingKeys.Count} missing, {report.UnexpectedKeys.Count} unexpected, " +
                   $"{report.ShapeMismatches.Count} with another shape); nothing was loaded.{report.DescribeProblems()}")
        {
            Report = report;
        }

        /// <summary>The full comparison, as a non-strict load would have reported it (before loading).</summary>
        public StateDictLoadReport Report { get; }
    }
}
