using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Evaluation;
using Microsoft.ML.MaskRcnn.TestUtilities;

namespace Microsoft.ML.MaskRcnn.Benchmarks
{
    /// <summary>
    /// COCO evaluation of 500 images x 100 detections (bbox and segm) and loading the nuclei folder. There is no
    /// reference: pycocotools cannot be installed on these machines, so every case prints reference=none.
    /// </summary>
    public sealed class EvalBenchmarks : IBenchmarkSuite
    {
        private const int Images = 500;
        private const int DetectionsPerImage = 100;
        private const int Width = 640;
        private const int Height = 480;

        public string Name => "eval";

        public string Description => "COCO evaluation, 500 images x 100 detections (bbox, segm); loading the nuclei folder";

        public void Run(BenchmarkOptions options)
        {
            var (groundTruth, detections) = Synthetic(seed: 1);
            Console.WriteLine($"ground truth: {groundTruth.Images.Count} images, {groundTruth.Annotations.Count} objects, {groundTruth.Categories.Count} categories; {detections.Count} detections");
            foreach (var type in new[] { CocoIouType.Bbox, CocoIouType.Segm })
            {
                CocoEvaluationResult? result = null;
                double ms = BenchmarkReport.MedianMilliseconds(() => result = new CocoEvaluator(groundTruth, type).Evaluate(detections), warmup: 1, repeats: 5);
                Console.WriteLine($"{type}: AP={result!.AP:F4} AP50={result.AP50:F4} AR100={result.AR100:F4}");
                BenchmarkReport.Result($"eval_{type.ToString().ToLowerInvariant()}_500x100", ms, null, "ms");
            }

            string nuclei = Path.Combine(RepositoryPaths.SharedData, "nuclei");
            if (!Directory.Exists(nuclei))
            {
                Console.WriteLine($"SKIP load_nuclei: {nuclei} not found");
                return;
            }
            int instances = 0;
            double loadMs = BenchmarkReport.MedianMilliseconds(() =>
            {
                var dataset = new InstanceMaskFolderDataset(Path.Combine(nuclei, "images"), Path.Combine(nuclei, "masks"));
                instances = 0;
                for (int i = 0; i < dataset.Count; i++) instances += dataset.Load(i).Annotations.Count;
            }, warmup: 1, repeats: 3);
            Console.WriteLine($"nuclei: 664 images, {instances} instances (image + masks decoded, dense N x H x W masks built)");
            BenchmarkReport.Result("load_nuclei_664", loadMs, null, "ms");
        }

        /// <summary>
        /// 500 images with 2-12 polygon objects of 3 categories (ids 2, 5, 9) of all sizes, 8% crowd; 100 detections per
        /// image: jittered copies of the objects plus random ones, with scores in [0, 1).
        /// </summary>
        private static (CocoAnnotationFile, List<CocoDetection>) Synthetic(int seed)
        {
            var random = new SeededRandom(seed);
            long[] categoryIds = { 2, 5, 9 };
            var images = new List<CocoImage>();
            var annotations = new List<CocoAnnotation>();
            var detections = new List<CocoDetection>();
            var objects = new List<(long Category, double[] Polygon)>();
            for (int i = 0; i < Images; i++)
            {
                long imageId = i + 1;
                images.Add(new CocoImage(imageId, $"{imageId}.jpg", Width, Height));
                objects.Clear();
                int count = 2 + random.NextInt(11);
                for (int k = 0; k < count; k++)
                {
                    double radius = new[] { 8.0, 30.0, 90.0 }[random.NextInt(3)] * (0.5 + random.NextDouble());
                    var polygon = Polygon(random, random.NextDouble() * Width, random.NextDouble() * Height, radius);
                    long category = categoryIds[random.NextInt(3)];
                    var mask = PolygonRasterizer.Rasterize(polygon, Height, Width);
                    bool crowd = random.NextInt(12) == 0;
                    annotations.Add(new CocoAnnotation(annotations.Count + 1, imageId, category,
                        crowd ? CocoSegmentation.FromRle(mask) : CocoSegmentation.FromPolygons(new[] { polygon }), mask.ToBoundingBox(), mask.Area, crowd));
                    objects.Add((category, polygon));
                }
                for (int d = 0; d < DetectionsPerImage; d++)
                {
                    double[] polygon;
                    long category;
                    if (random.NextInt(3) > 0)
                    {
                        var o = objects[random.NextInt(objects.Count)];
                        category = random.NextInt(8) == 0 ? categoryIds[random.NextInt(3)] : o.Category;
                        double jitter = 1 + random.NextInt(10);
                        polygon = o.Polygon.Select(v => v + (random.NextDouble() - 0.5) * jitter).ToArray();
                    }
                    else
                    {
                        category = categoryIds[random.NextInt(3)];
                        polygon = Polygon(random, random.NextDouble() * Width, random.NextDouble() * Height, 5 + random.NextDouble() * 60);
                    }
                    var mask = PolygonRasterizer.Rasterize(polygon, Height, Width);
                    detections.Add(new CocoDetection(imageId, category, random.NextDouble(), mask.ToBoundingBox(), mask));
                }
            }
            var categories = categoryIds.Select(id => new CocoCategory(id, $"c{id}"));
            return (new CocoAnnotationFile(images, categories, annotations, "synthetic"), detections);
        }

        private static double[] Polygon(SeededRandom random, double cx, double cy, double radius)
        {
            int k = 5 + random.NextInt(8);
            var xy = new double[2 * k];
            for (int j = 0; j < k; j++)
            {
                double angle = 2 * Math.PI * (j + 0.8 * random.NextDouble()) / k, r = radius * (0.6 + 0.8 * random.NextDouble());
                xy[2 * j] = cx + r * Math.Cos(angle);
                xy[2 * j + 1] = cy + r * Math.Sin(angle);
            }
            return xy;
        }
    }
}
