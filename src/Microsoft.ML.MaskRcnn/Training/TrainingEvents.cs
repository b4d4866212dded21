using System;
using System.Collections.Generic;
using Microsoft.ML.MaskRcnn.Evaluation;

namespace Microsoft.ML.MaskRcnn.Training
{
    /// <summary>Reported after every optimisation step.</summary>
    public sealed class TrainingStepEventArgs : EventArgs
    {
        internal TrainingStepEventArgs(int step, int totalSteps, int epoch, IReadOnlyDictionary<string, double> losses, double learningRate,
                                       double imagesPerSecond, TimeSpan elapsed, TimeSpan estimatedRemaining)
        {
            Step = step;
            TotalSteps = totalSteps;
            Epoch = epoch;
            Losses = losses;
            LearningRate = learningRate;
            ImagesPerSecond = imagesPerSecond;
            Elapsed = elapsed;
            EstimatedRemaining = estimatedRemaining;
        }

        /// <summary>1-based number of the step just completed.</summary>
        public int Step { get; }
        public int TotalSteps { get; }

        /// <summary>0-based epoch of the step.</summary>
        public int Epoch { get; }

        /// <summary>The five losses with torchvision's keys, and "loss" (their sum).</summary>
        public IReadOnlyDictionary<string, double> Losses { get; }

        public double LearningRate { get; }

        /// <summary>Throughput over the recent steps, wall-clock (reading the images included).</summary>
        public double ImagesPerSecond { get; }

        public TimeSpan Elapsed { get; }

        /// <summary>
        /// The time left: the recent steps' wall-clock time times the steps to come, plus the validation passes to come at
        /// the last one's cost (before the first, a validation image is counted as a training image).
        /// </summary>
        public TimeSpan EstimatedRemaining { get; }

        /// <summary>The sum of the losses.</summary>
        public double Loss => Losses["loss"];
    }

    /// <summary>Reported after each validation.</summary>
    public sealed class EvaluationEventArgs : EventArgs
    {
        internal EvaluationEventArgs(int step, ModelEvaluationResult result)
        {
            Step = step;
            Result = result;
        }

        /// <summary>The step after which the model was evaluated.</summary>
        public int Step { get; }

        public ModelEvaluationResult Result { get; }
    }

    /// <summary>COCO metrics of a model on a dataset: boxes and masks.</summary>
    public sealed class ModelEvaluationResult
    {
        /// <summary>Pairs box and mask metrics computed on <paramref name="images"/> images in <paramref name="duration"/>.</summary>
        public ModelEvaluationResult(CocoEvaluationResult boxes, CocoEvaluationResult masks, int images, TimeSpan duration)
        {
            ArgumentNullException.ThrowIfNull(boxes);
            ArgumentNullException.ThrowIfNull(masks);
            Boxes = boxes;
            Masks = masks;
            Images = images;
            Duration = duration;
        }

        /// <summary>iouType "bbox".</summary>
        public CocoEvaluationResult Boxes { get; }

        /// <summary>iouType "segm".</summary>
        public CocoEvaluationResult Masks { get; }

        /// <summary>How many images were evaluated.</summary>
        public int Images { get; }

        /// <summary>Prediction plus scoring time.</summary>
        public TimeSpan Duration { get; }
    }
}
