using System.IO;
using System.Linq;
using System.Text;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.Data
{
    /// <summary>The COCO JSON reader: every field kind, category mapping, and errors that name the annotation.</summary>
    [TestClass]
    public class CocoAnnotationFileTests
    {
        // Categories with ids that neither start at 1 nor are contiguous; image 30 has no annotation.
        private const string Categories = "\"categories\": [{\"id\": 17, \"name\": \"fig\"}, {\"id\": 5, \"name\": \"date\", \"supercategory\": \"fruit\"}, {\"id\": 90, \"name\": \"nut\"}]";
        private const string Images = "\"images\": [{\"id\": 10, \"file_name\": \"a.jpg\", \"width\": 4, \"height\": 3}, {\"id\": 30, \"file_name\": \"b.jpg\", \"width\": 8, \"height\": 8}]";

        internal static byte[] Json(params string[] annotations) =>
            Encoding.UTF8.GetBytes("{\"info\": {\"year\": 2024}, " + Images + ", " + Categories + ", \"annotations\": [" + string.Join(",", annotations) + "]}");

        [TestMethod]
        public void ReadsEveryKindOfSegmentation()
        {
            var file = CocoAnnotationFile.Parse(Json(
                "{\"id\": 1, \"image_id\": 10, \"category_id\": 17, \"segmentation\": [[0, 0, 4, 0, 4, 3]], \"area\": 6.5, \"bbox\": [0, 0, 4, 3], \"iscrowd\": 0}",
                "{\"id\": 2, \"image_id\": 10, \"category_id\": 5, \"segmentation\": {\"size\": [3, 4], \"counts\": [2, 5, 5]}, \"iscrowd\": 1, \"bbox\": [0, 0, 3, 3]}",
                "{\"id\": 3, \"image_id\": 10, \"category_id\": 90, \"segmentation\": {\"size\": [3, 4], \"counts\": \"255\"}, \"bbox\": [0, 0, 3, 3]}",
                "{\"id\": 4, \"image_id\": 10, \"category_id\": 90, \"bbox\": [1, 1, 2, 1]}"));
            Assert.AreEqual(2, file.Images.Count, "images without annotations are kept");
            Assert.AreEqual(0, file.GetAnnotations(30).Count);
            var a = file.Annotations;
            Assert.AreEqual(6.5, a[0].Area);
            Assert.AreEqual(new CocoBox(0, 0, 4, 3), a[0].Box);
            Assert.IsFalse(a[0].IsCrowd);
            Assert.AreEqual(1, a[0].Segmentation!.Polygons!.Count);
            Assert.IsTrue(a[1].IsCrowd);
            Assert.IsNull(a[1].Area, "a missing area stays missing in the file model");
            // Uncompressed [2, 5, 5] and compressed "255" are the same mask.
            CollectionAssert.AreEqual(a[1].Segmentation!.Rle!.Counts.ToArray(), a[2].Segmentation!.Rle!.Counts.ToArray());
            Assert.IsNull(a[3].Segmentation);
        }

        [TestMethod]
        public void CategoryIdsMapToContiguousLabelsAndBack()
        {
            var map = CocoAnnotationFile.Parse(Json()).CategoryMap;
            Assert.AreEqual(3, map.Count);
            Assert.AreEqual(1, map.ToLabel(5));
            Assert.AreEqual(2, map.ToLabel(17));
            Assert.AreEqual(3, map.ToLabel(90));
            Assert.AreEqual(90, map.ToCategoryId(3));
            Assert.AreEqual("date", map.GetName(1));
            Assert.IsFalse(map.TryGetLabel(4, out _));
            Assert.ThrowsExactly<System.Collections.Generic.KeyNotFoundException>(() => map.ToLabel(4));
        }

        [TestMethod]
        [DataRow("{\"id\": 42, \"category_id\": 17, \"bbox\": [0, 0, 1, 1]}", "\"image_id\" is missing")]
        [DataRow("{\"id\": 42, \"image_id\": 10, \"bbox\": [0, 0, 1, 1]}", "\"category_id\" is missing")]
        [DataRow("{\"id\": 42, \"image_id\": 11, \"category_id\": 17, \"bbox\": [0, 0, 1, 1]}", "\"image_id\" 11 names no image")]
        [DataRow("{\"id\": 42, \"image_id\": 10, \"category_id\": 1, \"bbox\": [0, 0, 1, 1]}", "\"category_id\" 1 names no category")]
        [DataRow("{\"id\": 42, \"image_id\": 10, \"category_id\": 17, \"bbox\": [0, 0, 1]}", "3 numbers, not 4")]
        [DataRow("{\"id\": 42, \"image_id\": 10, \"category_id\": 17, \"bbox\": [0, 0, -1, 1]}", "negative width or height")]
        [DataRow("{\"id\": 42, \"image_id\": 10, \"category_id\": 17, \"bbox\": [0, \"0\", 1, 1]}", "must hold only numbers")]
        [DataRow("{\"id\": 42, \"image_id\": 10, \"category_id\": 17}", "neither \"segmentation\" nor \"bbox\"")]
        [DataRow("{\"id\": 42, \"image_id\": 10, \"category_id\": 17, \"segmentation\": [[0, 0, 1, 0, 1]]}", "odd number of coordinates")]
        [DataRow("{\"id\": 42, \"image_id\": 10, \"category_id\": 17, \"segmentation\": {\"size\": [5, 5], \"counts\": [25]}}", "its RLE is 5x5 but image 10 is 3x4")]
        [DataRow("{\"id\": 42, \"image_id\": 10, \"category_id\": 17, \"segmentation\": {\"size\": [3, 4], \"counts\": [2, 5]}}", "RLE \"segmentation\" is invalid")]
        [DataRow("{\"id\": 42, \"image_id\": 10, \"category_id\": 17, \"segmentation\": \"polygon\"}", "\"segmentation\" must be")]
        [DataRow("{\"id\": 42, \"image_id\": 10, \"category_id\": 17, \"bbox\": [0, 0, 1, 1], \"iscrowd\": 2}", "\"iscrowd\" must be 0 or 1")]
        [DataRow("{\"id\": 42, \"image_id\": \"10\", \"category_id\": 17, \"bbox\": [0, 0, 1, 1]}", "\"image_id\" must be an integer")]
        [DataRow("{\"id\": 42, \"image_id\": 10, \"category_id\": 17, \"bbox\": [0, 0, 1, 1], \"area\": -3}", "\"area\" -3 is invalid")]
        public void MalformedAnnotationsNameTheirId(string annotation, string detail)
        {
            var ok = "{\"id\": 7, \"image_id\": 10, \"category_id\": 5, \"bbox\": [0, 0, 1, 1]}";
            var e = Assert.ThrowsExactly<InvalidDataException>(() => CocoAnnotationFile.Parse(Json(ok, annotation), "train.json"));
            StringAssert.StartsWith(e.Message, "train.json: annotation 42");
            StringAssert.Contains(e.Message, detail);
        }

        [TestMethod]
        public void StructuralFaultsAreNamed()
        {
            void Fails(string json, string detail)
            {
                var e = Assert.ThrowsExactly<InvalidDataException>(() => CocoAnnotationFile.Parse(Encoding.UTF8.GetBytes(json), "x.json"));
                StringAssert.Contains(e.Message, "x.json");
                StringAssert.Contains(e.Message, detail);
            }
            Fails("{\"images\": [], \"categories\": []}", "\"annotations\" array is missing");
            Fails("[1, 2]", "a COCO file is a JSON object");
            Fails("{\"images\": [{\"id\": 1, \"file_name\": \"a\", \"width\": 3}], \"annotations\": [], \"categories\": []}", "image 1: \"width\" and \"height\" are required");
            Fails("{\"images\": [], \"annotations\": [{\"image_id\": 1}], \"categories\": []}", "annotation #0 (no \"id\")");
            Fails("{\"images\": [], \"annotations\": [], \"categories\": [{\"id\": 1}, {\"id\": 1}]}", "category id 1 appears twice");
            Fails("{\"images\": [], \"annotations\": [}", "invalid JSON (line 1");
            var duplicate = "{\"id\": 7, \"image_id\": 10, \"category_id\": 5, \"bbox\": [0, 0, 1, 1]}";
            var e = Assert.ThrowsExactly<InvalidDataException>(() => CocoAnnotationFile.Parse(Json(duplicate, duplicate)));
            StringAssert.Contains(e.Message, "annotation 7: the id appears twice");
        }

        [TestMethod]
        public void MissingFileNamesThePath()
        {
            string path = Path.Combine(Path.GetTempPath(), "no-such-annotations.json");
            var e = Assert.ThrowsExactly<FileNotFoundException>(() => CocoAnnotationFile.Load(path));
            StringAssert.Contains(e.Message, path);
        }
    }
}
