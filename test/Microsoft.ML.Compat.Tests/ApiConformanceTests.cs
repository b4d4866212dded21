using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.ML.MaskRcnn.TestUtilities;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.Compat.Tests
{
    /// <summary>
    /// The public API of the subset is a subset of ML.NET 4.0.3's, character for character. Two listings are committed
    /// under Api/: the source listing made by ../shared/tools/apilist (checked against the reference listing with
    /// conform.py when ../shared is present) and a reflection listing of the compiled assembly (checked on every run).
    /// Set UPDATE_API_LISTINGS=1 to rewrite both after an intended API change.
    /// </summary>
    [TestClass]
    public sealed class ApiConformanceTests
    {
        private const string SourceListing = "Microsoft.ML.source-api.txt";
        private const string ReflectionListing = "Microsoft.ML.reflection-api.txt";

        private static string CommittedDir => Path.Combine(RepositoryPaths.Root, "test", "Microsoft.ML.Compat.Tests", "Api");

        private static string SubsetSource => Path.Combine(RepositoryPaths.Root, "src", "Compat", "Microsoft.ML.Compat");

        private static bool Update => Environment.GetEnvironmentVariable("UPDATE_API_LISTINGS") == "1";

        [TestMethod]
        public void CompiledApiMatchesCommittedListing()
        {
            var fresh = ReflectionApiListing.List(typeof(MLContext).Assembly);
            string path = Path.Combine(CommittedDir, ReflectionListing);
            if (Update) File.WriteAllLines(path, fresh);
            var committed = File.ReadAllLines(path);
            var added = fresh.Except(committed).ToList();
            var removed = committed.Except(fresh).ToList();
            Assert.IsTrue(added.Count == 0 && removed.Count == 0,
                $"The compiled public API differs from {path} (run with UPDATE_API_LISTINGS=1 after an intended change).\n" +
                $"Added:\n  {string.Join("\n  ", added)}\nRemoved:\n  {string.Join("\n  ", removed)}");
        }

        [TestMethod]
        public void CompiledApiAgreesWithCommittedSourceListing()
        {
            var source = File.ReadAllLines(Path.Combine(CommittedDir, SourceListing)).Select(Comparable).ToHashSet();
            var compiled = ReflectionApiListing.List(typeof(MLContext).Assembly).Select(Comparable).ToHashSet();
            // Reflection also sees the constructors C# adds to classes that declare none; the source listing cannot.
            var onlyCompiled = compiled.Except(source).Where(x => !x.EndsWith("::.ctor()", StringComparison.Ordinal))
                .OrderBy(x => x, StringComparer.Ordinal).ToList();
            var onlySource = source.Except(compiled).OrderBy(x => x, StringComparer.Ordinal).ToList();
            Assert.IsTrue(onlyCompiled.Count == 0 && onlySource.Count == 0,
                "The compiled API and the source listing disagree (default values and base lists aside).\n" +
                $"Only compiled:\n  {string.Join("\n  ", onlyCompiled)}\nOnly in source:\n  {string.Join("\n  ", onlySource)}");
            Assert.IsTrue(source.Count > 400, $"the listing has {source.Count} lines");
        }

        [TestMethod]
        public void SourceListingConformsToReference()
        {
            string tool = Path.Combine(RepositoryPaths.Shared, "tools", "apilist");
            string conform = Path.Combine(RepositoryPaths.Shared, "tools", "conform.py");
            string reference = Path.Combine(RepositoryPaths.Shared, "reference", "mlnet-4.0.3.api.txt");
            if (!Directory.Exists(tool) || !File.Exists(conform) || !File.Exists(reference))
                Assert.Inconclusive($"The shared API tools or reference listing were not found under {RepositoryPaths.Shared}; " +
                    "the committed listings are still checked by the other tests of this class.");

            var (listing, listError, listCode) = Run("dotnet", $"run --project \"{tool}\" -c Release -- --define NETSTANDARD2_0 \"{SubsetSource}\"");
            Assert.AreEqual(0, listCode, "apilist failed: " + listError);
            var lines = listing.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
            string committedPath = Path.Combine(CommittedDir, SourceListing);
            if (Update) File.WriteAllLines(committedPath, lines);
            CollectionAssert.AreEqual(File.ReadAllLines(committedPath), lines,
                $"{committedPath} is stale (run with UPDATE_API_LISTINGS=1 after an intended change)");

            string ours = Path.Combine(TestSetup.NewFolder("api"), "ours.txt");
            File.WriteAllLines(ours, lines);
            string python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
            var (mismatches, conformError, conformCode) = Run(python, $"\"{conform}\" \"{reference}\" \"{ours}\"");
            Assert.AreEqual(0, conformCode, "conform.py failed: " + conformError);
            Assert.AreEqual("", mismatches.Trim(), "Members whose signature ML.NET 4.0.3 does not have:\n" + mismatches);
        }

        /// <summary>A line with default values removed, keyword and CLR type names unified, and type lines cut to name and kind.</summary>
        private static string Comparable(string line)
        {
            var typeLine = Regex.Match(line, @"^(?<t>[^:]+)::(?<k>class|interface|struct|enum|record)\b");
            if (typeLine.Success) return typeLine.Groups["t"].Value + "::" + typeLine.Groups["k"].Value;
            line = Regex.Replace(line, @" = default\([^)]*\)", "");
            line = Regex.Replace(line, @" = [^,)\]]+", "");
            foreach (var (clr, keyword) in new[]
            {
                ("Boolean", "bool"), ("SByte", "sbyte"), ("Byte", "byte"), ("Int16", "short"), ("UInt16", "ushort"), ("Int32", "int"),
                ("UInt32", "uint"), ("Int64", "long"), ("UInt64", "ulong"), ("Single", "float"), ("Double", "double"), ("Char", "char"),
                ("String", "string"), ("Object", "object"),
            })
                line = Regex.Replace(line, $@"\b{clr}\b", keyword);
            return line;
        }

        private static (string Output, string Error, int ExitCode) Run(string file, string arguments)
        {
            var start = new ProcessStartInfo(file, arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = RepositoryPaths.Root,
            };
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            return (output.Result, error.Result, process.ExitCode);
        }
    }
}
