using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace Microsoft.ML.MaskRcnn.Cli
{
    /// <summary>
    /// predictions.json of <c>maskrcnn predict</c>, written image by image (a large folder is never held in memory):
    /// <code>
    /// {"model": "...", "scoreThreshold": 0.5, "classes": ["circle", ...],
    ///  "images": [{"file": "a.png", "path": "/abs/a.png", "imageId": 7, "width": 160, "height": 128, "overlay": "overlays/a.png",
    ///              "detections": [{"class": "circle", "label": 1, "score": 0.97, "box": [x0, y0, x1, y1],
    ///                              "mask": {"size": [128, 160], "counts": "..."}}]}]}
    /// </code>
    /// "imageId" is present for COCO input, "overlay" unless --no-overlays. The file appears under its name only when
    /// <see cref="Complete"/> is called, so a failed run leaves no truncated predictions behind.
    /// </summary>
    internal sealed class PredictionsFile : IDisposable
    {
        private readonly string path;
        private readonly string partial;
        private readonly FileStream stream;
        private readonly Utf8JsonWriter json;
        private bool completed;

        public PredictionsFile(string path, string model, double scoreThreshold, IReadOnlyList<string> classes)
        {
            this.path = path;
            partial = path + ".partial";
            stream = File.Create(partial);
            json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            json.WriteStartObject();
            json.WriteString("model", model);
            json.WriteNumber("scoreThreshold", scoreThreshold);
            json.WriteStartArray("classes");
            foreach (var name in classes) json.WriteStringValue(name);
            json.WriteEndArray();
            json.WriteStartArray("images");
        }

        public void Add(InputImage image, int width, int height, InstanceSegmentationPrediction prediction, IReadOnlyList<string> classes, string? overlay)
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
            json.Flush();
        }

        /// <summary>Closes the JSON and moves the file into place.</summary>
        public void Complete()
        {
            json.WriteEndArray();
            json.WriteEndObject();
            json.Flush();
            json.Dispose();
            stream.Dispose();
            File.Move(partial, path, overwrite: true);
            completed = true;
        }

        public void Dispose()
        {
            if (completed) return;
            json.Dispose();
            stream.Dispose();
            if (File.Exists(partial)) File.Delete(partial);
        }
    }
}
