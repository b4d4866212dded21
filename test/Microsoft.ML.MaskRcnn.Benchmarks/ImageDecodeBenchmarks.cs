using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Runtime.InteropServices;
using Microsoft.ML.MaskRcnn.Imaging;
using Microsoft.ML.MaskRcnn.TestUtilities;
using SkiaSharp;

namespace Microsoft.ML.MaskRcnn.Benchmarks
{
    /// <summary>
    /// SkiaSharp (the decoder ML.NET's ImageAnalytics ships) against the product's <see cref="ImageCodec"/>
    /// (libpng / libjpeg-turbo, JPEG pixels equal to PIL's) on the real datasets in ../shared/data: pixel differences
    /// and decode time per image. "ours" is the SkiaSharp path under consideration, "reference" today's ImageCodec,
    /// so ratio = SkiaSharp / ImageCodec. SkiaSharp decodes with SKCodec.Create(path) into an SKImageInfo without a
    /// colour space (no colour management), Rgba8888 and Unpremul for colour images; for masks every colour type that
    /// could carry the raw samples is tried. Penn-Fudan masks are 8-bit gray, not palette; to answer whether SkiaSharp
    /// can give palette indices, each mask is also re-encoded in memory as a palette PNG (nothing is written to disk).
    /// </summary>
    public sealed class ImageDecodeBenchmarks : IBenchmarkSuite
    {
        public string Name => "decode";

        public string Description => "SkiaSharp SKCodec vs ImageCodec (libpng/libjpeg-turbo): pixel differences and decode time on ../shared/data";

        public void Run(BenchmarkOptions options)
        {
            string data = RepositoryPaths.SharedData;
            if (!Directory.Exists(data))
            {
                Console.WriteLine($"SKIP decode: the shared data folder is not found: {data} (it lives beside the repository in ../shared/data).");
                return;
            }
            Console.WriteLine($"INFO SkiaSharp {typeof(SKCodec).Assembly.GetName().Version} (native {SkiaSharpVersion.Native}); " +
                              $"SKCodecOptions has only: {string.Join(", ", typeof(SKCodecOptions).GetProperties().Select(p => p.Name))} " +
                              "(no DCT method, no upsampling or dithering choice; JPEG scaling only through GetScaledDimensions 1/8..8/8)");

            ColorCase("fruits_jpeg", Files(data, "fruits-nuts/images", "*.jpg"));
            ColorCase("pennfudan_png", Files(data, "penn-fudan/PNGImages", "*.png"));
            ColorCase("nuclei_png", Files(data, "nuclei/images", "*.png"));
            MaskCase("pennfudan_mask", Files(data, "penn-fudan/PedMasks", "*_mask.png"),
                     new[] { SKColorType.Gray8, SKColorType.Rgba8888, SKColorType.Alpha8 });
            MaskCase("nuclei_mask16", Files(data, "nuclei/masks", "*.png"),
                     new[] { SKColorType.Rgba16161616, SKColorType.Alpha16, SKColorType.RgbaF16, SKColorType.RgbaF32, SKColorType.Gray8, SKColorType.Rgba8888 });
            PaletteCase("pennfudan_mask_palette", Files(data, "penn-fudan/PedMasks", "*_mask.png"));
        }

        private static string[]? Files(string data, string folder, string pattern)
        {
            string path = Path.Combine(data, folder);
            if (!Directory.Exists(path))
            {
                Console.WriteLine($"SKIP {folder}: not found under {data}");
                return null;
            }
            var files = Directory.GetFiles(path, pattern);
            Array.Sort(files, StringComparer.Ordinal);
            return files;
        }

        // ---------------------------------------------------------------- colour images (8-bit RGB)

        private static void ColorCase(string name, string[]? files)
        {
            if (files is null || files.Length == 0) return;
            var first = ImageCodec.Probe(files[0]);
            using (var codec = SKCodec.Create(files[0]))
                Console.WriteLine($"INFO {name}: {files.Length} files, first: ours probes {first}; SKCodec {codec.EncodedFormat} suggests {codec.Info.ColorType}/{codec.Info.AlphaType}, colour space {(codec.Info.ColorSpace is null ? "none" : codec.Info.ColorSpace.IsSrgb ? "sRGB" : "other")}");

            var stats = new DiffStats();
            foreach (var file in files)
            {
                var ours = ImageCodec.Decode(file, ImageDecodeOptions.Rgb8);
                var (skia, result, bpp) = Skia(file, SKColorType.Rgba8888);
                if (result != SKCodecResult.Success || skia is null)
                {
                    stats.Failed(file, result.ToString());
                    continue;
                }
                stats.BeginImage();
                var o = ours.Data;
                int pixels = ours.Width * ours.Height;
                for (int i = 0; i < pixels; i++)
                    for (int c = 0; c < 3; c++)
                        stats.Add(o[3 * i + c], skia[bpp * i + c]);
                stats.EndImage(file);
            }
            stats.Report(name, "RGB samples, SkiaSharp Rgba8888/Unpremul vs ImageCodec Rgb8");
            Time(name, files, f => ImageCodec.Decode(f, ImageDecodeOptions.Rgb8).Data.Length, f => Skia(f, SKColorType.Rgba8888).Data?.Length ?? 0);
        }

        // ---------------------------------------------------------------- masks (raw samples)

        private static void MaskCase(string name, string[]? files, SKColorType[] candidates)
        {
            if (files is null || files.Length == 0) return;
            var probes = files.Select(ImageCodec.Probe).ToArray();
            var kinds = probes.GroupBy(p => $"{p.Channels} channel(s) of {p.BitDepth} bits{(p.IsPalette ? ", palette" : ", gray")}")
                              .Select(g => $"{g.Count()} x {g.Key}");
            using (var codec = SKCodec.Create(files[0]))
                Console.WriteLine($"INFO {name}: {files.Length} files, ImageCodec.Probe: {string.Join("; ", kinds)}; SKCodec {codec.EncodedFormat} suggests {codec.Info.ColorType}/{codec.Info.AlphaType}");

            var oursAll = files.Select(f => ImageCodec.Decode(f, ImageDecodeOptions.Unchanged)).ToArray();
            SKColorType? best = null;
            DiffStats? bestStats = null;
            foreach (var colorType in candidates)
            {
                var stats = new DiffStats();
                for (int k = 0; k < files.Length; k++)
                {
                    var (skia, result, bpp) = Skia(files[k], colorType);
                    if (result != SKCodecResult.Success || skia is null)
                    {
                        stats.Failed(files[k], result.ToString());
                        continue;
                    }
                    var ours = oursAll[k];
                    stats.BeginImage();
                    int pixels = ours.Width * ours.Height;
                    for (int i = 0; i < pixels; i++)
                        stats.Add(ours[i / ours.Width, i % ours.Width], FirstSample(skia, bpp * i, colorType, ours.BitDepth));
                    stats.EndImage(files[k]);
                }
                Console.WriteLine($"INFO {name} as {colorType}: {stats.Summary(ourBits: oursAll[0].BitDepth)}");
                if (stats.Compared == files.Length && (bestStats is null || stats.Better(bestStats)))
                {
                    best = colorType;
                    bestStats = stats;
                }
            }
            bool exact = bestStats is not null && bestStats.ImagesDiffering == 0;
            Console.WriteLine(best is null
                ? $"INFO {name}: no SkiaSharp colour type decodes every file"
                : $"INFO {name}: closest SkiaSharp colour type {best} ({(exact ? "raw samples exactly" : "NOT the raw samples")}); first channel compared with ImageCodec Unchanged");
            BenchmarkReport.Result($"raw_samples_{name}_exact", exact ? 1 : 0, null, "bool");
            if (bestStats is null) return;
            if (oursAll[0].BitDepth == 16) HighByteCheck(name, files);
            bestStats.Report(name, $"first channel of SkiaSharp {best} vs ImageCodec Unchanged ({oursAll[0].BitDepth}-bit)", printInfo: false,
                             unit: oursAll[0].BitDepth == 16 ? "levels16" : "levels");
            var type = best!.Value;
            Time(name, files, f => ImageCodec.Decode(f, ImageDecodeOptions.Unchanged).Data.Length, f => Skia(f, type).Data?.Length ?? 0);
        }

        /// <summary>
        /// What SkiaSharp does to 16-bit gray: its Gray8 decode against ImageCodec's 8-bit decode (the high byte, as PIL),
        /// and how many instance pixels (id &gt; 0) it turns into background.
        /// </summary>
        private static void HighByteCheck(string name, string[] files)
        {
            var stats = new DiffStats();
            long foreground = 0, lost = 0, distinctOurs = 0, distinctSkia = 0;
            foreach (var file in files)
            {
                var (skia, result, _) = Skia(file, SKColorType.Gray8);
                if (result != SKCodecResult.Success || skia is null)
                {
                    stats.Failed(file, result.ToString());
                    continue;
                }
                var high = ImageCodec.Decode(file, new ImageDecodeOptions { Mode = ImageColorMode.Unchanged, BitDepth = 8 });
                var raw = ImageCodec.Decode(file, ImageDecodeOptions.Unchanged).AsUInt16();
                stats.BeginImage();
                for (int i = 0; i < skia.Length; i++)
                {
                    stats.Add(high.Data[i], skia[i]);
                    if (raw[i] == 0) continue;
                    foreground++;
                    if (skia[i] == 0) lost++;
                }
                stats.EndImage(file);
                distinctOurs += raw.ToArray().Distinct().Count();
                distinctSkia += skia.Distinct().Count();
            }
            Console.WriteLine($"INFO {name}: SkiaSharp Gray8 vs ImageCodec 8-bit (high byte, PIL's 16 -> 8): {stats.Summary(8)}");
            Console.WriteLine(FormattableString.Invariant(
                $"INFO {name}: SkiaSharp Gray8 turns {lost} of {foreground} instance pixels into background ({100.0 * lost / Math.Max(1, foreground):F1}%); distinct values per image summed: {distinctSkia} (SkiaSharp) vs {distinctOurs} (raw ids incl. 0)"));
        }

        /// <summary>
        /// The first channel of one SkiaSharp pixel, on the scale of our samples (8- or 16-bit); float types are scaled
        /// by 2^bits - 1 and rounded.
        /// </summary>
        private static int FirstSample(byte[] skia, int offset, SKColorType type, int ourBits)
        {
            double max = (1 << ourBits) - 1;
            switch (type)
            {
                case SKColorType.Rgba16161616:
                case SKColorType.Alpha16:
                {
                    int v = skia[offset] | (skia[offset + 1] << 8);
                    return ourBits == 16 ? v : (int)Math.Round(v / 257.0);
                }
                case SKColorType.RgbaF16:
                    return (int)Math.Round((double)BitConverter.ToHalf(skia, offset) * max);
                case SKColorType.RgbaF32:
                    return (int)Math.Round(BitConverter.ToSingle(skia, offset) * max);
                default:
                    return ourBits == 16 ? skia[offset] * 257 : skia[offset];
            }
        }

        // ---------------------------------------------------------------- palette PNGs (synthesised in memory)

        private static void PaletteCase(string name, string[]? files)
        {
            if (files is null || files.Length == 0) return;
            // A palette whose 256 colours are all distinct (so RGBA -> index can be inverted exactly) and whose red is
            // not the index (so a colour channel cannot pass for the index by accident).
            var palette = new byte[256 * 3];
            for (int i = 0; i < 256; i++)
            {
                palette[3 * i] = (byte)((i * 37 + 11) & 255);
                palette[3 * i + 1] = (byte)(255 - i);
                palette[3 * i + 2] = (byte)((i * 7) & 255);
            }
            var inverse = new Dictionary<int, int>();
            for (int i = 0; i < 256; i++) inverse[(palette[3 * i] << 16) | (palette[3 * i + 1] << 8) | palette[3 * i + 2]] = i;

            var candidates = new[] { SKColorType.Gray8, SKColorType.Alpha8, SKColorType.Rgba8888 };
            var direct = candidates.ToDictionary(c => c, _ => new DiffStats());
            var inverted = new DiffStats();
            var oursStats = new DiffStats();
            SKColorType suggested = SKColorType.Unknown;
            foreach (var file in files)
            {
                var gray = ImageCodec.Decode(file, ImageDecodeOptions.Unchanged);
                byte[] png = PalettePng(gray, palette);
                var ours = ImageCodec.Decode(png, ImageDecodeOptions.Unchanged);
                oursStats.BeginImage();
                for (int i = 0; i < gray.Data.Length; i++) oursStats.Add(gray.Data[i], ours.Data[i]);
                oursStats.EndImage(file);

                using var skData = SKData.CreateCopy(png);
                foreach (var colorType in candidates)
                {
                    using var codec = SKCodec.Create(skData);
                    suggested = codec.Info.ColorType;
                    var (skia, result, bpp) = Skia(codec, colorType);
                    var stats = direct[colorType];
                    if (result != SKCodecResult.Success || skia is null)
                    {
                        stats.Failed(file, result.ToString());
                        continue;
                    }
                    stats.BeginImage();
                    for (int i = 0; i < gray.Data.Length; i++) stats.Add(gray.Data[i], skia[bpp * i]);
                    stats.EndImage(file);
                    if (colorType != SKColorType.Rgba8888) continue;
                    inverted.BeginImage();
                    for (int i = 0; i < gray.Data.Length; i++)
                    {
                        int key = (skia[4 * i] << 16) | (skia[4 * i + 1] << 8) | skia[4 * i + 2];
                        inverted.Add(gray.Data[i], inverse.TryGetValue(key, out int index) ? index : -1000);
                    }
                    inverted.EndImage(file);
                }
            }
            Console.WriteLine($"INFO {name}: each Penn-Fudan mask re-encoded in memory as an 8-bit palette PNG (indices = instance ids, 256 distinct colours, red = (37 i + 11) mod 256); SKCodec suggests {suggested}; SkiaSharp has no index colour type (SKColorType: {string.Join(",", Enum.GetNames<SKColorType>())})");
            Console.WriteLine($"INFO {name} ImageCodec Unchanged vs the ids: {oursStats.Summary(8)}");
            foreach (var (colorType, stats) in direct)
                Console.WriteLine($"INFO {name} SkiaSharp {colorType} first channel vs the ids: {stats.Summary(8)}");
            Console.WriteLine($"INFO {name} SkiaSharp Rgba8888 mapped back through the palette (a workaround that needs distinct palette colours): {inverted.Summary(8)}");
            BenchmarkReport.Result($"raw_samples_{name}_exact", direct.Values.Any(s => s.Compared == files.Length && s.ImagesDiffering == 0) ? 1 : 0, null, "bool");
            BenchmarkReport.Result($"raw_samples_{name}_via_palette_lookup_exact", inverted.Compared == files.Length && inverted.ImagesDiffering == 0 ? 1 : 0, null, "bool");
        }

        /// <summary>An 8-bit palette PNG of a 1-channel 8-bit image (filter 0 rows, zlib default level).</summary>
        private static byte[] PalettePng(ImageBuffer indices, byte[] palette)
        {
            using var output = new MemoryStream();
            output.Write(new byte[] { 137, 80, 78, 71, 13, 10, 26, 10 });
            var ihdr = new byte[13];
            WriteBigEndian(ihdr, 0, (uint)indices.Width);
            WriteBigEndian(ihdr, 4, (uint)indices.Height);
            ihdr[8] = 8;   // bit depth
            ihdr[9] = 3;   // colour type: palette
            Chunk(output, "IHDR", ihdr);
            Chunk(output, "PLTE", palette);
            using (var raw = new MemoryStream())
            {
                using (var z = new ZLibStream(raw, CompressionLevel.Optimal, leaveOpen: true))
                    for (int y = 0; y < indices.Height; y++)
                    {
                        z.WriteByte(0);
                        z.Write(indices.Data, y * indices.Width, indices.Width);
                    }
                Chunk(output, "IDAT", raw.ToArray());
            }
            Chunk(output, "IEND", Array.Empty<byte>());
            return output.ToArray();
        }

        private static void Chunk(Stream output, string type, byte[] payload)
        {
            var header = new byte[8];
            WriteBigEndian(header, 0, (uint)payload.Length);
            for (int i = 0; i < 4; i++) header[4 + i] = (byte)type[i];
            output.Write(header);
            output.Write(payload);
            uint crc = Crc32(header.AsSpan(4), 0xFFFFFFFFu);
            crc = Crc32(payload, crc) ^ 0xFFFFFFFFu;
            var tail = new byte[4];
            WriteBigEndian(tail, 0, crc);
            output.Write(tail);
        }

        private static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
        {
            uint c = (uint)n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            return c;
        }).ToArray();

        private static uint Crc32(ReadOnlySpan<byte> bytes, uint crc)
        {
            foreach (byte b in bytes) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
            return crc;
        }

        private static void WriteBigEndian(byte[] target, int offset, uint value)
        {
            target[offset] = (byte)(value >> 24);
            target[offset + 1] = (byte)(value >> 16);
            target[offset + 2] = (byte)(value >> 8);
            target[offset + 3] = (byte)value;
        }

        // ---------------------------------------------------------------- SkiaSharp decoding

        private static (byte[]? Data, SKCodecResult Result, int BytesPerPixel) Skia(string path, SKColorType colorType)
        {
            using var codec = SKCodec.Create(path);
            if (codec is null) return (null, SKCodecResult.InvalidInput, 0);
            return Skia(codec, colorType);
        }

        /// <summary>Decodes into a new managed array, no colour space (no colour management), Unpremul where alpha exists.</summary>
        private static unsafe (byte[]? Data, SKCodecResult Result, int BytesPerPixel) Skia(SKCodec codec, SKColorType colorType)
        {
            var alpha = colorType is SKColorType.Gray8 ? SKAlphaType.Opaque
                      : colorType is SKColorType.Alpha8 or SKColorType.Alpha16 ? SKAlphaType.Premul
                      : SKAlphaType.Unpremul;
            var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, colorType, alpha);
            var pixels = GC.AllocateUninitializedArray<byte>(checked((int)info.BytesSize64));
            SKCodecResult result;
            fixed (byte* p = pixels)
                result = codec.GetPixels(info, (IntPtr)p);
            return (result == SKCodecResult.Success ? pixels : null, result, info.BytesPerPixel);
        }

        // ---------------------------------------------------------------- timing

        /// <summary>
        /// Decode time per image, both decoders from the file path to a new managed array (SkiaSharp: SKCodec.Create +
        /// GetPixels, RGBA for colour images: no repacking to RGB is counted), after an untimed warm-up. Each image is
        /// decoded <see cref="Rounds"/> times by each decoder, which one goes first alternating per image and per round,
        /// and keeps its fastest time (the machine is shared); the case reports the medians over the images.
        /// </summary>
        private const int Rounds = 3;

        private static void Time(string name, string[] files, Func<string, int> ours, Func<string, int> skia)
        {
            foreach (var f in files.Take(3)) { ours(f); skia(f); }
            var oursMs = new List<double>(files.Length);
            var skiaMs = new List<double>(files.Length);
            for (int i = 0; i < files.Length; i++)
            {
                double oursBest = double.MaxValue, skiaBest = double.MaxValue;
                for (int round = 0; round < Rounds; round++)
                {
                    if ((i + round) % 2 == 0)
                    {
                        skiaBest = Math.Min(skiaBest, Measure(skia, files[i]));
                        oursBest = Math.Min(oursBest, Measure(ours, files[i]));
                    }
                    else
                    {
                        oursBest = Math.Min(oursBest, Measure(ours, files[i]));
                        skiaBest = Math.Min(skiaBest, Measure(skia, files[i]));
                    }
                }
                oursMs.Add(oursBest);
                skiaMs.Add(skiaBest);
            }
            double oursMedian = Median(oursMs), skiaMedian = Median(skiaMs);
            Console.WriteLine(FormattableString.Invariant(
                $"INFO decode_time_{name}: {files.Length} images, median of the per-image best of {Rounds}: SkiaSharp {skiaMedian:F3} ms, ImageCodec {oursMedian:F3} ms; sums {skiaMs.Sum():F1} ms vs {oursMs.Sum():F1} ms"));
            BenchmarkReport.Result($"decode_time_{name}", skiaMedian, oursMedian, "ms");
        }

        private static double Measure(Func<string, int> decode, string file)
        {
            var watch = Stopwatch.StartNew();
            decode(file);
            return watch.Elapsed.TotalMilliseconds;
        }

        private static double Median(List<double> values)
        {
            var sorted = values.OrderBy(v => v).ToList();
            int n = sorted.Count;
            return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
        }

        // ---------------------------------------------------------------- difference statistics

        private sealed class DiffStats
        {
            private bool imageDiffers;
            private string? firstDiffering;
            private string? firstFailure;

            public int Compared { get; private set; }
            public int FailedCount { get; private set; }
            public int ImagesDiffering { get; private set; }
            public long Samples { get; private set; }
            public long SamplesDiffering { get; private set; }
            public long MaxAbs { get; private set; }
            public double SumAbs { get; private set; }
            public long[] Histogram { get; } = new long[3];   // |d| = 1, 2, > 2

            public void Failed(string file, string why)
            {
                FailedCount++;
                firstFailure ??= $"{Path.GetFileName(file)}: {why}";
            }

            public void BeginImage() => imageDiffers = false;

            public void Add(int ours, int theirs)
            {
                Samples++;
                int d = Math.Abs(theirs - ours);
                if (d == 0) return;
                imageDiffers = true;
                SamplesDiffering++;
                SumAbs += d;
                if (d > MaxAbs) MaxAbs = d;
                Histogram[Math.Min(d, 3) - 1]++;
            }

            public void EndImage(string file)
            {
                Compared++;
                if (!imageDiffers) return;
                ImagesDiffering++;
                firstDiffering ??= Path.GetFileName(file);
            }

            public double MeanAbs => Samples == 0 ? 0 : SumAbs / Samples;

            /// <summary>Fewer failures first, then fewer differing samples, then smaller largest difference.</summary>
            public bool Better(DiffStats other) =>
                (FailedCount, SamplesDiffering, MaxAbs).CompareTo((other.FailedCount, other.SamplesDiffering, other.MaxAbs)) < 0;

            public string Summary(int ourBits)
            {
                if (Compared == 0) return $"decode fails on all {FailedCount} files (first: {firstFailure})";
                string failed = FailedCount > 0 ? $", {FailedCount} failed (first: {firstFailure})" : "";
                return FormattableString.Invariant(
                    $"{Compared} compared{failed}, {ImagesDiffering} differ, {SamplesDiffering} of {Samples} samples differ (|d|=1: {Histogram[0]}, 2: {Histogram[1]}, >2: {Histogram[2]}), max {MaxAbs}, mean {MeanAbs:G4} ({ourBits}-bit levels){(firstDiffering is null ? "" : ", first differing " + firstDiffering)}");
            }

            public void Report(string name, string what, bool printInfo = true, string unit = "levels")
            {
                if (printInfo) Console.WriteLine($"INFO pixel_diff_{name} ({what}): {Summary(8)}");
                BenchmarkReport.Result($"pixel_diff_{name}_images_compared", Compared, null, "images");
                BenchmarkReport.Result($"pixel_diff_{name}_images_differing", ImagesDiffering, null, "images");
                BenchmarkReport.Result($"pixel_diff_{name}_samples_differing", SamplesDiffering, null, "samples");
                BenchmarkReport.Result($"pixel_diff_{name}_max", MaxAbs, null, unit);
                BenchmarkReport.Result($"pixel_diff_{name}_mean", MeanAbs, null, unit);
            }
        }
    }
}
