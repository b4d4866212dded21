using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.ML.MaskRcnn.Training;

namespace Microsoft.ML.MaskRcnn.Experiments
{
    /// <summary>How a trial ended.</summary>
    public enum TrialStatus
    {
        /// <summary>Trained and evaluated.</summary>
        Succeeded,

        /// <summary>Threw: invalid option combination, diverged, out of memory...; see <see cref="TrialResult.Error"/>.</summary>
        Failed,

        /// <summary>Stopped by the experiment's deadline or cancellation before it finished.</summary>
        TimedOut,
    }

    /// <summary>One configuration tried by an experiment and how it did.</summary>
    public sealed class TrialResult
    {
        internal TrialResult(int index, IReadOnlyDictionary<string, object?> parameters, TrialStatus status, double metric,
                             ModelEvaluationResult? evaluation, TimeSpan duration, Exception? error)
        {
            Index = index;
            Parameters = parameters;
            Status = status;
            Metric = metric;
            Evaluation = evaluation;
            Duration = duration;
            Error = error;
        }

        /// <summary>0-based position in the experiment.</summary>
        public int Index { get; }

        /// <summary>The option values of this trial, by option path.</summary>
        public IReadOnlyDictionary<string, object?> Parameters { get; }

        /// <summary>How it ended.</summary>
        public TrialStatus Status { get; }

        /// <summary>The optimising metric on the validation set; NaN unless <see cref="Status"/> is Succeeded.</summary>
        public double Metric { get; }

        /// <summary>The full validation COCO metrics of a successful trial.</summary>
        public ModelEvaluationResult? Evaluation { get; }

        /// <summary>Training plus evaluation time.</summary>
        public TimeSpan Duration { get; }

        /// <summary>Why a trial failed (or the cancellation that stopped it).</summary>
        public Exception? Error { get; }

        /// <summary>One line: index, parameters, status and metric.</summary>
        public override string ToString()
        {
            var parameters = string.Join(", ", Parameters.Select(p => $"{p.Key}={OptionPath.Describe(p.Value)}"));
            string outcome = Status switch
            {
                TrialStatus.Succeeded => $"metric={Metric.ToString("F4", CultureInfo.InvariantCulture)}",
                TrialStatus.Failed => $"failed: {Error?.Message}",
                _ => "timed out",
            };
            return $"trial {Index} [{parameters}] {outcome} ({Duration.TotalSeconds:F0} s)";
        }
    }

    /// <summary>All trials of an experiment and the best model.</summary>
    public sealed class ExperimentResult<TModel>
    {
        internal ExperimentResult(IReadOnlyList<TrialResult> trials, TrialResult? bestTrial, TModel? bestModel)
        {
            Trials = trials;
            BestTrial = bestTrial;
            BestModel = bestModel;
        }

        /// <summary>Every trial in the order run, failures and time-outs included.</summary>
        public IReadOnlyList<TrialResult> Trials { get; }

        /// <summary>The successful trial with the highest metric (the first on ties); null when none succeeded.</summary>
        public TrialResult? BestTrial { get; }

        /// <summary>The model trained by <see cref="BestTrial"/>; the other trials' models are disposed.</summary>
        public TModel? BestModel { get; }
    }
}
