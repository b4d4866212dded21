using System;
using System.Collections.Generic;
using System.Linq;

namespace Microsoft.ML.MaskRcnn.Evaluation
{
    /// <summary>
    /// COCOeval's parameters, defaulting to COCO's: IoU thresholds .50:.05:.95, 101 recall points 0:.01:1, at most
    /// 1/10/100 detections per image, area ranges all/small/medium/large. The thresholds are the exact doubles numpy's
    /// linspace gives pycocotools (0.8999999999999999, not 0.9), because matches and recall points are compared with them.
    /// </summary>
    public sealed class CocoEvaluationParameters
    {
        /// <summary>IoU thresholds (default 10: 0.5 to 0.95).</summary>
        public double[] IouThresholds { get; set; } = Linspace(0.5, 0.95, 10);

        /// <summary>Recall points at which precision is sampled (default 101: 0 to 1).</summary>
        public double[] RecallThresholds { get; set; } = Linspace(0.0, 1.0, 101);

        /// <summary>Detections per image kept, sorted ascending (default 1, 10, 100); matching uses the largest.</summary>
        public int[] MaxDetections { get; set; } = { 1, 10, 100 };

        /// <summary>Object-area ranges [min, max] (both inclusive) and their labels (default all, small &lt; 32², medium, large &gt; 96²).</summary>
        public (string Label, double Min, double Max)[] AreaRanges { get; set; } =
        {
            ("all", 0, 1e10),
            ("small", 0, 32 * 32),
            ("medium", 32 * 32, 96 * 96),
            ("large", 96 * 96, 1e10),
        };

        /// <summary>Only these images are evaluated (null: every ground-truth image).</summary>
        public IReadOnlyCollection<long>? ImageIds { get; set; }

        /// <summary>Only these categories are evaluated (null: every ground-truth category).</summary>
        public IReadOnlyCollection<long>? CategoryIds { get; set; }

        /// <summary>
        /// numpy.linspace(start, stop, count): element i is i * ((stop - start) / (count - 1)) + start and the last is
        /// stop, with numpy's rounding.
        /// </summary>
        public static double[] Linspace(double start, double stop, int count)
        {
            if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "At least one value is needed.");
            var values = new double[count];
            if (count == 1)
            {
                values[0] = start;
                return values;
            }
            double step = (stop - start) / (count - 1);
            for (int i = 0; i < count; i++) values[i] = i * step + start;
            values[count - 1] = stop;
            return values;
        }

        /// <summary>A copy with MaxDetections sorted ascending (COCOeval sorts them), so the caller's object is never changed.</summary>
        internal CocoEvaluationParameters Normalized()
        {
            Validate();
            var copy = (CocoEvaluationParameters)MemberwiseClone();
            copy.IouThresholds = (double[])IouThresholds.Clone();
            copy.RecallThresholds = (double[])RecallThresholds.Clone();
            copy.MaxDetections = MaxDetections.OrderBy(m => m).ToArray();
            copy.AreaRanges = ((string, double, double)[])AreaRanges.Clone();
            return copy;
        }

        private void Validate()
        {
            if (IouThresholds is null || IouThresholds.Length == 0) throw new ArgumentException("At least one IoU threshold is needed.");
            if (RecallThresholds is null || RecallThresholds.Length == 0) throw new ArgumentException("At least one recall threshold is needed.");
            if (MaxDetections is null || MaxDetections.Length == 0 || MaxDetections.Any(m => m <= 0)) throw new ArgumentException("MaxDetections needs positive values.");
            if (AreaRanges is null || AreaRanges.Length == 0) throw new ArgumentException("At least one area range is needed.");
            for (int i = 1; i < RecallThresholds.Length; i++)
                if (RecallThresholds[i] < RecallThresholds[i - 1]) throw new ArgumentException("Recall thresholds must ascend.");
        }
    }
}
