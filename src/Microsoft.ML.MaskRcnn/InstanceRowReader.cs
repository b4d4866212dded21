using System;
using Microsoft.ML.Data;
using Microsoft.ML.MaskRcnn.Data;

namespace Microsoft.ML.MaskRcnn
{
    /// <summary>The instances of one row: N labels 1..K, N x 4 box values, N masks and (for predictions) N scores.</summary>
    internal sealed class RowInstances
    {
        public RowInstances(int[] labels, float[] boxes, RleMask[] masks, float[]? scores)
        {
            Labels = labels;
            Boxes = boxes;
            Masks = masks;
            Scores = scores;
        }

        public int Count => Labels.Length;
        public int[] Labels { get; }
        public float[] Boxes { get; }
        public RleMask[] Masks { get; }
        public float[]? Scores { get; }
    }

    /// <summary>
    /// Reads and checks the label, box, mask (and score) columns of the current row: boxes a multiple of 4, one label,
    /// box, mask (and score) per instance, finite coordinates, masks that decode at the image's size. Every error is an
    /// <see cref="System.IO.InvalidDataException"/> naming the column and the row.
    /// </summary>
    internal sealed class InstanceRowReader
    {
        private readonly DataViewRow row;
        private readonly ClassSpace classes;
        private readonly bool groundTruth;
        private readonly string labelName, boxName, maskName;
        private readonly string? scoreName;
        private readonly ValueGetter<VBuffer<uint>>? getKeys;
        private readonly ValueGetter<VBuffer<ReadOnlyMemory<char>>>? getNames;
        private readonly ValueGetter<VBuffer<float>> getBoxes;
        private readonly ValueGetter<VBuffer<ReadOnlyMemory<char>>> getMasks;
        private readonly ValueGetter<VBuffer<float>>? getScores;
        private VBuffer<uint> keys;
        private VBuffer<ReadOnlyMemory<char>> names;
        private VBuffer<float> boxes;
        private VBuffer<ReadOnlyMemory<char>> masks;
        private VBuffer<float> scores;

        /// <summary>
        /// A reader of <paramref name="row"/>. Ground truth (<paramref name="groundTruth"/>) needs boxes of positive size;
        /// predictions need a score column and may have empty boxes.
        /// </summary>
        public InstanceRowReader(DataViewRow row, ClassSpace classes, DataViewSchema.Column label, DataViewSchema.Column boxes,
                                 DataViewSchema.Column masks, DataViewSchema.Column? score, bool groundTruth)
        {
            this.row = row;
            this.classes = classes;
            this.groundTruth = groundTruth;
            labelName = label.Name;
            boxName = boxes.Name;
            maskName = masks.Name;
            if (((VectorDataViewType)label.Type).ItemType is TextDataViewType) getNames = row.GetGetter<VBuffer<ReadOnlyMemory<char>>>(label);
            else getKeys = row.GetGetter<VBuffer<uint>>(label);
            getBoxes = row.GetGetter<VBuffer<float>>(boxes);
            getMasks = row.GetGetter<VBuffer<ReadOnlyMemory<char>>>(masks);
            if (score is DataViewSchema.Column s)
            {
                scoreName = s.Name;
                getScores = row.GetGetter<VBuffer<float>>(s);
            }
        }

        /// <summary>The instances of the current row, whose image is <paramref name="height"/> x <paramref name="width"/>.</summary>
        public RowInstances Read(int height, int width)
        {
            long position = row.Position;
            getBoxes(ref boxes);
            if (boxes.Length % 4 != 0)
                throw InstanceColumns.RowError(boxName, position,
                    $"{boxes.Length} values is not a multiple of 4 (each instance has x0, y0, x1, y1).");
            int n = boxes.Length / 4;
            var boxValues = new float[boxes.Length];
            boxes.CopyTo(boxValues);

            int[] labels;
            if (getNames is not null)
            {
                getNames(ref names);
                CheckCount(labelName, names.Length, "labels", n, position);
                labels = new int[n];
                int i = 0;
                foreach (var name in names.DenseValues()) labels[i] = classes.LabelOfName(name.ToString(), labelName, position, i++);
            }
            else
            {
                getKeys!(ref keys);
                CheckCount(labelName, keys.Length, "labels", n, position);
                labels = new int[n];
                int i = 0;
                foreach (uint key in keys.DenseValues()) labels[i] = classes.LabelOfKey(key, labelName, position, i++);
            }

            for (int i = 0; i < n; i++)
            {
                float x0 = boxValues[4 * i], y0 = boxValues[4 * i + 1], x1 = boxValues[4 * i + 2], y1 = boxValues[4 * i + 3];
                if (!float.IsFinite(x0) || !float.IsFinite(y0) || !float.IsFinite(x1) || !float.IsFinite(y1))
                    throw InstanceColumns.RowError(boxName, position, $"instance {i} has a box with a non-finite coordinate ({Box(boxValues, i)}).");
                bool ok = groundTruth ? x1 > x0 && y1 > y0 : x1 >= x0 && y1 >= y0;
                if (!ok)
                    throw InstanceColumns.RowError(boxName, position,
                        $"instance {i} has the box {Box(boxValues, i)}, but x1 must exceed x0 and y1 must exceed y0 (x0, y0, x1, y1 in pixels).");
            }

            getMasks(ref masks);
            CheckCount(maskName, masks.Length, "masks", n, position);
            var rles = new RleMask[n];
            int m = 0;
            foreach (var text in masks.DenseValues())
            {
                try
                {
                    rles[m] = RleMask.FromCompressedString(text.ToString(), height, width);
                }
                catch (FormatException e)
                {
                    throw InstanceColumns.RowError(maskName, position,
                        $"instance {m} is not a COCO compressed RLE string of a {height}x{width} mask (the image's size): {e.Message}");
                }
                m++;
            }

            float[]? scoreValues = null;
            if (getScores is not null)
            {
                getScores(ref scores);
                CheckCount(scoreName!, scores.Length, "scores", n, position);
                scoreValues = new float[n];
                scores.CopyTo(scoreValues);
                for (int i = 0; i < n; i++)
                    if (float.IsNaN(scoreValues[i])) throw InstanceColumns.RowError(scoreName!, position, $"instance {i} has a NaN score.");
            }
            return new RowInstances(labels, boxValues, rles, scoreValues);
        }

        private void CheckCount(string column, int count, string what, int boxCount, long position)
        {
            if (count != boxCount)
                throw InstanceColumns.RowError(column, position,
                    $"{count} {what} but column '{boxName}' has {boxCount} boxes ({4 * boxCount} values); each instance needs one of each.");
        }

        private static string Box(float[] values, int i) =>
            FormattableString.Invariant($"{values[4 * i]}, {values[4 * i + 1]}, {values[4 * i + 2]}, {values[4 * i + 3]}");
    }
}
