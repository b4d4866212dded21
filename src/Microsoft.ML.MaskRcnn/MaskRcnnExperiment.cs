using System;
using System.Diagnostics;
using System.Threading;
using Microsoft.ML.MaskRcnn.Experiments;
using Microsoft.ML.MaskRcnn.Training;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.MaskRcnn
{
    /// <summary>
    /// An AutoML-style experiment over <see cref="MaskRcnnEstimator"/> pipelines: each trial fits the estimator with one
    /// configuration of the search space on the training view and scores it with COCO metrics on the validation view
    /// (all detections, whatever the score threshold); the best fitted transformer is returned. Create it with
    /// <see cref="MaskRcnnCatalog.CreateInstanceSegmentationExperiment"/>.
    /// </summary>
    public sealed class MaskRcnnExperiment
    {
        private readonly IHostEnvironment env;
        private readonly MaskRcnnEstimator.Options options;
        private readonly InstanceSegmentationExperiment experiment;

        internal MaskRcnnExperiment(IHostEnvironment env, MaskRcnnEstimator.Options options, ExperimentSettings settings)
        {
            this.env = env;
            options.Validate();
            this.options = options.Clone();
            experiment = new InstanceSegmentationExperiment(options.Trainer, settings);
            experiment.TrialCompleted += (_, trial) => TrialCompleted?.Invoke(this, trial);
        }

        /// <summary>Raised after each trial (succeeded, failed or timed out), in order.</summary>
        public event EventHandler<TrialResult>? TrialCompleted;

        /// <summary>
        /// Runs the trials. A trial that throws (bad option combination, divergence...) is recorded and the sweep goes
        /// on; cancellation ends the sweep and returns the trials that finished. The caller owns (and disposes) the
        /// best transformer; the others are disposed.
        /// </summary>
        public ExperimentResult<MaskRcnnTransformer> Execute(IDataView training, IDataView validation, CancellationToken cancellation = default)
        {
            Contracts.CheckValue(training, nameof(training));
            Contracts.CheckValue(validation, nameof(validation));
            var evaluator = new InstanceSegmentationEvaluator(env, new InstanceSegmentationEvaluator.Columns(
                options.ImageColumnName, options.LabelColumnName, options.BoundingBoxColumnName, options.MaskColumnName,
                options.PredictedLabelColumnName, options.ScoreColumnName, options.PredictedBoundingBoxColumnName, options.PredictedMaskColumnName));
            return experiment.Execute((trainerOptions, token) =>
            {
                var trialOptions = options.Clone();
                trialOptions.Trainer = trainerOptions;
                var transformer = new MaskRcnnEstimator(env, trialOptions).Fit(training, token);
                try
                {
                    if (transformer.TrainingResult?.Cancelled == true) throw new OperationCanceledException(token);
                    var watch = Stopwatch.StartNew();
                    // COCO AP integrates over every detection, so score the trial without the display threshold.
                    double threshold = transformer.ScoreThreshold;
                    transformer.ScoreThreshold = 0;
                    var metrics = evaluator.Evaluate(transformer.Transform(validation));
                    transformer.ScoreThreshold = threshold;
                    return (transformer, new ModelEvaluationResult(metrics.Boxes, metrics.Masks, metrics.ImageCount, watch.Elapsed));
                }
                catch
                {
                    transformer.Dispose();
                    throw;
                }
            }, cancellation);
        }
    }
}
