using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.ML.Data;
using Microsoft.ML.MaskRcnn.Imaging;
using Microsoft.ML.MaskRcnn.Training;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.MaskRcnn
{
    /// <summary>
    /// What both Mask R-CNN transformers share (the TorchSharp network's MaskRcnnTransformer and the ONNX Runtime
    /// session's <see cref="MaskRcnnOnnxTransformer"/>): the image column and the four output columns, the score
    /// threshold, the row mapping and disposal. They differ only in how an image becomes detections.
    /// </summary>
    public abstract class MaskRcnnTransformerBase : RowToRowTransformerBase, IDisposable
    {
        private double scoreThreshold;
        private volatile bool disposed;

        private protected MaskRcnnTransformerBase(IHost host, InstanceOutputColumns columns, double scoreThreshold)
            : base(host)
        {
            Host.CheckValue(columns, nameof(columns));
            Columns = columns;
            ScoreThreshold = scoreThreshold;
        }

        private protected InstanceOutputColumns Columns { get; }

        /// <summary>The input image column.</summary>
        public string ImageColumnName => Columns.Image;

        /// <summary>The output column of predicted classes (vector of Key&lt;UInt32&gt;).</summary>
        public string PredictedLabelColumnName => Columns.PredictedLabel;

        /// <summary>The output column of scores (vector of Single).</summary>
        public string ScoreColumnName => Columns.Score;

        /// <summary>The output column of boxes (vector of Single, 4 per detection).</summary>
        public string PredictedBoundingBoxColumnName => Columns.PredictedBoundingBoxes;

        /// <summary>The output column of masks (vector of text, one COCO compressed RLE string per detection).</summary>
        public string PredictedMaskColumnName => Columns.PredictedMasks;

        /// <summary>The class names: key k of <c>PredictedLabel</c> is <c>ClassNames[k - 1]</c>.</summary>
        public abstract IReadOnlyList<string> ClassNames { get; }

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
        /// The input shape plus the four output columns; throws <see cref="ArgumentOutOfRangeException"/> when the image
        /// column is missing or not an image.
        /// </summary>
        public SchemaShape GetOutputSchema(SchemaShape inputSchema) => Columns.GetOutputSchema(Host, inputSchema);

        /// <summary>Frees the network or session. Predicting afterwards throws <see cref="ObjectDisposedException"/>.</summary>
        public void Dispose()
        {
            if (disposed) return;
            disposed = true;
            DisposeCore();
        }

        /// <summary>The detections of an 8-bit RGB image, most confident first; called from any number of threads at once.</summary>
        private protected abstract IReadOnlyList<InstancePrediction> Predict(ImageBuffer image);

        /// <summary>Frees what the transformer owns; called once.</summary>
        private protected abstract void DisposeCore();

        protected sealed override IRowMapper MakeRowMapper(DataViewSchema schema) =>
            new InstancePredictionMapper(Host.Register(nameof(InstancePredictionMapper)), schema, this,
                new InstancePredictionMapper.Source(Columns, ClassNames, image =>
                {
                    ThrowIfDisposed();
                    return Predict(image);
                }, () => ScoreThreshold, SaveModel));

        private protected void ThrowIfDisposed()
        {
            if (disposed)
                throw new ObjectDisposedException(GetType().Name,
                    "The transformer was disposed (note that disposing a PredictionEngine created with OwnsTransformer = true, the default, disposes its transformer).");
        }
    }
}
