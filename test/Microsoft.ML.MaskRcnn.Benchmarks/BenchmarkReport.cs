using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;

namespace Microsoft.ML.MaskRcnn.Benchmarks
{
    /// <summary>Timing helpers and the one-line RESULT format every case ends with.</summary>
    public static class BenchmarkReport
    {
        /// <summary>Prints: RESULT case ours=x reference=y ratio=x/y unit=u (reference=none when there is none).</summary>
        public static void Result(string name, double ours, double? reference, string unit)
        {
            var c = CultureInfo.InvariantCulture;
            string referenceText = reference.HasValue ? reference.Value.ToString("G6", c) : "none";
            string ratio = reference.HasValue && reference.Value != 0 ? (ours / reference.Value).ToString("F3", c) : "none";
            Console.WriteLine($"RESULT {name} ours={ours.ToString("G6", c)} reference={referenceText} ratio={ratio} unit={unit}");
        }

        /// <summary>Median wall time in milliseconds of <paramref name="repeats"/> runs after <paramref name="warmup"/> runs.</summary>
        public static double MedianMilliseconds(Action action, int warmup = 3, int repeats = 15)
        {
            for (int i = 0; i < warmup; i++) action();
            var samples = new List<double>(repeats);
            for (int i = 0; i < repeats; i++)
            {
                var watch = Stopwatch.StartNew();
                action();
                samples.Add(watch.Elapsed.TotalMilliseconds);
            }
            samples.Sort();
            return samples[samples.Count / 2];
        }

        /// <summary>Current resident set size of this process in bytes (Linux /proc).</summary>
        public static long ResidentBytes()
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            return 0;
        }

        /// <summary>Peak resident set size of this process in bytes (Linux /proc).</summary>
        public static long PeakResidentBytes()
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            return 0;
        }
    }

    /// <summary>Runs a benchmark script with Debian's Python and parses its "name value" lines.</summary>
    public static class PythonBenchmark
    {
        public static Dictionary<string, double> Run(string script, params string[] arguments) =>
            Run(new Dictionary<string, string>(), script, arguments);

        /// <summary>The script with <paramref name="environment"/> added to this process's.</summary>
        public static Dictionary<string, double> Run(IReadOnlyDictionary<string, string> environment, string script, params string[] arguments)
        {
            string path = Path.Combine(TestUtilities.RepositoryPaths.ReferenceScripts, script);
            var start = new ProcessStartInfo(TestUtilities.PythonReference.Interpreter);
            foreach (var (name, value) in environment) start.Environment[name] = value;
            start.ArgumentList.Add(path);
            foreach (var a in arguments) start.ArgumentList.Add(a);
            return NameValueProcess.Run(start, script);
        }
    }

    /// <summary>Runs a measuring process to its end and parses the "name value" lines (value a number) it prints.</summary>
    public static class NameValueProcess
    {
        /// <summary>
        /// Runs this benchmark program again, for <paramref name="suite"/> with <paramref name="threads"/>, with
        /// <paramref name="variable"/> set to <paramref name="phase"/> (and <paramref name="environment"/>): a measurement
        /// in a fresh process, whose peak memory is its own.
        /// </summary>
        public static Dictionary<string, double> RunPhase(string suite, string threads, string variable, string phase,
                                                          IReadOnlyDictionary<string, string>? environment = null)
        {
            string host = Environment.ProcessPath ?? throw new InvalidOperationException("the benchmark's own executable is unknown");
            var start = new ProcessStartInfo(host);
            // Under "dotnet Benchmarks.dll" the host is dotnet itself and needs the assembly; the apphost does not.
            if (Path.GetFileNameWithoutExtension(host) == "dotnet") start.ArgumentList.Add(typeof(NameValueProcess).Assembly.Location);
            foreach (var a in new[] { suite, "--threads", threads }) start.ArgumentList.Add(a);
            foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
            start.Environment[variable] = phase;
            return Run(start, $"our {suite} {phase} phase");
        }

        public static Dictionary<string, double> Run(ProcessStartInfo start, string what)
        {
            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
            using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start " + start.FileName);
            var stderr = process.StandardError.ReadToEndAsync();
            var values = new Dictionary<string, double>();
            string? line;
            while ((line = process.StandardOutput.ReadLine()) != null)
            {
                var parts = line.Split(' ', 2);
                if (parts.Length == 2 && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
                    values[parts[0]] = value;
            }
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException($"{what} failed: {stderr.Result}");
            return values;
        }
    }
}
