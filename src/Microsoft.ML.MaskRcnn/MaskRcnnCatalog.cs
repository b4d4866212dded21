using Microsoft.ML.Data;
using Microsoft.ML.MaskRcnn;
using Microsoft.ML.Runtime;

namespace Microsoft.ML
{
    /// <summary>
    /// Mask R-CNN instance segmentation in ML.NET pipelines: <c>mlContext.Transforms.DetectInstances(...)</c> trains a
    /// <see cref="MaskRcnnTransformer"/>, <c>mlContext.Transforms.EvaluateInstances(...)</c> scores its output with COCO
    /// metrics. See docs/usage.md for the column contract and the options.
    /// </summary>
    public static class MaskRcnnCatalog
    {
        /// <summary>
        /// An estimator that trains Mask R-CNN with the given column names, <see cref="MaskRcnnEstimator.Options"/>' defaults
        /// otherwise (the <see cref="MaskRcnn.Training.MaskRcnnTrainerOptions.SmallFromScratch"/> network and schedule).
        /// </summary>
        /// <param name="catalog">The transforms catalog.</param>
        /// <param name="labelColumnName">Classes: a vector of Key&lt;UInt32&gt; or of text, one per instance.</param>
        /// <param name="predictedLabelColumnName">Output classes: a vector of Key&lt;UInt32&gt;.</param>
        /// <param name="scoreColumnName">Output scores: a vector of Single.</param>
        /// <param name="boundingBoxColumnName">Boxes: a vector of Single, x0, y0, x1, y1 per instance.</param>
        /// <param name="predictedBoundingBoxColumnName">Output boxes: a vector of Single, 4 per detection.</param>
        /// <param name="maskColumnName">Masks: a vector of text, one COCO compressed RLE string per instance.</param>
        /// <param name="predictedMaskColumnName">Output masks: a vector of text, one RLE string per detection.</param>
        /// <param name="imageColumnName">Images (<see cref="Data.MLImage"/>), e.g. from <c>LoadImages</c>.</param>
        /// <param name="maxEpoch">Passes over the training data.</param>
        /// <param name="scoreThreshold">Detections scoring below this are left out of the output (0 keeps all).</param>
        public static MaskRcnnEstimator DetectInstances(this TransformsCatalog catalog,
            string labelColumnName = MaskRcnnColumnNames.Label,
            string predictedLabelColumnName = MaskRcnnColumnNames.PredictedLabel,
            string scoreColumnName = MaskRcnnColumnNames.Score,
            string boundingBoxColumnName = MaskRcnnColumnNames.BoundingBoxes,
            string predictedBoundingBoxColumnName = MaskRcnnColumnNames.PredictedBoundingBoxes,
            string maskColumnName = MaskRcnnColumnNames.Masks,
            string predictedMaskColumnName = MaskRcnnColumnNames.PredictedMasks,
            string imageColumnName = MaskRcnnColumnNames.Image,
            int maxEpoch = 20,
            double scoreThreshold = 0.5)
        {
            var options = new MaskRcnnEstimator.Options
            {
                LabelColumnName = labelColumnName,
                PredictedLabelColumnName = predictedLabelColumnName,
                ScoreColumnName = scoreColumnName,
                BoundingBoxColumnName = boundingBoxColumnName,
                PredictedBoundingBoxColumnName = predictedBoundingBoxColumnName,
                MaskColumnName = maskColumnName,
                PredictedMaskColumnName = predictedMaskColumnName,
                ImageColumnName = imageColumnName,
                ScoreThreshold = scoreThreshold,
            };
            options.Trainer.Epochs = maxEpoch;
            return DetectInstances(catalog, options);
        }

        /// <summary>An estimator that trains Mask R-CNN with <paramref name="options"/> (validated now, naming the option at fault).</summary>
        public static MaskRcnnEstimator DetectInstances(this TransformsCatalog catalog, MaskRcnnEstimator.Options options)
        {
            Contracts.CheckValue(catalog, nameof(catalog));
            Contracts.CheckValue(options, nameof(options));
            return new MaskRcnnEstimator(catalog.GetEnvironment(), options);
        }

        /// <summary>
        /// COCO evaluation (boxes and masks) of a scored data view, e.g. a <see cref="MaskRcnnTransformer"/>'s output: the
        /// ground truth comes from the label, box and mask columns, the detections from the predicted ones, image sizes from
        /// the image column. Image ids are row positions + 1; class k is key k (names from the predicted label's KeyValues).
        /// </summary>
        /// <returns>The COCO tables for boxes and masks, <see cref="InstanceSegmentationMetrics.MAP50"/>,
        /// <see cref="InstanceSegmentationMetrics.MAP50_95"/> and per-class AP.</returns>
        public static InstanceSegmentationMetrics EvaluateInstances(this TransformsCatalog catalog, IDataView data,
            string labelColumnName = MaskRcnnColumnNames.Label,
            string boundingBoxColumnName = MaskRcnnColumnNames.BoundingBoxes,
            string maskColumnName = MaskRcnnColumnNames.Masks,
            string predictedLabelColumnName = MaskRcnnColumnNames.PredictedLabel,
            string scoreColumnName = MaskRcnnColumnNames.Score,
            string predictedBoundingBoxColumnName = MaskRcnnColumnNames.PredictedBoundingBoxes,
            string predictedMaskColumnName = MaskRcnnColumnNames.PredictedMasks,
            string imageColumnName = MaskRcnnColumnNames.Image)
        {
            Contracts.CheckValue(catalog, nameof(catalog));
            var env = catalog.GetEnvironment();
            var columns = new InstanceSegmentationEvaluator.Columns(imageColumnName, labelColumnName, boundingBoxColumnName, maskColumnName,
                                                                    predictedLabelColumnName, scoreColumnName, predictedBoundingBoxColumnName, predictedMaskColumnName);
            return new InstanceSegmentationEvaluator(env, columns).Evaluate(data);
        }

        /// <summary>
        /// An AutoML-style experiment: trains one <see cref="MaskRcnnEstimator"/> per configuration of
        /// <paramref name="settings"/>' search space (options named by their path on
        /// <see cref="MaskRcnnEstimator.Options.Trainer"/>, e.g. "LearningRate" or "Model.MinSize"), within its time
        /// budget, and keeps the one with the best validation metric.
        /// </summary>
        /// <param name="catalog">The transforms catalog.</param>
        /// <param name="options">The pipeline's columns and the trainer options every trial starts from.</param>
        /// <param name="settings">Search space, strategy, budget and metric.</param>
        public static MaskRcnnExperiment CreateInstanceSegmentationExperiment(this TransformsCatalog catalog, MaskRcnnEstimator.Options options,
                                                                              MaskRcnn.Experiments.ExperimentSettings settings)
        {
            Contracts.CheckValue(catalog, nameof(catalog));
            Contracts.CheckValue(options, nameof(options));
            Contracts.CheckValue(settings, nameof(settings));
            return new MaskRcnnExperiment(catalog.GetEnvironment(), options, settings);
        }

        /// <summary>
        /// Saves <paramref name="model"/> to <paramref name="filePath"/> as <c>mlContext.Model.Save</c> does, but replaces the
        /// file all at once: the zip is written to <c>filePath + ".partial"</c> in the same folder, flushed to the disk and
        /// renamed over <paramref name="filePath"/>. A process killed during the save leaves the previous model loadable.
        /// (<c>Model.Save</c> to a path or to a stream of the caller's writes in place; atomicity is then the caller's.)
        /// </summary>
        /// <param name="catalog">The model operations catalog (<c>mlContext.Model</c>).</param>
        /// <param name="model">The model to save.</param>
        /// <param name="inputSchema">The schema of the model's input, as for <c>Model.Save</c>.</param>
        /// <param name="filePath">The zip to create or replace.</param>
        public static void SaveAtomically(this ModelOperationsCatalog catalog, ITransformer model, DataViewSchema inputSchema, string filePath)
        {
            System.ArgumentNullException.ThrowIfNull(catalog);
            System.ArgumentNullException.ThrowIfNull(model);
            System.ArgumentException.ThrowIfNullOrEmpty(filePath);
            AtomicFile.Write(filePath, stream => catalog.Save(model, inputSchema, stream));
        }
    }
}
