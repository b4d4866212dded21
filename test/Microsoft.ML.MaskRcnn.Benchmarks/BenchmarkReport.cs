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
        public static Dictionary<string, double> Run(string script, params string[] arguments)
        {
            string path = Path.Combine(TestUtilities.RepositoryPaths.ReferenceScripts, script);
            var start = new ProcessStartInfo(TestUtilities.PythonReference.Interpreter) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(path);
            foreach (var a in arguments) start.ArgumentList.Add(a);
            using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start python");
            var stderr = process.StandardError.ReadToEndAsync();
            var lines = new List<string>();
            string? line;
            while ((line = process.StandardOutput.ReadLine()) != null) lines.Add(line);
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException($"{script} failed: {stderr.Result}");
            return lines.Select(l => l.Split(' ', 2)).Where(p => p.Length == 2 && double.TryParse(p[1], NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                        .ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture));
        }
    }
}
