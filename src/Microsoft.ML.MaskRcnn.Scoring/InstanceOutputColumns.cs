using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.MaskRcnn
{
    /// <summary>
    /// The input image column and the four output columns of a Mask R-CNN transformer (TorchSharp or ONNX Runtime): their
    /// names, their types in a schema shape and a schema, and how the names are saved in a model block.
    /// </summary>
    internal sealed record InstanceOutputColumns(string Image, string PredictedLabel, string Score, string PredictedBoundingBoxes, string PredictedMasks)
    {
        /// <summary>The five names in the order they are saved.</summary>
        public IReadOnlyList<string> Names => new[] { Image, PredictedLabel, Score, PredictedBoundingBoxes, PredictedMasks };

        /// <summary>Writes the five names as string ids of the model block.</summary>
        public void Save(ModelSaveContext ctx)
        {
            foreach (string name in Names) ctx.SaveNonEmptyString(name);
        }

        /// <summary>Reads the five names written by <see cref="Save"/>.</summary>
        public static InstanceOutputColumns Load(ModelLoadContext ctx) =>
            new(ctx.LoadNonEmptyString(), ctx.LoadNonEmptyString(), ctx.LoadNonEmptyString(), ctx.LoadNonEmptyString(), ctx.LoadNonEmptyString());

        /// <summary>Writes the five names, length-prefixed UTF-8, for a digest of the model block's values.</summary>
        public void WriteForDigest(BinaryWriter writer)
        {
            foreach (string name in Names) writer.Write(name);
        }

        /// <summary>
        /// The transformer's output shape: <paramref name="input"/> (which must hold the image column) plus the four outputs.
        /// </summary>
        public SchemaShape GetOutputSchema(IExceptionContext ectx, SchemaShape input)
        {
            ectx.CheckValue(input, nameof(input));
            if (!input.TryFindColumn(Image, out var image))
                throw ectx.ExceptSchemaMismatch(nameof(input), InstanceColumns.ImageRole, Image);
            if (image.Kind != SchemaShape.Column.VectorKind.Scalar || !(image.ItemType is ImageDataViewType))
                throw ectx.ExceptSchemaMismatch(nameof(input), InstanceColumns.ImageRole, Image, "Image", image.GetTypeString());
            return AddOutputShapes(input);
        }

        /// <summary><paramref name="input"/> plus the four output columns (replacing columns of the same names).</summary>
        public SchemaShape AddOutputShapes(SchemaShape input)
        {
            var result = input.ToDictionary(c => c.Name);
            var keyValues = new SchemaShape(new[] { new SchemaShape.Column(InstanceColumns.KeyValuesKind, SchemaShape.Column.VectorKind.Vector, TextDataViewType.Instance, false) });
            result[PredictedLabel] = new SchemaShape.Column(PredictedLabel, SchemaShape.Column.VectorKind.VariableVector, NumberDataViewType.UInt32, true, keyValues);
            result[Score] = new SchemaShape.Column(Score, SchemaShape.Column.VectorKind.VariableVector, NumberDataViewType.Single, false);
            result[PredictedBoundingBoxes] = new SchemaShape.Column(PredictedBoundingBoxes, SchemaShape.Column.VectorKind.VariableVector, NumberDataViewType.Single, false);
            result[PredictedMasks] = new SchemaShape.Column(PredictedMasks, SchemaShape.Column.VectorKind.VariableVector, TextDataViewType.Instance, false);
            return new SchemaShape(result.Values);
        }

        /// <summary>The four output columns of a schema; PredictedLabel is a key over <paramref name="classNames"/>, its KeyValues.</summary>
        public DataViewSchema.DetachedColumn[] ToDetachedColumns(IReadOnlyList<string> classNames)
        {
            var names = classNames.Select(n => n.AsMemory()).ToArray();
            var annotations = new DataViewSchema.Annotations.Builder();
            annotations.Add(InstanceColumns.KeyValuesKind, new VectorDataViewType(TextDataViewType.Instance, names.Length),
                (ref VBuffer<ReadOnlyMemory<char>> dst) => VBuffer<ReadOnlyMemory<char>>.Copy(names, 0, ref dst, names.Length));
            return new[]
            {
                new DataViewSchema.DetachedColumn(PredictedLabel, new VectorDataViewType(new KeyDataViewType(typeof(uint), names.Length)), annotations.ToAnnotations()),
                new DataViewSchema.DetachedColumn(Score, new VectorDataViewType(NumberDataViewType.Single)),
                new DataViewSchema.DetachedColumn(PredictedBoundingBoxes, new VectorDataViewType(NumberDataViewType.Single)),
                new DataViewSchema.DetachedColumn(PredictedMasks, new VectorDataViewType(TextDataViewType.Instance)),
            };
        }
    }
}
