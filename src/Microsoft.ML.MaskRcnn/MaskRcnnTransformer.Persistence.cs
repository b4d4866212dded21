using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Modeling;
using Microsoft.ML.MaskRcnn.Training;
using Microsoft.ML.Runtime;
using TorchSharp;

namespace Microsoft.ML.MaskRcnn
{
    public sealed partial class MaskRcnnTransformer
    {
        /// <summary>The loader signature in the Model.key header.</summary>
        internal const string LoaderSignature = "MaskRcnnTransformer";

        /// <summary>The model signature in the Model.key header.</summary>
        internal const string ModelSignature = "MASKRCNN";

        /// <summary>The format version written (and the oldest read back).</summary>
        internal const uint FormatVersion = 0x00010001;

        /// <summary>The weights stream beside Model.key: TorchSharp's <c>Module.save(BinaryWriter)</c> state dict (.dat format).</summary>
        internal const string WeightsStreamName = "TSModel";

        /// <summary>The network's options beside Model.key (UTF-8 JSON of <see cref="MaskRcnnOptions"/>).</summary>
        internal const string NetworkOptionsStreamName = "MaskRcnnOptions.json";

        private const int MaxClasses = 1_000_000;

        private static readonly JsonSerializerOptions Json = new()
        {
            WriteIndented = true,
            Converters = { new JsonStringEnumConverter() },
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        };

        private static VersionInfo GetVersionInfo() => new(
            modelSignature: ModelSignature,
            verWrittenCur: FormatVersion,
            verReadableCur: FormatVersion,
            verWeCanReadBack: FormatVersion,
            loaderAssemblyName: typeof(MaskRcnnTransformer).Assembly.FullName,
            loaderSignature: LoaderSignature);

        /// <summary>
        /// Model block (version 0x00010001): the image, predicted label, score, predicted box and predicted mask column names
        /// (string ids), the score threshold (double), the class count K (int) and K class names (string ids). Beside it:
        /// <see cref="NetworkOptionsStreamName"/> and <see cref="WeightsStreamName"/>.
        /// </summary>
        private protected override void SaveModel(ModelSaveContext ctx)
        {
            Host.CheckValue(ctx, nameof(ctx));
            ThrowIfDisposed();
            ctx.CheckAtModel();
            ctx.SetVersionInfo(GetVersionInfo());
            ctx.SaveNonEmptyString(columns.Image);
            ctx.SaveNonEmptyString(columns.PredictedLabel);
            ctx.SaveNonEmptyString(columns.Score);
            ctx.SaveNonEmptyString(columns.PredictedBoundingBoxes);
            ctx.SaveNonEmptyString(columns.PredictedMasks);
            ctx.Writer.Write(ScoreThreshold);
            ctx.Writer.Write(classNames.Length);
            foreach (string name in classNames) ctx.SaveNonEmptyString(name);
            ctx.SaveTextStream(NetworkOptionsStreamName, w => w.Write(JsonSerializer.Serialize(model.Model.Options, Json)));
            ctx.SaveBinaryStream(WeightsStreamName, w => model.Model.save(w));
        }

        /// <summary>Loads a transformer saved by <see cref="SaveModel"/>; every inconsistency is a <see cref="FormatException"/> naming the entry.</summary>
        private static MaskRcnnTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            Contracts.CheckValue(env, nameof(env));
            Contracts.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel(GetVersionInfo());
            var columns = new OutputColumns(ctx.LoadNonEmptyString(), ctx.LoadNonEmptyString(), ctx.LoadNonEmptyString(), ctx.LoadNonEmptyString(), ctx.LoadNonEmptyString());
            double threshold = ctx.Reader.ReadDouble();
            if (!(threshold >= 0 && threshold <= 1)) throw ctx.Decorate(new FormatException($"the score threshold {threshold} is not in [0, 1]"));
            int count = ctx.Reader.ReadInt32();
            if (count < 1 || count > MaxClasses) throw ctx.Decorate(new FormatException($"the class count {count} is not in [1, {MaxClasses}]"));
            var names = new string[count];
            for (int i = 0; i < count; i++) names[i] = ctx.LoadNonEmptyString();

            string? json = null;
            if (!ctx.TryLoadTextStream(NetworkOptionsStreamName, r => json = r.ReadToEnd()))
                throw ctx.Decorate(new FormatException($"the stream '{StreamPath(ctx, NetworkOptionsStreamName)}' (the network's options) is missing"));
            var options = ParseOptions(ctx, json!);
            if (options.NumClasses != count + 1)
                throw ctx.Decorate(new FormatException($"the network has {options.NumClasses} classes (background included) but the model names {count}"));

            string device = DeviceSelection.Resolve(env, "cpu", null);
            var network = new MaskRcnnModel(options);
            try
            {
                bool found;
                try
                {
                    found = ctx.TryLoadBinaryStream(WeightsStreamName, r =>
                    {
                        network.load(r, strict: true);
                        if (r.BaseStream.Position != r.BaseStream.Length) throw new InvalidDataException("bytes follow the last tensor");
                    });
                }
                catch (Exception e) when (e is ArgumentException or InvalidDataException or EndOfStreamException or IOException or OverflowException)
                {
                    throw ctx.Decorate(new FormatException(
                        $"the weights stream '{StreamPath(ctx, WeightsStreamName)}' is damaged or does not fit the network: {e.Message}", e));
                }
                if (!found) throw ctx.Decorate(new FormatException($"the weights stream '{StreamPath(ctx, WeightsStreamName)}' is missing"));
                network.to(new torch.Device(device));
                network.eval();
                var categories = new CategoryMap(names.Select((name, i) => ((long)(i + 1), name)));
                var trained = new TrainedMaskRcnn(network, categories, new torch.Device(device));
                return new MaskRcnnTransformer(env, trained, names, columns, threshold, null);
            }
            catch
            {
                network.Dispose();
                throw;
            }
        }

        private static MaskRcnnOptions ParseOptions(ModelLoadContext ctx, string json)
        {
            MaskRcnnOptions? options;
            try
            {
                options = JsonSerializer.Deserialize<MaskRcnnOptions>(json, Json);
            }
            catch (JsonException e)
            {
                throw ctx.Decorate(new FormatException($"the network's options ('{StreamPath(ctx, NetworkOptionsStreamName)}') are not valid: {e.Message}", e));
            }
            if (options is null) throw ctx.Decorate(new FormatException($"the network's options ('{StreamPath(ctx, NetworkOptionsStreamName)}') are empty"));
            try
            {
                options.Validate();
            }
            catch (ArgumentException e)
            {
                throw ctx.Decorate(new FormatException($"the network's options ('{StreamPath(ctx, NetworkOptionsStreamName)}') are not valid: {e.Message}", e));
            }
            return options;
        }

        private static string StreamPath(ModelLoadContext ctx, string name) => ModelSaveContext.CombineDir(ctx.Directory, name);
    }
}
