using System.Collections.Generic;
using Microsoft.ML;
using Microsoft.ML.MaskRcnn;
using Microsoft.ML.MaskRcnn.Imaging;
using Microsoft.ML.MaskRcnn.Training;
using Microsoft.ML.Runtime;

[assembly: LoadableClass(typeof(MaskRcnnTransformer), null, typeof(SignatureLoadModel), "Mask R-CNN instance segmentation", MaskRcnnTransformer.LoaderSignature)]

namespace Microsoft.ML.MaskRcnn
{
    /// <summary>
    /// A trained Mask R-CNN as an ML.NET transformer: for each row it reads the image column and adds the detections
    /// scoring at least <see cref="MaskRcnnTransformerBase.ScoreThreshold"/>, most confident first, as four variable-length vectors:
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
    public sealed partial class MaskRcnnTransformer : MaskRcnnTransformerBase
    {
        private readonly TrainedMaskRcnn model;
        private readonly string[] classNames;

        internal MaskRcnnTransformer(IHostEnvironment env, TrainedMaskRcnn model, string[] classNames, InstanceOutputColumns columns, double scoreThreshold,
                                     MaskRcnnTrainingResult? trainingResult)
            : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(MaskRcnnTransformer)), columns, scoreThreshold)
        {
            Host.CheckValue(model, nameof(model));
            Host.CheckValue(classNames, nameof(classNames));
            Host.Check(classNames.Length + 1 == model.Model.Options.NumClasses,
                $"The network predicts {model.Model.Options.NumClasses - 1} classes but {classNames.Length} names were given.");
            this.model = model;
            this.classNames = classNames;
            TrainingResult = trainingResult;
        }

        /// <summary>The class names: key k of <c>PredictedLabel</c> is <c>ClassNames[k - 1]</c>.</summary>
        public override IReadOnlyList<string> ClassNames => classNames;

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

        private protected override IReadOnlyList<InstancePrediction> Predict(ImageBuffer image) => model.Predict(image);

        private protected override void DisposeCore() => model.Dispose();
    }
}
