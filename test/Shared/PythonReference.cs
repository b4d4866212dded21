using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace Microsoft.ML.MaskRcnn.TestUtilities
{
    /// <summary>
    /// Runs the reference scripts under test/reference with Debian's Python (which has torch and torchvision),
    /// caching each script's output by the hash of the script and its arguments.
    /// </summary>
    public static class PythonReference
    {
        /// <summary>Debian's interpreter; the python3 first on PATH may be another one without torch.</summary>
        public const string Interpreter = "/usr/bin/python3";

        private static readonly object gate = new();

        /// <summary>
        /// Runs <paramref name="script"/> (a file name under test/reference) once with an output folder and the
        /// arguments, and returns that folder. Later calls with the same script text and arguments reuse it.
        /// </summary>
        public static string Run(string script, params string[] arguments)
        {
            string scriptPath = Path.Combine(RepositoryPaths.ReferenceScripts, script);
            if (!File.Exists(scriptPath)) throw new FileNotFoundException($"Reference script {scriptPath} is missing.", scriptPath);
            string key = Hash(File.ReadAllText(scriptPath) + "\n" + string.Join("\n", arguments) + "\n" + ReadCommonModule());
            string output = Path.Combine(RepositoryPaths.Artifacts, "reference", Path.GetFileNameWithoutExtension(script) + "-" + key);
            string done = Path.Combine(output, ".complete");
            lock (gate)
            {
                if (File.Exists(done)) return output;
                EnsureTorchAvailable();
                if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
                Directory.CreateDirectory(output);
                var start = new ProcessStartInfo(Interpreter)
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    WorkingDirectory = RepositoryPaths.ReferenceScripts,
                };
                start.ArgumentList.Add(scriptPath);
                start.ArgumentList.Add(output);
                foreach (var a in arguments) start.ArgumentList.Add(a);
                using var process = Process.Start(start)!;
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEndAsync();
                process.WaitForExit();
                if (process.ExitCode != 0)
                    throw new InvalidOperationException($"{Interpreter} {script} failed with exit code {process.ExitCode}:\n{stderr.Result}\n{stdout.Result}");
                File.WriteAllText(done, DateTime.UtcNow.ToString("O"));
                return output;
            }
        }

        private static string ReadCommonModule()
        {
            string common = Path.Combine(RepositoryPaths.ReferenceScripts, "reference_io.py");
            return File.Exists(common) ? File.ReadAllText(common) : "";
        }

        private static void EnsureTorchAvailable()
        {
            if (!File.Exists(Interpreter))
                throw new InvalidOperationException($"{Interpreter} is missing: run ./build.sh test, which installs python3-torch and python3-torchvision.");
            var start = new ProcessStartInfo(Interpreter, "-c \"import torch, torchvision\"") { RedirectStandardError = true };
            using var process = Process.Start(start)!;
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"{Interpreter} cannot import torch and torchvision ({error.Trim()}): run ./build.sh test to install them.");
        }

        private static string Hash(string text) =>
            Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))).Substring(0, 16).ToLowerInvariant();
    }
}
