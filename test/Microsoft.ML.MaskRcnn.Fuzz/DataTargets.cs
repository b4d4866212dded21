using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Imaging;

namespace Microsoft.ML.MaskRcnn.Fuzz
{
    /// <summary>COCO instances JSON: the streaming reader, the cross-checks, and each small image's masks drawn.</summary>
    internal sealed class CocoJsonTarget : FuzzTarget
    {
        public override string Name => "coco-json";

        public override string Description => "CocoAnnotationFile.Load (JSON, cross-checks), CocoDataset.LoadAnnotations (polygons and RLE drawn)";

        protected override void Parse(byte[] input)
        {
            var file = CocoAnnotationFile.Load(new MemoryStream(input, writable: false), "fuzz.json");
            var dataset = new CocoDataset(file, "/nonexistent", new CocoDatasetOptions { MaxPixels = 1 << 16 });
            for (int i = 0; i < dataset.Count; i++) dataset.LoadAnnotations(i);
        }

        protected override bool IsContractError(Exception e) => e is InvalidDataException;

        public override IEnumerable<(string, byte[])> Seeds()
        {
            string Image(int id, int w, int h) => $"{{\"id\": {id}, \"file_name\": \"{id}.png\", \"width\": {w}, \"height\": {h}}}";
            var mask = new byte[6 * 8];
            for (int y = 1; y < 5; y++) for (int x = 2; x < 7; x++) mask[x * 6 + y] = 1;
            string rle = RleMask.Encode(mask, 6, 8).ToCompressedString();
            string json = "{\"info\": {\"year\": 2026}, \"images\": [" + Image(1, 8, 6) + ", " + Image(2, 5, 5) + "], " +
                "\"categories\": [{\"id\": 1, \"name\": \"a\", \"supercategory\": \"s\"}, {\"id\": 7, \"name\": \"b\"}], \"annotations\": [" +
                "{\"id\": 10, \"image_id\": 1, \"category_id\": 1, \"segmentation\": [[1, 1, 6, 1, 6, 5, 1.5, 4.5]], \"bbox\": [1, 1, 5, 4], \"area\": 20, \"iscrowd\": 0}, " +
                $"{{\"id\": 11, \"image_id\": 1, \"category_id\": 7, \"segmentation\": {{\"size\": [6, 8], \"counts\": \"{rle}\"}}, \"iscrowd\": 1}}, " +
                "{\"id\": 12, \"image_id\": 2, \"category_id\": 1, \"segmentation\": {\"size\": [5, 5], \"counts\": [3, 4, 1, 17]}, \"bbox\": [0, 0, 2, 2]}, " +
                "{\"id\": 13, \"image_id\": 2, \"category_id\": 7, \"bbox\": [1, 1, 3, 2]}]}";
            yield return ("full.json", Encoding.UTF8.GetBytes(json));
            yield return ("minimal.json", Encoding.UTF8.GetBytes("{\"images\": [], \"annotations\": [], \"categories\": []}"));
        }
    }

    /// <summary>COCO results JSON (what maskrcnn evaluate --results reads): boxes, scores, RLE masks.</summary>
    internal sealed class CocoResultsTarget : FuzzTarget
    {
        public override string Name => "coco-results";

        public override string Description => "CocoResultsFile.Parse (results entries, compressed and uncompressed RLE)";

        protected override void Parse(byte[] input) => Evaluation.CocoResultsFile.Parse(input, "fuzz-results.json");

        protected override bool IsContractError(Exception e) => e is InvalidDataException;

        public override IEnumerable<(string, byte[])> Seeds()
        {
            var mask = new byte[7 * 5];
            mask[8] = mask[9] = mask[15] = 1;
            string rle = RleMask.Encode(mask, 7, 5).ToCompressedString();
            yield return ("results.json", Encoding.UTF8.GetBytes(
                "[{\"image_id\": 1, \"category_id\": 2, \"score\": 0.9, \"bbox\": [1, 2, 3.5, 4]}, " +
                $"{{\"image_id\": 1, \"category_id\": 1, \"score\": 0.25, \"segmentation\": {{\"size\": [7, 5], \"counts\": \"{rle}\"}}}}, " +
                "{\"image_id\": 2, \"category_id\": 1, \"score\": 0.5, \"bbox\": [0, 0, 1, 1], \"segmentation\": {\"size\": [2, 2], \"counts\": [1, 2, 1]}}]"));
        }
    }

    /// <summary>
    /// COCO's compressed RLE strings: two bytes give the mask size (up to 63 x 63), the rest is the string. A decoded mask
    /// must re-encode to the same pixels, area and box.
    /// </summary>
    internal sealed class RleStringTarget : FuzzTarget
    {
        public override string Name => "rle";

        public override string Description => "RleMask.FromCompressedString, Decode, Encode, Area, ToBoundingBox, Merge";

        protected override void Parse(byte[] input)
        {
            if (input.Length < 2) return;
            int h = input[0] % 64, w = input[1] % 64;
            var rle = RleMask.FromCompressedString(Encoding.Latin1.GetString(input, 2, input.Length - 2), h, w);
            byte[] pixels = rle.Decode();
            var again = RleMask.Encode(pixels, h, w);
            if (!again.Decode().AsSpan().SequenceEqual(pixels)) throw new FuzzFinding("Encode(Decode(m)) draws other pixels than m");
            if (again.Area != rle.Area || again.Area != pixels.Count(p => p != 0)) throw new FuzzFinding($"areas differ: {rle.Area}, {again.Area}");
            if (!RleMask.FromCompressedString(again.ToCompressedString(), h, w).Decode().AsSpan().SequenceEqual(pixels))
                throw new FuzzFinding("the compressed string of a mask does not decode to it");
            var box = rle.ToBoundingBox();
            if (rle.Area > 0 && (box.Width <= 0 || box.Height <= 0)) throw new FuzzFinding($"a mask of area {rle.Area} has the box {box}");
            if (!RleMask.Merge(new[] { rle, again }).Decode().AsSpan().SequenceEqual(pixels)) throw new FuzzFinding("m | m differs from m");
        }

        protected override bool IsContractError(Exception e) => e is FormatException;

        public override IEnumerable<(string, byte[])> Seeds()
        {
            var random = new Random(5);
            foreach (var (h, w) in new[] { (4, 5), (17, 9), (32, 32) })
            {
                var mask = new byte[h * w];
                for (int i = 0; i < mask.Length; i++) mask[i] = (byte)(random.NextDouble() < 0.4 ? 1 : 0);
                string text = RleMask.Encode(mask, h, w).ToCompressedString();
                yield return ($"{h}x{w}.rle", new[] { (byte)h, (byte)w }.Concat(Encoding.Latin1.GetBytes(text)).ToArray());
            }
        }
    }

    /// <summary>
    /// Polygon rasterisation as COCO polygons reach it: a byte for the height, one for the width, one for the polygon
    /// count, then per polygon a vertex count byte and little-endian float32 x, y pairs (any float: NaN, infinities, huge).
    /// </summary>
    internal sealed class PolygonTarget : FuzzTarget
    {
        public override string Name => "polygon";

        public override string Description => "PolygonRasterizer.Rasterize (one polygon, several merged, a box)";

        protected override void Parse(byte[] input)
        {
            if (input.Length < 3) return;
            int h = input[0], w = input[1], count = input[2] % 8, at = 3;
            var polygons = new List<double[]>();
            for (int p = 0; p < count && at < input.Length; p++)
            {
                int vertices = input[at++] % 32;
                var xy = new double[2 * vertices];
                for (int i = 0; i < xy.Length && at + 4 <= input.Length; i++, at += 4) xy[i] = BinaryPrimitives.ReadSingleLittleEndian(input.AsSpan(at));
                polygons.Add(xy);
            }
            var merged = PolygonRasterizer.Rasterize(polygons, h, w);
            if (merged.Height != h || merged.Width != w) throw new FuzzFinding($"a {h}x{w} rasterisation is {merged.Height}x{merged.Width}");
            if (merged.Area < 0 || merged.Area > (long)h * w) throw new FuzzFinding($"area {merged.Area} of a {h}x{w} mask");
            foreach (var polygon in polygons)
            {
                var one = PolygonRasterizer.Rasterize(polygon, h, w);
                if (one.Area > merged.Area) throw new FuzzFinding($"one polygon covers {one.Area} pixels, the union of all {merged.Area}");
            }
            if (polygons.Count > 0 && polygons[0].Length >= 4)
            {
                var p = polygons[0];
                PolygonRasterizer.Rasterize(new CocoBox(p[0], p[1], Math.Abs(p[2]), Math.Abs(p[3])), h, w);
            }
        }

        // Coordinate counts are even and sizes 0..255 by construction: the one documented refusal is a vertex that is not
        // finite (NaN or an infinity).
        protected override bool IsContractError(Exception e) => e is ArgumentException { ParamName: "xy" } && e.Message.Contains("is not finite");

        public override IEnumerable<(string, byte[])> Seeds()
        {
            static byte[] Encode(int h, int w, params float[][] polygons)
            {
                var bytes = new List<byte> { (byte)h, (byte)w, (byte)polygons.Length };
                foreach (var polygon in polygons)
                {
                    bytes.Add((byte)(polygon.Length / 2));
                    foreach (float v in polygon) bytes.AddRange(BitConverter.GetBytes(v));
                }
                return bytes.ToArray();
            }
            yield return ("triangle", Encode(20, 30, new[] { 1f, 1f, 25f, 3f, 10f, 18f }));
            yield return ("two-parts", Encode(16, 16, new[] { 0f, 0f, 8f, 0f, 8f, 8f, 0f, 8f }, new[] { 4.5f, 4.5f, 15.9f, 6f, 12f, 15f }));
            yield return ("outside", Encode(8, 8, new[] { -5f, -5f, 40f, 2f, 3f, 1e6f }));
        }
    }

    /// <summary>Instance-id PNG masks (8 or 16 bits, palette): decoded by the native codec and split into instances.</summary>
    internal sealed class InstanceMaskPngTarget : FuzzTarget
    {
        public override string Name => "instance-png";

        public override string Description => "ImageCodec.Decode (mode unchanged) and InstanceIdMask.ToInstances";

        protected override void Parse(byte[] input)
        {
            var mask = ImageCodec.Decode(input, new ImageDecodeOptions { Mode = ImageColorMode.Unchanged, BitDepth = 0, MaxPixels = 1 << 20 });
            var instances = InstanceIdMask.ToInstances(mask, new ImageDescriptor(1, "fuzz.png", mask.Width, mask.Height), null, 1, "fuzz.png");
            if (instances.Height != mask.Height || instances.Width != mask.Width) throw new FuzzFinding("the instances' size is not the mask's");
        }

        protected override bool IsContractError(Exception e) => e is ImageDecodeException or InvalidDataException;

        public override IEnumerable<(string, byte[])> Seeds()
        {
            foreach (int depth in new[] { 8, 16 })
            {
                var mask = new ImageBuffer(12, 9, 1, depth);
                for (int y = 0; y < 9; y++)
                    for (int x = 0; x < 12; x++)
                        mask[y, x] = x < 4 ? 0 : x < 8 ? 1 : (y < 5 ? 2 : 300 % (1 << depth));
                yield return ($"ids-{depth}bit.png", ImageCodec.EncodePng(mask));
            }
        }
    }
}
