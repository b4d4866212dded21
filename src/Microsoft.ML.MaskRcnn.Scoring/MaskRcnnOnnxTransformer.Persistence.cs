using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using Microsoft.ML.MaskRcnn.Scoring;
using Microsoft.ML.Runtime;
using static Microsoft.ML.MaskRcnn.ModelStreams;

namespace Microsoft.ML.MaskRcnn
{
    public sealed partial class MaskRcnnOnnxTransformer
    {
        /// <summary>The loader signature in the Model.key header.</summary>
        internal const string LoaderSignature = "MaskRcnnOnnxTransformer";

        /// <summary>The model signature in the Model.key header (eight characters).</summary>
        internal const string ModelSignature = "MRCNONNX";

        /// <summary>The format version written and read.</summary>
        internal const uint FormatVersion = 0x00010001;

        /// <summary>The ONNX graph beside Model.key, the exporter's file byte for byte.</summary>
        internal const string OnnxStreamName = "Model.onnx";

        /// <summary>The largest ONNX file kept: protobuf's own limit on a message (2 GiB).</summary>
        private const long MaxOnnxBytes = int.MaxValue;

        private static VersionInfo GetVersionInfo() => new(
            modelSignature: ModelSignature,
            verWrittenCur: FormatVersion,
            verReadableCur: FormatVersion,
            verWeCanReadBack: FormatVersion,
            loaderAssemblyName: typeof(MaskRcnnOnnxTransformer).Assembly.FullName,
            loaderSignature: LoaderSignature);

        /// <summary>
        /// Model block: the image, predicted label, score, predicted box and predicted mask column names (string ids), the
        /// score threshold (double), the length (long) and SHA-256 (32 bytes) of <see cref="OnnxStreamName"/> beside it,
        /// and the SHA-256 of the block's values (<see cref="ValuesDigest"/>), so that damage to either is refused on
        /// load, never scored. The class names live in the ONNX file's metadata.
        /// </summary>
        protected override void SaveModel(ModelSaveContext ctx)
        {
            Host.CheckValue(ctx, nameof(ctx));
            ThrowIfDisposed();
            ctx.CheckAtModel();
            ctx.SetVersionInfo(GetVersionInfo());
            Columns.Save(ctx);
            double threshold = ScoreThreshold;
            ctx.Writer.Write(threshold);
            ctx.SaveBinaryStream(OnnxStreamName, w => w.Write(onnxModel));
            ctx.Writer.Write((long)onnxModel.Length);
            ctx.Writer.Write(SHA256.HashData(onnxModel));
            ctx.Writer.Write(ValuesDigest(Columns, threshold));
        }

        /// <summary>SHA-256 of the block's values as read back (strings decoded), length-prefixed UTF-8 and little-endian.</summary>
        private static byte[] ValuesDigest(InstanceOutputColumns columns, double threshold)
        {
            using var buffer = new MemoryStream();
            using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
            {
                columns.WriteForDigest(w);
                w.Write(threshold);
            }
            return SHA256.HashData(buffer.ToArray());
        }

        /// <summary>
        /// Loads a transformer saved by <see cref="SaveModel"/>; every inconsistency is a <see cref="FormatException"/> naming
        /// the entry (ML.NET's <c>Model.Load</c> passes it on wrapped in its own reflection exceptions). The session runs on
        /// the CPU with ONNX Runtime's default threads.
        /// </summary>
        private static MaskRcnnOnnxTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            Contracts.CheckValue(env, nameof(env));
            Contracts.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel(GetVersionInfo());
            var columns = InstanceOutputColumns.Load(ctx);
            double threshold = ctx.Reader.ReadDouble();
            if (!(threshold >= 0 && threshold <= 1)) throw LoadError(ctx, new FormatException($"the score threshold {threshold} is not in [0, 1]"));
            var recorded = new StreamDigest(ctx.Reader.ReadInt64(), ctx.Reader.ReadBytes(32));
            if (!ctx.Reader.ReadBytes(32).AsSpan().SequenceEqual(ValuesDigest(columns, threshold)))
                throw LoadError(ctx, new FormatException("the model block is damaged: its column names or score threshold differ from those recorded when it was saved"));
            if (recorded.Length > MaxOnnxBytes)
                throw LoadError(ctx, new FormatException($"the recorded size of the ONNX graph ({recorded.Length} bytes) is over the 2 GiB an ONNX file can hold"));

            byte[] onnx = ReadStream(ctx, OnnxStreamName, "the ONNX graph", recorded, stream =>
            {
                var bytes = new byte[recorded.Length];
                stream.ReadExactly(bytes);
                return bytes;
            });
            MaskRcnnOnnxScorer scorer;
            try
            {
                scorer = new MaskRcnnOnnxScorer(onnx, StreamPath(ctx, OnnxStreamName));
            }
            catch (InvalidDataException e)
            {
                throw LoadError(ctx, new FormatException(e.Message, e));
            }
            try
            {
                return new MaskRcnnOnnxTransformer(env, scorer, onnx, columns, threshold);
            }
            catch
            {
                scorer.Dispose();
                throw;
            }
        }
    }
}
