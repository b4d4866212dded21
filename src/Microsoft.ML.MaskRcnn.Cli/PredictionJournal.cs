using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Microsoft.ML.MaskRcnn.Cli
{
    /// <summary>
    /// predictions.jsonl, the record of a <c>maskrcnn predict</c> run as it goes: a first line describing the run
    /// (<see cref="PredictionRun"/>), then one line per predicted image, appended and handed to the operating system
    /// as soon as the image is done. A run that is interrupted, fails on an image or is killed keeps every finished
    /// image here; <c>--resume</c> reopens the file, drops a line cut short by a kill, and continues with the images it
    /// does not hold. A finished run turns it into predictions.json (<see cref="PredictionsFile"/>) and deletes it.
    /// </summary>
    internal sealed class PredictionJournal : IDisposable
    {
        public const string FileName = "predictions.jsonl";

        private readonly FileStream stream;
        private readonly ArrayBufferWriter<byte> line = new();
        private readonly bool resumed;
        private bool deleted;

        private PredictionJournal(string path, FileStream stream, PredictionRun run, bool resumed)
        {
            Path = path;
            this.stream = stream;
            Run = run;
            this.resumed = resumed;
        }

        public string Path { get; }

        /// <summary>The run this journal records.</summary>
        public PredictionRun Run { get; }

        /// <summary>Images held, from this run and any it resumes.</summary>
        public int ImageCount { get; private set; }

        /// <summary>The images already predicted, by <see cref="KeyOf(InputImage)"/>.</summary>
        public HashSet<string> Done { get; } = new(StringComparer.Ordinal);

        /// <summary>The overlay names already given (without extension), so that the run goes on naming as it began.</summary>
        public HashSet<string> OverlayNames { get; } = new(StringComparer.OrdinalIgnoreCase);

        public static string PathIn(string folder) => System.IO.Path.Combine(folder, FileName);

        /// <summary>Starts a new journal in <paramref name="folder"/>, which must not hold one.</summary>
        public static PredictionJournal Start(string folder, PredictionRun run)
        {
            string path = PathIn(folder);
            var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
            var journal = new PredictionJournal(path, stream, run, resumed: false);
            journal.AppendLine(run.Write);
            return journal;
        }

        /// <summary>
        /// Reopens the journal in <paramref name="folder"/> to continue it. Its run must be <paramref name="run"/> (the
        /// same model, input, threshold, classes and overlay setting), else a <see cref="UsageException"/> names what
        /// differs. A last line without its newline (the process was killed while writing it) is cut off.
        /// </summary>
        public static PredictionJournal Resume(string folder, PredictionRun run)
        {
            string path = PathIn(folder);
            var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
            try
            {
                stream.SetLength(WholeLinesLength(stream));
                stream.Position = 0;
                var journal = new PredictionJournal(path, stream, run, resumed: true);
                int lineNumber = 0;
                foreach (var text in ReadLines(stream))
                {
                    lineNumber++;
                    using var document = Parse(path, lineNumber, text);
                    if (lineNumber == 1)
                    {
                        string? difference = PredictionRun.Read(document.RootElement, path).DifferenceFrom(run);
                        if (difference is not null)
                            throw new UsageException($"--resume: {path} records another run ({difference}); run it with the same options, or remove the file to start again");
                        continue;
                    }
                    var image = document.RootElement;
                    string file = RequiredString(image, "path", path, lineNumber);
                    journal.Done.Add(image.TryGetProperty("imageId", out var id) && id.TryGetInt64(out long imageId) ? Key(file, imageId) : Key(file, null));
                    if (image.TryGetProperty("overlay", out var overlay) && overlay.ValueKind == JsonValueKind.String)
                        journal.OverlayNames.Add(System.IO.Path.GetFileNameWithoutExtension(overlay.GetString()!));
                    journal.ImageCount++;
                }
                if (lineNumber == 0) throw new InvalidDataException($"{path} is empty: it holds no run to resume; remove it to start again");
                stream.Position = stream.Length;
                return journal;
            }
            catch
            {
                stream.Dispose();
                throw;
            }
        }

        /// <summary>Appends one image's predictions as a line and hands it to the operating system before returning.</summary>
        public void Append(InputImage image, int width, int height, InstanceSegmentationPrediction prediction, IReadOnlyList<string> classes, string? overlay)
        {
            AppendLine(json =>
            {
                json.WriteStartObject();
                json.WriteString("file", image.Name);
                json.WriteString("path", image.Path);
                if (image.Coco is not null) json.WriteNumber("imageId", image.Coco.Id);
                json.WriteNumber("width", width);
                json.WriteNumber("height", height);
                if (overlay is not null) json.WriteString("overlay", overlay);
                json.WriteStartArray("detections");
                for (int i = 0; i < prediction.Count; i++)
                {
                    uint key = prediction.PredictedLabel[i];
                    var (x0, y0, x1, y1) = prediction.GetBox(i);
                    json.WriteStartObject();
                    json.WriteString("class", classes[(int)key - 1]);
                    json.WriteNumber("label", key);
                    json.WriteNumber("score", prediction.Score[i]);
                    json.WriteStartArray("box");
                    json.WriteNumberValue(x0);
                    json.WriteNumberValue(y0);
                    json.WriteNumberValue(x1);
                    json.WriteNumberValue(y1);
                    json.WriteEndArray();
                    json.WriteStartObject("mask");
                    json.WriteStartArray("size");
                    json.WriteNumberValue(height);
                    json.WriteNumberValue(width);
                    json.WriteEndArray();
                    json.WriteString("counts", prediction.PredictedMasks[i]);
                    json.WriteEndObject();
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            });
            Done.Add(KeyOf(image));
            ImageCount++;
        }

        /// <summary>What identifies an image of the run: its file, and for COCO input its id (a file may be listed twice).</summary>
        public static string KeyOf(InputImage image) => Key(image.Path, image.Coco?.Id);

        private static string Key(string path, long? imageId) => imageId is long id ? path + "\n" + id.ToString(CultureInfo.InvariantCulture) : path;

        /// <summary>Each image line in order, as JSON (valid until the enumeration moves on).</summary>
        public IEnumerable<JsonElement> Images()
        {
            stream.Flush();
            using var reader = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            int lineNumber = 0;
            foreach (var text in ReadLines(reader))
            {
                if (++lineNumber == 1) continue;
                using var document = Parse(Path, lineNumber, text);
                yield return document.RootElement;
            }
        }

        /// <summary>The run is complete and its results are written elsewhere: the journal goes.</summary>
        public void Delete()
        {
            stream.Dispose();
            File.Delete(Path);
            deleted = true;
        }

        /// <summary>Closes the file; a new journal that never received an image is removed (there is nothing to resume).</summary>
        public void Dispose()
        {
            if (deleted) return;
            stream.Dispose();
            if (!resumed && ImageCount == 0) File.Delete(Path);
        }

        private void AppendLine(Action<Utf8JsonWriter> write)
        {
            line.ResetWrittenCount();
            using (var json = new Utf8JsonWriter(line)) write(json);
            line.Write("\n"u8);
            // One write per line, flushed: a kill can cut only the line being written, never an earlier one.
            stream.Write(line.WrittenSpan);
            stream.Flush();
        }

        // The length up to and including the last newline.
        private static long WholeLinesLength(FileStream stream)
        {
            var buffer = new byte[64 * 1024];
            for (long end = stream.Length; end > 0;)
            {
                int count = (int)Math.Min(buffer.Length, end);
                stream.Position = end - count;
                stream.ReadExactly(buffer, 0, count);
                int newline = Array.LastIndexOf(buffer, (byte)'\n', count - 1, count);
                if (newline >= 0) return end - count + newline + 1;
                end -= count;
            }
            return 0;
        }

        private static IEnumerable<string> ReadLines(Stream stream)
        {
            using var reader = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: true), false, 64 * 1024, leaveOpen: true);
            while (reader.ReadLine() is { } text) yield return text;
        }

        private static JsonDocument Parse(string path, int lineNumber, string text)
        {
            try
            {
                var document = JsonDocument.Parse(text);
                if (document.RootElement.ValueKind == JsonValueKind.Object) return document;
                document.Dispose();
                throw new InvalidDataException($"{path}, line {lineNumber}: not a JSON object; remove the file to start again");
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}, line {lineNumber}: not JSON ({e.Message}); remove the file to start again", e);
            }
        }

        internal static string RequiredString(JsonElement element, string name, string path, int lineNumber) =>
            element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()!
                : throw new InvalidDataException($"{path}, line {lineNumber}: \"{name}\" is missing or not a string; remove the file to start again");
    }

    /// <summary>What a predict run is: the first line of its journal, and what a resumed run must match.</summary>
    internal sealed record PredictionRun(string Model, string ModelSha256, string Input, double ScoreThreshold, IReadOnlyList<string> Classes, bool Overlays)
    {
        public static string Sha256Of(string file)
        {
            using var stream = File.OpenRead(file);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        }

        public void Write(Utf8JsonWriter json)
        {
            json.WriteStartObject();
            json.WriteString("model", Model);
            json.WriteString("modelSha256", ModelSha256);
            json.WriteString("input", Input);
            json.WriteNumber("scoreThreshold", ScoreThreshold);
            json.WriteStartArray("classes");
            foreach (var name in Classes) json.WriteStringValue(name);
            json.WriteEndArray();
            json.WriteBoolean("overlays", Overlays);
            json.WriteEndObject();
        }

        public static PredictionRun Read(JsonElement header, string path)
        {
            try
            {
                return new PredictionRun(
                    PredictionJournal.RequiredString(header, "model", path, 1),
                    PredictionJournal.RequiredString(header, "modelSha256", path, 1),
                    PredictionJournal.RequiredString(header, "input", path, 1),
                    header.GetProperty("scoreThreshold").GetDouble(),
                    header.GetProperty("classes").EnumerateArray().Select(c => c.GetString() ?? throw new InvalidOperationException("a class is not a string")).ToArray(),
                    header.GetProperty("overlays").GetBoolean());
            }
            catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new InvalidDataException($"{path}, line 1: not the description of a predict run ({e.Message}); remove the file to start again", e);
            }
        }

        /// <summary>The first setting in which <paramref name="other"/> differs from this run, in words; null when none does.</summary>
        public string? DifferenceFrom(PredictionRun other)
        {
            var c = CultureInfo.InvariantCulture;
            if (Model != other.Model) return $"the model {Model}, not {other.Model}";
            if (ModelSha256 != other.ModelSha256) return $"{Model} has changed since (SHA-256 {ModelSha256[..12]}..., now {other.ModelSha256[..12]}...)";
            if (Input != other.Input) return $"the input {Input}, not {other.Input}";
            if (ScoreThreshold != other.ScoreThreshold) return $"score threshold {ScoreThreshold.ToString(c)}, not {other.ScoreThreshold.ToString(c)}";
            if (!Classes.SequenceEqual(other.Classes)) return $"classes {string.Join(", ", Classes)}, not {string.Join(", ", other.Classes)}";
            if (Overlays != other.Overlays) return Overlays ? "overlays, not --no-overlays" : "--no-overlays";
            return null;
        }
    }
}
