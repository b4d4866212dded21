using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Modeling;
using Microsoft.ML.MaskRcnn.Training;
using Microsoft.ML.Runtime;
using TorchSharp;
using static Microsoft.ML.MaskRcnn.ModelStreams;

namespace Microsoft.ML.MaskRcnn
{
    public sealed partial class MaskRcnnTransformer
    {
        /// <summary>The loader signature in the Model.key header.</summary>
        internal const string LoaderSignature = "MaskRcnnTransformer";

        /// <summary>The model signature in the Model.key header.</summary>
        internal const string ModelSignature = "MASKRCNN";

        /// <summary>The format version written: 0x00010001 and the SHA-256 of the block's values (<see cref="ValuesDigest"/>).</summary>
        internal const uint FormatVersion = 0x00010002;

        /// <summary>The oldest format read back (and the oldest reader of ours that reads this one: it ignores the values' digest).</summary>
        internal const uint OldestFormatVersion = 0x00010001;

        /// <summary>The weights stream beside Model.key: TorchSharp's <c>Module.save(BinaryWriter)</c> state dict (.dat format).</summary>
        internal const string WeightsStreamName = "TSModel";

        /// <summary>The network's options beside Model.key (UTF-8 JSON of <see cref="MaskRcnnOptions"/>, no byte-order mark).</summary>
        internal const string NetworkOptionsStreamName = "MaskRcnnOptions.json";

        private const int MaxClasses = MaskRcnnOptions.MaxClasses;

        private static readonly JsonSerializerOptions Json = new()
        {
            WriteIndented = true,
            Converters = { new JsonStringEnumConverter() },
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        };

        private static VersionInfo GetVersionInfo() => new(
            modelSignature: ModelSignature,
            verWrittenCur: FormatVersion,
            verReadableCur: OldestFormatVersion,
            verWeCanReadBack: OldestFormatVersion,
            loaderAssemblyName: typeof(MaskRcnnTransformer).Assembly.FullName,
            loaderSignature: LoaderSignature);

        /// <summary>
        /// Model block (version 0x00010002): the image, predicted label, score, predicted box and predicted mask column names
        /// (string ids), the score threshold (double), the class count K (int) and K class names (string ids), then for each
        /// stream beside it, <see cref="NetworkOptionsStreamName"/> then <see cref="WeightsStreamName"/>, its length (long)
        /// and SHA-256 (32 bytes), so that a damaged stream is detected rather than loaded; last the SHA-256 of the
        /// block's values (<see cref="ValuesDigest"/>, new in 0x00010002), so that a damaged Model.key is too: ML.NET keeps
        /// the strings in a table whose damage silently changes a name (found by a single-byte change of the string table).
        /// </summary>
        protected override void SaveModel(ModelSaveContext ctx)
        {
            Host.CheckValue(ctx, nameof(ctx));
            ThrowIfDisposed();
            ctx.CheckAtModel();
            ctx.SetVersionInfo(GetVersionInfo());
            Columns.Save(ctx);
            ctx.Writer.Write(ScoreThreshold);
            ctx.Writer.Write(classNames.Length);
            foreach (string name in classNames) ctx.SaveNonEmptyString(name);

            byte[] options = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(model.Model.Options, Json));
            ctx.SaveBinaryStream(NetworkOptionsStreamName, w => w.Write(options));
            // The weights go from the network straight into their entry (ML.NET keeps each entry in a temporary file until
            // the zip is written), never whole in memory; their digest is known once they are written.
            StreamDigest weights = default;
            ctx.SaveBinaryStream(WeightsStreamName, w => weights = StreamDigest.Write(w.BaseStream, stream =>
            {
                using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
                model.Model.save(writer);
            }));
            foreach (var digest in new[] { new StreamDigest(options.Length, SHA256.HashData(options)), weights })
            {
                ctx.Writer.Write(digest.Length);
                ctx.Writer.Write(digest.Hash);
            }
            ctx.Writer.Write(ValuesDigest(Columns, ScoreThreshold, classNames));
        }

        /// <summary>SHA-256 of the block's values as read back (strings decoded), length-prefixed UTF-8 and little-endian.</summary>
        private static byte[] ValuesDigest(InstanceOutputColumns columns, double threshold, string[] names)
        {
            using var buffer = new MemoryStream();
            using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
            {
                columns.WriteForDigest(w);
                w.Write(threshold);
                w.Write(names.Length);
                foreach (string name in names) w.Write(name);
            }
            return SHA256.HashData(buffer.ToArray());
        }

        /// <summary>
        /// Loads a transformer saved by <see cref="SaveModel"/>; every inconsistency is a <see cref="FormatException"/> naming
        /// the entry (ML.NET's <c>Model.Load</c> passes it on wrapped in its own reflection exceptions).
        /// </summary>
        private static MaskRcnnTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            Contracts.CheckValue(env, nameof(env));
            Contracts.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel(GetVersionInfo());
            var columns = InstanceOutputColumns.Load(ctx);
            double threshold = ctx.Reader.ReadDouble();
            if (!(threshold >= 0 && threshold <= 1)) throw LoadError(ctx, new FormatException($"the score threshold {threshold} is not in [0, 1]"));
            int count = ctx.Reader.ReadInt32();
            if (count < 1 || count > MaxClasses) throw LoadError(ctx, new FormatException($"the class count {count} is not in [1, {MaxClasses}]"));
            var names = new string[count];
            for (int i = 0; i < count; i++) names[i] = ctx.LoadNonEmptyString();
            var optionsDigest = new StreamDigest(ctx.Reader.ReadInt64(), ctx.Reader.ReadBytes(32));
            var weightsDigest = new StreamDigest(ctx.Reader.ReadInt64(), ctx.Reader.ReadBytes(32));
            if (ctx.Header.ModelVerWritten >= FormatVersion && !ctx.Reader.ReadBytes(32).AsSpan().SequenceEqual(ValuesDigest(columns, threshold, names)))
                throw LoadError(ctx, new FormatException("the model block is damaged: its column names, score threshold or class names differ from those recorded when it was saved"));

            byte[] json = ReadStream(ctx, NetworkOptionsStreamName, "the network's options", optionsDigest, stream =>
            {
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                return copy.ToArray();
            });
            var options = ParseOptions(ctx, json);
            if (options.NumClasses != count + 1)
                throw LoadError(ctx, new FormatException($"the network has {options.NumClasses} classes (background included) but the model names {count}"));

            string device = DeviceSelection.Resolve(env, "cpu", null);
            // The network is built only once the weights' digest matches: a damaged model is refused before that cost.
            var network = ReadStream(ctx, WeightsStreamName, "the weights", weightsDigest, stream =>
            {
                var built = new MaskRcnnModel(options);
                try
                {
                    LoadWeights(stream, built);
                    return built;
                }
                catch (Exception e)
                {
                    built.Dispose();
                    if (e is ArgumentException or InvalidDataException or EndOfStreamException or IOException or OverflowException)
                        throw LoadError(ctx, new FormatException($"the weights ('{StreamPath(ctx, WeightsStreamName)}') do not fit the network: {e.Message}", e));
                    throw;
                }
            });
            try
            {
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

        /// <summary>Loads the state dict in <paramref name="stream"/> (seekable, at its start) into <paramref name="network"/>.</summary>
        private static void LoadWeights(Stream stream, MaskRcnnModel network)
        {
            long start = stream.Position;
            using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
            CheckWeightsFit(reader, network);
            stream.Position = start;
            network.load(reader, strict: true);
            if (stream.Position != stream.Length) throw new InvalidDataException("bytes follow the last tensor");
        }

        private static MaskRcnnOptions ParseOptions(ModelLoadContext ctx, byte[] json)
        {
            MaskRcnnOptions? options;
            try
            {
                options = JsonSerializer.Deserialize<MaskRcnnOptions>(json, Json);
            }
            catch (JsonException e)
            {
                throw LoadError(ctx, new FormatException($"the network's options ('{StreamPath(ctx, NetworkOptionsStreamName)}') are not valid: {e.Message}", e));
            }
            if (options is null) throw LoadError(ctx, new FormatException($"the network's options ('{StreamPath(ctx, NetworkOptionsStreamName)}') are empty"));
            try
            {
                options.Validate();
            }
            catch (ArgumentException e)
            {
                throw LoadError(ctx, new FormatException($"the network's options ('{StreamPath(ctx, NetworkOptionsStreamName)}') are not valid: {e.Message}", e));
            }
            return options;
        }

        /// <summary>
        /// Names the first tensor of the weights stream (TorchSharp's layout: a LEB128 count, then per tensor its name, a
        /// LEB128 dtype, rank and dimensions, and the raw data) that the network lacks or holds with another shape.
        /// TorchSharp's own loader reports only "Mismatched tensor shape".
        /// </summary>
        private static void CheckWeightsFit(BinaryReader reader, MaskRcnnModel network)
        {
            var expected = network.state_dict().ToDictionary(p => p.Key, p => p.Value.shape);
            long count = checked((long)ReadLeb128(reader));
            var seen = new HashSet<string>();
            for (long i = 0; i < count; i++)
            {
                string name = reader.ReadString();
                var dtype = (torch.ScalarType)(sbyte)ReadLeb128(reader);
                var shape = new long[checked((int)ReadLeb128(reader))];
                for (int d = 0; d < shape.Length; d++) shape[d] = checked((long)ReadLeb128(reader));
                if (!expected.TryGetValue(name, out var networkShape))
                    throw new InvalidDataException($"tensor '{name}' is not part of the network");
                if (!shape.SequenceEqual(networkShape))
                    throw new InvalidDataException($"tensor '{name}' has shape [{string.Join(", ", shape)}] in the weights but [{string.Join(", ", networkShape)}] in the network");
                seen.Add(name);
                long bytes = checked(shape.Aggregate(1L, (a, b) => checked(a * b)) * ElementSize(dtype, name));
                if (bytes > reader.BaseStream.Length - reader.BaseStream.Position) throw new EndOfStreamException($"tensor '{name}' is cut short");
                reader.BaseStream.Seek(bytes, SeekOrigin.Current);
            }
            var missing = expected.Keys.FirstOrDefault(k => !seen.Contains(k));
            if (missing is not null) throw new InvalidDataException($"tensor '{missing}' of the network is missing");
        }

        private static ulong ReadLeb128(BinaryReader reader)
        {
            ulong value = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                byte b = reader.ReadByte();
                value |= (ulong)(b & 0x7f) << shift;
                if ((b & 0x80) == 0) return value;
            }
            throw new InvalidDataException("a length in the weights stream is malformed");
        }

        private static long ElementSize(torch.ScalarType dtype, string name) => dtype switch
        {
            torch.ScalarType.Float64 or torch.ScalarType.Int64 => 8,
            torch.ScalarType.Float32 or torch.ScalarType.Int32 => 4,
            torch.ScalarType.Float16 or torch.ScalarType.BFloat16 or torch.ScalarType.Int16 => 2,
            torch.ScalarType.Byte or torch.ScalarType.Int8 or torch.ScalarType.Bool => 1,
            _ => throw new InvalidDataException($"tensor '{name}' has an unsupported element type {dtype}"),
        };
    }
}
