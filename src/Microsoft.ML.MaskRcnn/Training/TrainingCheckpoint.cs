using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Modeling;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Training
{
    /// <summary>
    /// Everything needed to continue training exactly: weights (model.dat, TorchSharp's .dat format), SGD state
    /// (optimizer.bin), the random generators' states, the position in the schedule, the options and the categories
    /// (trainer.json). Written as one zip through <see cref="AtomicFile"/>, so a process killed during a save leaves the
    /// previous checkpoint readable.
    /// </summary>
    public sealed class TrainingCheckpoint
    {
        /// <summary>The version this build writes; newer files are refused.</summary>
        public const int FormatVersion = 1;

        internal static readonly JsonSerializerOptions Json = new()
        {
            WriteIndented = true,
            Converters = { new JsonStringEnumConverter() },
        };

        public int Step { get; init; }
        public int Epoch { get; init; }
        public int BatchInEpoch { get; init; }
        public int TotalSteps { get; init; }
        public MaskRcnnTrainerOptions Options { get; init; } = new();
        public IReadOnlyList<(long Id, string Name)> Categories { get; init; } = Array.Empty<(long, string)>();
        public IReadOnlyList<string> SkippedImages { get; init; } = Array.Empty<string>();

        internal static void Save(string path, TrainingCheckpoint state, MaskRcnnModel model, SGD optimizer)
        {
            AtomicFile.Write(path, file =>
            {
                using var zip = new ZipArchive(file, ZipArchiveMode.Create, leaveOpen: true);
                Write(zip, "model.dat", s => { using var w = new BinaryWriter(s); model.save(w); });
                Write(zip, "optimizer.bin", s => { using var w = new BinaryWriter(s); optimizer.save_state_dict(w); });
                Write(zip, "rng_model.bin", s => WriteTensorBytes(s, model.GetRandomState()));
                Write(zip, "rng_torch.bin", s => WriteTensorBytes(s, torch.random.get_rng_state()));
                Write(zip, "trainer.json", s => JsonSerializer.Serialize(s, Describe(state), Json));
            });
        }

        /// <summary>Reads the description of a checkpoint (not the weights).</summary>
        public static TrainingCheckpoint Read(string path)
        {
            using var zip = Open(path);
            return ReadDescription(zip, path);
        }

        internal static TrainingCheckpoint Restore(string path, MaskRcnnModel model, SGD optimizer)
        {
            using var zip = Open(path);
            var state = ReadDescription(zip, path);
            try
            {
                using (var s = Entry(zip, path, "model.dat")) model.load(new BinaryReader(s));
                using (var s = Entry(zip, path, "optimizer.bin")) optimizer.load_state_dict(new BinaryReader(s));
                using (var scope = NewDisposeScope())
                {
                    using (var s = Entry(zip, path, "rng_model.bin")) model.SetRandomState(ReadTensorBytes(s));
                    using (var s = Entry(zip, path, "rng_torch.bin")) torch.random.set_rng_state(ReadTensorBytes(s));
                }
            }
            catch (Exception e) when (e is EndOfStreamException or InvalidDataException or ArgumentException)
            {
                throw new InvalidDataException($"Checkpoint '{path}' does not match this model or is damaged: {e.Message}", e);
            }
            return state;
        }

        /// <summary>Loads only the weights of a checkpoint into <paramref name="model"/>.</summary>
        internal static void LoadWeights(string path, MaskRcnnModel model)
        {
            using var zip = Open(path);
            using var s = Entry(zip, path, "model.dat");
            model.load(new BinaryReader(s));
        }

        internal static bool IsCheckpoint(string path)
        {
            try
            {
                using var zip = ZipFile.OpenRead(path);
                return zip.GetEntry("trainer.json") != null;
            }
            catch (InvalidDataException)
            {
                return false;
            }
        }

        private static ZipArchive Open(string path)
        {
            if (!File.Exists(path)) throw new FileNotFoundException($"Checkpoint '{path}' does not exist.", path);
            try
            {
                return ZipFile.OpenRead(path);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"'{path}' is not a training checkpoint (not a zip file): {e.Message}", e);
            }
        }

        private static Stream Entry(ZipArchive zip, string path, string name) =>
            (zip.GetEntry(name) ?? throw new InvalidDataException($"Checkpoint '{path}' has no entry '{name}'.")).Open();

        private static TrainingCheckpoint ReadDescription(ZipArchive zip, string path)
        {
            Description description;
            try
            {
                using var s = Entry(zip, path, "trainer.json");
                description = JsonSerializer.Deserialize<Description>(s, Json) ?? throw new InvalidDataException("empty trainer.json");
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"Checkpoint '{path}': trainer.json is not valid: {e.Message}", e);
            }
            if (description.FormatVersion > FormatVersion)
                throw new InvalidDataException($"Checkpoint '{path}' was written by a newer version (format {description.FormatVersion}; this build reads up to {FormatVersion}).");
            return new TrainingCheckpoint
            {
                Step = description.Step, Epoch = description.Epoch, BatchInEpoch = description.BatchInEpoch, TotalSteps = description.TotalSteps,
                Options = description.Options ?? throw new InvalidDataException($"Checkpoint '{path}' has no options."),
                Categories = description.Categories.Select(c => (c.Id, c.Name)).ToArray(), SkippedImages = description.SkippedImages,
            };
        }

        private static Description Describe(TrainingCheckpoint state) => new()
        {
            FormatVersion = FormatVersion, Step = state.Step, Epoch = state.Epoch, BatchInEpoch = state.BatchInEpoch, TotalSteps = state.TotalSteps,
            Options = state.Options, Categories = state.Categories.Select(c => new CategoryRecord { Id = c.Id, Name = c.Name }).ToList(),
            SkippedImages = state.SkippedImages.ToList(),
        };

        private static void Write(ZipArchive zip, string name, Action<Stream> write)
        {
            using var stream = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
            write(stream);
        }

        private static void WriteTensorBytes(Stream stream, Tensor state)
        {
            using (state)
            {
                var bytes = TensorArrays.ToArray<byte>(state);
                stream.Write(bytes);
            }
        }

        private static Tensor ReadTensorBytes(Stream stream)
        {
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            return torch.tensor(memory.ToArray());
        }

        private sealed class Description
        {
            public int FormatVersion { get; set; }
            public int Step { get; set; }
            public int Epoch { get; set; }
            public int BatchInEpoch { get; set; }
            public int TotalSteps { get; set; }
            public MaskRcnnTrainerOptions? Options { get; set; }
            public List<CategoryRecord> Categories { get; set; } = new();
            public List<string> SkippedImages { get; set; } = new();
        }

        private sealed class CategoryRecord
        {
            public long Id { get; set; }
            public string Name { get; set; } = "";
        }
    }
}
