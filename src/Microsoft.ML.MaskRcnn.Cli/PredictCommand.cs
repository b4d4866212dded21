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
            new("resume", null, $"continue the unfinished run whose {PredictionJournal.FileName} is in --out: predict only the images it lacks"),
            new("threads", "N", "libtorch CPU threads", "the processor count"),
        }.Concat(ComputeArguments.Options()).Concat(MaskRcnnCli.CommonOptions()).ToList();

        public string Description =>
            "maskrcnn predict --model M.zip (--input IMAGE_OR_FOLDER | --coco FILE --images DIR) --out DIR [options]\n\n" +
            $"Runs a model zip on images. Writes, in --out: {OverlayFolderName}/NAME.png, each image with its detections drawn over\n" +
            $"it (masks, boxes, class and score); {PredictionsFileName}, per image its file, width, height and detections (class,\n" +
            "score, box [x0, y0, x1, y1] in pixels, mask as COCO RLE {\"size\": [h, w], \"counts\": \"...\"}); and with --coco\n" +
            $"{CocoResultsFileName}, the detections in COCO's results format (pycocotools' loadRes) with the file's ids.\n\n" +
            $"Each image is written as it is done: a line per image in {PredictionJournal.FileName}, which becomes {PredictionsFileName}\n" +
            "when the run completes. A run stopped early (Ctrl-C, an unreadable image, a killed process) keeps it; the same\n" +
            "command with --resume predicts only the images it lacks.";

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

            string journalPath = PredictionJournal.PathIn(outFolder);
            bool resume = a.Flag("resume");
            if (resume && !File.Exists(journalPath))
                throw new UsageException(File.Exists(Path.Combine(outFolder, PredictionsFileName))
                    ? $"--resume: the run in '{outFolder}' is finished ({PredictionsFileName} is there); leave out --resume to run again"
                    : $"--resume: '{outFolder}' holds no {PredictionJournal.FileName}, so there is no unfinished run to continue");
            if (!resume && File.Exists(journalPath))
                throw new UsageException($"--out: '{outFolder}' holds {PredictionJournal.FileName} from an unfinished run; add --resume to continue it, or remove the file to start again");

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
            var run = new PredictionRun(modelPath, PredictionRun.Sha256Of(modelPath), Path.GetFullPath(a.Text("input") ?? a.Text("coco")!),
                                        scoreThreshold, classNames.ToArray(), overlays);
            using var created = new CreatedFolders(outFolder, overlays ? overlayFolder : null);
            using var journal = resume ? PredictionJournal.Resume(outFolder, run) : PredictionJournal.Start(outFolder, run);
            var pending = images.Where(i => !journal.Done.Contains(PredictionJournal.KeyOf(i))).ToList();
            if (resume)
                console.Line($"Resuming the run in {outFolder}: {journal.ImageCount} image(s) done, {pending.Count} of {images.Count} to predict.");
            console.Line($"Predicting {pending.Count} image(s) with {modelPath} (score threshold {scoreThreshold.ToString(CultureInfo.InvariantCulture)}).");

            var rows = ml.Data.LoadFromEnumerable(console.Interruptible(pending.Select(i => new ImagePathRow { ImagePath = i.Path })));
            float bestBelowThreshold = float.NegativeInfinity;
            void PredictAll(Action? imageDone)
            {
                using var scoredImages = Read(model.Score(rows), detector).GetEnumerator();
                for (int index = 0; NextPrediction(scoredImages, pending, index); index++)
                {
                    var scored = scoredImages.Current;
                    var image = pending[index];
                    var prediction = AtLeast(scored, scoreThreshold);
                    if (prediction.Count < scored.Count) bestBelowThreshold = Math.Max(bestBelowThreshold, scored.Score.Where(x => x < scoreThreshold).Max());
                    string? overlay = null;
                    int width, height;
                    if (overlays)
                    {
                        var picture = ImageCodec.Decode(image.Path, ImageDecodeOptions.Rgb8);
                        (width, height) = (picture.Width, picture.Height);
                        overlay = OverlayFolderName + "/" + UniqueName(journal.OverlayNames, image.Name) + ".png";
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
                    // The overlay is in place before its line: every image the journal holds is complete.
                    journal.Append(image, width, height, prediction, classNames, overlay);
                    // The live display has a progress bar instead of a line per image.
                    if (imageDone is null) console.Line($"  {image.Name}: {Describe(prediction, classNames)}");
                    else imageDone();
                    // ML.NET reads the input ahead on worker threads, so the stop is checked here, image by image.
                    console.Interrupt.ThrowIfCancellationRequested();
                }
            }
            try
            {
                if (console.Live is { } live) LiveProgress.Images(live, "predicting", pending.Count, PredictAll);
                else PredictAll(null);
            }
            catch (Exception e) when (journal.ImageCount > 0)
            {
                // What was predicted stays: the journal and overlays are kept, and --resume goes on from there.
                created.Keep();
                string kept = $"{journal.ImageCount} of {images.Count} image(s) are kept in {journal.Path} (the same command with --resume continues).";
                if (console.Interrupt.IsCancellationRequested) throw new OperationCanceledException($"Prediction was cancelled; {kept}", e);
                throw new InvalidDataException($"{MaskRcnnCli.OneLine(MaskRcnnCli.Innermost(e).Message)} {kept}", e);
            }

            // Every image is in the journal: from here on a failure (a full disk) must not take it away.
            created.Keep();
            long detections = PredictionsFile.Write(Path.Combine(outFolder, PredictionsFileName), journal);
            console.Line($"{detections} detection(s) in {images.Count} image(s); {PredictionsFileName}{(overlays ? $" and {OverlayFolderName}/" : "")} written to {outFolder}.");
            if (detections == 0)
                console.Line(float.IsNegativeInfinity(bestBelowThreshold)
                    ? "The model found no object at any score: it may need more training, or these images hold nothing it was trained on."
                    : FormattableString.Invariant($"No detection reached the score threshold {scoreThreshold}; the highest score was {bestBelowThreshold:F3}. Lower it with --score-threshold (e.g. --score-threshold {Math.Floor(bestBelowThreshold * 100) / 100:0.00}) to see those detections."));
            if (categoryIds is not null)
            {
                string resultsPath = Path.Combine(outFolder, CocoResultsFileName);
                long written = PredictionsFile.WriteCocoResults(resultsPath, journal, categoryIds);
                console.Line($"COCO results ({written} detections) written to {resultsPath}.");
            }
            journal.Delete();
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
