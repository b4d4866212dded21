using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Linq;
using System.Text;
using Microsoft.ML.MaskRcnn.Cli;

namespace Microsoft.ML.MaskRcnn.Fuzz
{
    /// <summary>
    /// The CLI's argument handling: arguments separated by NUL bytes, parsed by the command tree, then every option read
    /// the ways the commands read them (integers, numbers, paths). Commands are not run: a fuzzer must not train or write
    /// files wherever its inputs point.
    /// </summary>
    internal sealed class CliArgumentsTarget : FuzzTarget
    {
        public override string Name => "cli-args";

        public override string Description => "maskrcnn's System.CommandLine tree, ParsedArguments and its typed readers (commands not run)";

        protected override void Parse(byte[] input)
        {
            string[] args = Encoding.UTF8.GetString(input).Split('\0');
            var root = MaskRcnnCli.CommandTree(out var commands);
            var result = MaskRcnnCli.Parse(root, args);
            if (result.Errors.Count > 0 || !commands.TryGetValue(result.CommandResult.Command, out var chosen)) return;
            var parsed = ParsedArguments.From(result, chosen.Options);
            foreach (var option in chosen.Command.Options.Where(o => !o.IsFlag))
            {
                Read(() => parsed.OptionalInt(option.Name, 0, 1000));
                Read(() => parsed.OptionalDouble(option.Name, 0, 1, minExclusive: true));
                Read(() => parsed.OutputPath(option.Name));
                Read(() => parsed.Text(option.Name));
            }
        }

        private static void Read(Func<object?> read)
        {
            try
            {
                read();
            }
            catch (UsageException)
            {
                // The reader refuses the value with a message naming the option: what the CLI prints.
            }
        }

        // A response file ("@file") that cannot be read is a usage error naming it.
        protected override bool IsContractError(Exception e) => e is UsageException;

        public override IEnumerable<(string, byte[])> Seeds()
        {
            string[][] lines =
            {
                new[] { "train", "--coco", "a.json", "--images", "img", "--model", "m.zip", "--steps", "10", "--val-fraction", "0.2" },
                new[] { "predict", "--model", "m.zip", "--images", "in", "--output", "out", "--score-threshold", "0.5", "--no-progress" },
                new[] { "evaluate", "--model", "m.zip", "--coco", "v.json", "--images", "v", "--verbose" },
                new[] { "train", "--synthetic", "12", "--time-budget", "1.5", "--preset", "small-pretrained", "--model", "x.zip" },
                new[] { "help", "train" },
                new[] { "--version" },
            };
            return lines.Select((l, i) => ($"args-{i}", Encoding.UTF8.GetBytes(string.Join('\0', l))));
        }
    }
}
