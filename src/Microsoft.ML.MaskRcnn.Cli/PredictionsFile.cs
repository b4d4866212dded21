using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Evaluation;

namespace Microsoft.ML.MaskRcnn.Cli
{
    /// <summary>
    /// The files a finished <c>maskrcnn predict</c> run leaves, made from its journal (<see cref="PredictionJournal"/>)
    /// one image at a time, so that a large folder is never held in memory. predictions.json:
    /// <code>
    /// {"model": "...", "scoreThreshold": 0.5, "classes": ["circle", ...],
    ///  "images": [{"file": "a.png", "path": "/abs/a.png", "imageId": 7, "width": 160, "height": 128, "overlay": "overlays/a.png",
    ///              "detections": [{"class": "circle", "label": 1, "score": 0.97, "box": [x0, y0, x1, y1],
    ///                              "mask": {"size": [128, 160], "counts": "..."}}]}]}
    /// </code>
    /// "imageId" is present for COCO input, "overlay" unless --no-overlays. Each file is written under a temporary name
    /// and moved into place, so no truncated file ever carries the name.
    /// </summary>
    internal static class PredictionsFile
    {
        /// <summary>Writes predictions.json from <paramref name="journal"/>; returns how many detections it holds.</summary>
        public static long Write(string path, PredictionJournal journal)
        {
            long detections = 0;
            WriteAtomically(path, stream =>
            {
                using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
                json.WriteStartObject();
                json.WriteString("model", journal.Run.Model);
                json.WriteNumber("scoreThreshold", journal.Run.ScoreThreshold);
                json.WriteStartArray("classes");
                foreach (var name in journal.Run.Classes) json.WriteStringValue(name);
                json.WriteEndArray();
                json.WriteStartArray("images");
                foreach (var image in journal.Images())
                {
                    image.WriteTo(json);
                    detections += image.GetProperty("detections").GetArrayLength();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            });
            return detections;
        }

        /// <summary>
        /// Writes the journal's detections in COCO's results format with the image ids it recorded and
        /// <paramref name="categoryIds"/> (per model class; null leaves the class out); returns how many it wrote.
        /// </summary>
        public static long WriteCocoResults(string path, PredictionJournal journal, long?[] categoryIds)
        {
            long count = 0;
            WriteAtomically(path, stream => CocoResultsFile.Write(stream, Detections(journal, categoryIds, () => count++)));
            return count;
        }

        private static IEnumerable<CocoDetection> Detections(PredictionJournal journal, long?[] categoryIds, System.Action counted)
        {
            foreach (var image in journal.Images())
            {
                long imageId = image.GetProperty("imageId").GetInt64();
                int width = image.GetProperty("width").GetInt32(), height = image.GetProperty("height").GetInt32();
                foreach (var detection in image.GetProperty("detections").EnumerateArray())
                {
                    if (categoryIds[detection.GetProperty("label").GetInt32() - 1] is not long category) continue;
                    var box = detection.GetProperty("box");
                    var mask = RleMask.FromCompressedString(detection.GetProperty("mask").GetProperty("counts").GetString()!, height, width);
                    counted();
                    // Scores and corners were written as floats; read back as floats they are the model's values exactly.
                    yield return new CocoDetection(imageId, category, detection.GetProperty("score").GetSingle(),
                        CocoBox.FromCorners(box[0].GetSingle(), box[1].GetSingle(), box[2].GetSingle(), box[3].GetSingle()), mask);
                }
            }
        }

        private static void WriteAtomically(string path, System.Action<Stream> write)
        {
            string partial = path + ".partial";
            try
            {
                using (var stream = File.Create(partial)) write(stream);
                File.Move(partial, path, overwrite: true);
            }
            finally
            {
                if (File.Exists(partial)) File.Delete(partial);
            }
        }
    }
}
