using System;
using System.IO;
using System.Linq;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.TestUtilities;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.Data
{
    /// <summary>
    /// The readers on the real datasets in ../shared/data: image and instance counts as ../shared/data/README.md lists
    /// them. Inconclusive when the folder is absent (a fresh clone).
    /// </summary>
    [TestClass]
    public class SharedDatasetTests
    {
        internal static string Require(string name)
        {
            string path = Path.Combine(RepositoryPaths.SharedData, name);
            if (!Directory.Exists(path)) Assert.Inconclusive($"Shared dataset not found: {path} (../shared/data is not part of the repository).");
            return path;
        }

        [TestMethod]
        public void PennFudanHas170ImagesAnd423Pedestrians()
        {
            string root = Require("penn-fudan");
            var dataset = new InstanceMaskFolderDataset(Path.Combine(root, "PNGImages"), Path.Combine(root, "PedMasks"),
                                                        new InstanceMaskFolderOptions { MaskSuffix = "_mask.png", CategoryNames = new[] { "person" } });
            Assert.AreEqual(170, dataset.Count);
            Assert.AreEqual(0, dataset.Warnings.Count);
            Assert.AreEqual(423, Enumerable.Range(0, dataset.Count).Sum(i => dataset.LoadAnnotations(i).Count));
            var sample = dataset.Load(0);
            Assert.AreEqual(3, sample.Image.Channels);
            Assert.AreEqual(sample.Annotations.Width, sample.Image.Width);
        }

        [TestMethod]
        public void NucleiHas664ImagesAnd28986Nuclei()
        {
            string root = Require("nuclei");
            var dataset = new InstanceMaskFolderDataset(Path.Combine(root, "images"), Path.Combine(root, "masks"),
                                                        new InstanceMaskFolderOptions { CategoryNames = new[] { "nucleus" } });
            Assert.AreEqual(664, dataset.Count);
            int total = 0, largest = 0;
            for (int i = 0; i < dataset.Count; i++)
            {
                var a = dataset.LoadAnnotations(i);
                total += a.Count;
                largest = Math.Max(largest, a.Count);
            }
            Assert.AreEqual(28_986, total);
            Assert.AreEqual(375, largest, "the README: up to 375 instances per image (16-bit ids)");
            Assert.AreEqual(3, dataset.Load(0).Image.Channels, "RGBA images lose their alpha");
        }

        [TestMethod]
        public void FruitsNutsHas18ImagesAnd165Objects()
        {
            string root = Require("fruits-nuts");
            var dataset = new CocoDataset(Path.Combine(root, "trainval.json"), Path.Combine(root, "images"));
            Assert.AreEqual(18, dataset.Count);
            Assert.AreEqual(0, dataset.Warnings.Count, string.Join("\n", dataset.Warnings));
            CollectionAssert.AreEqual(new[] { "date", "fig", "hazelnut" }, dataset.Categories.Names.ToArray());
            int total = 0;
            for (int i = 0; i < dataset.Count; i++)
            {
                var a = dataset.LoadAnnotations(i);
                total += a.Count;
                for (int k = 0; k < a.Count; k++)
                {
                    // The file's area is the polygon's exact area; the raster counts pixel centres: within 10%.
                    int pixels = a.GetMask(k).ToArray().Count(v => v != 0);
                    Assert.AreEqual(a.Areas[k], pixels, a.Areas[k] * 0.1, $"annotation {a.AnnotationIds[k]}");
                }
            }
            Assert.AreEqual(165, total);
            var sample = dataset.Load(0);
            Assert.AreEqual(800, sample.Width);
            Assert.AreEqual(600, sample.Height);
        }
    }
}
