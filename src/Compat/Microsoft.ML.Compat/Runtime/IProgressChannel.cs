using System;
using System.Collections.Generic;
using System.Linq;

namespace Microsoft.ML.Runtime
{
    /// <summary>Starts progress channels.</summary>
    public interface IProgressChannelProvider
    {
        /// <summary>Starts a channel on which a long operation reports its progress.</summary>
        IProgressChannel StartProgressChannel(string name);
    }

    /// <summary>A channel on which a long operation reports progress and metrics.</summary>
    public interface IProgressChannel : IProgressChannelProvider, IDisposable
    {
        /// <summary>Sets the units and metrics reported, and the action that fills an entry on request.</summary>
        void SetHeader(ProgressHeader header, Action<IProgressEntry> fillAction);

        /// <summary>Reports a checkpoint with the given metric and progress values.</summary>
        void Checkpoint(params Double?[] values);
    }

    /// <summary>One progress report.</summary>
    public interface IProgressEntry
    {
        /// <summary>Sets the progress of unit <paramref name="index"/>.</summary>
        void SetProgress(int index, Double value);

        /// <summary>Sets the progress of unit <paramref name="index"/> and its limit.</summary>
        void SetProgress(int index, Double value, Double lim);

        /// <summary>Sets metric <paramref name="index"/>.</summary>
        void SetMetric(int index, Double value);
    }

    /// <summary>The units and metrics a progress channel reports.</summary>
    public sealed class ProgressHeader
    {
        /// <summary>The names of the metrics.</summary>
        public readonly IReadOnlyList<string> MetricNames;

        /// <summary>The names of the progress units, outermost first.</summary>
        public readonly IReadOnlyList<string> UnitNames;

        /// <summary>A header with metrics and units.</summary>
        public ProgressHeader(string[] metricNames, string[] unitNames)
        {
            MetricNames = (metricNames ?? Array.Empty<string>()).ToArray();
            UnitNames = (unitNames ?? Array.Empty<string>()).ToArray();
        }

        /// <summary>A header with units only.</summary>
        public ProgressHeader(params string[] unitNames)
            : this(null, unitNames)
        {
        }
    }
}
