using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.ML.Data;
using Microsoft.ML.MaskRcnn.Training;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.MaskRcnn
{
    /// <summary>
    /// Trains Mask R-CNN on an ML.NET data view of images with instance labels, boxes and masks (see docs/usage.md for the
    /// column contract) and returns a <see cref="MaskRcnnTransformer"/> that adds predicted labels, scores, boxes and masks.
    /// Created by <see cref="MaskRcnnCatalog.DetectInstances(TransformsCatalog, Options)"/>.
    /// </summary>
    /// <remarks>
    /// <see cref="Fit(IDataView)"/> reads the data view once: each image is written as PNG to a temporary folder below
    /// <c>MLContext.TempFilePath</c> (deleted when Fit returns) and the annotations are kept as RLE, then
    /// <see cref="MaskRcnnTrainer"/> trains with <see cref="Options.Trainer"/>. Progress goes to <c>MLContext.Log</c>.
    /// Classes: with a key label column, key k is class k (K = the key type's cardinality, names from its KeyValues);
    /// with a text label column, the distinct strings sorted ordinally become keys 1..K.
    /// </remarks>
    public sealed partial class MaskRcnnEstimator : IEstimator<MaskRcnnTransformer>
    {
        private readonly IHostEnvironment env;
        private readonly IHost host;
        private readonly Options options;

        internal MaskRcnnEstimator(IHostEnvironment env, Options options)
        {
            this.env = Contracts.CheckRef(env, nameof(env));
            host = env.Register(nameof(MaskRcnnEstimator));
            host.CheckValue(options, nameof(options));
            options.Validate();
            this.options = options.Clone();
        }

        /// <summary>A copy of the options this estimator trains with.</summary>
        public Options GetOptions() => options.Clone();

        /// <summary>
        /// Trains on <paramref name="input"/>. A missing or mistyped column throws <see cref="ArgumentOutOfRangeException"/>
        /// naming it; a bad value (boxes not a multiple of 4, counts that disagree, an undecodable mask, an empty image)
        /// throws <see cref="InvalidDataException"/> naming the column and the row. Cancelling <see cref="Options.Cancellation"/>
        /// stops training after the current step (with a checkpoint when the trainer has a checkpoint folder) and throws an
        /// <see cref="OperationCanceledException"/> saying what was kept; the temporary image folders are removed.
        /// </summary>
        public MaskRcnnTransformer Fit(IDataView input) => Fit(input, CancellationToken.None);

        /// <summary>
        /// <see cref="Fit(IDataView)"/> that stops training after the current step when <paramref name="cancellation"/>
        /// fires; the transformer then holds the partly trained model and <see cref="MaskRcnnTransformer.TrainingResult"/>
        /// says it was cancelled.
        /// </summary>
        internal MaskRcnnTransformer Fit(IDataView input, CancellationToken cancellation)
        {
            host.CheckValue(input, nameof(input));
            var label = CheckInput(input.Schema, out bool isText);
            if (options.ValidationSet is not null) CheckInput(options.ValidationSet.Schema, out _);

            using var ch = host.Start("Fit");
            var columns = new DataViewInstanceDataset.Columns(options.ImageColumnName, options.LabelColumnName, options.BoundingBoxColumnName, options.MaskColumnName);
            ClassSpace classes;
            if (isText) classes = ClassSpace.ForText();
            else
            {
                ulong keyCount = ((KeyDataViewType)((VectorDataViewType)label.Type).ItemType).Count;
                classes = ClassSpace.ForKeys(keyCount, keyCount == 0 ? null : InstanceColumns.GetKeyValues(label, (int)keyCount));
            }

            string temporaryRoot = (env as IHostEnvironmentInternal)?.TempFilePath ?? Path.GetTempPath();
            ch.Info(MessageSensitivity.None, $"Reading the training data (images to a temporary folder below '{temporaryRoot}').");
            using var training = DataViewInstanceDataset.Read(input, columns, classes, temporaryRoot, ch, "training");
            var remap = classes.Close();
            if (training.Count == 0) throw host.Except("The training data has no rows.");
            if (classes.Count == 0)
                throw host.Except($"The training data has no class: column '{options.LabelColumnName}' is empty in every row and its key type has no cardinality.");
            training.Relabel(remap, classes.Names);
            ch.Info(MessageSensitivity.None,
                $"Training data: {Count(training.Count, "image")}, {Count(training.InstanceCount, "instance")}, {Count(classes.Count, "class")} ({string.Join(", ", classes.Names)}).");

            DataViewInstanceDataset? validation = null;
            try
            {
                if (options.ValidationSet is not null)
                {
                    validation = DataViewInstanceDataset.Read(options.ValidationSet, columns, ClassSpace.Fixed(classes.Names), temporaryRoot, ch, "validation");
                    validation.Relabel(null, classes.Names);
                    ch.Info(MessageSensitivity.None, $"Validation data: {Count(validation.Count, "image")}, {Count(validation.InstanceCount, "instance")}.");
                }

                if (options.ResumeFrom is not null)
                {
                    var saved = TrainingCheckpoint.Read(options.ResumeFrom).Categories.Select(c => c.Name).ToArray();
                    if (!saved.SequenceEqual(classes.Names))
                        throw host.Except($"Checkpoint '{options.ResumeFrom}' was trained on the classes ({string.Join(", ", saved)}), " +
                                          $"but the data has ({string.Join(", ", classes.Names)}): resume with the same data.");
                    ch.Info(MessageSensitivity.None, $"Resuming from checkpoint '{options.ResumeFrom}'.");
                }
                var trainerOptions = options.Trainer.Clone();
                trainerOptions.Model.NumClasses = classes.Count + 1;
                trainerOptions.Device = DeviceSelection.Resolve(env, trainerOptions.Device, ch);
                var trainer = new MaskRcnnTrainer(trainerOptions);
                // The user's token (Options.Cancellation) stops training after the current step, writing a checkpoint when
                // there is a folder for one.
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation, options.Cancellation);
                trainer.StepCompleted += (_, e) =>
                {
                    LogStep(ch, e);
                    options.StepProgress?.Report(e);
                };
                trainer.Evaluated += (_, e) =>
                {
                    ch.Info(MessageSensitivity.None, FormattableString.Invariant(
                        $"Validation after step {e.Step}: box AP {e.Result.Boxes.AP:F3} (AP50 {e.Result.Boxes.AP50:F3}), mask AP {e.Result.Masks.AP:F3} (AP50 {e.Result.Masks.AP50:F3})."));
                    options.ValidationProgress?.Report(e);
                };
                trainer.Message += (_, message) => ch.Info(MessageSensitivity.None, message);
                var result = options.ResumeFrom is null
                    ? trainer.Train(training, validation, stop.Token)
                    : trainer.Resume(options.ResumeFrom, training, validation, stop.Token);
                ch.Info(MessageSensitivity.None, FormattableString.Invariant($"Trained {result.Steps} steps in {result.Duration.TotalSeconds:F1} s."));
                if (result.Cancelled && options.Cancellation.IsCancellationRequested)
                {
                    result.Model.Dispose();
                    string kept = result.LastCheckpoint is null
                        ? "no checkpoint was written (set a checkpoint folder to keep one)"
                        : $"the checkpoint '{result.LastCheckpoint}' holds it (resume from it to continue)";
                    throw new OperationCanceledException($"Training was cancelled after step {result.Steps} of {result.TotalSteps}; {kept}.");
                }
                try
                {
                    return new MaskRcnnTransformer(env, result.Model, classes.Names.ToArray(), OutputColumns, options.ScoreThreshold, result);
                }
                catch
                {
                    result.Model.Dispose();
                    throw;
                }
            }
            finally
            {
                validation?.Dispose();
            }
        }

        private InstanceOutputColumns OutputColumns => new(options.ImageColumnName, options.PredictedLabelColumnName, options.ScoreColumnName,
                                                           options.PredictedBoundingBoxColumnName, options.PredictedMaskColumnName);

        // "1 class", "2 classes".
        private static string Count(long n, string noun) =>
            n == 1 ? $"1 {noun}" : $"{n} {noun}{(noun.EndsWith("s", StringComparison.Ordinal) ? "es" : "s")}";

        /// <summary>
        /// The input shape plus the four output columns. Throws <see cref="ArgumentOutOfRangeException"/> naming a missing or
        /// mistyped input column.
        /// </summary>
        public SchemaShape GetOutputSchema(SchemaShape inputSchema)
        {
            host.CheckValue(inputSchema, nameof(inputSchema));
            InstanceColumns.CheckTrainingShape(host, inputSchema, options.ImageColumnName, options.LabelColumnName, options.BoundingBoxColumnName, options.MaskColumnName);
            return OutputColumns.AddOutputShapes(inputSchema);
        }

        private DataViewSchema.Column CheckInput(DataViewSchema schema, out bool isText)
        {
            InstanceColumns.CheckImage(host, schema, options.ImageColumnName);
            var label = InstanceColumns.CheckLabel(host, schema, options.LabelColumnName, out isText);
            InstanceColumns.CheckFloatVector(host, schema, options.BoundingBoxColumnName, InstanceColumns.BoxRole);
            InstanceColumns.CheckTextVector(host, schema, options.MaskColumnName, InstanceColumns.MaskRole);
            return label;
        }

        private void LogStep(IChannel ch, TrainingStepEventArgs e)
        {
            var c = CultureInfo.InvariantCulture;
            string losses = string.Join(", ", e.Losses.Where(kv => kv.Key != "loss").Select(kv => kv.Key + " " + kv.Value.ToString("F4", c)));
            string text = string.Format(c, "Step {0}/{1} (epoch {2}): loss {3:F4} ({4}), learning rate {5:G4}, {6:F2} images/s, ETA {7:hh\\:mm\\:ss}.",
                                        e.Step, e.TotalSteps, e.Epoch + 1, e.Loss, losses, e.LearningRate, e.ImagesPerSecond, e.EstimatedRemaining);
            if (e.Step == 1 || e.Step == e.TotalSteps || e.Step % options.LogEveryNStep == 0) ch.Info(MessageSensitivity.None, text);
            else ch.Trace(MessageSensitivity.None, text);
        }
    }
}
