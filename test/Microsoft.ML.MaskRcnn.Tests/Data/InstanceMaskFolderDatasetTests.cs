using System;
using System.IO;
using System.Linq;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Imaging;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.Data
{
    /// <summary>Folders of images and instance-id masks (8-bit, 16-bit, palette), with class maps and lazy loading.</summary>
    [TestClass]
    public class InstanceMaskFolderDatasetTests
    {
        private static string root = "";

        [ClassInitialize]
        public static void WriteFolders(TestContext context)
        {
            root = Path.Combine(Path.GetTempPath(), "maskrcnn-folder-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path.Combine(root, "images"));
            Directory.CreateDirectory(Path.Combine(root, "masks"));
            // a: 5x4, 8-bit mask with instances 1 (a 2x2 block) and 3 (one row of 3), value 2 absent.
            Write("images/a.png", new ImageBuffer(5, 4, 3));
            var a = new ImageBuffer(5, 4, 1);
            a[0, 0] = a[0, 1] = a[1, 0] = a[1, 1] = 1;
            a[3, 1] = a[3, 2] = a[3, 3] = 3;
            Write("masks/a_mask.png", a);
            // b: 3x3, 16-bit mask with instance 300 in the centre and 7 in a corner.
            Write("images/b.png", new ImageBuffer(3, 3, 4));
            var b = new ImageBuffer(3, 3, 1, 16);
            b[1, 1] = 300;
            b[2, 2] = 7;
            Write("masks/b_mask.png", b);
            // c has no mask; "d" is not an image at all; the lone mask "e" has no image.
            Write("images/c.png", new ImageBuffer(2, 2, 3));
            File.WriteAllText(Path.Combine(root, "images", "d.txt"), "not an image");
            Write("masks/e_mask.png", new ImageBuffer(2, 2, 1));
        }

        [ClassCleanup]
        public static void DeleteFolders() => Directory.Delete(root, recursive: true);

        private static void Write(string name, ImageBuffer image) => ImageCodec.EncodePng(image, Path.Combine(root, name));

        private static InstanceMaskFolderDataset Open(InstanceMaskFolderOptions? options = null) =>
            new(Path.Combine(root, "images"), Path.Combine(root, "masks"), options ?? new InstanceMaskFolderOptions { MaskSuffix = "_mask.png" });

        [TestMethod]
        public void InstancesAreTheDistinctMaskValues()
        {
            var dataset = Open();
            Assert.AreEqual(2, dataset.Count);
            Assert.AreEqual(1, dataset.Warnings.Count);
            StringAssert.Contains(dataset.Warnings[0], "c.png: its mask");
            var a = dataset.LoadAnnotations(0);
            Assert.AreEqual(2, a.Count);
            // Instance 1: columns 0-1, rows 0-1 -> box (0, 0, 2, 2), 4 pixels; instance 3: row 3, columns 1-3 -> (1, 3, 4, 4), 3 pixels.
            CollectionAssert.AreEqual(new float[] { 0, 0, 2, 2, 1, 3, 4, 4 }, a.Boxes);
            CollectionAssert.AreEqual(new[] { 4.0, 3.0 }, a.Areas);
            CollectionAssert.AreEqual(new[] { 1, 1 }, a.Labels);
            CollectionAssert.AreEqual(new long[] { 1 * 65536 + 1, 1 * 65536 + 3 }, a.AnnotationIds);
            CollectionAssert.AreEqual(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0 }, a.GetMask(1).ToArray());
            var b = dataset.LoadAnnotations(1);
            CollectionAssert.AreEqual(new long[] { 2 * 65536 + 7, 2 * 65536 + 300 }, b.AnnotationIds, "16-bit ids above 255 survive");
            CollectionAssert.AreEqual(new float[] { 2, 2, 3, 3, 1, 1, 2, 2 }, b.Boxes);
            var sample = dataset.Load(1);
            Assert.AreEqual(3, sample.Image.Channels, "RGBA images are loaded as RGB");
        }

        [TestMethod]
        public void AClassMapLabelsOrDropsInstances()
        {
            var dataset = Open(new InstanceMaskFolderOptions
            {
                MaskSuffix = "_mask.png",
                CategoryNames = new[] { "small", "large" },
                ClassMap = (image, value) => value == 3 ? 0 : value > 100 ? 2 : 1,
            });
            Assert.AreEqual("large", dataset.Categories.GetName(2));
            CollectionAssert.AreEqual(new[] { 1 }, dataset.LoadAnnotations(0).Labels, "instance 3 dropped");
            CollectionAssert.AreEqual(new[] { 1, 2 }, dataset.LoadAnnotations(1).Labels);
            var bad = Open(new InstanceMaskFolderOptions { MaskSuffix = "_mask.png", ClassMap = (_, _) => 5 });
            var e = Assert.ThrowsExactly<InvalidDataException>(() => bad.LoadAnnotations(0));
            StringAssert.Contains(e.Message, "a_mask.png");
        }

        [TestMethod]
        public void StrictModeRefusesAnImageWithoutMask()
        {
            var e = Assert.ThrowsExactly<InvalidDataException>(() => Open(new InstanceMaskFolderOptions { MaskSuffix = "_mask.png", Strict = true }));
            StringAssert.Contains(e.Message, "c.png");
        }

        [TestMethod]
        public void FilesAreReadOnlyWhenLoaded()
        {
            // A corrupt image does not stop the dataset from being built; loading it names the file.
            string dir = Path.Combine(root, "lazy");
            Directory.CreateDirectory(dir);
            File.WriteAllBytes(Path.Combine(dir, "x.png"), new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3 });
            File.WriteAllBytes(Path.Combine(dir, "x_m.png"), File.ReadAllBytes(Path.Combine(root, "masks", "a_mask.png")));
            var dataset = new InstanceMaskFolderDataset(dir, dir, new InstanceMaskFolderOptions { MaskSuffix = "_m.png", ImageExtensions = new[] { ".png" } });
            // x_m.png is itself listed as an image but has no "x_m_m.png": skipped with a warning.
            Assert.AreEqual(1, dataset.Count);
            var e = Assert.ThrowsExactly<ImageDecodeException>(() => dataset.Load(0));
            StringAssert.Contains(e.Message, Path.Combine(dir, "x.png"));
        }

        [TestMethod]
        public void MaskOfAnotherSizeIsAnError()
        {
            string dir = Path.Combine(root, "sizes");
            Directory.CreateDirectory(dir);
            ImageCodec.EncodePng(new ImageBuffer(4, 4, 3), Path.Combine(dir, "y.jpg"));
            ImageCodec.EncodePng(new ImageBuffer(5, 4, 1), Path.Combine(dir, "y.png"));
            var dataset = new InstanceMaskFolderDataset(dir, dir, new InstanceMaskFolderOptions { ImageExtensions = new[] { ".jpg" } });
            var e = Assert.ThrowsExactly<InvalidDataException>(() => dataset.LoadAnnotations(0));
            StringAssert.Contains(e.Message, "y.png: the mask is 5x4 but its image");
        }
    }
}
