using System;
using System.Globalization;
using System.Reflection;
using Microsoft.ML.MaskRcnn.Training;

namespace Microsoft.ML.MaskRcnn.Experiments
{
    /// <summary>Sets an option of <see cref="MaskRcnnTrainerOptions"/> named by a dotted path such as "Model.MinSize".</summary>
    internal sealed class OptionPath
    {
        private readonly PropertyInfo[] chain;

        private OptionPath(string path, PropertyInfo[] chain)
        {
            Path = path;
            this.chain = chain;
        }

        public string Path { get; }

        public Type ValueType => chain[^1].PropertyType;

        /// <summary>Resolves <paramref name="path"/>; an unknown or read-only option is an error naming it.</summary>
        public static OptionPath Parse(string path)
        {
            var parts = path.Split('.');
            var chain = new PropertyInfo[parts.Length];
            var type = typeof(MaskRcnnTrainerOptions);
            for (int i = 0; i < parts.Length; i++)
            {
                var property = type.GetProperty(parts[i], BindingFlags.Public | BindingFlags.Instance);
                if (property is null)
                    throw new ArgumentException($"Search space option '{path}': {type.Name} has no public property '{parts[i]}'.", nameof(path));
                bool last = i == parts.Length - 1;
                if (last && (property.SetMethod is null || !property.SetMethod.IsPublic))
                    throw new ArgumentException($"Search space option '{path}' cannot be set.", nameof(path));
                chain[i] = property;
                type = property.PropertyType;
            }
            return new OptionPath(path, chain);
        }

        /// <summary>Converts <paramref name="value"/> to the option's type; incompatible values are an error naming the option.</summary>
        public object? Convert(object? value)
        {
            var target = ValueType;
            var underlying = Nullable.GetUnderlyingType(target) ?? target;
            if (value is null)
            {
                if (target.IsValueType && Nullable.GetUnderlyingType(target) is null)
                    throw new ArgumentException($"Search space option '{Path}' ({target.Name}) cannot be null.");
                return null;
            }
            if (target.IsInstanceOfType(value)) return value;
            try
            {
                if (underlying.IsEnum && value is string name) return Enum.Parse(underlying, name, ignoreCase: true);
                if (IsInteger(underlying) && value is double or float)
                    return System.Convert.ChangeType(Math.Round(System.Convert.ToDouble(value, CultureInfo.InvariantCulture)), underlying, CultureInfo.InvariantCulture);
                if (value is IConvertible && underlying.IsPrimitive)
                    return System.Convert.ChangeType(value, underlying, CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException or ArgumentException)
            {
                throw new ArgumentException($"Search space option '{Path}' ({target.Name}) cannot take the value {Describe(value)}: {e.Message}", e);
            }
            throw new ArgumentException($"Search space option '{Path}' ({target.Name}) cannot take the value {Describe(value)} of type {value.GetType().Name}.");
        }

        /// <summary>Sets the option on <paramref name="options"/> (converting the value first).</summary>
        public void Apply(MaskRcnnTrainerOptions options, object? value)
        {
            object owner = options;
            for (int i = 0; i < chain.Length - 1; i++)
                owner = chain[i].GetValue(owner) ?? throw new ArgumentException($"Search space option '{Path}': '{chain[i].Name}' is null on the base options.");
            chain[^1].SetValue(owner, Convert(value));
        }

        internal static string Describe(object? value) => value switch
        {
            null => "null",
            string s => $"\"{s}\"",
            double d => d.ToString("G6", CultureInfo.InvariantCulture),
            float f => f.ToString("G6", CultureInfo.InvariantCulture),
            System.Collections.IEnumerable list => "[" + string.Join(", ", System.Linq.Enumerable.Select(System.Linq.Enumerable.Cast<object?>(list), Describe)) + "]",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };

        private static bool IsInteger(Type t) =>
            t == typeof(int) || t == typeof(long) || t == typeof(short) || t == typeof(byte) || t == typeof(uint) || t == typeof(ulong);
    }
}
