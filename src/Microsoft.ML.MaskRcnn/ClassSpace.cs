using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Microsoft.ML.MaskRcnn
{
    /// <summary>
    /// The classes of a model as ML.NET sees them: key values 1..K with names (the PredictedLabel column's KeyValues).
    /// Label k of the network is key k. While the training data is read the space may be open: text labels are
    /// collected and sorted into keys at <see cref="Close"/>; a key column of unknown cardinality grows to its largest key.
    /// </summary>
    internal sealed class ClassSpace
    {
        private readonly List<string> names;
        private readonly Dictionary<string, int> byName = new(StringComparer.Ordinal);
        private bool textOpen;
        private bool keyOpen;

        private ClassSpace(List<string> names, bool textOpen, bool keyOpen)
        {
            this.names = names;
            this.textOpen = textOpen;
            this.keyOpen = keyOpen;
            for (int i = 0; i < names.Count; i++) byName.TryAdd(names[i], i + 1);
        }

        /// <summary>Classes that are fixed (a trained model's).</summary>
        public static ClassSpace Fixed(IReadOnlyList<string> names) => new(names.ToList(), false, false);

        /// <summary>Training on a key column: K = its cardinality (0: unknown, grown to the largest key seen).</summary>
        public static ClassSpace ForKeys(ulong keyCount, string[]? keyValues)
        {
            if (keyCount > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(keyCount), $"A key type of {keyCount} values is too large.");
            var names = keyValues?.ToList() ?? Enumerable.Range(1, (int)keyCount).Select(KeyName).ToList();
            return new ClassSpace(names, false, keyCount == 0);
        }

        /// <summary>Training on a text column: every distinct string becomes a class.</summary>
        public static ClassSpace ForText() => new(new List<string>(), true, false);

        /// <summary>K, the number of classes.</summary>
        public int Count => names.Count;

        /// <summary>The names of keys 1..K.</summary>
        public IReadOnlyList<string> Names => names;

        /// <summary>The label of key <paramref name="key"/> (checked against 1..K unless the space is still open).</summary>
        public int LabelOfKey(uint key, string column, long row, int instance)
        {
            if (key == 0)
                throw InstanceColumns.RowError(column, row, $"instance {instance} has the missing key 0 (keys run from 1 to the number of classes).");
            if (keyOpen)
            {
                if (key > 1_000_000) throw InstanceColumns.RowError(column, row, $"instance {instance} has key {key}, more classes than supported.");
                while (names.Count < key) names.Add(KeyName(names.Count + 1));
                return (int)key;
            }
            if (key > names.Count)
                throw InstanceColumns.RowError(column, row, $"instance {instance} has key {key} but there are only {names.Count} classes.");
            return (int)key;
        }

        /// <summary>The label of class name <paramref name="name"/> (added while the space is open to text).</summary>
        public int LabelOfName(string name, string column, long row, int instance)
        {
            if (byName.TryGetValue(name, out int label)) return label;
            if (string.IsNullOrEmpty(name)) throw InstanceColumns.RowError(column, row, $"instance {instance} has an empty class name.");
            if (!textOpen)
                throw InstanceColumns.RowError(column, row, $"instance {instance} has class '{name}', which is not one of the model's classes ({string.Join(", ", names)}).");
            names.Add(name);
            byName[name] = names.Count;
            return names.Count;
        }

        /// <summary>
        /// Ends the reading of training data: text classes are sorted (ordinal) into keys. Returns the new label of each
        /// label given while open (index = old label), or null when nothing moved.
        /// </summary>
        public int[]? Close()
        {
            keyOpen = false;
            if (!textOpen) return null;
            textOpen = false;
            var order = Enumerable.Range(0, names.Count).OrderBy(i => names[i], StringComparer.Ordinal).ToArray();
            var remap = new int[names.Count + 1];
            for (int rank = 0; rank < order.Length; rank++) remap[order[rank] + 1] = rank + 1;
            var sorted = order.Select(i => names[i]).ToList();
            names.Clear();
            names.AddRange(sorted);
            byName.Clear();
            for (int i = 0; i < names.Count; i++) byName[names[i]] = i + 1;
            return remap;
        }

        private static string KeyName(int key) => key.ToString(CultureInfo.InvariantCulture);
    }
}
