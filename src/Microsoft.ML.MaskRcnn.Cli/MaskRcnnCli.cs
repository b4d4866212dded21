using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using Spectre.Console;
using System.CommandLine;
using System.CommandLine.Help;
using SystemCommand = System.CommandLine.Command;

namespace Microsoft.ML.MaskRcnn.Cli
{
    /// <summary>
    /// The <c>maskrcnn</c> command-line tool: <c>train</c>, <c>evaluate</c>, <c>predict</c> and <c>export</c> over the ML.NET pipeline
    /// (<c>LoadImages</c> -> <c>DetectInstances</c>). See docs/cli.md.
    /// </summary>
    public static class MaskRcnnCli
    {
        /// <summary>Success.</summary>
        public const int Success = 0;

        /// <summary>The command ran and failed (a damaged model, an unreadable image...).</summary>
        public const int Failure = 1;

        /// <summary>The command line is wrong (unknown option, missing or malformed value, missing input file).</summary>
        public const int UsageError = 2;

        /// <summary>The command was interrupted (Ctrl-C): 128 + SIGINT, as shells report it.</summary>
        public const int Interrupted = 130;

        private static readonly ICliCommand[] Commands = { new TrainCommand(), new EvaluateCommand(), new PredictCommand(), new ExportCommand() };

        /// <summary>
        /// Runs the tool with <paramref name="args"/> (as given to Main), writing results and progress to
        /// <paramref name="stdout"/> and messages about failures to <paramref name="stderr"/>. Never throws: every failure
        /// becomes a one-line message and an exit code (<see cref="Failure"/> or <see cref="UsageError"/>); the stack trace
        /// is added with <c>--verbose</c>.
        /// </summary>
        /// <returns>The process exit code.</returns>
        public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Run(args, stdout, stderr, CancellationToken.None);

        /// <summary>
        /// <see cref="Run(string[], TextWriter, TextWriter)"/> that stops when <paramref name="interrupt"/> fires: training
        /// after its current step (writing a checkpoint when <c>--checkpoints</c> is set), other commands at once; temporary
        /// folders are removed, what was kept is said, and the exit code is <see cref="Interrupted"/>.
        /// </summary>
        public static int Run(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken interrupt) =>
            Run(args, stdout, stderr, interrupt,
                // Live progress only where a person watches: the process's own console, not redirected.
                ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected ? AnsiConsole.Console : null);

        /// <summary>
        /// <see cref="Run(string[], TextWriter, TextWriter, CancellationToken)"/> showing live progress and tables on
        /// <paramref name="live"/> (unless <c>--no-progress</c>); null: plain lines on <paramref name="stdout"/>.
        /// </summary>
        internal static int Run(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken interrupt, IAnsiConsole? live)
        {
            ArgumentNullException.ThrowIfNull(args);
            ArgumentNullException.ThrowIfNull(stdout);
            ArgumentNullException.ThrowIfNull(stderr);
            try
            {
                return Dispatch(args, stdout, stderr, interrupt, live);
            }
            finally
            {
                stdout.Flush();
                stderr.Flush();
            }
        }

        /// <summary>The command tree System.CommandLine parses: one subcommand per <see cref="ICliCommand"/>.</summary>
        internal static SystemCommand CommandTree(out Dictionary<SystemCommand, (ICliCommand Command, Dictionary<string, Option> Options)> commands)
        {
            // Not a RootCommand, which takes its name from the process (the test host in tests).
            var root = new SystemCommand("maskrcnn",
                "Mask R-CNN instance segmentation from the command line, over the ML.NET pipeline (LoadImages -> DetectInstances);\n" +
                "model zips load with mlContext.Model.Load. 'maskrcnn <command> --help' lists a command's options and defaults.\n" +
                "Exit codes: 0 success, 1 the command failed, 2 a usage error (unknown option, bad value, missing file).")
            {
                Options = { new HelpOption(), new VersionOption() },
            };
            commands = new Dictionary<SystemCommand, (ICliCommand, Dictionary<string, Option>)>();
            foreach (var command in Commands)
            {
                // The overview lists the summary; the command's own help adds its description (set when it is asked for).
                var subcommand = new SystemCommand(command.Name, command.Summary);
                var options = new Dictionary<string, Option>(StringComparer.Ordinal);
                foreach (var option in command.Options)
                {
                    string description = option.Default is null ? option.Help : $"{option.Help} (default: {option.Default})";
                    Option parsed = option.IsFlag
                        ? new Option<bool>("--" + option.Name) { Description = description }
                        : new Option<string>("--" + option.Name) { Description = description, HelpName = option.Value };
                    subcommand.Options.Add(parsed);
                    options[option.Name] = parsed;
                }
                root.Subcommands.Add(subcommand);
                commands[subcommand] = (command, options);
            }
            return root;
        }

        private static int Dispatch(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken interrupt, IAnsiConsole? live)
        {
            // "maskrcnn help train" is "maskrcnn train --help".
            if (args is ["help", .. var topic]) args = topic.Length == 0 ? new[] { "--help" } : new[] { topic[0], "--help" };
            var root = CommandTree(out var commands);
            if (args.Length == 0)
            {
                root.Parse(new[] { "--help" }).Invoke(new InvocationConfiguration { Output = stderr, Error = stderr });
                return UsageError;
            }
            ParseResult result;
            try
            {
                result = Parse(root, args);
            }
            catch (UsageException e)
            {
                stderr.WriteLine($"maskrcnn: {e.Message} (see 'maskrcnn --help')");
                return UsageError;
            }
            var chosen = commands.TryGetValue(result.CommandResult.Command, out var found) ? found : default;
            string name = chosen.Command is null ? "maskrcnn" : "maskrcnn " + chosen.Command.Name;
            if (result.Errors.Count > 0)
            {
                stderr.WriteLine($"{name}: {string.Join("; ", result.Errors.Select(e => e.Message.TrimEnd('.')))} (see '{name} --help')");
                return UsageError;
            }
            if (chosen.Command is null || result.Action is HelpAction)
            {
                // Help and --version: System.CommandLine writes them. The root alone has nothing to run: show its help.
                if (result.Action is null) result = root.Parse(new[] { "--help" });
                if (chosen.Command is not null) result.CommandResult.Command.Description = chosen.Command.Summary + "\n\n" + chosen.Command.Description;
                result.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
                return Success;
            }

            var parsed = ParsedArguments.From(result, chosen.Options);
            var console = new CliConsole(stdout, stderr, parsed.Flag("verbose"), interrupt, parsed.Flag("no-progress") ? null : live);
            try
            {
                return chosen.Command.Execute(parsed, console);
            }
            catch (UsageException e)
            {
                console.Error.WriteLine($"{name}: {e.Message} (see '{name} --help')");
                return UsageError;
            }
            catch (Exception e) when (interrupt.IsCancellationRequested)
            {
                // Whatever the interrupted component threw, the user asked for it: say what happened and what was kept.
                string message = Innermost(e) is OperationCanceledException { Message: var text } && text.Length > 0 ? OneLine(text) : "stopped";
                console.Error.WriteLine($"{name}: interrupted: {message} Temporary files were removed.");
                if (console.Verbose) console.Error.WriteLine(e.ToString());
                return Interrupted;
            }
            catch (Exception e)
            {
                var cause = Innermost(e);
                // A dataset check lists one problem per line; other messages are kept to one line.
                string message = cause is Data.DatasetProblemsException ? cause.Message : OneLine(cause.Message);
                console.Error.WriteLine($"{name}: error: {message}");
                if (console.Verbose) console.Error.WriteLine(e.ToString());
                return Failure;
            }
        }

        /// <summary>
        /// Parses <paramref name="args"/> with the command tree. An argument "@file" names a response file, which
        /// System.CommandLine reads while parsing; its I/O errors (a folder, an unreadable file) would escape as they are,
        /// so they become a <see cref="UsageException"/> naming the argument (a fuzz finding: "@." threw
        /// UnauthorizedAccessException out of the tool).
        /// </summary>
        internal static ParseResult Parse(SystemCommand root, string[] args)
        {
            try
            {
                return root.Parse(args);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                string? file = args.FirstOrDefault(a => a.StartsWith('@'));
                throw new UsageException($"cannot read the response file '{file?.Substring(1)}' ({file}): {e.Message}");
            }
        }

        // ML.NET's parallel cursors rethrow a failure inside a message of their own, with the cause (naming the file) inside.
        private static readonly string[] MlNetWrapperMessages =
        {
            "Splitter/consolidator worker encountered exception while consuming source data",
            "Shuffle input cursor reader failed with an exception",
        };

        // Reflection, aggregate and ML.NET's cursor wrappers only hide the message the user needs.
        internal static Exception Innermost(Exception e)
        {
            while (e.InnerException is not null &&
                   (e is TargetInvocationException or AggregateException or TypeInitializationException || MlNetWrapperMessages.Contains(e.Message)))
                e = e.InnerException;
            return e;
        }

        internal static string OneLine(string message) =>
            string.Join(" ", message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

        /// <summary>The options every command accepts, listed last in its help.</summary>
        internal static IEnumerable<CliOption> CommonOptions() => new[]
        {
            new CliOption("verbose", null, "trace messages, and the stack trace when the command fails"),
            new CliOption("no-progress", null, "plain progress lines instead of a live display (always so when the output is redirected)"),
        };
    }
}
