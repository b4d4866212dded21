using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace Microsoft.ML.MaskRcnn.Cli
{
    /// <summary>
    /// --class-map: the class of each instance of a mask-folder dataset, as CSV lines "image file name,mask value,class
    /// name" (blank lines and lines starting with # are skipped).
    /// </summary>
    internal static class ClassMapFile
    {
        public static Func<string, int, int> Read(string path, IReadOnlyList<string> classes)
        {
            var labels = new Dictionary<(string Image, int Value), int>();
            var lines = File.ReadAllLines(path);
            for (int n = 0; n < lines.Length; n++)
            {
                string line = lines[n].Trim();
                if (line.Length == 0 || line.StartsWith('#')) continue;
                string where = $"Class map '{path}', line {n + 1}";
                var fields = line.Split(',', StringSplitOptions.TrimEntries);
                if (fields.Length != 3) throw new InvalidDataException($"{where}: expected 'image file name,mask value,class name', got '{line}'.");
                if (!int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value <= 0)
                    throw new InvalidDataException($"{where}: the mask value '{fields[1]}' is not a positive integer.");
                int label = IndexOf(classes, fields[2]) + 1;
                if (label == 0) throw new InvalidDataException($"{where}: '{fields[2]}' is not one of --classes ({string.Join(", ", classes)}).");
                if (!labels.TryAdd((fields[0], value), label)) throw new InvalidDataException($"{where}: instance {value} of '{fields[0]}' is listed twice.");
            }
            return (image, value) => labels.TryGetValue((image, value), out int label)
                ? label
                : throw new InvalidDataException($"Class map '{path}' gives no class for instance {value} of image '{image}'.");
        }

        private static int IndexOf(IReadOnlyList<string> names, string name)
        {
            for (int i = 0; i < names.Count; i++)
                if (string.Equals(names[i], name, StringComparison.Ordinal)) return i;
            return -1;
        }
    }
}
