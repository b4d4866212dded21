using System;
using System.IO;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.MaskRcnn
{
    /// <summary>
    /// The column contract of the ML.NET components (see docs/usage.md): which types the image, label, box, mask, score
    /// and predicted columns must have, checked on a <see cref="DataViewSchema"/> (Transform, evaluation) or a
    /// <see cref="SchemaShape"/> (the estimator). A missing or mistyped column is an <see cref="ArgumentOutOfRangeException"/>
    /// naming the column, as ML.NET's schema checks are.
    /// </summary>
    internal static class InstanceColumns
    {
        /// <summary>ML.NET's annotation kind holding the names of a key type's values.</summary>
        public const string KeyValuesKind = "KeyValues";

        public const string ImageRole = "image";
        public const string LabelRole = "label";
        public const string BoxRole = "bounding box";
        public const string MaskRole = "mask";
        public const string PredictedLabelRole = "predicted label";
        public const string ScoreRole = "score";
        public const string PredictedBoxRole = "predicted bounding box";
        public const string PredictedMaskRole = "predicted mask";

        private const string LabelTypes = "VarVector<Key<UInt32>> or VarVector<String>";

        /// <summary>An image column (<see cref="ImageDataViewType"/>, raw type <see cref="MLImage"/>).</summary>
        public static DataViewSchema.Column CheckImage(IExceptionContext ectx, DataViewSchema schema, string name)
        {
            var column = Find(ectx, schema, name, ImageRole);
            if (!(column.Type is ImageDataViewType))
                throw ectx.ExceptSchemaMismatch(nameof(schema), ImageRole, name, "Image", column.Type.ToString());
            return column;
        }

        /// <summary>A label column: a vector of Key&lt;UInt32&gt; or of text. Returns whether it is text.</summary>
        public static DataViewSchema.Column CheckLabel(IExceptionContext ectx, DataViewSchema schema, string name, out bool isText)
        {
            var column = Find(ectx, schema, name, LabelRole);
            var item = (column.Type as VectorDataViewType)?.ItemType;
            isText = item is TextDataViewType;
            if (!isText && !(item is KeyDataViewType key && key.RawType == typeof(uint)))
                throw ectx.ExceptSchemaMismatch(nameof(schema), LabelRole, name, LabelTypes, column.Type.ToString());
            return column;
        }

        /// <summary>A vector of Key&lt;UInt32&gt; (the predicted label).</summary>
        public static DataViewSchema.Column CheckKeyVector(IExceptionContext ectx, DataViewSchema schema, string name, string role)
        {
            var column = Find(ectx, schema, name, role);
            if (!((column.Type as VectorDataViewType)?.ItemType is KeyDataViewType key && key.RawType == typeof(uint)))
                throw ectx.ExceptSchemaMismatch(nameof(schema), role, name, "VarVector<Key<UInt32>>", column.Type.ToString());
            return column;
        }

        /// <summary>A vector of Single (boxes, scores).</summary>
        public static DataViewSchema.Column CheckFloatVector(IExceptionContext ectx, DataViewSchema schema, string name, string role)
        {
            var column = Find(ectx, schema, name, role);
            if (!((column.Type as VectorDataViewType)?.ItemType is NumberDataViewType number && number.RawType == typeof(float)))
                throw ectx.ExceptSchemaMismatch(nameof(schema), role, name, "VarVector<Single>", column.Type.ToString());
            return column;
        }

        /// <summary>A vector of text (masks as COCO compressed RLE strings).</summary>
        public static DataViewSchema.Column CheckTextVector(IExceptionContext ectx, DataViewSchema schema, string name, string role)
        {
            var column = Find(ectx, schema, name, role);
            if (!((column.Type as VectorDataViewType)?.ItemType is TextDataViewType))
                throw ectx.ExceptSchemaMismatch(nameof(schema), role, name, "VarVector<String>", column.Type.ToString());
            return column;
        }

        /// <summary>The estimator's check of the four training columns on a schema shape.</summary>
        public static void CheckTrainingShape(IExceptionContext ectx, SchemaShape inputSchema, string image, string label, string boxes, string masks)
        {
            var column = Find(ectx, inputSchema, image, ImageRole);
            if (column.Kind != SchemaShape.Column.VectorKind.Scalar || !(column.ItemType is ImageDataViewType))
                throw ectx.ExceptSchemaMismatch(nameof(inputSchema), ImageRole, image, "Image", column.GetTypeString());
            column = Find(ectx, inputSchema, label, LabelRole);
            if (column.Kind == SchemaShape.Column.VectorKind.Scalar
                || !(column.ItemType is TextDataViewType && !column.IsKey || column.IsKey && column.ItemType.RawType == typeof(uint)))
                throw ectx.ExceptSchemaMismatch(nameof(inputSchema), LabelRole, label, LabelTypes, column.GetTypeString());
            column = Find(ectx, inputSchema, boxes, BoxRole);
            if (column.Kind == SchemaShape.Column.VectorKind.Scalar || column.IsKey || column.ItemType.RawType != typeof(float))
                throw ectx.ExceptSchemaMismatch(nameof(inputSchema), BoxRole, boxes, "VarVector<Single>", column.GetTypeString());
            column = Find(ectx, inputSchema, masks, MaskRole);
            if (column.Kind == SchemaShape.Column.VectorKind.Scalar || !(column.ItemType is TextDataViewType))
                throw ectx.ExceptSchemaMismatch(nameof(inputSchema), MaskRole, masks, "VarVector<String>", column.GetTypeString());
        }

        /// <summary>The names in the KeyValues annotation of a key vector column, or null when it has none of the right length.</summary>
        public static string[]? GetKeyValues(DataViewSchema.Column column, int count)
        {
            var annotation = column.Annotations.Schema.GetColumnOrNull(KeyValuesKind);
            if (annotation is null || !((annotation.Value.Type as VectorDataViewType)?.ItemType is TextDataViewType)) return null;
            VBuffer<ReadOnlyMemory<char>> values = default;
            column.Annotations.GetValue(KeyValuesKind, ref values);
            if (values.Length != count) return null;
            var names = new string[count];
            int i = 0;
            foreach (var value in values.DenseValues()) names[i++] = value.ToString();
            return names;
        }

        /// <summary>The error for a bad value: names the column and the row (0-based position in the data view).</summary>
        public static InvalidDataException RowError(string column, long row, string message) =>
            new($"Column '{column}', row {row}: {message}");

        private static DataViewSchema.Column Find(IExceptionContext ectx, DataViewSchema schema, string name, string role)
        {
            ectx.CheckValue(schema, nameof(schema));
            return schema.GetColumnOrNull(name) ?? throw ectx.ExceptSchemaMismatch(nameof(schema), role, name);
        }

        private static SchemaShape.Column Find(IExceptionContext ectx, SchemaShape shape, string name, string role)
        {
            ectx.CheckValue(shape, nameof(shape));
            return shape.TryFindColumn(name, out var column) ? column : throw ectx.ExceptSchemaMismatch(nameof(shape), role, name);
        }
    }
}
