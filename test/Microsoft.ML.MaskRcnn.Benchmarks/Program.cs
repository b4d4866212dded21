using System;
using System.Linq;
using System.Reflection;

namespace Microsoft.ML.MaskRcnn.Benchmarks
{
    /// <summary>
    /// Runs benchmark suites by name: dotnet run -c Release --project test/Microsoft.ML.MaskRcnn.Benchmarks -- engine [ops ...].
    /// Every suite is a class implementing <see cref="IBenchmarkSuite"/>; adding one needs no change here.
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            var suites = typeof(Program).Assembly.GetTypes()
                .Where(t => typeof(IBenchmarkSuite).IsAssignableFrom(t) && !t.IsAbstract && !t.IsInterface)
                .Select(t => (IBenchmarkSuite)Activator.CreateInstance(t)!)
                .OrderBy(s => s.Name)
                .ToList();
            if (args.Length == 0 || args.Contains("--help"))
            {
                Console.WriteLine("usage: Microsoft.ML.MaskRcnn.Benchmarks <suite> [<suite> ...] [--threads N] [--set Name=value ...]");
                foreach (var s in suites) Console.WriteLine($"  {s.Name,-10} {s.Description}");
                Console.WriteLine("--set Name=value: a suite setting (the training suites take MaskRcnnTrainerOptions paths such as Model.MinSize=256)");
                return args.Length == 0 ? 2 : 0;
            }
            var options = BenchmarkOptions.Parse(args);
            Console.WriteLine($"INFO OPENBLAS_CORETYPE={ReferenceBlas.UseBestKernelUnlessSet()} for the Python reference (see ReferenceBlas)");
            foreach (var name in options.Suites)
            {
                var suite = suites.FirstOrDefault(s => s.Name == name);
                if (suite is null)
                {
                    Console.Error.WriteLine($"Unknown suite '{name}'. Known: {string.Join(", ", suites.Select(s => s.Name))}");
                    return 2;
                }
                Console.WriteLine($"== suite {suite.Name}: {suite.Description} (threads={options.Threads})");
                suite.Run(options);
            }
            return 0;
        }
    }

    /// <summary>A named set of benchmark cases, each ending with one RESULT line.</summary>
    public interface IBenchmarkSuite
    {
        string Name { get; }
        string Description { get; }
        void Run(BenchmarkOptions options);
    }

    /// <summary>Command-line options shared by the suites.</summary>
    public sealed class BenchmarkOptions
    {
        public string[] Suites { get; private init; } = Array.Empty<string>();

        /// <summary>Intra-op threads, for us and for the reference alike (default: all cores).</summary>
        public int Threads { get; private init; } = Environment.ProcessorCount;

        /// <summary>"--set Name=value" pairs in command-line order, for suites that take settings.</summary>
        public (string Name, string Value)[] Settings { get; private init; } = Array.Empty<(string, string)>();

        public static BenchmarkOptions Parse(string[] args)
        {
            int threads = Environment.ProcessorCount;
            var suites = new System.Collections.Generic.List<string>();
            var settings = new System.Collections.Generic.List<(string, string)>();
            for (int i = 0; i < args.Length; i++)
            {
                if (args[i] == "--threads") threads = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
                else if (args[i] == "--set")
                {
                    string pair = args[++i];
                    int equals = pair.IndexOf('=');
                    if (equals <= 0) throw new ArgumentException($"--set expects Name=value, got '{pair}'.");
                    settings.Add((pair[..equals], pair[(equals + 1)..]));
                }
                else suites.Add(args[i]);
            }
            return new BenchmarkOptions { Suites = suites.ToArray(), Threads = threads, Settings = settings.ToArray() };
        }
    }

    /// <summary>
    /// The reference's BLAS: Debian's torch 1.13 calls OpenBLAS for matrix products, and on this VM's generic CPU model
    /// OpenBLAS 0.3.21 detects a Prescott core (no AVX) and multiplies 1024x1024 matrices in 61 ms instead of 13 ms
    /// with its SkylakeX kernel (results checked against float64). The reference must be as fast as it can be here,
    /// so its processes get the best kernel the CPU supports unless OPENBLAS_CORETYPE is already set. Our side does
    /// not use OpenBLAS (libtorch 2.10 from NuGet has MKL).
    /// </summary>
    public static class ReferenceBlas
    {
        public static string UseBestKernelUnlessSet()
        {
            string? current = Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE");
            if (!string.IsNullOrEmpty(current)) return current;
            string? best = System.Runtime.Intrinsics.X86.Avx512F.IsSupported ? "SkylakeX"
                : System.Runtime.Intrinsics.X86.Avx2.IsSupported ? "Haswell" : null;
            if (best is null) return "(OpenBLAS's own choice)";
            Environment.SetEnvironmentVariable("OPENBLAS_CORETYPE", best);  // inherited by the Python processes
            return best;
        }
    }
}
