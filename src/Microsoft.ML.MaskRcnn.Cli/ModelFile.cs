using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;

namespace Microsoft.ML.MaskRcnn.Cli
{
    /// <summary>A row naming one image file, the input of a model trained by <c>maskrcnn train</c>.</summary>
    internal sealed class ImagePathRow
    {
        public string ImagePath { get; set; } = "";
    }

    /// <summary>
    /// A model zip loaded for scoring: a pipeline of image loading followed by a <see cref="MaskRcnnTransformer"/> (what
    /// <c>maskrcnn train</c> and <c>LoadImages(...).Append(DetectInstances(...))</c> save), or the transformer alone.
    /// Images are loaded by the tool itself from absolute paths, so the folder saved in the model does not matter.
    /// </summary>
    internal sealed class ModelFile : IDisposable
    {
        private readonly MLContext ml;
        private readonly ITransformer loaded;

        private ModelFile(MLContext ml, ITransformer loaded, MaskRcnnTransformer detector, string path)
        {
            this.ml = ml;
            this.loaded = loaded;
            Detector = detector;
            Path = path;
        }

        /// <summary>The model's Mask R-CNN stage (class names, score threshold, output column names).</summary>
        public MaskRcnnTransformer Detector { get; }

        /// <summary>The zip's full path.</summary>
        public string Path { get; }

        /// <summary>
        /// Loads <paramref name="path"/>; a damaged zip, a zip without a Mask R-CNN stage, or one with stages the tool cannot
        /// feed is an <see cref="InvalidDataException"/> naming the file (for a damaged zip, with the library's message).
        /// </summary>
        public static ModelFile Load(MLContext ml, string path)
        {
            ITransformer loaded;
            try
            {
                loaded = ml.Model.Load(path, out _);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new InvalidDataException($"Cannot load the model '{path}': {LoadFailure(e).Message}", e);
            }
            try
            {
                var stages = loaded is IEnumerable<ITransformer> chain ? chain.ToList() : new List<ITransformer> { loaded };
                if (stages.Count == 0 || stages[^1] is not MaskRcnnTransformer detector)
                    throw new InvalidDataException($"The model '{path}' is not a Mask R-CNN model: its last stage is " +
                                                   $"{(stages.Count == 0 ? "missing" : stages[^1].GetType().Name)}, not a MaskRcnnTransformer.");
                // Other stages would change the pictures the network sees; scoring without them would be silently wrong.
                var other = stages.Take(stages.Count - 1).FirstOrDefault(s => s is not ImageLoadingTransformer);
                if (other is not null)
                    throw new InvalidDataException($"The model '{path}' has a {other.GetType().Name} stage before its MaskRcnnTransformer; " +
                                                   "the tool runs models made of image loading followed by DetectInstances.");
                return new ModelFile(ml, loaded, detector, path);
            }
            catch
            {
                (loaded as IDisposable)?.Dispose();
                throw;
            }
        }

        /// <summary>
        /// What went wrong in a failed <c>Model.Load</c>: ML.NET calls each component's loader by reflection and wraps what
        /// it throws (TargetInvocationException, "Error during class instantiation"); the outermost
        /// <see cref="FormatException"/> is the component's own account, which names the zip entry.
        /// </summary>
        private static Exception LoadFailure(Exception e)
        {
            for (var inner = e; inner is not null; inner = inner.InnerException)
                if (inner is FormatException) return inner;
            return e;
        }

        /// <summary>
        /// The detector's output over <paramref name="rows"/>, whose "ImagePath" column holds absolute image paths
        /// (other columns pass through). Lazy: images are predicted as the view is read.
        /// </summary>
        public IDataView Score(IDataView rows)
        {
            var withImages = ml.Transforms.LoadImages(Detector.ImageColumnName, null, nameof(ImagePathRow.ImagePath)).Fit(rows).Transform(rows);
            return Detector.Transform(withImages);
        }

        public void Dispose() => (loaded as IDisposable)?.Dispose();
    }

    /// <summary>--threads of the scoring commands: libtorch's CPU threads for the whole process.</summary>
    internal static class Threads
    {
        public static void Apply(ParsedArguments a)
        {
            if (a.OptionalInt("threads", min: 1) is int threads) TorchSharp.torch.set_num_threads(threads);
        }
    }
}
