using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Evaluation;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.MaskRcnn
{
    /// <summary>
    /// COCO evaluation of a scored data view: each row is an image (id = position + 1, size from the image column) whose
    /// ground truth is in the label, box and mask columns and whose detections are in the predicted columns. Class k is
    /// key k; K and the names come from the predicted label's key type and KeyValues (or grow to the largest key when the
    /// key type has no cardinality). Text ground-truth labels are matched to the names. Ground-truth areas are the masks'
    /// pixel counts (COCO's "area"); there are no crowd regions.
    /// </summary>
    internal sealed class InstanceSegmentationEvaluator
    {
        private readonly IHost host;
        private readonly Columns columns;

        /// <summary>The columns read.</summary>
        internal sealed record Columns(string Image, string Label, string Boxes, string Masks, string PredictedLabel, string Score, string PredictedBoxes, string PredictedMasks);

        public InstanceSegmentationEvaluator(IHostEnvironment env, Columns columns)
        {
            host = Contracts.CheckRef(env, nameof(env)).Register(nameof(InstanceSegmentationEvaluator));
            host.CheckValue(columns, nameof(columns));
            foreach (var (name, option) in new[]
                     {
                         (columns.Image, "imageColumnName"), (columns.Label, "labelColumnName"), (columns.Boxes, "boundingBoxColumnName"),
                         (columns.Masks, "maskColumnName"), (columns.PredictedLabel, "predictedLabelColumnName"), (columns.Score, "scoreColumnName"),
                         (columns.PredictedBoxes, "predictedBoundingBoxColumnName"), (columns.PredictedMasks, "predictedMaskColumnName"),
                     })
                if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException($"Invalid {option}: a column name is required.", option);
            this.columns = columns;
        }

        public InstanceSegmentationMetrics Evaluate(IDataView data)
        {
            host.CheckValue(data, nameof(data));
            var schema = data.Schema;
            var image = InstanceColumns.CheckImage(host, schema, columns.Image);
            var label = InstanceColumns.CheckLabel(host, schema, columns.Label, out _);
            var boxes = InstanceColumns.CheckFloatVector(host, schema, columns.Boxes, InstanceColumns.BoxRole);
            var masks = InstanceColumns.CheckTextVector(host, schema, columns.Masks, InstanceColumns.MaskRole);
            var predictedLabel = InstanceColumns.CheckKeyVector(host, schema, columns.PredictedLabel, InstanceColumns.PredictedLabelRole);
            var score = InstanceColumns.CheckFloatVector(host, schema, columns.Score, InstanceColumns.ScoreRole);
            var predictedBoxes = InstanceColumns.CheckFloatVector(host, schema, columns.PredictedBoxes, InstanceColumns.PredictedBoxRole);
            var predictedMasks = InstanceColumns.CheckTextVector(host, schema, columns.PredictedMasks, InstanceColumns.PredictedMaskRole);

            ulong keyCount = ((KeyDataViewType)((VectorDataViewType)predictedLabel.Type).ItemType).Count;
            if (keyCount > int.MaxValue) throw host.ExceptParam(nameof(data), $"The key type of column '{columns.PredictedLabel}' has too many values ({keyCount}).");
            var classes = keyCount == 0
                ? ClassSpace.ForKeys(0, null)
                : ClassSpace.Fixed(InstanceColumns.GetKeyValues(predictedLabel, (int)keyCount)
                                   ?? Enumerable.Range(1, (int)keyCount).Select(k => k.ToString(CultureInfo.InvariantCulture)).ToArray());

            var images = new List<CocoImage>();
            var annotations = new List<CocoAnnotation>();
            var detections = new List<CocoDetection>();
            using (var cursor = data.GetRowCursor(new[] { image, label, boxes, masks, predictedLabel, score, predictedBoxes, predictedMasks }))
            {
                var imageReader = new ImageRowReader(cursor, image);
                var truthReader = new InstanceRowReader(cursor, classes, label, boxes, masks, null, groundTruth: true);
                var predictionReader = new InstanceRowReader(cursor, classes, predictedLabel, predictedBoxes, predictedMasks, score, groundTruth: false);
                while (cursor.MoveNext())
                {
                    var picture = imageReader.Read();
                    int width = picture.Width, height = picture.Height;
                    long imageId = cursor.Position + 1;
                    images.Add(new CocoImage(imageId, picture.Tag ?? $"row {cursor.Position}", width, height));
                    var truth = truthReader.Read(height, width);
                    for (int i = 0; i < truth.Count; i++)
                        annotations.Add(new CocoAnnotation(annotations.Count + 1, imageId, truth.Labels[i], CocoSegmentation.FromRle(truth.Masks[i]),
                                                           Box(truth.Boxes, i), truth.Masks[i].Area, isCrowd: false));
                    var predicted = predictionReader.Read(height, width);
                    for (int i = 0; i < predicted.Count; i++)
                        detections.Add(new CocoDetection(imageId, predicted.Labels[i], predicted.Scores![i], Box(predicted.Boxes, i), predicted.Masks[i]));
                }
            }
            classes.Close();
            if (images.Count == 0) throw host.ExceptParam(nameof(data), "There is nothing to evaluate: the data view has no rows.");
            if (classes.Count == 0) throw host.ExceptParam(nameof(data), $"There is nothing to evaluate: no class (column '{columns.PredictedLabel}' has a key type without cardinality and no row has an instance).");

            var categories = classes.Names.Select((name, i) => new CocoCategory(i + 1, name)).ToList();
            var groundTruth = new CocoAnnotationFile(images, categories, annotations, "the scored data view");
            var boxResult = new CocoEvaluator(groundTruth, CocoIouType.Bbox).Evaluate(detections);
            var maskResult = new CocoEvaluator(groundTruth, CocoIouType.Segm).Evaluate(detections);
            var boxAP = boxResult.PerCategoryAP();
            var maskAP = maskResult.PerCategoryAP();
            var instances = annotations.GroupBy(a => a.CategoryId).ToDictionary(g => g.Key, g => g.Count());
            var perClass = Enumerable.Range(0, classes.Count)
                .Select(k => new InstanceSegmentationMetrics.ClassMetrics((uint)(k + 1), classes.Names[k], instances.GetValueOrDefault(k + 1), boxAP[k].AP, maskAP[k].AP))
                .ToArray();
            return new InstanceSegmentationMetrics(boxResult, maskResult, perClass, images.Count, annotations.Count, detections.Count);
        }

        private static CocoBox Box(float[] values, int i) => CocoBox.FromCorners(values[4 * i], values[4 * i + 1], values[4 * i + 2], values[4 * i + 3]);
    }
}
