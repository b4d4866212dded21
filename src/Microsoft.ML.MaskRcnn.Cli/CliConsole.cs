using System.IO;
using System.Threading;
using Microsoft.ML.Runtime;
using Spectre.Console;

namespace Microsoft.ML.MaskRcnn.Cli
{
    /// <summary>Where a command writes: results and progress to one writer, warnings and errors to the other.</summary>
    internal sealed class CliConsole
    {
        public CliConsole(TextWriter output, TextWriter error, bool verbose, CancellationToken interrupt = default, IAnsiConsole? live = null)
        {
            // MLContext.Log may be raised from worker threads.
            Out = TextWriter.Synchronized(output);
            Error = TextWriter.Synchronized(error);
            Verbose = verbose;
            Interrupt = interrupt;
            Live = live;
        }

        /// <summary>The interactive console that shows live progress and tables; null when output is redirected or with --no-progress.</summary>
        public IAnsiConsole? Live { get; }

        /// <summary>Fires on Ctrl-C: training stops after its current step, reading and predicting at the next image.</summary>
        public CancellationToken Interrupt { get; }

        public TextWriter Out { get; }

        public TextWriter Error { get; }

        /// <summary>--verbose: trace messages and, on failure, the stack trace.</summary>
        public bool Verbose { get; }

        /// <summary>A line of output: above the live display when there is one (Spectre keeps them apart), else plain.</summary>
        public void Line(string text)
        {
            if (Live is null) Out.WriteLine(text);
            else lock (Live) Live.WriteLine(text);
        }

        public void Warning(string text) => Error.WriteLine("warning: " + text);

        /// <summary>Forwards the components' messages: information and above (trace too with --verbose), warnings to the error writer.</summary>
        public void Follow(MLContext ml) => ml.Log += (_, e) =>
        {
            if (e.Kind >= ChannelMessageKind.Warning) Warning(e.RawMessage);
            else if (e.Kind == ChannelMessageKind.Info || Verbose) Line("  " + e.RawMessage);
        };

        /// <summary><paramref name="rows"/>, stopping with an <see cref="System.OperationCanceledException"/> at the next row after Ctrl-C.</summary>
        public System.Collections.Generic.IEnumerable<T> Interruptible<T>(System.Collections.Generic.IEnumerable<T> rows)
        {
            foreach (var row in rows)
            {
                Interrupt.ThrowIfCancellationRequested();
                yield return row;
            }
        }
    }

    /// <summary>One subcommand of the tool.</summary>
    internal interface ICliCommand
    {
        /// <summary>The word that selects it ("train").</summary>
        string Name { get; }

        /// <summary>One line for the tool's overview.</summary>
        string Summary { get; }

        /// <summary>What <c>--help</c> shows above the options: the command's shape and what it does.</summary>
        string Description { get; }

        /// <summary>Every option it accepts.</summary>
        System.Collections.Generic.IReadOnlyList<CliOption> Options { get; }

        /// <summary>Runs with parsed options; returns the exit code. Throws <see cref="UsageException"/> for bad arguments.</summary>
        int Execute(ParsedArguments arguments, CliConsole console);
    }
}
