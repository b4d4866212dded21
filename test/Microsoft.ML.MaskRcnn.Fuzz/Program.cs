using System;
using System.IO;
using System.Linq;
using SharpFuzz;

namespace Microsoft.ML.MaskRcnn.Fuzz
{
    /// <summary>
    /// Microsoft.ML.MaskRcnn.Fuzz TARGET            run under afl-fuzz (test/Fuzz/fuzz-managed.sh starts it)
    /// Microsoft.ML.MaskRcnn.Fuzz replay TARGET P..  run each file (or each file of each folder) once, in-process
    /// Microsoft.ML.MaskRcnn.Fuzz seeds FOLDER       write every target's seeds to FOLDER/TARGET/
    /// Microsoft.ML.MaskRcnn.Fuzz list               the targets
    /// </summary>
    internal static class Program
    {
        private static int Main(string[] args)
        {
            switch (args)
            {
                case ["list"]:
                    foreach (var target in FuzzTarget.All) Console.WriteLine($"{target.Name,-14} {target.Description}");
                    return 0;
                case ["seeds", var folder]:
                    foreach (var target in FuzzTarget.All)
                    {
                        string into = Path.Combine(folder, target.Name);
                        Directory.CreateDirectory(into);
                        foreach (var (name, bytes) in target.Seeds()) File.WriteAllBytes(Path.Combine(into, name), bytes);
                    }
                    return 0;
                case ["replay", var name, .. var paths] when paths.Length > 0:
                    return Replay(FuzzTarget.Find(name), paths);
                case [var name]:
                    var fuzzed = FuzzTarget.Find(name);
                    Fuzzer.OutOfProcess.Run(stream =>
                    {
                        using var copy = new MemoryStream();
                        stream.CopyTo(copy);
                        fuzzed.Run(copy.ToArray());
                    });
                    return 0;
                default:
                    Console.Error.WriteLine("usage: Microsoft.ML.MaskRcnn.Fuzz TARGET | replay TARGET PATH... | seeds FOLDER | list");
                    return 2;
            }
        }

        private static int Replay(FuzzTarget target, string[] paths)
        {
            var files = paths.SelectMany(p => Directory.Exists(p) ? Directory.GetFiles(p) : new[] { p }).OrderBy(f => f, StringComparer.Ordinal);
            int findings = 0;
            foreach (string file in files)
            {
                try
                {
                    string? refusal = target.Run(File.ReadAllBytes(file));
                    Console.WriteLine($"{(refusal is null ? "accepted" : "refused ")} {file}{(refusal is null ? "" : ": " + refusal.ReplaceLineEndings(" "))}");
                }
                catch (Exception e)
                {
                    findings++;
                    Console.WriteLine($"FINDING {file}: {e.GetType().Name}: {e.Message}");
                    Console.WriteLine(e);
                }
            }
            return findings == 0 ? 0 : 1;
        }
    }
}
