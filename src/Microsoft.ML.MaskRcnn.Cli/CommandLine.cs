using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.CommandLine;

namespace Microsoft.ML.MaskRcnn.Cli
{
    /// <summary>
    /// An option of a command: its name (without the leading "--"), the kind of value it takes (null for a flag), the
    /// help text and the default as the help shows it. docs/cli.md lists the same (a test holds them equal).
    /// </summary>
    internal sealed record CliOption(string Name, string? Value, string Help, string? Default = null)
    {
        public bool IsFlag => Value is null;
    }

    /// <summary>A mistake on the command line (exit code 2); the message names the option or file at fault.</summary>
    internal sealed class UsageException : Exception
    {
        public UsageException(string message) : base(message)
        {
        }
    }

    /// <summary>
    /// The options given to one command, as System.CommandLine parsed them against its <see cref="CliOption"/> list (names,
    /// flags, one value each, no stray arguments). Typed getters check the values and throw <see cref="UsageException"/>s
    /// that name the option.
    /// </summary>
    internal sealed class ParsedArguments
    {
        private readonly Dictionary<string, string?> values = new(StringComparer.Ordinal);

        private ParsedArguments()
        {
        }

        /// <summary>The options of <paramref name="options"/> that <paramref name="result"/> holds (flags with a null value).</summary>
        public static ParsedArguments From(ParseResult result, IReadOnlyDictionary<string, Option> options)
        {
            var parsed = new ParsedArguments();
            foreach (var (name, option) in options)
            {
                if (result.GetResult(option) is not { Implicit: false } given) continue;
                if (option is Option<bool> flag)
                {
                    if (result.GetValue(flag)) parsed.values[name] = null;
                }
                else parsed.values[name] = given.Tokens.Count == 0 ? "" : given.Tokens[0].Value;
            }
            return parsed;
        }

        /// <summary>Whether the option was given.</summary>
        public bool Has(string name) => values.ContainsKey(name);

        /// <summary>Whether the flag was given.</summary>
        public bool Flag(string name) => values.ContainsKey(name);

        /// <summary>The option's text, or null when it was not given.</summary>
        public string? Text(string name) => values.TryGetValue(name, out var value) ? value : null;

        /// <summary>The option's text; throws when it was not given.</summary>
        public string RequiredText(string name) => Text(name) ?? throw new UsageException($"--{name} is required");

        /// <summary>The option as an integer in [min, max], or <paramref name="fallback"/> when it was not given.</summary>
        public int Int(string name, int fallback, int min = int.MinValue, int max = int.MaxValue) => OptionalInt(name, min, max) ?? fallback;

        /// <summary>The option as an integer in [min, max], or null when it was not given.</summary>
        public int? OptionalInt(string name, int min = int.MinValue, int max = int.MaxValue)
        {
            string? text = Text(name);
            if (text is null) return null;
            if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
                throw new UsageException($"--{name} needs an integer, got '{text}'");
            if (value < min || value > max) throw new UsageException($"--{name} must be {Bounds(min, max)}, got {value}");
            return value;
        }

        /// <summary>The option as a finite number in [min, max], or null when it was not given.</summary>
        public double? OptionalDouble(string name, double min = double.MinValue, double max = double.MaxValue, bool minExclusive = false)
        {
            string? text = Text(name);
            if (text is null) return null;
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
                throw new UsageException($"--{name} needs a number, got '{text}'");
            if (value < min || value > max || (minExclusive && value == min))
            {
                string range = !minExclusive ? Bounds(min, max)
                    : max == double.MaxValue ? $"above {Format(min)}" : $"above {Format(min)} and at most {Format(max)}";
                throw new UsageException($"--{name} must be {range}, got {Format(value)}");
            }
            return value;
        }

        /// <summary>The option as the full path of an existing file, or null when it was not given.</summary>
        public string? ExistingFile(string name)
        {
            string? text = Text(name);
            if (text is null) return null;
            if (text.Length == 0 || !File.Exists(text)) throw new UsageException($"--{name}: the file '{text}' does not exist");
            return Path.GetFullPath(text);
        }

        /// <summary>The option as the full path of an existing folder, or null when it was not given.</summary>
        public string? ExistingDirectory(string name)
        {
            string? text = Text(name);
            if (text is null) return null;
            if (text.Length == 0 || !Directory.Exists(text)) throw new UsageException($"--{name}: the folder '{text}' does not exist");
            return Path.GetFullPath(text);
        }

        /// <summary>The option as a full path (which need not exist yet), or null when it was not given.</summary>
        public string? OutputPath(string name)
        {
            string? text = Text(name);
            if (text is null) return null;
            if (string.IsNullOrWhiteSpace(text)) throw new UsageException($"--{name} needs a path, got ''");
            try
            {
                return Path.GetFullPath(text);
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
            {
                throw new UsageException($"--{name}: '{text}' is not a valid path ({e.Message})");
            }
        }

        /// <summary>Throws unless at most one of the options was given.</summary>
        public void AtMostOne(params string[] names)
        {
            var given = names.Where(Has).ToArray();
            if (given.Length > 1) throw new UsageException($"--{given[0]} and --{given[1]} cannot be combined");
        }

        /// <summary>Throws when <paramref name="name"/> was given without <paramref name="needed"/>.</summary>
        public void Requires(string name, string needed)
        {
            if (Has(name) && !Has(needed)) throw new UsageException($"--{name} needs --{needed}");
        }

        private static string Bounds(int min, int max) =>
            max == int.MaxValue ? $"at least {min}" : min == int.MinValue ? $"at most {max}" : $"between {min} and {max}";

        private static string Bounds(double min, double max) =>
            max == double.MaxValue ? $"at least {Format(min)}" : min == double.MinValue ? $"at most {Format(max)}" : $"between {Format(min)} and {Format(max)}";

        private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
