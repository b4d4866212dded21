using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Microsoft.ML.MaskRcnn.Evaluation
{
    /// <summary>
    /// COCO metrics: the precision and recall arrays (COCOeval.eval) and the 12 standard numbers (COCOeval.stats).
    /// Every value is -1 where nothing could be measured (no counted ground truth), as in COCO.
    /// </summary>
    public sealed class CocoEvaluationResult
    {
        private readonly double[] precision;  // [T, R, K, A, M]
        private readonly double[] recall;     // [T, K, A, M]

        internal CocoEvaluationResult(CocoIouType iouType, CocoEvaluationParameters parameters, long[] categoryIds, string[] categoryNames,
                                      double[] precision, double[] recall, int droppedDetections)
        {
            IouType = iouType;
            Parameters = parameters;
            CategoryIds = categoryIds;
            CategoryNames = categoryNames;
            this.precision = precision;
            this.recall = recall;
            DroppedDetections = droppedDetections;
            int last = parameters.MaxDetections.Length - 1;
            var m = parameters.MaxDetections;
            Stats = new[]
            {
                Summarize(true, null, "all", m[last]),
                Summarize(true, 0.5, "all", m[last]),
                Summarize(true, 0.75, "all", m[last]),
                Summarize(true, null, "small", m[last]),
                Summarize(true, null, "medium", m[last]),
                Summarize(true, null, "large", m[last]),
                Summarize(false, null, "all", m[0]),
                Summarize(false, null, "all", m[Math.Min(1, last)]),
                Summarize(false, null, "all", m[last]),
                Summarize(false, null, "small", m[last]),
                Summarize(false, null, "medium", m[last]),
                Summarize(false, null, "large", m[last]),
            };
        }

        /// <summary>Boxes or masks.</summary>
        public CocoIouType IouType { get; }

        /// <summary>The parameters used.</summary>
        public CocoEvaluationParameters Parameters { get; }

        /// <summary>The evaluated category ids, ascending (the K axis).</summary>
        public IReadOnlyList<long> CategoryIds { get; }

        /// <summary>Their names.</summary>
        public IReadOnlyList<string> CategoryNames { get; }

        /// <summary>Detections left out because their category is not evaluated (pycocotools drops them silently).</summary>
        public int DroppedDetections { get; }

        /// <summary>AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl (COCOeval.stats).</summary>
        public IReadOnlyList<double> Stats { get; }

        /// <summary>AP at IoU .50:.05:.95, all areas, 100 detections.</summary>
        public double AP => Stats[0];

        /// <summary>AP at IoU .50.</summary>
        public double AP50 => Stats[1];

        /// <summary>AP at IoU .75.</summary>
        public double AP75 => Stats[2];

        /// <summary>AP for small objects (area &lt; 32²).</summary>
        public double APSmall => Stats[3];

        /// <summary>AP for medium objects.</summary>
        public double APMedium => Stats[4];

        /// <summary>AP for large objects (area &gt; 96²).</summary>
        public double APLarge => Stats[5];

        /// <summary>AR with 1 detection per image.</summary>
        public double AR1 => Stats[6];

        /// <summary>AR with 10 detections per image.</summary>
        public double AR10 => Stats[7];

        /// <summary>AR with 100 detections per image.</summary>
        public double AR100 => Stats[8];

        /// <summary>AR for small objects.</summary>
        public double ARSmall => Stats[9];

        /// <summary>AR for medium objects.</summary>
        public double ARMedium => Stats[10];

        /// <summary>AR for large objects.</summary>
        public double ARLarge => Stats[11];

        /// <summary>Precision at IoU threshold t, recall point r, category k, area range a, maxDets m (-1: not measured).</summary>
        public double Precision(int t, int r, int k, int a, int m)
        {
            int T = Parameters.IouThresholds.Length, R = Parameters.RecallThresholds.Length, K = CategoryIds.Count, A = Parameters.AreaRanges.Length, M = Parameters.MaxDetections.Length;
            if ((uint)t >= T || (uint)r >= R || (uint)k >= K || (uint)a >= A || (uint)m >= M) throw new ArgumentOutOfRangeException(nameof(t));
            return precision[(((t * R + r) * K + k) * A + a) * M + m];
        }

        /// <summary>Final recall at IoU threshold t, category k, area range a, maxDets m (-1: not measured).</summary>
        public double Recall(int t, int k, int a, int m)
        {
            int K = CategoryIds.Count, A = Parameters.AreaRanges.Length, M = Parameters.MaxDetections.Length;
            if ((uint)t >= Parameters.IouThresholds.Length || (uint)k >= K || (uint)a >= A || (uint)m >= M) throw new ArgumentOutOfRangeException(nameof(t));
            return recall[((t * K + k) * A + a) * M + m];
        }

        /// <summary>
        /// Per-category AP (IoU .50:.05:.95, all areas, the largest maxDets): the mean of that category's measured
        /// precision values, -1 when the category has no counted ground truth.
        /// </summary>
        public IReadOnlyList<(long CategoryId, string Name, double AP)> PerCategoryAP()
        {
            int T = Parameters.IouThresholds.Length, R = Parameters.RecallThresholds.Length, a = AreaIndex("all"), m = Parameters.MaxDetections.Length - 1;
            var result = new List<(long, string, double)>(CategoryIds.Count);
            var measured = new List<double>(T * R);
            for (int k = 0; k < CategoryIds.Count; k++)
            {
                // detectron2's per-category AP: precision[:, :, k, all, -1] in numpy's (t, r) order.
                measured.Clear();
                for (int t = 0; t < T; t++)
                    for (int r = 0; r < R; r++)
                    {
                        double v = Precision(t, r, k, a, m);
                        if (v > -1) measured.Add(v);
                    }
                result.Add((CategoryIds[k], CategoryNames[k], measured.Count == 0 ? -1 : NumpyMean.Of(measured)));
            }
            return result;
        }

        /// <summary>
        /// The 12 numbers in pycocotools' layout (COCOeval.summarize). "F3" rounds the exact binary value half to even,
        /// as Python's "{:0.3f}" does (the custom "0.000" format would round 0.5625 up).
        /// </summary>
        public string FormatSummary()
        {
            var c = CultureInfo.InvariantCulture;
            var m = Parameters.MaxDetections;
            int last = m.Length - 1;
            string range = string.Format(c, "{0:F2}:{1:F2}", Parameters.IouThresholds[0], Parameters.IouThresholds[^1]);
            var rows = new (bool Ap, string Iou, string Area, int MaxDets)[]
            {
                (true, range, "all", m[last]), (true, "0.50", "all", m[last]), (true, "0.75", "all", m[last]),
                (true, range, "small", m[last]), (true, range, "medium", m[last]), (true, range, "large", m[last]),
                (false, range, "all", m[0]), (false, range, "all", m[Math.Min(1, last)]), (false, range, "all", m[last]),
                (false, range, "small", m[last]), (false, range, "medium", m[last]), (false, range, "large", m[last]),
            };
            var text = new StringBuilder();
            for (int i = 0; i < rows.Length; i++)
            {
                var row = rows[i];
                string title = row.Ap ? "Average Precision" : "Average Recall";
                text.Append(' ').Append(title.PadRight(18)).Append(' ').Append(row.Ap ? "(AP)" : "(AR)")
                    .Append(" @[ IoU=").Append(row.Iou.PadRight(9)).Append(" | area=").Append(row.Area.PadLeft(6))
                    .Append(" | maxDets=").Append(row.MaxDets.ToString(c).PadLeft(3)).Append(" ] = ")
                    .Append(Stats[i].ToString("F3", c)).Append('\n');
            }
            return text.ToString();
        }

        /// <summary>Per-category AP as a two-column table (AP in percent, "nan" for -1), as detectron2 prints it.</summary>
        public string FormatPerCategory()
        {
            var c = CultureInfo.InvariantCulture;
            var rows = PerCategoryAP();
            int width = Math.Max(8, rows.Count == 0 ? 0 : rows.Max(r => r.Name.Length));
            var text = new StringBuilder();
            text.Append("| ").Append("category".PadRight(width)).Append(" | AP     |\n");
            text.Append("|-").Append(new string('-', width)).Append("-|--------|\n");
            foreach (var (_, name, ap) in rows)
                text.Append("| ").Append(name.PadRight(width)).Append(" | ").Append((ap < 0 ? "nan" : (ap * 100).ToString("F3", c)).PadRight(6)).Append(" |\n");
            return text.ToString();
        }

        /// <inheritdoc/>
        public override string ToString() => FormatSummary();

        private int AreaIndex(string label)
        {
            for (int a = 0; a < Parameters.AreaRanges.Length; a++) if (Parameters.AreaRanges[a].Label == label) return a;
            return -1;
        }

        // COCOeval.summarize's _summarize: the mean of the measured (> -1) values of one slice; -1 if there are none.
        private double Summarize(bool ap, double? iouThreshold, string area, int maxDets)
        {
            int a = AreaIndex(area), m = Array.IndexOf(Parameters.MaxDetections, maxDets);
            if (a < 0 || m < 0) return -1;
            int T = Parameters.IouThresholds.Length, R = Parameters.RecallThresholds.Length, K = CategoryIds.Count;
            // The measured values in numpy's C order of the slice (t, r, k for precision; t, k for recall).
            var measured = new List<double>();
            for (int t = 0; t < T; t++)
            {
                if (iouThreshold is double thr && Parameters.IouThresholds[t] != thr) continue;  // exact, as np.where(iouThr == iouThrs)
                if (ap)
                {
                    for (int r = 0; r < R; r++)
                        for (int k = 0; k < K; k++)
                        {
                            double v = Precision(t, r, k, a, m);
                            if (v > -1) measured.Add(v);
                        }
                }
                else
                {
                    for (int k = 0; k < K; k++)
                    {
                        double v = Recall(t, k, a, m);
                        if (v > -1) measured.Add(v);
                    }
                }
            }
            return measured.Count == 0 ? -1 : NumpyMean.Of(measured);
        }
    }
}
