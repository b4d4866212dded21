using Microsoft.ML.Data;
using Microsoft.ML.MaskRcnn;
using Microsoft.ML.Runtime;

namespace Microsoft.ML
{
    /// <summary>
    /// Mask R-CNN scoring by ONNX Runtime in ML.NET pipelines, without libtorch:
    /// <c>mlContext.Transforms.DetectInstancesWithOnnx("model.onnx")</c> gives the same output columns as the TorchSharp
    /// path's <c>DetectInstances</c>. See docs/usage.md, "Scoring with ONNX Runtime".
    /// </summary>
    public static class MaskRcnnOnnxCatalog
    {
        /// <summary>
        /// An estimator whose Fit opens <paramref name="modelFile"/>, a Mask R-CNN exported to ONNX, as a
        /// <see cref="MaskRcnnOnnxTransformer"/> (CPU, ONNX Runtime's default threads).
        /// </summary>
        /// <param name="catalog">The transforms catalog.</param>
        /// <param name="modelFile">The ONNX file written by MaskRcnnOnnxExporter or <c>maskrcnn export</c>.</param>
        /// <param name="imageColumnName">Images (<see cref="Data.MLImage"/>), e.g. from <c>LoadImages</c>.</param>
        /// <param name="predictedLabelColumnName">Output classes: a vector of Key&lt;UInt32&gt;.</param>
        /// <param name="scoreColumnName">Output scores: a vector of Single.</param>
        /// <param name="predictedBoundingBoxColumnName">Output boxes: a vector of Single, 4 per detection.</param>
        /// <param name="predictedMaskColumnName">Output masks: a vector of text, one COCO compressed RLE string per detection.</param>
        /// <param name="scoreThreshold">Detections scoring below this are left out of the output (0 keeps all).</param>
        public static MaskRcnnOnnxEstimator DetectInstancesWithOnnx(this TransformsCatalog catalog, string modelFile,
            string imageColumnName = MaskRcnnColumnNames.Image,
            string predictedLabelColumnName = MaskRcnnColumnNames.PredictedLabel,
            string scoreColumnName = MaskRcnnColumnNames.Score,
            string predictedBoundingBoxColumnName = MaskRcnnColumnNames.PredictedBoundingBoxes,
            string predictedMaskColumnName = MaskRcnnColumnNames.PredictedMasks,
            double scoreThreshold = 0.5) =>
            DetectInstancesWithOnnx(catalog, new MaskRcnnOnnxEstimator.Options
            {
                ModelFile = modelFile,
                ImageColumnName = imageColumnName,
                PredictedLabelColumnName = predictedLabelColumnName,
                ScoreColumnName = scoreColumnName,
                PredictedBoundingBoxColumnName = predictedBoundingBoxColumnName,
                PredictedMaskColumnName = predictedMaskColumnName,
                ScoreThreshold = scoreThreshold,
            });

        /// <summary>An estimator that opens an exported Mask R-CNN with <paramref name="options"/> (validated now, naming the option at fault).</summary>
        public static MaskRcnnOnnxEstimator DetectInstancesWithOnnx(this TransformsCatalog catalog, MaskRcnnOnnxEstimator.Options options)
        {
            Contracts.CheckValue(catalog, nameof(catalog));
            Contracts.CheckValue(options, nameof(options));
            return new MaskRcnnOnnxEstimator(catalog.GetEnvironment(), options);
        }
    }
}
