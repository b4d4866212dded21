using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Numerics;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Checkpoints
{
    /// <summary>
    /// The plain .NET values that stand for unpickled Python values (see <see cref="PyTorchCheckpoint.Read"/>), and the
    /// conversions the rebuild functions need. Python dictionaries keep their insertion order; keys compare as Python
    /// would for the types checkpoints use (tuples by their items).
    /// </summary>
    internal static class PythonValues
    {
        public static OrderedDictionary<object, object?> NewDictionary() => new(KeyComparer.Instance);

        public static HashSet<object?> NewSet() => new(KeyComparer.Instance);

        /// <summary>A value usable as a dictionary key or set item.</summary>
        public static object Key(object? value) => value switch
        {
            null => throw new InvalidDataException("A dictionary key or set item is None, which is not supported."),
            List<object?> or OrderedDictionary<object, object?> or HashSet<object?> =>
                throw new InvalidDataException($"A dictionary key or set item is {Describe(value)}, which Python cannot hash."),
            _ => value,
        };

        /// <summary>The items of a list or tuple.</summary>
        public static IEnumerable<object?> Items(object? value) => value switch
        {
            List<object?> list => list,
            object?[] tuple => tuple,
            HashSet<object?> set => set,
            _ => throw new InvalidDataException($"Expected a list or tuple, found {Describe(value)}."),
        };

        public static object?[] ToTuple(object? value, string what) => value switch
        {
            object?[] tuple => tuple,
            List<object?> list => list.ToArray(),
            _ => throw new InvalidDataException($"The {what} is {Describe(value)}, not a tuple."),
        };

        public static long ToLong(object? value, string what) => value switch
        {
            long l => l,
            bool b => b ? 1 : 0,
            BigInteger big when big >= long.MinValue && big <= long.MaxValue => (long)big,
            _ => throw new InvalidDataException($"The {what} is {Describe(value)}, not a 64-bit integer."),
        };

        public static long[] ToLongArray(object? value, string what) =>
            value is object?[] or List<object?>
                ? Items(value).Select(v => ToLong(v, what)).ToArray()
                : throw new InvalidDataException($"The {what} is {Describe(value)}, not a tuple of integers.");

        public static bool ToBool(object? value, string what) => value switch
        {
            bool b => b,
            long l => l != 0,
            _ => throw new InvalidDataException($"The {what} is {Describe(value)}, not a boolean."),
        };

        public static double ToDouble(object? value, string what) => value switch
        {
            double d => d,
            long l => l,
            BigInteger big => (double)big,
            _ => throw new InvalidDataException($"The {what} is {Describe(value)}, not a number."),
        };

        /// <summary>A short description of a value's Python type, for error messages.</summary>
        public static string Describe(object? value) => value switch
        {
            null => "None",
            bool => "a bool",
            long or BigInteger => "an int",
            double => "a float",
            string s => s.Length <= 40 ? $"the string '{s}'" : "a string",
            byte[] => "bytes",
            object?[] t => $"a tuple of {t.Length}",
            List<object?> l => $"a list of {l.Count}",
            OrderedDictionary<object, object?> d => $"a dict of {d.Count}",
            HashSet<object?> => "a set",
            Tensor or TensorReference => "a tensor",
            StorageReference => "a storage",
            StorageType s => $"the class {s}",
            PythonGlobal g => $"the global {g.FullName}",
            ScalarType dtype => $"the dtype {dtype}",
            _ => value.GetType().Name,
        };

        /// <summary>
        /// Equality of dictionary keys and set items: by value, tuples item by item. Tuples nested deeper than
        /// <see cref="MaxKeyDepth"/> are refused rather than compared recursively, so a hostile file cannot overflow the stack.
        /// </summary>
        internal sealed class KeyComparer : IEqualityComparer<object?>
        {
            public const int MaxKeyDepth = 100;

            public static readonly KeyComparer Instance = new();

            public new bool Equals(object? x, object? y) => Equals(x, y, 0);

            public int GetHashCode(object? value) => Hash(value, 0);

            private static bool Equals(object? x, object? y, int depth)
            {
                if (ReferenceEquals(x, y)) return true;
                if (x is null || y is null) return false;
                if (x is object?[] a && y is object?[] b)
                {
                    if (depth >= MaxKeyDepth) throw new InvalidDataException($"A dictionary key is a tuple nested more than {MaxKeyDepth} deep.");
                    if (a.Length != b.Length) return false;
                    for (int i = 0; i < a.Length; i++)
                        if (!Equals(a[i], b[i], depth + 1)) return false;
                    return true;
                }
                if (x is byte[] p && y is byte[] q) return p.AsSpan().SequenceEqual(q);
                if (x is long l && y is BigInteger bl) return bl == l;
                if (x is BigInteger bx && y is long ly) return bx == ly;
                return x.Equals(y);
            }

            private static int Hash(object? value, int depth)
            {
                switch (value)
                {
                    case null: return 0;
                    case object?[] tuple:
                        if (depth >= MaxKeyDepth) return tuple.Length; // equal keys still hash alike; Equals refuses such keys
                        var hash = new HashCode();
                        foreach (var item in tuple) hash.Add(Hash(item, depth + 1));
                        return hash.ToHashCode();
                    case byte[] bytes:
                        var h = new HashCode();
                        h.AddBytes(bytes);
                        return h.ToHashCode();
                    case BigInteger big when big >= long.MinValue && big <= long.MaxValue:
                        return ((long)big).GetHashCode();
                    default:
                        return value.GetHashCode();
                }
            }
        }
    }
}
