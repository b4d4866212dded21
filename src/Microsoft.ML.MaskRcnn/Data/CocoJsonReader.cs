using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace Microsoft.ML.MaskRcnn.Data
{
    /// <summary>
    /// Reads a COCO instances file in one forward pass (Utf8JsonReader), keeping only compact records. A field of the
    /// wrong type is remembered and reported once its object is complete, so the error can name the annotation id.
    /// </summary>
    internal sealed class CocoJsonReader
    {
        private readonly string source;
        private readonly List<CocoImage> images = new();
        private readonly List<CocoCategory> categories = new();
        private readonly List<CocoAnnotation> annotations = new();

        private CocoJsonReader(string source) => this.source = source;

        /// <summary>The longest string or number accepted (a compressed RLE string of a 16k x 16k mask is a few megabytes).</summary>
        internal const int MaxTokenBytes = 64 << 20;

        /// <summary>The most numbers one annotation may hold in its polygons or RLE runs (2^22: 32 MB as doubles).</summary>
        internal const int MaxNumbersPerAnnotation = 1 << 22;

        /// <summary>
        /// Reads <paramref name="utf8"/> to its end. Memory: a window of the stream (64 KB, more only for a long token) and
        /// the records kept; a file that would make one annotation hold more than <see cref="MaxNumbersPerAnnotation"/>
        /// numbers, a token past <see cref="MaxTokenBytes"/> or nesting deeper than 64 is refused when it is reached.
        /// </summary>
        public static (List<CocoImage> Images, List<CocoCategory> Categories, List<CocoAnnotation> Annotations) Read(Stream utf8, string source)
        {
            var parser = new CocoJsonReader(source);
            var reader = new JsonTokenStream(utf8, source, MaxTokenBytes);
            try
            {
                parser.ReadTop(ref reader);
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{source}: invalid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine}): {e.Message}", e);
            }
            return (parser.images, parser.categories, parser.annotations);
        }

        private void ReadTop(ref JsonTokenStream reader)
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                throw new InvalidDataException($"{source}: a COCO file is a JSON object with \"images\", \"annotations\" and \"categories\".");
            bool sawImages = false, sawAnnotations = false, sawCategories = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.GetString()!;
                reader.Read();
                switch (name)
                {
                    case "images": sawImages = true; ReadArray(ref reader, "images", ReadImage); break;
                    case "annotations": sawAnnotations = true; ReadArray(ref reader, "annotations", ReadAnnotation); break;
                    case "categories": sawCategories = true; ReadArray(ref reader, "categories", ReadCategory); break;
                    default: reader.Skip(); break;
                }
            }
            if (!sawImages) throw new InvalidDataException($"{source}: the \"images\" array is missing.");
            if (!sawAnnotations) throw new InvalidDataException($"{source}: the \"annotations\" array is missing.");
            if (!sawCategories) throw new InvalidDataException($"{source}: the \"categories\" array is missing.");
        }

        private delegate void ElementReader(ref JsonTokenStream reader, int index);

        private void ReadArray(ref JsonTokenStream reader, string name, ElementReader element)
        {
            if (reader.TokenType != JsonTokenType.StartArray) throw new InvalidDataException($"{source}: \"{name}\" must be an array.");
            int index = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.StartObject)
                    throw new InvalidDataException($"{source}: {name}[{index}] must be an object.");
                element(ref reader, index++);
            }
        }

        private void ReadImage(ref JsonTokenStream reader, int index)
        {
            var fields = new Fields(source, "images", index);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.GetString()!;
                reader.Read();
                switch (name)
                {
                    case "id": fields.Id = fields.Integer(ref reader, name); break;
                    case "file_name": fields.Text = fields.String(ref reader, name); break;
                    case "width": fields.Width = fields.Integer(ref reader, name); break;
                    case "height": fields.Height = fields.Integer(ref reader, name); break;
                    default: reader.Skip(); break;
                }
            }
            string what = fields.Id is long id ? $"image {id}" : $"image #{index} (no \"id\")";
            fields.ThrowIfInvalid(source, what);
            if (fields.Id is null) throw new InvalidDataException($"{source}: {what}: \"id\" is missing.");
            if (fields.Text is null) throw new InvalidDataException($"{source}: {what}: \"file_name\" is missing.");
            if (fields.Width is not long w || fields.Height is not long h)
                throw new InvalidDataException($"{source}: {what}: \"width\" and \"height\" are required.");
            if (w <= 0 || h <= 0 || w > int.MaxValue || h > int.MaxValue)
                throw new InvalidDataException($"{source}: {what}: the size {w}x{h} is invalid.");
            images.Add(new CocoImage(fields.Id.Value, fields.Text, (int)w, (int)h));
        }

        private void ReadCategory(ref JsonTokenStream reader, int index)
        {
            var fields = new Fields(source, "categories", index);
            string? supercategory = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.GetString()!;
                reader.Read();
                switch (name)
                {
                    case "id": fields.Id = fields.Integer(ref reader, name); break;
                    case "name": fields.Text = fields.String(ref reader, name); break;
                    case "supercategory": supercategory = reader.TokenType == JsonTokenType.String ? reader.GetString() : null; if (reader.TokenType != JsonTokenType.String) reader.Skip(); break;
                    default: reader.Skip(); break;
                }
            }
            string what = fields.Id is long id ? $"category {id}" : $"category #{index} (no \"id\")";
            fields.ThrowIfInvalid(source, what);
            if (fields.Id is null) throw new InvalidDataException($"{source}: {what}: \"id\" is missing.");
            categories.Add(new CocoCategory(fields.Id.Value, fields.Text ?? fields.Id.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), supercategory));
        }

        private void ReadAnnotation(ref JsonTokenStream reader, int index)
        {
            var fields = new Fields(source, "annotations", index);
            long? imageId = null, categoryId = null;
            CocoSegmentation? segmentation = null;
            CocoBox? box = null;
            double? area = null;
            bool crowd = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.GetString()!;
                reader.Read();
                switch (name)
                {
                    case "id": fields.Id = fields.Integer(ref reader, name); break;
                    case "image_id": imageId = fields.Integer(ref reader, name); break;
                    case "category_id": categoryId = fields.Integer(ref reader, name); break;
                    case "bbox": box = ReadBox(ref reader, fields); break;
                    case "area": area = fields.Number(ref reader, name); break;
                    case "iscrowd": crowd = ReadFlag(ref reader, fields); break;
                    case "segmentation": segmentation = ReadSegmentation(ref reader, fields); break;
                    default: reader.Skip(); break;
                }
            }
            string what = fields.Id is long id ? $"annotation {id}" : $"annotation #{index} (no \"id\")";
            fields.ThrowIfInvalid(source, what);
            if (fields.Id is null) throw new InvalidDataException($"{source}: {what}: \"id\" is missing.");
            if (imageId is null) throw new InvalidDataException($"{source}: {what}: \"image_id\" is missing.");
            if (categoryId is null) throw new InvalidDataException($"{source}: {what}: \"category_id\" is missing.");
            if (segmentation is null && box is null) throw new InvalidDataException($"{source}: {what}: it has neither \"segmentation\" nor \"bbox\".");
            if (area is double a && (double.IsNaN(a) || a < 0)) throw new InvalidDataException($"{source}: {what}: \"area\" {a} is invalid.");
            annotations.Add(new CocoAnnotation(fields.Id.Value, imageId.Value, categoryId.Value, segmentation, box, area, crowd));
        }

        private static CocoBox? ReadBox(ref JsonTokenStream reader, Fields fields)
        {
            double[]? values = fields.Numbers(ref reader, "bbox");
            if (values is null) return null;
            if (values.Length != 4) { fields.Problem ??= $"\"bbox\" has {values.Length} numbers, not 4 (x, y, width, height)"; return null; }
            foreach (double v in values)
                if (!double.IsFinite(v)) { fields.Problem ??= "\"bbox\" holds a value that is not finite"; return null; }
            if (values[2] < 0 || values[3] < 0) { fields.Problem ??= $"\"bbox\" has a negative width or height ({values[2]}, {values[3]})"; return null; }
            return new CocoBox(values[0], values[1], values[2], values[3]);
        }

        private static bool ReadFlag(ref JsonTokenStream reader, Fields fields)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.True: return true;
                case JsonTokenType.False: return false;
                case JsonTokenType.Number when reader.TryGetInt64(out long v) && (v == 0 || v == 1): return v == 1;
                default:
                    fields.Problem ??= "\"iscrowd\" must be 0 or 1";
                    reader.Skip();
                    return false;
            }
        }

        private static CocoSegmentation? ReadSegmentation(ref JsonTokenStream reader, Fields fields)
        {
            if (reader.TokenType == JsonTokenType.StartArray)
            {
                var polygons = new List<double[]>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    double[]? polygon = fields.Numbers(ref reader, "segmentation");
                    if (polygon is null) { fields.Problem ??= "\"segmentation\" must be a list of polygons (lists of numbers) or an RLE object"; continue; }
                    if (polygon.Length % 2 != 0) fields.Problem ??= $"a polygon of \"segmentation\" has an odd number of coordinates ({polygon.Length})";
                    foreach (double v in polygon) if (!double.IsFinite(v)) { fields.Problem ??= "a polygon of \"segmentation\" holds a value that is not finite"; break; }
                    polygons.Add(polygon);
                }
                return polygons.Count == 0 ? null : CocoSegmentation.FromPolygons(polygons);
            }
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                fields.Problem ??= "\"segmentation\" must be a list of polygons or an RLE object";
                reader.Skip();
                return null;
            }
            double[]? size = null;
            string? compressed = null;
            double[]? runs = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.GetString()!;
                reader.Read();
                if (name == "size") size = fields.Numbers(ref reader, "segmentation.size");
                else if (name == "counts" && reader.TokenType == JsonTokenType.String) compressed = reader.GetString();
                else if (name == "counts") runs = fields.Numbers(ref reader, "segmentation.counts");
                else reader.Skip();
            }
            if (size is not { Length: 2 } || size[0] < 0 || size[1] < 0 || size[0] != Math.Floor(size[0]) || size[1] != Math.Floor(size[1]))
            {
                fields.Problem ??= "an RLE \"segmentation\" needs \"size\": [height, width]";
                return null;
            }
            int h = (int)size[0], w = (int)size[1];
            try
            {
                if (compressed != null) return CocoSegmentation.FromRle(RleMask.FromCompressedString(compressed, h, w));
                if (runs != null)
                {
                    var counts = new uint[runs.Length];
                    for (int i = 0; i < runs.Length; i++)
                    {
                        if (runs[i] < 0 || runs[i] > uint.MaxValue || runs[i] != Math.Floor(runs[i])) throw new FormatException($"run {i} ({runs[i]}) is not a run length");
                        counts[i] = (uint)runs[i];
                    }
                    return CocoSegmentation.FromRle(new RleMask(h, w, counts));
                }
                fields.Problem ??= "an RLE \"segmentation\" needs \"counts\"";
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                fields.Problem ??= $"the RLE \"segmentation\" is invalid: {e.Message}";
            }
            return null;
        }

        /// <summary>The fields of one object being read, and the first problem found in them.</summary>
        private sealed class Fields
        {
            private readonly string source;
            private readonly string array;
            private readonly int index;
            private int numbersKept;

            public Fields(string source, string array, int index)
            {
                this.source = source;
                this.array = array;
                this.index = index;
            }

            public long? Id;
            public string? Text;
            public long? Width;
            public long? Height;
            public string? Problem;

            public void ThrowIfInvalid(string source, string what)
            {
                if (Problem != null) throw new InvalidDataException($"{source}: {what}: {Problem}.");
            }

            public long? Integer(ref JsonTokenStream reader, string name)
            {
                if (reader.TokenType == JsonTokenType.Number)
                {
                    if (reader.TryGetInt64(out long v)) return v;
                    if (reader.TryGetDouble(out double d) && d == Math.Floor(d) && Math.Abs(d) < 9e15) return (long)d;
                }
                Problem ??= $"\"{name}\" must be an integer";
                reader.Skip();
                return null;
            }

            public double? Number(ref JsonTokenStream reader, string name)
            {
                if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out double v)) return v;
                Problem ??= $"\"{name}\" must be a number";
                reader.Skip();
                return null;
            }

            public string? String(ref JsonTokenStream reader, string name)
            {
                if (reader.TokenType == JsonTokenType.String) return reader.GetString();
                Problem ??= $"\"{name}\" must be a string";
                reader.Skip();
                return null;
            }

            /// <summary>What an array counts for against the limit: a list slot, an object header, a growing list.</summary>
            private const int ArrayCost = 8;

            /// <summary>
            /// Counts what the object keeps (each number as one, each array as <see cref="ArrayCost"/>) and refuses the object, at once, past
            /// <see cref="MaxNumbersPerAnnotation"/>: a hostile file must not fill memory before its object ends.
            /// </summary>
            private void Keep(int count, string name)
            {
                numbersKept += count;
                if (numbersKept > MaxNumbersPerAnnotation)
                    throw new InvalidDataException($"{source}: {array}[{index}]{(Id is long id ? $" (id {id})" : "")}: \"{name}\" and the rest of the object hold more than {MaxNumbersPerAnnotation} numbers; such a file is not read.");
            }

            /// <summary>An array of numbers; null (and the reader past the value) for anything else.</summary>
            public double[]? Numbers(ref JsonTokenStream reader, string name)
            {
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    Problem ??= $"\"{name}\" must be an array of numbers";
                    reader.Skip();
                    return null;
                }
                var values = new List<double>();
                bool ok = true;
                Keep(ArrayCost, name);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out double v)) { Keep(1, name); values.Add(v); }
                    else { ok = false; reader.Skip(); }
                }
                if (!ok)
                {
                    Problem ??= $"\"{name}\" must hold only numbers";
                    return null;
                }
                return values.ToArray();
            }
        }
    }
}
