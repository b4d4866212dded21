using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Microsoft.ML.MaskRcnn.Fuzz
{
    /// <summary>
    /// One parser of untrusted input under the fuzzer: it runs on arbitrary bytes and may only fail with the exceptions
    /// its public contract names (a clear, typed error). Anything else escapes and is a finding: AFL++ records the input
    /// as a crash; the replay test fails naming the file.
    /// </summary>
    internal abstract class FuzzTarget
    {
        /// <summary>The name on the command line and of the corpus folder (test/Fuzz/Managed/corpus/NAME).</summary>
        public abstract string Name { get; }

        /// <summary>What the input is and which product entry points it reaches.</summary>
        public abstract string Description { get; }

        /// <summary>
        /// Feeds <paramref name="input"/> to the parser; throws only on a finding. Returns null when the input was accepted,
        /// else the clear error it was refused with (of a kind the API documents: the parser did its job).
        /// </summary>
        public string? Run(byte[] input)
        {
            try
            {
                Parse(input);
                return null;
            }
            catch (Exception e) when (IsContractError(e))
            {
                return $"{e.GetType().Name}: {e.Message}";
            }
        }

        /// <summary>Small inputs that reach deep into the parser, made by the product's own writers where it has them.</summary>
        public abstract IEnumerable<(string Name, byte[] Bytes)> Seeds();

        /// <summary>Runs the parser, and checks its result where it has properties to check (throwing a <see cref="FuzzFinding"/>).</summary>
        protected abstract void Parse(byte[] input);

        /// <summary>True for the exceptions the parser's contract allows on bad input.</summary>
        protected abstract bool IsContractError(Exception e);

        /// <summary>The targets, by name.</summary>
        public static IReadOnlyList<FuzzTarget> All { get; } = new FuzzTarget[]
        {
            new CocoJsonTarget(), new CocoResultsTarget(), new RleStringTarget(), new PolygonTarget(), new InstanceMaskPngTarget(),
            new ClassMapTarget(), new CheckpointTarget(), new ModelZipTarget(), new CliArgumentsTarget(),
        };

        public static FuzzTarget Find(string name) =>
            All.FirstOrDefault(t => t.Name == name)
            ?? throw new ArgumentException($"Unknown fuzz target '{name}'; the targets are: {string.Join(", ", All.Select(t => t.Name))}.");

        /// <summary>A scratch file for parsers that take a path, in memory-backed /dev/shm when there is one.</summary>
        protected static string ScratchPath(string extension)
        {
            string folder = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
            return Path.Combine(folder, $"maskrcnn-fuzz-{Environment.ProcessId}{extension}");
        }
    }

    /// <summary>A property of a parser's result that does not hold: always a finding.</summary>
    internal sealed class FuzzFinding : Exception
    {
        public FuzzFinding(string message) : base(message)
        {
        }
    }
}
