using System;
using System.Collections.Generic;
using Microsoft.ML;
using Microsoft.ML.MaskRcnn.Imaging;
using Microsoft.ML.MaskRcnn.Training;
using Microsoft.ML.MaskRcnn;
using Microsoft.ML.MaskRcnn.Scoring;
using Microsoft.ML.Runtime;

[assembly: LoadableClass(typeof(MaskRcnnOnnxTransformer), null, typeof(SignatureLoadModel), "Mask R-CNN instance segmentation by ONNX Runtime",
                         MaskRcnnOnnxTransformer.LoaderSignature)]

namespace Microsoft.ML.MaskRcnn
{
    /// <summary>
    /// A Mask R-CNN exported to ONNX (MaskRcnnOnnxExporter), scored by ONNX Runtime as an ML.NET transformer, without
    /// libtorch. It reads the image column and adds the same four columns as the TorchSharp path's MaskRcnnTransformer:
    /// <c>PredictedLabel</c> (vector of Key&lt;UInt32&gt;, KeyValues = <see cref="ClassNames"/>), <c>Score</c>,
    /// <c>PredictedBoundingBoxes</c> (x0, y0, x1, y1 per detection) and <c>PredictedMasks</c> (one COCO compressed RLE
    /// string per detection), detections scoring at least <see cref="MaskRcnnTransformerBase.ScoreThreshold"/>, most confident first. Read them
    /// with <see cref="InstanceSegmentationPrediction"/>.
    /// </summary>
    /// <remarks>
    /// Prediction is lazy (once per row, for all four columns) and thread-safe: ONNX Runtime runs calls from any number of
    /// cursors or prediction engines at once. Saved by <c>mlContext.Model.Save</c> with the ONNX graph inside the zip, so
    /// a loaded model needs no file beside it. Disposing it frees the ONNX Runtime session. Created by
    /// <c>mlContext.Transforms.DetectInstancesWithOnnx(...)</c>.
    /// </remarks>
    public sealed partial class MaskRcnnOnnxTransformer : MaskRcnnTransformerBase
    {
        private readonly MaskRcnnOnnxScorer scorer;
        private readonly byte[] onnxModel;

        /// <summary>Takes ownership of <paramref name="scorer"/>, a session over <paramref name="onnxModel"/>.</summary>
        internal MaskRcnnOnnxTransformer(IHostEnvironment env, MaskRcnnOnnxScorer scorer, byte[] onnxModel, InstanceOutputColumns columns, double scoreThreshold)
            : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(MaskRcnnOnnxTransformer)), columns, scoreThreshold)
        {
            Host.CheckValue(scorer, nameof(scorer));
            Host.CheckValue(onnxModel, nameof(onnxModel));
            this.scorer = scorer;
            this.onnxModel = onnxModel;
        }

        /// <summary>The class names, from the ONNX file's metadata: key k of <c>PredictedLabel</c> is <c>ClassNames[k - 1]</c>.</summary>
        public override IReadOnlyList<string> ClassNames => scorer.Settings.CategoryNames;

        /// <summary>The image transform and categories the ONNX file carries.</summary>
        public MaskRcnnOnnxSettings Settings => scorer.Settings;

        private protected override IReadOnlyList<InstancePrediction> Predict(ImageBuffer image) => scorer.Predict(image);

        private protected override void DisposeCore() => scorer.Dispose();
    }
}
