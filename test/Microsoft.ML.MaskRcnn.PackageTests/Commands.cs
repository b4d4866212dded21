using System;
using System.Diagnostics;
using System.IO;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.PackageTests
{
    /// <summary>Runs commands as a user would in a terminal; a failure shows the command's output.</summary>
    internal static class Commands
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

        /// <summary>Runs <c>dotnet ARGS</c> in <paramref name="directory"/> and requires it to succeed; returns its standard output.</summary>
        public static string Dotnet(string directory, params string[] args)
        {
            string dotnet = Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
            return Program(directory, dotnet, args);
        }

        /// <summary>Runs the program <paramref name="file"/> with <paramref name="args"/> and requires it to succeed; returns its standard output.</summary>
        public static string Program(string directory, string file, params string[] args)
        {
            var (exitCode, stdout, stderr) = Start(directory, file, args);
            if (exitCode != 0) Assert.Fail($"{file} {string.Join(' ', args)} exited with {exitCode}:\n{stdout}\n{stderr}");
            return stdout;
        }

        /// <summary>Runs the program <paramref name="file"/> with <paramref name="args"/>; returns its exit code and output.</summary>
        public static (int ExitCode, string Out, string Error) Start(string directory, string file, params string[] args)
        {
            var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string arg in args) start.ArgumentList.Add(arg);
            // The test host's MSBuild and runtime settings must not leak into the user's commands.
            foreach (string name in new[] { "MSBuildSDKsPath", "MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "DOTNET_HOST_PATH", "VSTEST_HOST_DEBUG" })
                start.Environment.Remove(name);
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"{file} {string.Join(' ', args)} did not finish in {Timeout}");
            }
            return (process.ExitCode, stdout.Result, stderr.Result);
        }
    }
}
