using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.ML.MaskRcnn.Evaluation;

namespace Microsoft.ML.MaskRcnn
{
    /// <summary>
    /// COCO metrics of a scored data view (<see cref="MaskRcnnCatalog.EvaluateInstances"/>): the full tables for boxes
    /// ("bbox") and masks ("segm"), ML.NET's object-detection figures (<see cref="MAP50"/>, <see cref="MAP50_95"/>, from
    /// the boxes) with their mask counterparts, and AP per class. Every value is -1 where nothing could be measured (no
    /// ground-truth instance), as in COCO.
    /// </summary>
    public sealed class InstanceSegmentationMetrics
    {
        internal InstanceSegmentationMetrics(CocoEvaluationResult boxes, CocoEvaluationResult masks, IReadOnlyList<ClassMetrics> perClass,
                                             int imageCount, int instanceCount, int detectionCount)
        {
            Boxes = boxes;
            Masks = masks;
            PerClass = perClass;
            ImageCount = imageCount;
            InstanceCount = instanceCount;
            DetectionCount = detectionCount;
        }

        /// <summary>The COCO evaluation of the boxes: <see cref="CocoEvaluationResult.Stats"/> holds the 12 numbers.</summary>
        public CocoEvaluationResult Boxes { get; }

        /// <summary>The COCO evaluation of the masks.</summary>
        public CocoEvaluationResult Masks { get; }

        /// <summary>Box AP at IoU 0.50 (COCO's AP50), as ML.NET's ObjectDetectionMetrics.MAP50.</summary>
        public float MAP50 => (float)Boxes.AP50;

        /// <summary>Box AP averaged over IoU 0.50:0.05:0.95 (COCO's AP), as ML.NET's ObjectDetectionMetrics.MAP50_95.</summary>
        public float MAP50_95 => (float)Boxes.AP;

        /// <summary>Mask AP at IoU 0.50.</summary>
        public float MaskMAP50 => (float)Masks.AP50;

        /// <summary>Mask AP averaged over IoU 0.50:0.05:0.95.</summary>
        public float MaskMAP50_95 => (float)Masks.AP;

        /// <summary>AP per class, in key order (key k = class k).</summary>
        public IReadOnlyList<ClassMetrics> PerClass { get; }

        /// <summary>The number of rows (images) evaluated.</summary>
        public int ImageCount { get; }

        /// <summary>The number of ground-truth instances.</summary>
        public int InstanceCount { get; }

        /// <summary>The number of detections.</summary>
        public int DetectionCount { get; }

        /// <summary>Both COCO tables, the four ML.NET-style figures and the per-class table.</summary>
        public string FormatSummary()
        {
            var c = CultureInfo.InvariantCulture;
            var text = new StringBuilder();
            text.Append(c, $"{ImageCount} images, {InstanceCount} instances, {DetectionCount} detections\n");
            text.Append("Boxes (bbox):\n").Append(Boxes.FormatSummary());
            text.Append("Masks (segm):\n").Append(Masks.FormatSummary());
            text.Append(c, $"MAP50 {MAP50:F4}  MAP50_95 {MAP50_95:F4}  MaskMAP50 {MaskMAP50:F4}  MaskMAP50_95 {MaskMAP50_95:F4}\n");
            int width = Math.Max(5, PerClass.Count == 0 ? 0 : PerClass.Max(p => p.Name.Length));
            text.Append("| key | ").Append("class".PadRight(width)).Append(" | instances | box AP | mask AP |\n");
            text.Append("|-----|-").Append(new string('-', width)).Append("-|-----------|--------|---------|\n");
            foreach (var row in PerClass)
                text.Append("| ").Append(row.Key.ToString(c).PadLeft(3)).Append(" | ").Append(row.Name.PadRight(width)).Append(" | ")
                    .Append(row.Instances.ToString(c).PadLeft(9)).Append(" | ").Append(Format(row.BoxAP).PadLeft(6)).Append(" | ")
                    .Append(Format(row.MaskAP).PadLeft(7)).Append(" |\n");
            return text.ToString();
        }

        /// <inheritdoc/>
        public override string ToString() => FormatSummary();

        private static string Format(double ap) => ap < 0 ? "nan" : ap.ToString("F3", CultureInfo.InvariantCulture);

        /// <summary>One class's AP (IoU 0.50:0.95, all areas, 100 detections; -1 without ground truth) for boxes and masks.</summary>
        public sealed class ClassMetrics
        {
            internal ClassMetrics(uint key, string name, int instances, double boxAP, double maskAP)
            {
                Key = key;
                Name = name;
                Instances = instances;
                BoxAP = boxAP;
                MaskAP = maskAP;
            }

            /// <summary>The class's key (1..K).</summary>
            public uint Key { get; }

            /// <summary>The class's name (the predicted label's KeyValues, or the key as text).</summary>
            public string Name { get; }

            /// <summary>Ground-truth instances of the class.</summary>
            public int Instances { get; }

            /// <summary>Box AP.</summary>
            public double BoxAP { get; }

            /// <summary>Mask AP.</summary>
            public double MaskAP { get; }

            /// <inheritdoc/>
            public override string ToString() => FormattableString.Invariant($"{Key} {Name}: box AP {BoxAP:F4}, mask AP {MaskAP:F4} ({Instances} instances)");
        }
    }
}
