using System;

namespace Microsoft.ML.MaskRcnn.Experiments
{
    /// <summary>How an experiment picks the next configuration.</summary>
    public enum SearchStrategy
    {
        /// <summary>Independent draws (seeded); a discrete space is not visited twice.</summary>
        Random,

        /// <summary>Every combination of choices and range grid points, in order.</summary>
        Grid,
    }

    /// <summary>The validation metric an experiment maximises.</summary>
    public enum ExperimentMetric
    {
        /// <summary>Mask AP at IoU 0.50:0.95 (COCO's headline segmentation figure).</summary>
        MaskAP,

        /// <summary>Mask AP at IoU 0.50.</summary>
        MaskAP50,

        /// <summary>Box AP at IoU 0.50:0.95.</summary>
        BoxAP,

        /// <summary>Box AP at IoU 0.50.</summary>
        BoxAP50,
    }

    /// <summary>Budget and strategy of an <see cref="InstanceSegmentationExperiment"/>.</summary>
    public sealed class ExperimentSettings
    {
        /// <summary>The options varied and their values.</summary>
        public SearchSpace SearchSpace { get; set; } = new();

        /// <summary>Random or grid search.</summary>
        public SearchStrategy Strategy { get; set; } = SearchStrategy.Random;

        /// <summary>
        /// Wall-clock budget. No trial starts after it is spent, and a running trial is stopped at the deadline
        /// (recorded as <see cref="TrialStatus.TimedOut"/>).
        /// </summary>
        public TimeSpan MaxExperimentTime { get; set; } = TimeSpan.FromMinutes(30);

        /// <summary>The most trials to run; 0 means until the budget is spent or the grid is done.</summary>
        public int MaxTrials { get; set; }

        /// <summary>Seed of random search.</summary>
        public int Seed { get; set; }

        /// <summary>The metric that ranks trials.</summary>
        public ExperimentMetric OptimizingMetric { get; set; } = ExperimentMetric.MaskAP;

        internal void Validate()
        {
            if (SearchSpace is null) throw new ArgumentException("ExperimentSettings.SearchSpace is required.", nameof(SearchSpace));
            if (MaxExperimentTime <= TimeSpan.Zero)
                throw new ArgumentException($"ExperimentSettings.MaxExperimentTime must be positive, got {MaxExperimentTime}.", nameof(MaxExperimentTime));
            if (MaxTrials < 0) throw new ArgumentException($"ExperimentSettings.MaxTrials must not be negative, got {MaxTrials}.", nameof(MaxTrials));
            if (!Enum.IsDefined(Strategy)) throw new ArgumentException($"ExperimentSettings.Strategy {Strategy} is unknown.", nameof(Strategy));
            if (!Enum.IsDefined(OptimizingMetric))
                throw new ArgumentException($"ExperimentSettings.OptimizingMetric {OptimizingMetric} is unknown.", nameof(OptimizingMetric));
        }
    }
}
