using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.MaskRcnn;
using Microsoft.ML.MaskRcnn.Training;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transforms.Image;

[assembly: LoadableClass(typeof(MaskRcnnTransformer), null, typeof(SignatureLoadModel), "Mask R-CNN instance segmentation", MaskRcnnTransformer.LoaderSignature)]

namespace Microsoft.ML.MaskRcnn
{
    /// <summary>
    /// A trained Mask R-CNN as an ML.NET transformer: for each row it reads the image column and adds the detections
    /// scoring at least <see cref="ScoreThreshold"/>, most confident first, as four variable-length vectors:
    /// <c>PredictedLabel</c> (Key&lt;UInt32&gt;, KeyValues = <see cref="ClassNames"/>), <c>Score</c> (Single),
    /// <c>PredictedBoundingBoxes</c> (Single, x0, y0, x1, y1 per detection) and <c>PredictedMasks</c> (text, one COCO
    /// compressed RLE string per detection at the image's size). Read them with <see cref="InstanceSegmentationPrediction"/>.
    /// </summary>
    /// <remarks>
    /// Prediction is lazy (a row is predicted when one of its output getters is called, once for all four) and
    /// thread-safe: any number of cursors or prediction engines (one per thread, as always in ML.NET) may run at once;
    /// the network serialises the forward passes. Saved by <c>mlContext.Model.Save</c> with its weights and options (see
    /// docs/usage.md). Disposing it frees the network; a prediction engine created with the default
    /// <c>OwnsTransformer = true</c> disposes its transformer when it is disposed.
    /// </remarks>
    public sealed partial class MaskRcnnTransformer : RowToRowTransformerBase, IDisposable
    {
        private readonly TrainedMaskRcnn model;
        private readonly string[] classNames;
        private readonly OutputColumns columns;
        private double scoreThreshold;
        private volatile bool disposed;

        /// <summary>The input column and the names of the four output columns.</summary>
        internal sealed record OutputColumns(string Image, string PredictedLabel, string Score, string PredictedBoundingBoxes, string PredictedMasks);

        internal MaskRcnnTransformer(IHostEnvironment env, TrainedMaskRcnn model, string[] classNames, OutputColumns columns, double scoreThreshold,
                                     MaskRcnnTrainingResult? trainingResult)
            : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(MaskRcnnTransformer)))
        {
            Host.CheckValue(model, nameof(model));
            Host.CheckValue(classNames, nameof(classNames));
            Host.Check(classNames.Length + 1 == model.Model.Options.NumClasses,
                $"The network predicts {model.Model.Options.NumClasses - 1} classes but {classNames.Length} names were given.");
            this.model = model;
            this.classNames = classNames;
            this.columns = columns;
            ScoreThreshold = scoreThreshold;
            TrainingResult = trainingResult;
        }

        /// <summary>The input image column.</summary>
        public string ImageColumnName => columns.Image;

        /// <summary>The output column of predicted classes (vector of Key&lt;UInt32&gt;).</summary>
        public string PredictedLabelColumnName => columns.PredictedLabel;

        /// <summary>The output column of scores (vector of Single).</summary>
        public string ScoreColumnName => columns.Score;

        /// <summary>The output column of boxes (vector of Single, 4 per detection).</summary>
        public string PredictedBoundingBoxColumnName => columns.PredictedBoundingBoxes;

        /// <summary>The output column of masks (vector of text, one COCO compressed RLE string per detection).</summary>
        public string PredictedMaskColumnName => columns.PredictedMasks;

        /// <summary>The class names: key k of <c>PredictedLabel</c> is <c>ClassNames[k - 1]</c>.</summary>
        public IReadOnlyList<string> ClassNames => classNames;

        /// <summary>
        /// Detections scoring below this are left out (0 keeps all the network makes). Applies to rows predicted after it is
        /// set and is saved with the model. Must be in [0, 1].
        /// </summary>
        public double ScoreThreshold
        {
            get => Volatile.Read(ref scoreThreshold);
            set
            {
                if (!(value >= 0 && value <= 1))
                    throw new ArgumentOutOfRangeException(nameof(ScoreThreshold), value, "The score threshold must be in [0, 1].");
                Volatile.Write(ref scoreThreshold, value);
            }
        }

        /// <summary>
        /// How predictions compute: memory layout, batch norm folded into the convolutions, precision (bfloat16 falls back to
        /// float32, with a warning in the MLContext's log, where the device has no native bfloat16). A machine setting, not
        /// saved with the model: a fitted transformer has the trainer's <c>Compute</c>, a loaded one the defaults.
        /// </summary>
        public Modeling.ComputeOptions Compute
        {
            get => Model.Compute;
            set
            {
                Model.Compute = value;
                if (Model.ComputeFallbackMessage is { } message)
                {
                    using var channel = Host.Start(nameof(Compute));
                    channel.Warning(MessageSensitivity.None, message);
                }
            }
        }

        /// <summary>The network and its categories (owned by this transformer).</summary>
        public TrainedMaskRcnn Model
        {
            get
            {
                ThrowIfDisposed();
                return model;
            }
        }

        /// <summary>The training run that produced this transformer (loss curve, validations); null for a loaded model.</summary>
        public MaskRcnnTrainingResult? TrainingResult { get; }

        /// <summary>
        /// The input shape plus the four output columns; throws <see cref="ArgumentOutOfRangeException"/> when the image
        /// column is missing or not an image.
        /// </summary>
        public SchemaShape GetOutputSchema(SchemaShape inputSchema)
        {
            Host.CheckValue(inputSchema, nameof(inputSchema));
            if (!inputSchema.TryFindColumn(columns.Image, out var image))
                throw Host.ExceptSchemaMismatch(nameof(inputSchema), InstanceColumns.ImageRole, columns.Image);
            if (image.Kind != SchemaShape.Column.VectorKind.Scalar || !(image.ItemType is ImageDataViewType))
                throw Host.ExceptSchemaMismatch(nameof(inputSchema), InstanceColumns.ImageRole, columns.Image, "Image", image.GetTypeString());
            return AddOutputShapes(inputSchema, columns.PredictedLabel, columns.Score, columns.PredictedBoundingBoxes, columns.PredictedMasks);
        }

        /// <summary>Frees the network. Predicting afterwards throws <see cref="ObjectDisposedException"/>.</summary>
        public void Dispose()
        {
            if (disposed) return;
            disposed = true;
            model.Dispose();
        }

        internal static SchemaShape AddOutputShapes(SchemaShape input, string predictedLabel, string score, string boxes, string masks)
        {
            var result = input.ToDictionary(c => c.Name);
            var keyValues = new SchemaShape(new[] { new SchemaShape.Column(InstanceColumns.KeyValuesKind, SchemaShape.Column.VectorKind.Vector, TextDataViewType.Instance, false) });
            result[predictedLabel] = new SchemaShape.Column(predictedLabel, SchemaShape.Column.VectorKind.VariableVector, NumberDataViewType.UInt32, true, keyValues);
            result[score] = new SchemaShape.Column(score, SchemaShape.Column.VectorKind.VariableVector, NumberDataViewType.Single, false);
            result[boxes] = new SchemaShape.Column(boxes, SchemaShape.Column.VectorKind.VariableVector, NumberDataViewType.Single, false);
            result[masks] = new SchemaShape.Column(masks, SchemaShape.Column.VectorKind.VariableVector, TextDataViewType.Instance, false);
            return new SchemaShape(result.Values);
        }

        /// <summary>The four output columns; PredictedLabel carries the class names as KeyValues.</summary>
        private DataViewSchema.DetachedColumn[] OutputColumnsOfSchema()
        {
            var names = classNames.Select(n => n.AsMemory()).ToArray();
            var annotations = new DataViewSchema.Annotations.Builder();
            annotations.Add(InstanceColumns.KeyValuesKind, new VectorDataViewType(TextDataViewType.Instance, names.Length),
                (ref VBuffer<ReadOnlyMemory<char>> dst) => VBuffer<ReadOnlyMemory<char>>.Copy(names, 0, ref dst, names.Length));
            return new[]
            {
                new DataViewSchema.DetachedColumn(columns.PredictedLabel, new VectorDataViewType(new KeyDataViewType(typeof(uint), classNames.Length)), annotations.ToAnnotations()),
                new DataViewSchema.DetachedColumn(columns.Score, new VectorDataViewType(NumberDataViewType.Single)),
                new DataViewSchema.DetachedColumn(columns.PredictedBoundingBoxes, new VectorDataViewType(NumberDataViewType.Single)),
                new DataViewSchema.DetachedColumn(columns.PredictedMasks, new VectorDataViewType(TextDataViewType.Instance)),
            };
        }

        protected override IRowMapper MakeRowMapper(DataViewSchema schema) => new Mapper(this, schema);

        private void ThrowIfDisposed()
        {
            if (disposed)
                throw new ObjectDisposedException(nameof(MaskRcnnTransformer),
                    "The transformer was disposed (note that disposing a PredictionEngine created with OwnsTransformer = true, the default, disposes its transformer).");
        }
    }
}
