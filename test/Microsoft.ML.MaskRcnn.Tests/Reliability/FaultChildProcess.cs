using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.Reliability
{
    /// <summary>
    /// One run of test/Microsoft.ML.MaskRcnn.FaultChild (built beside this assembly's output, see the test project's
    /// reference to it): its announcements as they come, and <see cref="Kill"/>, which on Linux is SIGKILL.
    /// </summary>
    internal sealed class FaultChildProcess : IDisposable
    {
        private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
        private readonly Process process;
        private readonly BlockingCollection<string> lines = new();
        private readonly Stopwatch clock = Stopwatch.StartNew();

        public FaultChildProcess(params string[] arguments) : this(new Dictionary<string, string?>(), arguments)
        {
        }

        /// <summary>A child with <paramref name="environment"/> changed (a null value removes the variable).</summary>
        public FaultChildProcess(IReadOnlyDictionary<string, string?> environment, params string[] arguments)
        {
            var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var (name, value) in environment)
            {
                if (value is null) start.Environment.Remove(name);
                else start.Environment[name] = value;
            }
            string app = Path.Combine(ChildFolder, "Microsoft.ML.MaskRcnn.FaultChild");
            if (File.Exists(app)) start.FileName = app;
            else
            {
                start.FileName = "dotnet";
                start.ArgumentList.Add(app + ".dll");
            }
            foreach (var a in arguments) start.ArgumentList.Add(a);
            process = Process.Start(start) ?? throw new InvalidOperationException("The fault child did not start.");
            process.OutputDataReceived += (_, e) => { if (e.Data is null) lines.CompleteAdding(); else lines.Add(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Error += e.Data + "\n"; };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        /// <summary>What the child wrote to stderr.</summary>
        public string Error { get; private set; } = "";

        private readonly System.Collections.Generic.List<string> read = new();

        /// <summary>The child's output folder: this test assembly's with the project name swapped.</summary>
        private static string ChildFolder
        {
            get
            {
                string mine = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
                string tests = "Microsoft.ML.MaskRcnn.Tests";
                int at = mine.LastIndexOf(Path.DirectorySeparatorChar + tests + Path.DirectorySeparatorChar, StringComparison.Ordinal);
                Assert.IsTrue(at >= 0, $"cannot place the fault child beside {mine}");
                return mine[..at] + Path.DirectorySeparatorChar + "Microsoft.ML.MaskRcnn.FaultChild" + mine[(at + tests.Length + 1)..];
            }
        }

        /// <summary>Reads announcements up to the first that <paramref name="accept"/> takes; returns the time it came.</summary>
        public TimeSpan WaitFor(Func<string, bool> accept, string what)
        {
            while (lines.TryTake(out var line, Patience))
            {
                read.Add(line);
                if (accept(line)) return clock.Elapsed;
            }
            Assert.Fail($"The fault child never announced {what} (last: '{read.LastOrDefault()}'; exited: {process.HasExited}); stderr:\n{Error}");
            return default;
        }

        /// <summary>Every announcement the child made (after a kill: all it made before dying).</summary>
        public string[] All()
        {
            process.WaitForExit();
            return read.Concat(lines.GetConsumingEnumerable()).ToArray();
        }

        public void Kill()
        {
            process.Kill();
            process.WaitForExit();
        }

        public void Dispose()
        {
            if (!process.HasExited) Kill();
            process.Dispose();
            lines.Dispose();
        }
    }
}
