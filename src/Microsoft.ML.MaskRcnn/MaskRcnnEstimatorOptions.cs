using System;
using Microsoft.ML.MaskRcnn.Training;
using Microsoft.ML.Transforms;

namespace Microsoft.ML.MaskRcnn
{
    public sealed partial class MaskRcnnEstimator
    {
        /// <summary>
        /// Everything <see cref="MaskRcnnCatalog.DetectInstances(TransformsCatalog, Options)"/> needs: the column names
        /// (ML.NET's object-detection names by default, plus the mask columns), the score threshold of the output, an
        /// optional validation set, and the trainer's options (<see cref="Trainer"/>; build them from a preset such as
        /// <see cref="MaskRcnnTrainerOptions.SmallFromScratch"/>). <see cref="Validate"/> names the option at fault.
        /// </summary>
        public sealed class Options : TransformInputBase
        {
            /// <summary>The input image column (<see cref="Microsoft.ML.Transforms.Image.ImageDataViewType"/>, e.g. from <c>LoadImages</c>).</summary>
            public string ImageColumnName = MaskRcnnColumnNames.Image;

            /// <summary>The label column: a vector of Key&lt;UInt32&gt; (key k is class k) or of text (one class name per instance).</summary>
            public string LabelColumnName = MaskRcnnColumnNames.Label;

            /// <summary>The box column: a vector of Single, x0, y0, x1, y1 in pixels per instance.</summary>
            public string BoundingBoxColumnName = MaskRcnnColumnNames.BoundingBoxes;

            /// <summary>The mask column: a vector of text, one COCO compressed RLE string per instance at the image's size.</summary>
            public string MaskColumnName = MaskRcnnColumnNames.Masks;

            /// <summary>The output class column: a vector of Key&lt;UInt32&gt; whose KeyValues are the class names.</summary>
            public string PredictedLabelColumnName = MaskRcnnColumnNames.PredictedLabel;

            /// <summary>The output score column: a vector of Single, one per detection, highest first.</summary>
            public string ScoreColumnName = MaskRcnnColumnNames.Score;

            /// <summary>The output box column: a vector of Single, x0, y0, x1, y1 per detection.</summary>
            public string PredictedBoundingBoxColumnName = MaskRcnnColumnNames.PredictedBoundingBoxes;

            /// <summary>The output mask column: a vector of text, one COCO compressed RLE string per detection.</summary>
            public string PredictedMaskColumnName = MaskRcnnColumnNames.PredictedMasks;

            /// <summary>
            /// Detections scoring below this are left out of the output (ML.NET's object detection default: 0.5). 0 keeps every
            /// detection the network makes (those above <see cref="Modeling.MaskRcnnOptions.BoxScoreThreshold"/>, 0.05 by default).
            /// Can be changed after training with <see cref="MaskRcnnTransformerBase.ScoreThreshold"/>.
            /// </summary>
            public double ScoreThreshold = 0.5;

            /// <summary>Optional validation data with the same columns; evaluated with COCO metrics as the trainer's options say.</summary>
            public IDataView? ValidationSet;

            /// <summary>Write a training step to the log (as information) every this many steps; the others are traced.</summary>
            public int LogEveryNStep = 50;

            /// <summary>
            /// The trainer's options: network, schedule, augmentation, checkpoints, threads, device. Default:
            /// <see cref="MaskRcnnTrainerOptions.SmallFromScratch"/>. The class count (<c>Trainer.Model.NumClasses</c>) is set
            /// by Fit from the label column; whatever it holds here is ignored.
            /// </summary>
            public MaskRcnnTrainerOptions Trainer = MaskRcnnTrainerOptions.SmallFromScratch(2);

            /// <summary>
            /// A checkpoint written by an earlier Fit (in <c>Trainer.CheckpointDirectory</c>): training continues from its
            /// step, weights, optimizer, schedule and random state instead of starting afresh, and ends where an
            /// uninterrupted run would. The data must be the same; the checkpoint's own trainer options are used.
            /// </summary>
            public string? ResumeFrom;

            /// <summary>
            /// Stops training after the current step when cancelled (writing a checkpoint when the trainer has a checkpoint
            /// folder); <c>Fit</c> then throws an <see cref="System.OperationCanceledException"/> saying what was kept and
            /// removes its temporary image folders. Not part of the saved model.
            /// </summary>
            public System.Threading.CancellationToken Cancellation;

            /// <summary>
            /// Receives every training step's report (losses, learning rate, throughput, time left) as it happens, on the
            /// training thread; null: none. For live progress displays; not part of the saved model.
            /// </summary>
            public IProgress<Training.TrainingStepEventArgs>? StepProgress;

            /// <summary>Receives every validation's result as it happens, on the training thread; null: none.</summary>
            public IProgress<Training.EvaluationEventArgs>? ValidationProgress;

            /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid option (the trainer's included).</summary>
            public void Validate()
            {
                CheckName(ImageColumnName, nameof(ImageColumnName));
                CheckName(LabelColumnName, nameof(LabelColumnName));
                CheckName(BoundingBoxColumnName, nameof(BoundingBoxColumnName));
                CheckName(MaskColumnName, nameof(MaskColumnName));
                CheckName(PredictedLabelColumnName, nameof(PredictedLabelColumnName));
                CheckName(ScoreColumnName, nameof(ScoreColumnName));
                CheckName(PredictedBoundingBoxColumnName, nameof(PredictedBoundingBoxColumnName));
                CheckName(PredictedMaskColumnName, nameof(PredictedMaskColumnName));
                var outputs = new[] { PredictedLabelColumnName, ScoreColumnName, PredictedBoundingBoxColumnName, PredictedMaskColumnName };
                for (int i = 0; i < outputs.Length; i++)
                    for (int j = i + 1; j < outputs.Length; j++)
                        if (outputs[i] == outputs[j])
                            throw new ArgumentException($"Invalid MaskRcnnEstimator.Options: two output columns are both named '{outputs[i]}'.", nameof(ScoreColumnName));
                if (!(ScoreThreshold >= 0 && ScoreThreshold <= 1))
                    throw new ArgumentOutOfRangeException(nameof(ScoreThreshold), ScoreThreshold, $"Invalid MaskRcnnEstimator.Options.{nameof(ScoreThreshold)}: must be in [0, 1], got {ScoreThreshold}.");
                if (LogEveryNStep <= 0)
                    throw new ArgumentOutOfRangeException(nameof(LogEveryNStep), LogEveryNStep, $"Invalid MaskRcnnEstimator.Options.{nameof(LogEveryNStep)}: must be positive, got {LogEveryNStep}.");
                if (Trainer is null) throw new ArgumentNullException(nameof(Trainer), $"Invalid MaskRcnnEstimator.Options.{nameof(Trainer)}: is required.");
                if (Trainer.Model is null) throw new ArgumentNullException(nameof(Trainer), "Invalid MaskRcnnTrainerOptions.Model: is required.");
                // The class count comes from the data: validate everything else with a placeholder.
                var probe = Trainer.Clone();
                if (probe.Model is not null) probe.Model.NumClasses = Math.Max(2, probe.Model.NumClasses);
                probe.Validate();
                if (ResumeFrom is not null && !System.IO.File.Exists(ResumeFrom))
                    throw new ArgumentException($"Invalid MaskRcnnEstimator.Options.{nameof(ResumeFrom)}: the checkpoint '{ResumeFrom}' does not exist.", nameof(ResumeFrom));
            }

            /// <summary>A copy whose trainer options are a deep copy (the validation set is shared).</summary>
            public Options Clone()
            {
                var copy = (Options)MemberwiseClone();
                copy.Trainer = Trainer.Clone();
                return copy;
            }

            private static void CheckName(string? value, string option)
            {
                if (string.IsNullOrWhiteSpace(value))
                    throw new ArgumentException($"Invalid MaskRcnnEstimator.Options.{option}: a column name is required.", option);
            }
        }
    }
}
