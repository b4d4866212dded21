using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Evaluation;

namespace Microsoft.ML.MaskRcnn.Training
{
    /// <summary>COCO evaluation (boxes and masks) of a trained model on a dataset with ground truth.</summary>
    public static class ModelEvaluation
    {
        /// <summary>Predicts every image of <paramref name="dataset"/> and scores the predictions with COCO's definition.</summary>
        public static ModelEvaluationResult Evaluate(TrainedMaskRcnn model, InstanceSegmentationDataset dataset, int batchSize = 1)
        {
            if (dataset.Count == 0) throw new ArgumentException("The evaluation set is empty.", nameof(dataset));
            var watch = Stopwatch.StartNew();
            var groundTruth = CocoGroundTruth.FromDataset(dataset);
            var detections = new List<CocoDetection>();
            for (int start = 0; start < dataset.Count; start += batchSize)
            {
                var indices = Enumerable.Range(start, Math.Min(batchSize, dataset.Count - start)).ToArray();
                var images = indices.Select(dataset.LoadImage).ToArray();
                var predictions = model.PredictBatch(images);
                for (int k = 0; k < indices.Length; k++)
                    detections.AddRange(ToCocoDetections(dataset.GetDescriptor(indices[k]).ImageId, predictions[k]));
            }
            var boxes = new CocoEvaluator(groundTruth, CocoIouType.Bbox).Evaluate(detections);
            var masks = new CocoEvaluator(groundTruth, CocoIouType.Segm).Evaluate(detections);
            return new ModelEvaluationResult(boxes, masks, dataset.Count, watch.Elapsed);
        }

        /// <summary>The predictions of one image as COCO result records.</summary>
        public static IEnumerable<CocoDetection> ToCocoDetections(long imageId, IEnumerable<InstancePrediction> predictions) =>
            predictions.Select(p => new CocoDetection(imageId, p.CategoryId, p.Score, CocoBox.FromCorners(p.X0, p.Y0, p.X1, p.Y1), p.Mask));
    }
}
