using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;

namespace Microsoft.ML.MaskRcnn.Cli
{
    /// <summary>
    /// The <c>maskrcnn</c> command-line tool: <c>train</c>, <c>evaluate</c> and <c>predict</c> over the ML.NET pipeline
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

        private static readonly ICliCommand[] Commands = { new TrainCommand(), new EvaluateCommand(), new PredictCommand() };

        /// <summary>
        /// Runs the tool with <paramref name="args"/> (as given to Main), writing results and progress to
        /// <paramref name="stdout"/> and messages about failures to <paramref name="stderr"/>. Never throws: every failure
        /// becomes a one-line message and an exit code (<see cref="Failure"/> or <see cref="UsageError"/>); the stack trace
        /// is added with <c>--verbose</c>.
        /// </summary>
        /// <returns>The process exit code.</returns>
        public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
        {
            ArgumentNullException.ThrowIfNull(args);
            ArgumentNullException.ThrowIfNull(stdout);
            ArgumentNullException.ThrowIfNull(stderr);
            try
            {
                return Dispatch(args, stdout, stderr);
            }
            finally
            {
                stdout.Flush();
                stderr.Flush();
            }
        }

        private static int Dispatch(string[] args, TextWriter stdout, TextWriter stderr)
        {
            if (args.Length == 0)
            {
                stderr.Write(Overview());
                return UsageError;
            }
            string first = args[0];
            if (IsHelp(first))
            {
                stdout.Write(Overview());
                return Success;
            }
            if (first == "help")
            {
                if (args.Length == 1)
                {
                    stdout.Write(Overview());
                    return Success;
                }
                var topic = Find(args[1]);
                if (topic is null) return UnknownCommand(args[1], stderr);
                stdout.Write(topic.Help);
                return Success;
            }
            if (first == "--version")
            {
                stdout.WriteLine("maskrcnn " + Version());
                return Success;
            }

            var command = Find(first);
            if (command is null) return UnknownCommand(first, stderr);
            var rest = args.Skip(1).ToArray();
            if (rest.Any(IsHelp))
            {
                stdout.Write(command.Help);
                return Success;
            }
            bool verbose = rest.Contains("--verbose");
            var console = new CliConsole(stdout, stderr, verbose);
            try
            {
                var parsed = ParsedArguments.Parse(rest, command.Options);
                return command.Execute(parsed, console);
            }
            catch (UsageException e)
            {
                console.Error.WriteLine($"maskrcnn {command.Name}: {e.Message} (see 'maskrcnn {command.Name} --help')");
                return UsageError;
            }
            catch (Exception e)
            {
                var cause = Innermost(e);
                // A dataset check lists one problem per line; other messages are kept to one line.
                string message = cause is Data.DatasetProblemsException ? cause.Message : OneLine(cause.Message);
                console.Error.WriteLine($"maskrcnn {command.Name}: error: {message}");
                if (verbose) console.Error.WriteLine(e.ToString());
                return Failure;
            }
        }

        private static ICliCommand? Find(string name) => Commands.FirstOrDefault(c => c.Name == name);

        private static bool IsHelp(string arg) => arg is "--help" or "-h" or "-?";

        private static int UnknownCommand(string name, TextWriter stderr)
        {
            stderr.WriteLine($"maskrcnn: unknown command '{name}' (commands: {string.Join(", ", Commands.Select(c => c.Name))}; see 'maskrcnn --help')");
            return UsageError;
        }

        // ML.NET's parallel cursors rethrow a failure inside a message of their own, with the cause (naming the file) inside.
        private static readonly string[] MlNetWrapperMessages =
        {
            "Splitter/consolidator worker encountered exception while consuming source data",
            "Shuffle input cursor reader failed with an exception",
        };

        // Reflection, aggregate and ML.NET's cursor wrappers only hide the message the user needs.
        private static Exception Innermost(Exception e)
        {
            while (e.InnerException is not null &&
                   (e is TargetInvocationException or AggregateException or TypeInitializationException || MlNetWrapperMessages.Contains(e.Message)))
                e = e.InnerException;
            return e;
        }

        private static string OneLine(string message) =>
            string.Join(" ", message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

        private static string Version() =>
            typeof(MaskRcnnCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

        private static string Overview()
        {
            var text = new StringBuilder();
            text.Append("usage: maskrcnn <command> [options]\n\n");
            text.Append("Mask R-CNN instance segmentation from the command line, over the ML.NET pipeline\n");
            text.Append("(LoadImages -> DetectInstances); model zips load with mlContext.Model.Load.\n\nCommands:\n");
            foreach (var command in Commands) text.Append("  ").Append(command.Name.PadRight(10)).Append(command.Summary).Append('\n');
            text.Append("\n'maskrcnn <command> --help' lists a command's options and their defaults.\n");
            text.Append("Exit codes: 0 success, 1 the command failed, 2 a usage error (unknown option, bad value, missing file).\n");
            return text.ToString();
        }

        /// <summary>The options every command accepts, listed last in its help.</summary>
        internal static IEnumerable<CliOption> CommonOptions() => new[]
        {
            new CliOption("verbose", null, "trace messages, and the stack trace when the command fails", Section: "General"),
            new CliOption("help", null, "this text", Section: "General"),
        };
    }
}
