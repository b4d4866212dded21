using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;

namespace Microsoft.ML.MaskRcnn.Cli
{
    /// <summary>
    /// The training and validation views of <c>train</c>: key labels over the training dataset's categories (their names
    /// as the key type's KeyValues), so the model's classes are the dataset's categories in their order, whether or not
    /// every category occurs in the images drawn for training (with text labels, a class seen only in the validation
    /// split would be an error).
    /// </summary>
    internal static class TrainingRows
    {
        /// <summary>A row with key labels: key k is class k of the training categories.</summary>
        private sealed class KeyedRow
        {
            public string ImagePath { get; set; } = "";
            public uint[] Label { get; set; } = Array.Empty<uint>();
            public float[] BoundingBoxes { get; set; } = Array.Empty<float>();
            public string[] Masks { get; set; } = Array.Empty<string>();
        }

        /// <summary>The category names, checked to be distinct (they name the model's classes).</summary>
        public static string[] ClassNames(DatasetSource source)
        {
            var names = source.Dataset.Categories.Names.ToArray();
            var duplicate = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
                throw new InvalidDataException($"The {source.Description} has two categories named '{duplicate.Key}'; class names must be distinct.");
            return names;
        }

        /// <summary>
        /// The rows of <paramref name="rows"/> as a view with key labels over <paramref name="classes"/>; reading it stops at
        /// the next row once <see cref="CliConsole.Interrupt"/> fires.
        /// </summary>
        public static IDataView View(MLContext ml, IEnumerable<InstanceSegmentationInput> rows, IReadOnlyList<string> classes, string description, CliConsole console)
        {
            var keys = new Dictionary<string, uint>(StringComparer.Ordinal);
            for (int k = 0; k < classes.Count; k++) keys[classes[k]] = (uint)(k + 1);
            var keyed = rows.Select(r => new KeyedRow
            {
                ImagePath = r.ImagePath,
                Label = r.Label.Select(name => keys.TryGetValue(name, out uint key) ? key
                    : throw new InvalidDataException($"{r.ImagePath} ({description}) has an object of class '{name}', which is not a class of the training data ({string.Join(", ", classes)}).")).ToArray(),
                BoundingBoxes = r.BoundingBoxes,
                Masks = r.Masks,
            }).ToArray();

            var schema = SchemaDefinition.Create(typeof(KeyedRow));
            var label = schema[nameof(KeyedRow.Label)];
            label.ColumnType = new VectorDataViewType(new KeyDataViewType(typeof(uint), classes.Count));
            var names = classes.Select(c => c.AsMemory()).ToArray();
            label.AddAnnotation("KeyValues", new VBuffer<ReadOnlyMemory<char>>(names.Length, names), new VectorDataViewType(TextDataViewType.Instance, names.Length));
            return ml.Data.LoadFromEnumerable(console.Interruptible(keyed), schema);
        }
    }
}
