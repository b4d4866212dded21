using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Evaluation;
using Microsoft.ML.MaskRcnn.Imaging;
using Microsoft.ML.MaskRcnn.Visualization;

namespace Microsoft.ML.MaskRcnn.Cli
{
    /// <summary>
    /// <c>maskrcnn predict</c>: runs a model zip on an image, a folder of images or the images of a COCO file, and writes
    /// an overlay picture per image, predictions.json, and for COCO input a COCO results file.
    /// </summary>
    internal sealed class PredictCommand : ICliCommand
    {
        public const string PredictionsFileName = "predictions.json";
        public const string CocoResultsFileName = "coco-results.json";
        public const string OverlayFolderName = "overlays";

        private static readonly string[] ImageExtensions = { ".png", ".jpg", ".jpeg" };

        public string Name => "predict";

        public string Summary => "detect objects in images: overlay pictures, predictions.json, COCO results";

        public IReadOnlyList<CliOption> Options { get; } = new List<CliOption>
        {
            new("model", "FILE", "the model zip (required)"),
            new("input", "PATH", "an image (.png, .jpg) or a folder of them (not recursive)"),
            new("coco", "FILE", "the images of a COCO file; also writes " + CocoResultsFileName + " with its image and category ids"),
            new("images", "DIR", "the folder the COCO file's file_name entries are relative to"),
            new("out", "DIR", $"where to write {OverlayFolderName}/NAME.png and {PredictionsFileName} (required)"),
            new("score-threshold", "X", "keep detections scoring at least X", "the model's (0.5 unless set at training)"),
            new("no-overlays", null, "write no overlay pictures"),
            new("threads", "N", "libtorch CPU threads", "the processor count"),
        }.Concat(ComputeArguments.Options()).Concat(MaskRcnnCli.CommonOptions()).ToList();

        public string Description =>
            "maskrcnn predict --model M.zip (--input IMAGE_OR_FOLDER | --coco FILE --images DIR) --out DIR [options]\n\n" +
            $"Runs a model zip on images. Writes, in --out: {OverlayFolderName}/NAME.png, each image with its detections drawn over\n" +
            $"it (masks, boxes, class and score); {PredictionsFileName}, per image its file, width, height and detections (class,\n" +
            "score, box [x0, y0, x1, y1] in pixels, mask as COCO RLE {\"size\": [h, w], \"counts\": \"...\"}); and with --coco\n" +
            $"{CocoResultsFileName}, the detections in COCO's results format (pycocotools' loadRes) with the file's ids.";

        public int Execute(ParsedArguments a, CliConsole console)
        {
            string modelPath = a.ExistingFile("model") ?? throw new UsageException("--model is required (the model zip to run)");
            string outFolder = a.OutputPath("out") ?? throw new UsageException("--out is required (the folder for the outputs)");
            a.Requires("coco", "images");
            a.Requires("images", "coco");
            a.AtMostOne("input", "coco");
            double? threshold = a.OptionalDouble("score-threshold", 0, 1);
            bool overlays = !a.Flag("no-overlays");
            Threads.Apply(a);
            CocoAnnotationFile? coco = null;
            List<InputImage> images;
            if (a.Has("input")) images = ListInput(a);
            else if (a.Has("coco"))
            {
                string file = a.ExistingFile("coco")!, folder = a.ExistingDirectory("images")!;
                coco = CocoAnnotationFile.Load(file);
                images = coco.Images.Select(i => new InputImage(Path.Combine(folder, i.FileName), i.FileName, i)).ToList();
                if (images.Count == 0) throw new UsageException($"--coco: '{a.Text("coco")}' lists no images");
            }
            else throw new UsageException("an input is required: --input IMAGE_OR_FOLDER, or --coco FILE --images DIR");
            // Every image is checked before the model is even loaded: all problems are reported at once.
            var (problems, total) = DatasetCheck.FindImageProblems(images.Select(i => i.Path));
            if (total > 0) throw new DatasetProblemsException($"input ({images.Count} images)", problems, total);

            var ml = new MLContext(seed: 0);
            console.Follow(ml);
            using var model = ModelFile.Load(ml, modelPath);
            var detector = model.Detector;
            ComputeArguments.Apply(a, detector, console);
            double scoreThreshold = threshold ?? detector.ScoreThreshold;
            // The model scores everything; the threshold is applied here so that a run with no detection can say how
            // close the best one came.
            detector.ScoreThreshold = 0;
            var classNames = detector.ClassNames;
            var categoryIds = coco is null ? null : CategoryIds(coco, classNames, console);
            string overlayFolder = Path.Combine(outFolder, OverlayFolderName);
            using var created = new CreatedFolders(outFolder, overlays ? overlayFolder : null);
            console.Line($"Predicting {images.Count} image(s) with {modelPath} (score threshold {scoreThreshold.ToString(CultureInfo.InvariantCulture)}).");

            var rows = ml.Data.LoadFromEnumerable(console.Interruptible(images.Select(i => new ImagePathRow { ImagePath = i.Path })));
            var results = new List<CocoDetection>();
            var overlayNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            int detections = 0;
            float bestBelowThreshold = float.NegativeInfinity;
            void PredictAll(Action? imageDone)
            {
                using var predictions = new PredictionsFile(Path.Combine(outFolder, PredictionsFileName), modelPath, scoreThreshold, classNames);
                using var scoredImages = Read(model.Score(rows), detector).GetEnumerator();
                for (int index = 0; NextPrediction(scoredImages, images, index); index++)
                {
                    var scored = scoredImages.Current;
                    var image = images[index];
                    var prediction = AtLeast(scored, scoreThreshold);
                    if (prediction.Count < scored.Count) bestBelowThreshold = Math.Max(bestBelowThreshold, scored.Score.Where(x => x < scoreThreshold).Max());
                    string? overlay = null;
                    int width, height;
                    if (overlays)
                    {
                        var picture = ImageCodec.Decode(image.Path, ImageDecodeOptions.Rgb8);
                        (width, height) = (picture.Width, picture.Height);
                        overlay = OverlayFolderName + "/" + UniqueName(overlayNames, image.Name) + ".png";
                        var drawn = OverlayRenderer.Render(picture, prediction.ToInstances(classNames, height, width));
                        ImageCodec.EncodePng(drawn, Path.Combine(outFolder, overlay));
                    }
                    else
                    {
                        var info = ImageCodec.Probe(image.Path);
                        (width, height) = (info.Width, info.Height);
                    }
                    if (image.Coco is { } entry && (entry.Width != width || entry.Height != height))
                        console.Warning($"{image.Path} is {width}x{height} but the COCO file says {entry.Width}x{entry.Height}: its masks will not match the ground truth.");
                    predictions.Add(image, width, height, prediction, classNames, overlay);
                    if (categoryIds is not null) results.AddRange(ToCoco(image.Coco!.Id, prediction, categoryIds, height, width));
                    detections += prediction.Count;
                    // The live display has a progress bar instead of a line per image.
                    if (imageDone is null) console.Line($"  {image.Name}: {Describe(prediction, classNames)}");
                    else imageDone();
                }
                predictions.Complete();
            }
            if (console.Live is { } live) LiveProgress.Images(live, "predicting", images.Count, PredictAll);
            else PredictAll(null);
            console.Line($"{detections} detection(s) in {images.Count} image(s); {PredictionsFileName}{(overlays ? $" and {OverlayFolderName}/" : "")} written to {outFolder}.");
            if (detections == 0)
                console.Line(float.IsNegativeInfinity(bestBelowThreshold)
                    ? "The model found no object at any score: it may need more training, or these images hold nothing it was trained on."
                    : FormattableString.Invariant($"No detection reached the score threshold {scoreThreshold}; the highest score was {bestBelowThreshold:F3}. Lower it with --score-threshold (e.g. --score-threshold {Math.Floor(bestBelowThreshold * 100) / 100:0.00}) to see those detections."));
            if (coco is not null)
            {
                string resultsPath = Path.Combine(outFolder, CocoResultsFileName);
                CocoResultsFile.Write(resultsPath, results);
                console.Line($"COCO results ({results.Count} detections) written to {resultsPath}.");
            }
            created.Keep();
            return MaskRcnnCli.Success;
        }

        private static List<InputImage> ListInput(ParsedArguments a)
        {
            string input = a.Text("input")!;
            if (File.Exists(input)) return new List<InputImage> { new(Path.GetFullPath(input), Path.GetFileName(input), null) };
            if (!Directory.Exists(input)) throw new UsageException($"--input: '{input}' is neither an image file nor a folder");
            var files = Directory.EnumerateFiles(Path.GetFullPath(input))
                .Where(f => ImageExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                .OrderBy(f => f, StringComparer.Ordinal)
                .Select(f => new InputImage(f, Path.GetFileName(f), null))
                .ToList();
            if (files.Count == 0) throw new UsageException($"--input: the folder '{input}' holds no {string.Join(", ", ImageExtensions)} image");
            return files;
        }

        /// <summary>
        /// Moves to the prediction of image <paramref name="index"/>. ML.NET's image loader fails without naming the file (and
        /// reads ahead on other threads), so on failure the images from <paramref name="index"/> on are decoded here to
        /// name the first one that cannot be read.
        /// </summary>
        private static bool NextPrediction(IEnumerator<InstanceSegmentationPrediction> scored, List<InputImage> images, int index)
        {
            try
            {
                return scored.MoveNext();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                foreach (var image in images.Skip(index))
                {
                    try
                    {
                        ImageCodec.Decode(image.Path, ImageDecodeOptions.Rgb8);
                    }
                    catch (Exception decode) when (decode is not OutOfMemoryException)
                    {
                        throw new InvalidDataException($"Cannot read image '{image.Path}': {decode.Message}", e);
                    }
                }
                throw;
            }
        }

        /// <summary>The detections of <paramref name="p"/> scoring at least <paramref name="threshold"/>, in their order.</summary>
        private static InstanceSegmentationPrediction AtLeast(InstanceSegmentationPrediction p, double threshold)
        {
            var kept = Enumerable.Range(0, p.Count).Where(i => p.Score[i] >= threshold).ToArray();
            if (kept.Length == p.Count) return p;
            return new InstanceSegmentationPrediction
            {
                PredictedLabel = kept.Select(i => p.PredictedLabel[i]).ToArray(),
                Score = kept.Select(i => p.Score[i]).ToArray(),
                PredictedBoundingBoxes = kept.SelectMany(i => p.PredictedBoundingBoxes.Skip(4 * i).Take(4)).ToArray(),
                PredictedMasks = kept.Select(i => p.PredictedMasks[i]).ToArray(),
            };
        }

        /// <summary>The detector's output rows, by its own column names (so models with custom column names work too).</summary>
        private static IEnumerable<InstanceSegmentationPrediction> Read(IDataView scored, MaskRcnnTransformer detector)
        {
            var schema = scored.Schema;
            var labelColumn = schema[detector.PredictedLabelColumnName];
            var scoreColumn = schema[detector.ScoreColumnName];
            var boxColumn = schema[detector.PredictedBoundingBoxColumnName];
            var maskColumn = schema[detector.PredictedMaskColumnName];
            using var cursor = scored.GetRowCursor(new[] { labelColumn, scoreColumn, boxColumn, maskColumn });
            var labels = cursor.GetGetter<VBuffer<uint>>(labelColumn);
            var scores = cursor.GetGetter<VBuffer<float>>(scoreColumn);
            var boxes = cursor.GetGetter<VBuffer<float>>(boxColumn);
            var masks = cursor.GetGetter<VBuffer<ReadOnlyMemory<char>>>(maskColumn);
            VBuffer<uint> l = default;
            VBuffer<float> s = default, b = default;
            VBuffer<ReadOnlyMemory<char>> m = default;
            while (cursor.MoveNext())
            {
                labels(ref l);
                scores(ref s);
                boxes(ref b);
                masks(ref m);
                yield return new InstanceSegmentationPrediction
                {
                    PredictedLabel = l.DenseValues().ToArray(),
                    Score = s.DenseValues().ToArray(),
                    PredictedBoundingBoxes = b.DenseValues().ToArray(),
                    PredictedMasks = m.DenseValues().Select(x => x.ToString()).ToArray(),
                };
            }
        }

        /// <summary>The COCO category id of each model class (by name); classes the file does not have are reported and left out.</summary>
        private static long?[] CategoryIds(CocoAnnotationFile coco, IReadOnlyList<string> classNames, CliConsole console)
        {
            var ids = new long?[classNames.Count];
            for (int k = 0; k < classNames.Count; k++)
            {
                var category = coco.Categories.FirstOrDefault(c => c.Name == classNames[k]);
                if (category is null)
                    console.Warning($"the model's class '{classNames[k]}' is not a category of {coco.Source}; its detections are left out of {CocoResultsFileName}.");
                ids[k] = category?.Id;
            }
            return ids;
        }

        private static IEnumerable<CocoDetection> ToCoco(long imageId, InstanceSegmentationPrediction p, long?[] categoryIds, int height, int width)
        {
            for (int i = 0; i < p.Count; i++)
            {
                if (categoryIds[(int)p.PredictedLabel[i] - 1] is not long category) continue;
                var (x0, y0, x1, y1) = p.GetBox(i);
                yield return new CocoDetection(imageId, category, p.Score[i], CocoBox.FromCorners(x0, y0, x1, y1), p.GetMask(i, height, width));
            }
        }

        // Overlays go to one folder: images with the same base name (a.png, a.jpg, sub/a.png) get -2, -3... suffixes.
        private static string UniqueName(HashSet<string> used, string name)
        {
            string stem = Path.GetFileNameWithoutExtension(name);
            string candidate = stem;
            for (int n = 2; !used.Add(candidate); n++) candidate = $"{stem}-{n}";
            return candidate;
        }

        private static string Describe(InstanceSegmentationPrediction p, IReadOnlyList<string> classNames)
        {
            if (p.Count == 0) return "no detection";
            var shown = Enumerable.Range(0, Math.Min(p.Count, 5))
                .Select(i => FormattableString.Invariant($"{classNames[(int)p.PredictedLabel[i] - 1]} {p.Score[i]:F2}"));
            return $"{p.Count} detection(s): {string.Join(", ", shown)}{(p.Count > 5 ? ", ..." : "")}";
        }
    }

    /// <summary>An image to predict: its file, the name shown and written, and its COCO entry when it comes from a COCO file.</summary>
    internal sealed record InputImage(string Path, string Name, CocoImage? Coco);
}
