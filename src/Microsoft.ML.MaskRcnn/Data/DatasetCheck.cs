using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.MaskRcnn.Imaging;

namespace Microsoft.ML.MaskRcnn.Data
{
    /// <summary>
    /// Checks a dataset before any work is spent on it: every image file exists, its header decodes and gives the size
    /// its annotations describe, and every image's annotations load. All problems are collected (up to a limit) so that a
    /// user fixes them in one go rather than one per failed run; only headers are read, not pixels.
    /// </summary>
    public static class DatasetCheck
    {
        /// <summary>How many problems a report lists before it only counts the rest.</summary>
        public const int DefaultMaxProblems = 20;

        /// <summary>The problems of <paramref name="dataset"/>, each naming the image (id and file) and what is wrong.</summary>
        /// <returns>At most <paramref name="maxProblems"/> descriptions, and the number of problems found in all.</returns>
        public static (IReadOnlyList<string> Problems, int Total) FindProblems(InstanceSegmentationDataset dataset, int maxProblems = DefaultMaxProblems)
        {
            ArgumentNullException.ThrowIfNull(dataset);
            var problems = new ProblemList(maxProblems);
            for (int i = 0; i < dataset.Count; i++)
            {
                ImageDescriptor descriptor;
                try
                {
                    descriptor = dataset.GetDescriptor(i);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    problems.Add($"image index {i}: {e.Message}");
                    continue;
                }
                string image = $"image {descriptor.ImageId} '{descriptor.Path}'";
                var (size, imageProblem) = ProbeImage(descriptor.Path);
                if (imageProblem is not null) problems.Add($"{image}: {imageProblem}");
                else if (size.Width != descriptor.Width || size.Height != descriptor.Height)
                    problems.Add($"{image}: the file is {size.Width}x{size.Height}, not the {descriptor.Width}x{descriptor.Height} its annotations describe");
                long pixels = (long)descriptor.Width * descriptor.Height, maxPixels = dataset.MaxPixels;
                if (maxPixels > 0 && pixels > maxPixels)
                {
                    // Its masks would be as large as the image: they are not decoded either.
                    problems.Add($"{image}: {descriptor.Width}x{descriptor.Height} is {pixels} pixels, more than the limit of {maxPixels} (a decompression bomb? raise DatasetOptions.MaxPixels if the image is genuine)");
                    continue;
                }
                try
                {
                    dataset.LoadAnnotations(i);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    problems.Add($"{image}: its annotations: {e.Message}");
                }
            }
            return (problems.Listed, problems.Total);
        }

        /// <summary>The problems of image files given by path (missing, or a header that does not decode).</summary>
        public static (IReadOnlyList<string> Problems, int Total) FindImageProblems(IEnumerable<string> paths, int maxProblems = DefaultMaxProblems)
        {
            ArgumentNullException.ThrowIfNull(paths);
            var problems = new ProblemList(maxProblems);
            foreach (var path in paths)
                if (ProbeImage(path).Problem is { } problem) problems.Add($"'{path}': {problem}");
            return (problems.Listed, problems.Total);
        }

        /// <summary>Throws a <see cref="DatasetProblemsException"/> listing the problems of <paramref name="dataset"/>, if any.</summary>
        /// <param name="dataset">The dataset to check.</param>
        /// <param name="description">What the dataset is, for the message (e.g. "COCO file 'train.json'").</param>
        /// <param name="maxProblems">How many problems to list.</param>
        public static void ThrowIfInvalid(InstanceSegmentationDataset dataset, string description, int maxProblems = DefaultMaxProblems)
        {
            var (problems, total) = FindProblems(dataset, maxProblems);
            if (total > 0) throw new DatasetProblemsException(description, problems, total);
        }

        /// <summary>The size in the header of the image file at <paramref name="path"/>, or what is wrong with the file.</summary>
        private static ((int Width, int Height) Size, string? Problem) ProbeImage(string path)
        {
            if (!File.Exists(path)) return (default, "the file does not exist");
            try
            {
                return (SkiaImageReader.ProbeSize(path), null);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return (default, e.Message);
            }
        }

        private sealed class ProblemList
        {
            private readonly int max;
            private readonly List<string> listed = new();

            public ProblemList(int max)
            {
                if (max < 1) throw new ArgumentOutOfRangeException(nameof(max), max, "At least one problem must be listed.");
                this.max = max;
            }

            public IReadOnlyList<string> Listed => listed;

            public int Total { get; private set; }

            public void Add(string problem)
            {
                if (listed.Count < max) listed.Add(problem);
                Total++;
            }
        }
    }

    /// <summary>A dataset (or a set of images) failed its check before any work: every problem found, one per line.</summary>
    public sealed class DatasetProblemsException : IOException
    {
        /// <summary>Creates the exception for <paramref name="total"/> problems of which <paramref name="problems"/> are listed.</summary>
        public DatasetProblemsException(string description, IReadOnlyList<string> problems, int total)
            : base(Describe(description, problems, total))
        {
            Problems = problems;
            Total = total;
        }

        /// <summary>The problems listed (at most the check's limit).</summary>
        public IReadOnlyList<string> Problems { get; }

        /// <summary>The number of problems found, listed or not.</summary>
        public int Total { get; }

        private static string Describe(string description, IReadOnlyList<string> problems, int total)
        {
            string head = $"The {description} has {total} problem{(total == 1 ? "" : "s")}" +
                          (total > problems.Count ? $" (the first {problems.Count} listed):" : ":");
            return head + string.Concat(problems.Select(p => "\n  " + p)) + (total > problems.Count ? $"\n  ... and {total - problems.Count} more" : "");
        }
    }
}
