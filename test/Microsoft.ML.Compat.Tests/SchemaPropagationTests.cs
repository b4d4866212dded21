using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.Compat.Tests
{
    /// <summary>Estimator chains and transformer chains propagate schemas without touching data.</summary>
    [TestClass]
    public sealed class SchemaPropagationTests
    {
        private readonly MLContext ml = new MLContext(seed: 1);

        [TestMethod]
        public void EstimatorChainPropagatesShapes()
        {
            var fixture = new ImagePipelineFixture(ml);
            var shape = fixture.Pipeline().GetOutputSchema(SchemaShape.Create(fixture.Data.Schema));
            CollectionAssert.AreEqual(new[] { "ImagePath", "Image", "Resized", "Pixels" }, shape.Select(c => c.Name).ToArray());
            var image = shape.Single(c => c.Name == "Image");
            Assert.AreEqual(SchemaShape.Column.VectorKind.Scalar, image.Kind);
            Assert.AreEqual(new ImageDataViewType(), image.ItemType);
            Assert.AreEqual(new ImageDataViewType(8, 8), shape.Single(c => c.Name == "Resized").ItemType);
            var pixels = shape.Single(c => c.Name == "Pixels");
            Assert.AreEqual(SchemaShape.Column.VectorKind.Vector, pixels.Kind);
            Assert.AreEqual(NumberDataViewType.Single, pixels.ItemType);
            Assert.IsFalse(pixels.IsKey);
        }

        [TestMethod]
        public void TransformerChainPropagatesSchemasAndHidesReplacedColumns()
        {
            var fixture = new ImagePipelineFixture(ml);
            var model = fixture.Pipeline().Fit(fixture.Data);
            var schema = model.GetOutputSchema(fixture.Data.Schema);
            CollectionAssert.AreEqual(new[] { "ImagePath", "Image", "Resized", "Pixels" }, schema.Select(c => c.Name).ToArray());
            Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 3, 8, 8), schema["Pixels"].Type);
            Assert.AreEqual("Pixels: Vector<Single, 3, 8, 8>", schema["Pixels"].ToString());
            Assert.AreEqual(schema.Count, model.Transform(fixture.Data).Schema.Count);

            var interleaved = ml.Transforms.ExtractPixels("Resized", "Resized", interleavePixelColors: true, outputAsFloatArray: false)
                .Fit(model.Transform(fixture.Data));
            var replaced = interleaved.GetOutputSchema(schema);
            Assert.AreEqual(5, replaced.Count);
            Assert.IsTrue(replaced[2].IsHidden, "the image column named Resized is hidden by the new Resized column");
            Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Byte, 8, 8, 3), replaced["Resized"].Type);

            var scoped = model.Append(interleaved, TransformerScope.Training);
            Assert.AreEqual(4, scoped.GetOutputSchema(fixture.Data.Schema).Count, "the training-only transformer is skipped when scoring");
            Assert.AreEqual(5, scoped.GetOutputSchema(fixture.Data.Schema, TransformerScope.Training).Count);
            Assert.AreEqual(3, scoped.GetModelFor(TransformerScope.Scoring).Count());
        }

        [TestMethod]
        public void RowToRowMapperOfTheChainMatchesTransform()
        {
            var fixture = new ImagePipelineFixture(ml);
            ITransformer model = fixture.Pipeline().Fit(fixture.Data);
            Assert.IsTrue(model.IsRowToRowMapper);
            var mapper = model.GetRowToRowMapper(fixture.Data.Schema);
            Assert.AreEqual(model.GetOutputSchema(fixture.Data.Schema).Count, mapper.OutputSchema.Count);
            var needed = mapper.GetDependencies(new[] { mapper.OutputSchema["Pixels"] }).Select(c => c.Name).ToArray();
            CollectionAssert.AreEqual(new[] { "ImagePath" }, needed);
        }
    }
}
