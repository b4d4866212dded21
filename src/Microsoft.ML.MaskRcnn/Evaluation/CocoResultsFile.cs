using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Microsoft.ML.MaskRcnn.Data;

namespace Microsoft.ML.MaskRcnn.Evaluation
{
    /// <summary>
    /// COCO's results format, the JSON list pycocotools' loadRes and detectron2 read:
    /// <c>[{"image_id": 1, "category_id": 18, "bbox": [x, y, w, h], "score": 0.9, "segmentation": {"size": [h, w], "counts": "..."}}]</c>.
    /// Numbers are written in their shortest round-trip form, so reading a written file gives back the same doubles.
    /// </summary>
    public static class CocoResultsFile
    {
        /// <summary>Writes detections to <paramref name="path"/> (masks as compressed RLE).</summary>
        public static void Write(string path, IEnumerable<CocoDetection> detections)
        {
            using var stream = File.Create(path);
            Write(stream, detections);
        }

        /// <summary>Writes detections as UTF-8 JSON to <paramref name="stream"/>.</summary>
        public static void Write(Stream stream, IEnumerable<CocoDetection> detections)
        {
            using var json = new Utf8JsonWriter(stream);
            json.WriteStartArray();
            foreach (var d in detections)
            {
                json.WriteStartObject();
                json.WriteNumber("image_id", d.ImageId);
                json.WriteNumber("category_id", d.CategoryId);
                json.WriteStartArray("bbox");
                json.WriteNumberValue(d.Box.X);
                json.WriteNumberValue(d.Box.Y);
                json.WriteNumberValue(d.Box.Width);
                json.WriteNumberValue(d.Box.Height);
                json.WriteEndArray();
                json.WriteNumber("score", d.Score);
                if (d.Mask != null)
                {
                    json.WriteStartObject("segmentation");
                    json.WriteStartArray("size");
                    json.WriteNumberValue(d.Mask.Height);
                    json.WriteNumberValue(d.Mask.Width);
                    json.WriteEndArray();
                    json.WriteString("counts", d.Mask.ToCompressedString());
                    json.WriteEndObject();
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }

        /// <summary>
        /// Reads a results file. Each entry needs "image_id", "category_id" and "score", and "bbox" or an RLE
        /// "segmentation" (compressed or uncompressed; the box of a mask-only entry is the mask's box, as in loadRes).
        /// Errors name the file and the entry's position.
        /// </summary>
        public static List<CocoDetection> Read(string path)
        {
            if (!File.Exists(path)) throw new FileNotFoundException($"The results file '{path}' does not exist.", path);
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
            return Read(stream, path);
        }

        /// <summary>Parses results JSON held in memory; <paramref name="source"/> names it in errors.</summary>
        public static List<CocoDetection> Parse(byte[] utf8Json, string source = "COCO results") =>
            Read(new MemoryStream(utf8Json ?? throw new ArgumentNullException(nameof(utf8Json)), writable: false), source);

        /// <summary>
        /// Reads results JSON from <paramref name="utf8Json"/> in one forward pass: memory is a small window of the text
        /// plus the detections kept, so a file that is large for any other reason (padding, nesting, unknown members) costs
        /// nothing. A token longer than 64 MB, nesting deeper than 64 or an entry of more than 2^22 RLE runs is refused
        /// where it is met. <paramref name="source"/> names the stream in errors.
        /// </summary>
        public static List<CocoDetection> Read(Stream utf8Json, string source = "COCO results")
        {
            ArgumentNullException.ThrowIfNull(utf8Json);
            var reader = new JsonTokenStream(utf8Json, source, CocoJsonReader.MaxTokenBytes);
            try
            {
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
                    throw new InvalidDataException($"{source}: results are a JSON array of objects.");
                var detections = new List<CocoDetection>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    try
                    {
                        detections.Add(ReadEntry(ref reader));
                    }
                    catch (Exception e) when (e is FormatException or ArgumentException)
                    {
                        throw new InvalidDataException($"{source}: result #{detections.Count}: {e.Message}", e);
                    }
                }
                if (reader.TokenType != JsonTokenType.EndArray || reader.Read())
                    throw new InvalidDataException($"{source}: the results array is not closed, or text follows it.");
                return detections;
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{source}: invalid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine}): {e.Message}", e);
            }
        }

        /// <summary>One entry, the reader at its first token; members in any order, unknown ones skipped.</summary>
        private static CocoDetection ReadEntry(ref JsonTokenStream reader)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                throw new FormatException("an entry must be an object");
            }
            long? imageId = null, categoryId = null;
            double? score = null;
            double[]? box = null;
            var mask = new RleFields();
            bool hasSegmentation = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.GetString()!;
                reader.Read();
                switch (name)
                {
                    case "image_id": imageId = Integer(ref reader, name); break;
                    case "category_id": categoryId = Integer(ref reader, name); break;
                    case "score": score = Number(ref reader, name); break;
                    case "bbox": box = Numbers(ref reader, name, 5) is { Length: 4 } b ? b : throw new FormatException("\"bbox\" must be [x, y, width, height]"); break;
                    case "segmentation": hasSegmentation = true; mask = ReadRle(ref reader); break;
                    default: reader.Skip(); break;
                }
            }
            long image = imageId ?? throw Missing("image_id"), category = categoryId ?? throw Missing("category_id");
            double confidence = score ?? throw Missing("score");
            RleMask? rle = hasSegmentation ? mask.ToMask() : null;
            if (box != null) return new CocoDetection(image, category, confidence, new CocoBox(box[0], box[1], box[2], box[3]), rle);
            if (rle != null) return new CocoDetection(image, category, confidence, rle);
            throw new FormatException("an entry needs \"bbox\" or \"segmentation\"");
        }

        /// <summary>The members of an RLE "segmentation", kept until its object ends ("size" may follow "counts").</summary>
        private struct RleFields
        {
            public double[]? Size;
            public string? Compressed;
            public double[]? Runs;

            public readonly RleMask ToMask()
            {
                if (Size is not { Length: 2 } || !Size.All(v => v >= 0 && v <= int.MaxValue && v == Math.Floor(v)))
                    throw new FormatException("\"size\" must be [height, width]");
                int h = (int)Size[0], w = (int)Size[1];
                if (Compressed != null) return RleMask.FromCompressedString(Compressed, h, w);
                if (Runs == null) throw Missing("counts");
                var counts = new uint[Runs.Length];
                for (int i = 0; i < Runs.Length; i++)
                {
                    if (!(Runs[i] >= 0 && Runs[i] <= uint.MaxValue && Runs[i] == Math.Floor(Runs[i])))
                        throw new FormatException("\"counts\" must hold non-negative integers");
                    counts[i] = (uint)Runs[i];
                }
                return new RleMask(h, w, counts);
            }
        }

        private static RleFields ReadRle(ref JsonTokenStream reader)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                throw new FormatException("\"segmentation\" must be an RLE object (pycocotools reads no polygons in results)");
            }
            var fields = new RleFields();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.GetString()!;
                reader.Read();
                switch (name)
                {
                    case "size": fields.Size = Numbers(ref reader, name, 2); break;
                    case "counts" when reader.TokenType == JsonTokenType.String: fields.Compressed = reader.GetString(); fields.Runs = null; break;
                    case "counts": fields.Runs = Numbers(ref reader, name, CocoJsonReader.MaxNumbersPerAnnotation); fields.Compressed = null; break;
                    default: reader.Skip(); break;
                }
            }
            if (fields.Size == null) throw Missing("size");
            return fields;
        }

        private static long Integer(ref JsonTokenStream reader, string name) =>
            reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long value) ? value : throw new FormatException($"\"{name}\" must be an integer");

        private static double Number(ref JsonTokenStream reader, string name) =>
            reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out double value) ? value : throw new FormatException($"\"{name}\" must be a number");

        /// <summary>An array of numbers; more than <paramref name="most"/> of them is refused before they are kept.</summary>
        private static double[] Numbers(ref JsonTokenStream reader, string name, int most)
        {
            if (reader.TokenType != JsonTokenType.StartArray) throw new FormatException($"\"{name}\" must be an array of numbers");
            var values = new List<double>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (values.Count == most) throw new FormatException($"\"{name}\" holds more than {most} numbers");
                values.Add(Number(ref reader, name));
            }
            return values.ToArray();
        }

        private static FormatException Missing(string name) => new($"\"{name}\" is missing");
    }
}
