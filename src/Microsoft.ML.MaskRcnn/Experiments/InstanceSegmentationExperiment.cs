using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Training;

namespace Microsoft.ML.MaskRcnn.Experiments
{
    /// <summary>
    /// An AutoML-style sweep over <see cref="MaskRcnnTrainerOptions"/>: trains one model per configuration drawn from a
    /// <see cref="SearchSpace"/> within a time budget, scores each on a validation set and keeps the best. A trial that
    /// throws is recorded as failed and the sweep goes on; trials are reported through <see cref="TrialCompleted"/>
    /// as they finish.
    /// </summary>
    public sealed class InstanceSegmentationExperiment
    {
        private readonly MaskRcnnTrainerOptions baseOptions;
        private readonly ExperimentSettings settings;
        private readonly Dictionary<string, OptionPath> options;

        /// <summary>
        /// Checks the settings and that every option of the search space exists on <paramref name="baseOptions"/> and
        /// accepts every listed value (an <see cref="ArgumentException"/> names the option otherwise).
        /// </summary>
        public InstanceSegmentationExperiment(MaskRcnnTrainerOptions baseOptions, ExperimentSettings settings)
        {
            ArgumentNullException.ThrowIfNull(baseOptions);
            ArgumentNullException.ThrowIfNull(settings);
            settings.Validate();
            if (settings.SearchSpace.Dimensions.Count == 0)
                throw new ArgumentException("The search space is empty: add at least one option to vary.", nameof(settings));
            options = new Dictionary<string, OptionPath>();
            foreach (var dimension in settings.SearchSpace.Dimensions)
            {
                var path = OptionPath.Parse(dimension.Option);
                foreach (var value in dimension.GridValues()) path.Convert(value);
                options[dimension.Option] = path;
            }
            this.baseOptions = baseOptions.Clone();
            this.settings = settings;
        }

        /// <summary>Raised after each trial (succeeded, failed or timed out).</summary>
        public event EventHandler<TrialResult>? TrialCompleted;

        /// <summary>
        /// Runs the sweep with <see cref="MaskRcnnTrainer"/> on <paramref name="training"/>, scoring each trial on
        /// <paramref name="validation"/>. Cancellation ends the sweep early and returns what finished.
        /// </summary>
        public ExperimentResult<TrainedMaskRcnn> Execute(InstanceSegmentationDataset training, InstanceSegmentationDataset validation,
                                                         CancellationToken cancellation = default)
        {
            ArgumentNullException.ThrowIfNull(training);
            ArgumentNullException.ThrowIfNull(validation);
            return Execute((trialOptions, token) =>
            {
                var result = new MaskRcnnTrainer(trialOptions).Train(training, null, token);
                if (result.Cancelled)
                {
                    result.Model.Dispose();
                    throw new OperationCanceledException(token);
                }
                try
                {
                    return (result.Model, ModelEvaluation.Evaluate(result.Model, validation));
                }
                catch
                {
                    result.Model.Dispose();
                    throw;
                }
            }, cancellation);
        }

        /// <summary>
        /// Runs the sweep with a caller-supplied trial: <paramref name="runTrial"/> trains with the given options
        /// (stopping when the token fires) and returns the model and its validation metrics. Models that are not the
        /// best are disposed when they implement <see cref="IDisposable"/>.
        /// </summary>
        public ExperimentResult<TModel> Execute<TModel>(Func<MaskRcnnTrainerOptions, CancellationToken, (TModel Model, ModelEvaluationResult Evaluation)> runTrial,
                                                        CancellationToken cancellation = default)
        {
            ArgumentNullException.ThrowIfNull(runTrial);
            var clock = Stopwatch.StartNew();
            var trials = new List<TrialResult>();
            TrialResult? best = null;
            TModel? bestModel = default;
            foreach (var configuration in ConfigurationSampler.Enumerate(settings.SearchSpace, settings.Strategy, settings.Seed))
            {
                var remaining = settings.MaxExperimentTime - clock.Elapsed;
                if (cancellation.IsCancellationRequested || remaining <= TimeSpan.Zero) break;
                if (settings.MaxTrials > 0 && trials.Count >= settings.MaxTrials) break;

                var (trial, model) = RunTrial(trials.Count, configuration, runTrial, remaining, cancellation);
                trials.Add(trial);
                if (trial.Status == TrialStatus.Succeeded && (best is null || trial.Metric > best.Metric))
                {
                    (bestModel as IDisposable)?.Dispose();
                    best = trial;
                    bestModel = model;
                }
                else
                {
                    (model as IDisposable)?.Dispose();
                }
                TrialCompleted?.Invoke(this, trial);
                // A trial's deadline is the experiment's: once it fires the budget is spent, even when the timer fired
                // a fraction of a millisecond before the experiment clock says so.
                if (trial.Status == TrialStatus.TimedOut) break;
            }
            return new ExperimentResult<TModel>(trials, best, bestModel);
        }

        private (TrialResult Trial, TModel? Model) RunTrial<TModel>(int index, IReadOnlyDictionary<string, object?> configuration,
            Func<MaskRcnnTrainerOptions, CancellationToken, (TModel Model, ModelEvaluationResult Evaluation)> runTrial,
            TimeSpan remaining, CancellationToken cancellation)
        {
            var watch = Stopwatch.StartNew();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            deadline.CancelAfter(remaining);
            try
            {
                var trialOptions = OptionsFor(index, configuration);
                var (model, evaluation) = runTrial(trialOptions, deadline.Token);
                if (deadline.IsCancellationRequested)
                {
                    (model as IDisposable)?.Dispose();
                    return (new TrialResult(index, configuration, TrialStatus.TimedOut, double.NaN, null, watch.Elapsed, null), default);
                }
                double metric = Score(evaluation);
                return (new TrialResult(index, configuration, TrialStatus.Succeeded, metric, evaluation, watch.Elapsed, null), model);
            }
            catch (OperationCanceledException e) when (deadline.IsCancellationRequested)
            {
                return (new TrialResult(index, configuration, TrialStatus.TimedOut, double.NaN, null, watch.Elapsed, e), default);
            }
            catch (Exception e)
            {
                return (new TrialResult(index, configuration, TrialStatus.Failed, double.NaN, null, watch.Elapsed, e), default);
            }
        }

        private MaskRcnnTrainerOptions OptionsFor(int index, IReadOnlyDictionary<string, object?> configuration)
        {
            var trialOptions = baseOptions.Clone();
            foreach (var (option, value) in configuration) options[option].Apply(trialOptions, value);
            if (trialOptions.CheckpointDirectory is not null)
                trialOptions.CheckpointDirectory = Path.Combine(trialOptions.CheckpointDirectory, $"trial-{index}");
            trialOptions.Validate();
            return trialOptions;
        }

        private double Score(ModelEvaluationResult evaluation) => settings.OptimizingMetric switch
        {
            ExperimentMetric.MaskAP => evaluation.Masks.AP,
            ExperimentMetric.MaskAP50 => evaluation.Masks.AP50,
            ExperimentMetric.BoxAP => evaluation.Boxes.AP,
            _ => evaluation.Boxes.AP50,
        };
    }
}
