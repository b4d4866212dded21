using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace Microsoft.ML.MaskRcnn.Cli
{
    /// <summary>
    /// An option of a command: its name (without the leading "--"), the kind of value it takes (null for a flag), the
    /// help text, the default as the help shows it, and the help section it is listed under.
    /// </summary>
    internal sealed record CliOption(string Name, string? Value, string Help, string? Default = null, string Section = "Options")
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
    /// The options given to one command, checked against its <see cref="CliOption"/> list: "--name value" or
    /// "--name=value", each at most once, no positional arguments. Typed getters throw <see cref="UsageException"/>s
    /// that name the option.
    /// </summary>
    internal sealed class ParsedArguments
    {
        private readonly Dictionary<string, string?> values = new(StringComparer.Ordinal);

        private ParsedArguments()
        {
        }

        public static ParsedArguments Parse(IReadOnlyList<string> args, IReadOnlyList<CliOption> options)
        {
            var known = options.ToDictionary(o => o.Name, StringComparer.Ordinal);
            var parsed = new ParsedArguments();
            for (int i = 0; i < args.Count; i++)
            {
                string arg = args[i];
                if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
                    throw new UsageException($"unexpected argument '{arg}' (options start with --)");
                string name = arg[2..];
                string? inline = null;
                int equals = name.IndexOf('=');
                if (equals >= 0)
                {
                    inline = name[(equals + 1)..];
                    name = name[..equals];
                }
                if (!known.TryGetValue(name, out var option)) throw new UsageException($"unknown option '--{name}'");
                if (parsed.values.ContainsKey(name)) throw new UsageException($"--{name} is given more than once");
                if (option.IsFlag)
                {
                    if (inline is not null) throw new UsageException($"--{name} is a flag and takes no value");
                    parsed.values[name] = null;
                    continue;
                }
                if (inline is null)
                {
                    // A following "--option" is a forgotten value, not a value (file names never start with "--" in practice).
                    if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                        throw new UsageException($"--{name} needs a value ({option.Value})");
                    inline = args[++i];
                }
                parsed.values[name] = inline;
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

    /// <summary>Formats a command's usage text: the synopsis, a description and every option with its default.</summary>
    internal static class HelpText
    {
        private const int Width = 100;

        public static string Format(string synopsis, string description, IReadOnlyList<CliOption> options)
        {
            var text = new StringBuilder();
            text.Append("usage: ").Append(synopsis).Append("\n\n");
            foreach (var line in description.Split('\n')) text.Append(line.TrimEnd()).Append('\n');
            int column = Math.Min(30, options.Max(o => Signature(o).Length) + 4);
            string? section = null;
            foreach (var option in options)
            {
                if (option.Section != section)
                {
                    section = option.Section;
                    text.Append('\n').Append(section).Append(":\n");
                }
                string signature = "  " + Signature(option);
                string help = option.Default is null ? option.Help : $"{option.Help} (default: {option.Default})";
                var lines = Wrap(help, Width - column);
                if (signature.Length + 2 > column) text.Append(signature).Append('\n').Append(new string(' ', column));
                else text.Append(signature.PadRight(column));
                text.Append(lines[0]).Append('\n');
                foreach (var line in lines.Skip(1)) text.Append(new string(' ', column)).Append(line).Append('\n');
            }
            return text.ToString();
        }

        private static string Signature(CliOption option) => option.IsFlag ? "--" + option.Name : $"--{option.Name} {option.Value}";

        private static List<string> Wrap(string text, int width)
        {
            var lines = new List<string>();
            var line = new StringBuilder();
            foreach (string word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (line.Length > 0 && line.Length + 1 + word.Length > width)
                {
                    lines.Add(line.ToString());
                    line.Clear();
                }
                if (line.Length > 0) line.Append(' ');
                line.Append(word);
            }
            lines.Add(line.ToString());
            return lines;
        }
    }
}
