using System;
using System.Collections.Generic;
using System.Linq;

namespace Microsoft.ML.MaskRcnn.Data
{
    /// <summary>
    /// Maps dataset category ids (any integers, e.g. COCO's 1..90 with gaps) to the contiguous labels 1..K a model
    /// predicts, in ascending id order, and back. Label 0 is reserved for the background.
    /// </summary>
    public sealed class CategoryMap
    {
        private readonly long[] ids;
        private readonly string[] names;
        private readonly Dictionary<long, int> labels;

        /// <summary>Creates the map; ids must be distinct.</summary>
        public CategoryMap(IEnumerable<(long Id, string Name)> categories)
        {
            var sorted = categories.OrderBy(c => c.Id).ToArray();
            ids = sorted.Select(c => c.Id).ToArray();
            names = sorted.Select(c => c.Name).ToArray();
            labels = new Dictionary<long, int>(ids.Length);
            for (int i = 0; i < ids.Length; i++)
                if (!labels.TryAdd(ids[i], i + 1)) throw new ArgumentException($"Category id {ids[i]} appears twice.", nameof(categories));
        }

        /// <summary>One category with id 1 and label 1.</summary>
        public static CategoryMap SingleClass(string name) => new(new[] { (1L, name) });

        /// <summary>K, the number of categories (labels run from 1 to K).</summary>
        public int Count => ids.Length;

        /// <summary>Category ids in label order (element i has label i + 1).</summary>
        public IReadOnlyList<long> CategoryIds => ids;

        /// <summary>Category names in label order.</summary>
        public IReadOnlyList<string> Names => names;

        /// <summary>The label (1..K) of a category id.</summary>
        public int ToLabel(long categoryId) =>
            labels.TryGetValue(categoryId, out int label) ? label : throw new KeyNotFoundException($"Category id {categoryId} is not one of {string.Join(", ", ids)}.");

        /// <summary>The label of a category id, if it has one.</summary>
        public bool TryGetLabel(long categoryId, out int label) => labels.TryGetValue(categoryId, out label);

        /// <summary>The category id of a label (1..K).</summary>
        public long ToCategoryId(int label) =>
            label >= 1 && label <= ids.Length ? ids[label - 1] : throw new ArgumentOutOfRangeException(nameof(label), label, $"Labels run from 1 to {ids.Length}.");

        /// <summary>The name of a label (1..K).</summary>
        public string GetName(int label) =>
            label >= 1 && label <= ids.Length ? names[label - 1] : throw new ArgumentOutOfRangeException(nameof(label), label, $"Labels run from 1 to {ids.Length}.");
    }
}
