using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.MaskRcnn.Imaging;
using Microsoft.ML.MaskRcnn.Training;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.MaskRcnn
{
    /// <summary>
    /// The row mapper of both Mask R-CNN transformers: maps a row's image to the four output columns through a predict
    /// function (the TorchSharp network or an ONNX Runtime session). The getters made for one cursor (or prediction engine
    /// row) share one <see cref="RowPrediction"/>, which predicts the row once, on the first getter call at a new position.
    /// Each cursor has its own, so cursors on several threads never share mutable state; the predict function must be
    /// thread-safe.
    /// </summary>
    internal sealed class InstancePredictionMapper : RowToRowTransformerBase.MapperBase
    {
        private const int OutputCount = 4;
        private readonly Source source;
        private readonly DataViewSchema.Column image;

        /// <summary>What a transformer gives its mapper.</summary>
        /// <param name="Columns">The input and output column names.</param>
        /// <param name="ClassNames">Key k of the predicted label is <c>ClassNames[k - 1]</c>.</param>
        /// <param name="Predict">The detections of an 8-bit RGB image, most confident first.</param>
        /// <param name="ScoreThreshold">Read per row: detections scoring below it are left out.</param>
        /// <param name="Save">The transformer's own SaveModel (a mapper saves its transformer).</param>
        public sealed record Source(InstanceOutputColumns Columns, IReadOnlyList<string> ClassNames, Func<ImageBuffer, IReadOnlyList<InstancePrediction>> Predict,
                                    Func<double> ScoreThreshold, Action<ModelSaveContext> Save);

        public InstancePredictionMapper(IHost host, DataViewSchema schema, RowToRowTransformerBase parent, Source source)
            : base(host, schema, parent)
        {
            this.source = source;
            image = InstanceColumns.CheckImage(Host, schema, source.Columns.Image);
        }

        protected override DataViewSchema.DetachedColumn[] GetOutputColumnsCore() => source.Columns.ToDetachedColumns(source.ClassNames);

        public override Delegate[] CreateGetters(DataViewRow input, Func<int, bool> activeOutput, out Action disposer)
        {
            disposer = null!;
            var getters = new Delegate[OutputCount];
            if (!Enumerable.Range(0, OutputCount).Any(activeOutput)) return getters;
            var prediction = new RowPrediction(source, input, image);
            if (activeOutput(0))
                getters[0] = (ValueGetter<VBuffer<uint>>)((ref VBuffer<uint> dst) => Fill(prediction.Current.Labels, ref dst));
            if (activeOutput(1))
                getters[1] = (ValueGetter<VBuffer<float>>)((ref VBuffer<float> dst) => Fill(prediction.Current.Scores, ref dst));
            if (activeOutput(2))
                getters[2] = (ValueGetter<VBuffer<float>>)((ref VBuffer<float> dst) => Fill(prediction.Current.Boxes, ref dst));
            if (activeOutput(3))
                getters[3] = (ValueGetter<VBuffer<ReadOnlyMemory<char>>>)((ref VBuffer<ReadOnlyMemory<char>> dst) => Fill(prediction.Current.Masks, ref dst));
            return getters;
        }

        protected override Delegate MakeGetter(DataViewRow input, int iinfo, Func<int, bool> activeOutput, out Action disposer) =>
            CreateGetters(input, i => i == iinfo, out disposer)[iinfo];

        protected override Func<int, bool> GetDependenciesCore(Func<int, bool> activeOutput)
        {
            bool any = Enumerable.Range(0, OutputCount).Any(activeOutput);
            return col => any && col == image.Index;
        }

        protected override void SaveModel(ModelSaveContext ctx) => source.Save(ctx);

        private static void Fill<T>(T[] values, ref VBuffer<T> dst)
        {
            var editor = VBufferEditor.Create(ref dst, values.Length);
            values.AsSpan().CopyTo(editor.Values);
            dst = editor.Commit();
        }

        /// <summary>The detections of one row, above the score threshold, as the four output columns hold them.</summary>
        private sealed record RowOutputs(uint[] Labels, float[] Scores, float[] Boxes, ReadOnlyMemory<char>[] Masks);

        /// <summary>The prediction of the current row of one cursor, computed once per row position.</summary>
        private sealed class RowPrediction
        {
            private readonly Source source;
            private readonly DataViewRow row;
            private readonly ImageRowReader images;
            private long position = -1;
            private RowOutputs? current;

            public RowPrediction(Source source, DataViewRow row, DataViewSchema.Column image)
            {
                this.source = source;
                this.row = row;
                images = new ImageRowReader(row, image);
            }

            public RowOutputs Current
            {
                get
                {
                    if (current is null || row.Position != position)
                    {
                        current = Predict();
                        position = row.Position;
                    }
                    return current;
                }
            }

            private RowOutputs Predict()
            {
                var rgb = images.ReadRgb();
                double threshold = source.ScoreThreshold();
                var kept = source.Predict(rgb).Where(p => p.Score >= threshold).ToArray();
                var labels = new uint[kept.Length];
                var scores = new float[kept.Length];
                var boxes = new float[4 * kept.Length];
                var masks = new ReadOnlyMemory<char>[kept.Length];
                for (int i = 0; i < kept.Length; i++)
                {
                    var p = kept[i];
                    labels[i] = (uint)p.Label;
                    scores[i] = p.Score;
                    boxes[4 * i] = p.X0;
                    boxes[4 * i + 1] = p.Y0;
                    boxes[4 * i + 2] = p.X1;
                    boxes[4 * i + 3] = p.Y1;
                    masks[i] = p.Mask.ToCompressedString().AsMemory();
                }
                return new RowOutputs(labels, scores, boxes, masks);
            }
        }
    }
}
