using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Microsoft.ML.MaskRcnn.TestUtilities;

namespace Microsoft.ML.MaskRcnn.Benchmarks
{
    /// <summary>
    /// What a scoring app ships: samples/ScoreWithOnnx (ML.NET's image type and Microsoft.ML.MaskRcnn.Scoring, ONNX
    /// Runtime underneath, no TorchSharp) against samples/PredictWithSavedModel (the TorchSharp path with TorchSharp-cpu),
    /// each published for linux-x64 (framework-dependent, as `dotnet publish -r linux-x64 --self-contained false`), the
    /// folder's bytes summed. The model file itself is not counted on either side.
    /// </summary>
    public sealed class DeploymentBenchmarks : IBenchmarkSuite
    {
        public string Name => "deployment";

        public string Description => "published app folder of an ONNX Runtime scoring app vs a TorchSharp one (linux-x64)";

        public void Run(BenchmarkOptions options)
        {
            string folder = Path.Combine(RepositoryPaths.Artifacts, "benchmarks", "deployment");
            double onnx = Publish("ScoreWithOnnx", Path.Combine(folder, "onnxruntime"));
            double torch = Publish("PredictWithSavedModel", Path.Combine(folder, "torchsharp"));
            BenchmarkReport.Result("deployment_published_app_onnxruntime_vs_torchsharp", onnx, torch, "MiB");
        }

        private static double Publish(string sample, string output)
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "publish", Path.Combine(RepositoryPaths.Root, "samples", sample), "-c", "Release", "-r", "linux-x64",
                                      "--self-contained", "false", "-p:SkipNativeBuild=true", "-o", output, "-nologo", "-v", "quiet" })
                start.ArgumentList.Add(a);
            using (var process = Process.Start(start)!)
            {
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEndAsync();
                process.WaitForExit();
                if (process.ExitCode != 0) throw new InvalidOperationException($"dotnet publish {sample} failed: {stdout.Result}{stderr.Result}");
            }
            var files = new DirectoryInfo(output).EnumerateFiles("*", SearchOption.AllDirectories).ToList();
            double mebibytes = files.Sum(f => f.Length) / (1024.0 * 1024.0);
            Console.WriteLine($"INFO {sample}: {files.Count} files, {mebibytes:F1} MiB; largest: " +
                              string.Join(", ", files.OrderByDescending(f => f.Length).Take(5).Select(f => $"{f.Name} {f.Length / (1024.0 * 1024.0):F1} MiB")));
            return mebibytes;
        }
    }
}
