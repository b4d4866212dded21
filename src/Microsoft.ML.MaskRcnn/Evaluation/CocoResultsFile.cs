using System;
using System.Collections.Generic;
using System.IO;
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
            return Parse(File.ReadAllBytes(path), path);
        }

        /// <summary>Parses results JSON held in memory; <paramref name="source"/> names it in errors.</summary>
        public static List<CocoDetection> Parse(byte[] utf8Json, string source = "COCO results")
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(utf8Json, new JsonDocumentOptions { AllowTrailingCommas = true });
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{source}: invalid JSON (line {e.LineNumber + 1}): {e.Message}", e);
            }
            using (document)
            {
                if (document.RootElement.ValueKind != JsonValueKind.Array) throw new InvalidDataException($"{source}: results are a JSON array of objects.");
                var detections = new List<CocoDetection>(document.RootElement.GetArrayLength());
                int index = 0;
                foreach (var entry in document.RootElement.EnumerateArray())
                {
                    string what = $"{source}: result #{index++}";
                    try
                    {
                        detections.Add(ReadEntry(entry));
                    }
                    catch (Exception e) when (e is FormatException or InvalidOperationException or ArgumentException or KeyNotFoundException)
                    {
                        throw new InvalidDataException($"{what}: {e.Message}", e);
                    }
                }
                return detections;
            }
        }

        private static CocoDetection ReadEntry(JsonElement entry)
        {
            if (entry.ValueKind != JsonValueKind.Object) throw new FormatException("an entry must be an object");
            long imageId = Required(entry, "image_id").GetInt64();
            long categoryId = Required(entry, "category_id").GetInt64();
            double score = Required(entry, "score").GetDouble();
            RleMask? mask = null;
            if (entry.TryGetProperty("segmentation", out var segmentation))
            {
                if (segmentation.ValueKind != JsonValueKind.Object)
                    throw new FormatException("\"segmentation\" must be an RLE object (pycocotools reads no polygons in results)");
                var size = Required(segmentation, "size");
                if (size.ValueKind != JsonValueKind.Array || size.GetArrayLength() != 2) throw new FormatException("\"size\" must be [height, width]");
                int h = size[0].GetInt32(), w = size[1].GetInt32();
                var counts = Required(segmentation, "counts");
                if (counts.ValueKind == JsonValueKind.String) mask = RleMask.FromCompressedString(counts.GetString()!, h, w);
                else
                {
                    var runs = new List<uint>(counts.GetArrayLength());
                    foreach (var run in counts.EnumerateArray()) runs.Add(run.GetUInt32());
                    mask = new RleMask(h, w, runs);
                }
            }
            if (entry.TryGetProperty("bbox", out var b))
            {
                if (b.ValueKind != JsonValueKind.Array || b.GetArrayLength() != 4) throw new FormatException("\"bbox\" must be [x, y, width, height]");
                return new CocoDetection(imageId, categoryId, score, new CocoBox(b[0].GetDouble(), b[1].GetDouble(), b[2].GetDouble(), b[3].GetDouble()), mask);
            }
            if (mask != null) return new CocoDetection(imageId, categoryId, score, mask);
            throw new FormatException("an entry needs \"bbox\" or \"segmentation\"");
        }

        private static JsonElement Required(JsonElement element, string name) =>
            element.TryGetProperty(name, out var value) ? value : throw new KeyNotFoundException($"\"{name}\" is missing");
    }
}
