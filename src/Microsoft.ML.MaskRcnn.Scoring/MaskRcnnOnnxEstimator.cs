using System;
using System.IO;
using Microsoft.ML.Data;
using Microsoft.ML.MaskRcnn.Scoring;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.MaskRcnn
{
    /// <summary>
    /// Scores images with a Mask R-CNN exported to ONNX: <see cref="Fit"/> trains nothing, it checks the input schema and
    /// opens the ONNX file in ONNX Runtime as a <see cref="MaskRcnnOnnxTransformer"/> with the options' columns, threshold
    /// and session settings. Created by <c>mlContext.Transforms.DetectInstancesWithOnnx(...)</c>.
    /// </summary>
    public sealed class MaskRcnnOnnxEstimator : IEstimator<MaskRcnnOnnxTransformer>
    {
        private readonly IHostEnvironment env;
        private readonly IHost host;
        private readonly Options options;

        internal MaskRcnnOnnxEstimator(IHostEnvironment env, Options options)
        {
            this.env = Contracts.CheckRef(env, nameof(env));
            host = env.Register(nameof(MaskRcnnOnnxEstimator));
            host.CheckValue(options, nameof(options));
            options.Validate();
            this.options = options.Clone();
        }

        /// <summary>What the estimator opens and how: the ONNX file, the columns, the score threshold, the session.</summary>
        public sealed class Options
        {
            /// <summary>The ONNX file written by MaskRcnnOnnxExporter (or <c>maskrcnn export</c>). Required.</summary>
            public string ModelFile = "";

            /// <summary>The input image column (<see cref="Microsoft.ML.Transforms.Image.ImageDataViewType"/>, e.g. from <c>LoadImages</c>).</summary>
            public string ImageColumnName = MaskRcnnColumnNames.Image;

            /// <summary>The output class column: a vector of Key&lt;UInt32&gt; whose KeyValues are the class names.</summary>
            public string PredictedLabelColumnName = MaskRcnnColumnNames.PredictedLabel;

            /// <summary>The output score column: a vector of Single, one per detection, highest first.</summary>
            public string ScoreColumnName = MaskRcnnColumnNames.Score;

            /// <summary>The output box column: a vector of Single, x0, y0, x1, y1 per detection.</summary>
            public string PredictedBoundingBoxColumnName = MaskRcnnColumnNames.PredictedBoundingBoxes;

            /// <summary>The output mask column: a vector of text, one COCO compressed RLE string per detection.</summary>
            public string PredictedMaskColumnName = MaskRcnnColumnNames.PredictedMasks;

            /// <summary>
            /// Detections scoring below this are left out of the output (0 keeps every detection the network makes, whose
            /// floor is 0.05). Can be changed later with <see cref="MaskRcnnTransformerBase.ScoreThreshold"/>; saved.
            /// </summary>
            public double ScoreThreshold = 0.5;

            /// <summary>
            /// The CUDA device to run on (ONNX Runtime's CUDA execution provider, in the Microsoft.ML.OnnxRuntime.Gpu package
            /// the application then references); null runs on the CPU. A machine setting: a loaded model runs on the CPU.
            /// </summary>
            public int? GpuDeviceId;

            /// <summary>When <see cref="GpuDeviceId"/> is set but CUDA is not available: run on the CPU (with a warning in the MLContext's log) instead of throwing.</summary>
            public bool FallbackToCpu;

            /// <summary>Threads ONNX Runtime uses within an operator; null keeps its default (one per physical core).</summary>
            public int? IntraOpNumThreads;

            internal Options Clone() => (Options)MemberwiseClone();

            internal void Validate()
            {
                if (string.IsNullOrEmpty(ModelFile)) throw new ArgumentException("Invalid MaskRcnnOnnxEstimator.Options.ModelFile: the ONNX file is required.", nameof(ModelFile));
                foreach (var (option, value) in new[]
                         {
                             (nameof(ImageColumnName), ImageColumnName), (nameof(PredictedLabelColumnName), PredictedLabelColumnName),
                             (nameof(ScoreColumnName), ScoreColumnName), (nameof(PredictedBoundingBoxColumnName), PredictedBoundingBoxColumnName),
                             (nameof(PredictedMaskColumnName), PredictedMaskColumnName),
                         })
                    if (string.IsNullOrWhiteSpace(value))
                        throw new ArgumentException($"Invalid MaskRcnnOnnxEstimator.Options.{option}: a column name is required.", option);
                if (!(ScoreThreshold >= 0 && ScoreThreshold <= 1))
                    throw new ArgumentOutOfRangeException(nameof(ScoreThreshold), ScoreThreshold, "Invalid MaskRcnnOnnxEstimator.Options.ScoreThreshold: it must be in [0, 1].");
                if (GpuDeviceId < 0)
                    throw new ArgumentOutOfRangeException(nameof(GpuDeviceId), GpuDeviceId, "Invalid MaskRcnnOnnxEstimator.Options.GpuDeviceId: a device id is 0 or more.");
                if (IntraOpNumThreads < 1)
                    throw new ArgumentOutOfRangeException(nameof(IntraOpNumThreads), IntraOpNumThreads, "Invalid MaskRcnnOnnxEstimator.Options.IntraOpNumThreads: at least 1.");
            }
        }

        /// <summary>A copy of the options.</summary>
        public Options GetOptions() => options.Clone();

        /// <summary>
        /// Checks that <paramref name="input"/> holds the image column and opens the ONNX file. Throws
        /// <see cref="ArgumentOutOfRangeException"/> naming a missing or mistyped column, <see cref="FileNotFoundException"/>
        /// for a missing file and <see cref="InvalidDataException"/> for a file that is not an exported Mask R-CNN.
        /// </summary>
        public MaskRcnnOnnxTransformer Fit(IDataView input)
        {
            host.CheckValue(input, nameof(input));
            InstanceColumns.CheckImage(host, input.Schema, options.ImageColumnName);
            if (!File.Exists(options.ModelFile))
                throw new FileNotFoundException($"The ONNX model '{options.ModelFile}' does not exist.", options.ModelFile);
            byte[] onnx = File.ReadAllBytes(options.ModelFile);
            var scorer = OpenScorer(onnx);
            try
            {
                return new MaskRcnnOnnxTransformer(env, scorer, onnx, OutputColumns, options.ScoreThreshold);
            }
            catch
            {
                scorer.Dispose();
                throw;
            }
        }

        /// <summary>The input shape plus the four output columns; throws <see cref="ArgumentOutOfRangeException"/> naming a missing or mistyped image column.</summary>
        public SchemaShape GetOutputSchema(SchemaShape inputSchema) => OutputColumns.GetOutputSchema(host, inputSchema);

        private InstanceOutputColumns OutputColumns => new(options.ImageColumnName, options.PredictedLabelColumnName, options.ScoreColumnName,
                                                           options.PredictedBoundingBoxColumnName, options.PredictedMaskColumnName);

        private MaskRcnnOnnxScorer OpenScorer(byte[] onnx)
        {
            using var session = new SessionOptions();
            if (options.IntraOpNumThreads is int threads) session.IntraOpNumThreads = threads;
            if (options.GpuDeviceId is int device)
            {
                try
                {
                    session.AppendExecutionProvider_CUDA(device);
                }
                catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
                {
                    if (!options.FallbackToCpu)
                        throw new InvalidOperationException(
                            $"ONNX Runtime cannot run on CUDA device {device} ({e.Message}); reference Microsoft.ML.OnnxRuntime.Gpu or set FallbackToCpu.", e);
                    using var channel = host.Start(nameof(Fit));
                    channel.Warning(MessageSensitivity.None, $"CUDA device {device} is not available to ONNX Runtime ({e.Message}); running on the CPU.");
                }
            }
            return new MaskRcnnOnnxScorer(onnx, options.ModelFile, session);
        }
    }
}
