using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.Compat.Tests
{
    /// <summary>Views stream: rows are produced, loaded and transformed only as a cursor reaches them.</summary>
    [TestClass]
    public sealed class StreamingTests
    {
        private readonly MLContext ml = new MLContext(seed: 1);

        [TestMethod]
        public void TenThousandRowImageViewIsNotMaterialised()
        {
            var fixture = new ImagePipelineFixture(ml);
            const int rowCount = 10_000;
            int produced = 0;
            IEnumerable<ImagePathRow> Rows()
            {
                for (int i = 0; i < rowCount; i++)
                {
                    produced++;
                    yield return fixture.Rows[i % fixture.Rows.Length];
                }
            }

            var source = ml.Data.LoadFromEnumerable(Rows());
            var model = fixture.Pipeline().Fit(source);
            Assert.AreEqual(0, produced, "fitting trivial estimators reads no row");
            var transformed = model.Transform(source);
            Assert.IsNull(transformed.GetRowCount(), "the row count of a streamed enumerable is unknown");
            Assert.AreEqual(0, produced, "Transform is lazy");

            var pixelsColumn = transformed.Schema["Pixels"];
            long baseline = GC.GetTotalMemory(forceFullCollection: true);
            long peakRetained = 0;
            double checksum = 0;
            long lastPosition = -1;
            using (var cursor = transformed.GetRowCursor(new[] { pixelsColumn }))
            {
                var getter = cursor.GetGetter<VBuffer<float>>(pixelsColumn);
                VBuffer<float> pixels = default;
                while (cursor.MoveNext())
                {
                    Assert.AreEqual(cursor.Position + 1, produced, "the source is read one row ahead at most");
                    getter(ref pixels);
                    lastPosition = cursor.Position;
                    checksum += pixels.GetValues()[(int)(cursor.Position % pixels.Length)];
                    if (cursor.Position % 2000 == 1999)
                        peakRetained = Math.Max(peakRetained, GC.GetTotalMemory(forceFullCollection: true) - baseline);
                }
                Assert.AreEqual(-1, cursor.Position, "a finished cursor is back before the first row");
            }
            Assert.AreEqual(rowCount - 1, lastPosition);
            Assert.AreEqual(rowCount, produced);
            Assert.IsTrue(checksum != 0);
            // 10,000 rows of 3 x 8 x 8 floats plus decoded and resized images would retain megabytes if materialised.
            Assert.IsTrue(peakRetained < 2_000_000, $"retained {peakRetained} bytes while streaming");

            produced = 0;
            var firstFive = transformed.GetColumn<float[]>("Pixels").Take(5).ToArray();
            Assert.AreEqual(5, firstFive.Length);
            Assert.IsTrue(produced <= 6, $"taking 5 rows produced {produced}");
        }

        [TestMethod]
        public void InactiveColumnsAreNotComputed()
        {
            var fixture = new ImagePipelineFixture(ml);
            var model = fixture.Pipeline().Fit(fixture.Data);
            System.IO.File.Delete(System.IO.Path.Combine(fixture.Folder, "tall.png"));
            var transformed = model.Transform(fixture.Data);
            // Only the path is requested: no image is loaded, so the deleted file does not matter.
            CollectionAssert.AreEqual(fixture.Rows.Select(r => r.ImagePath).ToArray(), transformed.GetColumn<string>("ImagePath").ToArray());
            Assert.ThrowsExactly<System.IO.FileNotFoundException>(() => transformed.GetColumn<float[]>("Pixels").ToArray());
        }
    }
}
