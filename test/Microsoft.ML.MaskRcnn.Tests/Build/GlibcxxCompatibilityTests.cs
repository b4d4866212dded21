using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.ML.MaskRcnn.Build;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

namespace Microsoft.ML.MaskRcnn.Tests.Build
{
    /// <summary>
    /// The build logic that lets TorchSharp 0.107's libLibTorchSharp.so load where libstdc++ lacks GLIBCXX_3.4.32
    /// (src/Microsoft.ML.MaskRcnn/build). Truth: the system's own libstdc++ and the unmodified library in the NuGet
    /// cache, read by a minimal ELF reader of the test's own.
    /// </summary>
    [TestClass]
    public class GlibcxxCompatibilityTests
    {
        private const string SystemLibstdcxx = "/lib/x86_64-linux-gnu/libstdc++.so.6";

        [TestMethod]
        public void TorchSharpLoadsFromTheApplicationFolder()
        {
            Assert.StartsWith("2.10", torch.__version__);
            using (var x = torch.ones(2, 3)) Assert.AreEqual(6.0, x.sum().item<float>());
            string loaded = File.ReadLines("/proc/self/maps").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "")
                .First(p => p.EndsWith("/libLibTorchSharp.so", StringComparison.Ordinal));
            StringAssert.StartsWith(loaded, Path.GetFullPath(AppContext.BaseDirectory));
            // The copy that loaded needs nothing the system lacks (relaxed where the system is older).
            var analysis = GlibcxxRequirement.Analyze(File.ReadAllBytes(loaded), SystemVersions(), loaded);
            Assert.IsTrue(analysis.Decision is GlibcxxDecision.NothingMissing or GlibcxxDecision.AlreadyRelaxed, analysis.Message);
            if (!SystemVersions().Contains(GlibcxxRequirement.RelaxableVersion))
                Assert.AreEqual(GlibcxxDecision.Relax, GlibcxxRequirement.Analyze(File.ReadAllBytes(Original()), SystemVersions(), "original").Decision,
                    "this system lacks the version, so the package's own file must need the step");
        }

        [TestMethod]
        public void ANewerLibstdcxxLeavesTheLibraryAlone()
        {
            var newer = new HashSet<string>(SystemVersions()) { "GLIBCXX_3.4.31", "GLIBCXX_3.4.32" };
            var analysis = GlibcxxRequirement.Analyze(File.ReadAllBytes(Original()), newer, "libLibTorchSharp.so");
            Assert.AreEqual(GlibcxxDecision.NothingMissing, analysis.Decision, analysis.Message);
        }

        [TestMethod]
        public void RelaxingChangesOneFlagInANewFileAndNeverWritesThroughAHardLink()
        {
            string folder = Directory.CreateTempSubdirectory("glibcxx").FullName;
            try
            {
                string cached = Path.Combine(folder, "cached.so"), output = Path.Combine(folder, "libLibTorchSharp.so");
                File.Copy(Original(), cached);
                RunChecked("ln", cached, output);  // the build output hard-links the NuGet cache's file
                byte[] before = File.ReadAllBytes(cached);
                var versions = WithoutRelaxable(SystemVersions());
                var analysis = GlibcxxRequirement.Analyze(before, versions, output);
                Assert.AreEqual(GlibcxxDecision.Relax, analysis.Decision, analysis.Message);
                GlibcxxRequirement.Relax(output, analysis);

                CollectionAssert.AreEqual(before, File.ReadAllBytes(cached), "the linked original must stay as it was");
                byte[] after = File.ReadAllBytes(output);
                var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToList();
                Assert.HasCount(1, changed);
                var requirement = TestElf.Requirements(before).Single(r => r.Name == GlibcxxRequirement.RelaxableVersion);
                Assert.AreEqual(requirement.FlagsOffset, changed[0], "only vna_flags of GLIBCXX_3.4.32 changes");
                Assert.AreEqual(0x2, after[changed[0]] & 0x2, "VER_FLG_WEAK");
                Assert.AreEqual(GlibcxxDecision.AlreadyRelaxed, GlibcxxRequirement.Analyze(after, versions, output).Decision);
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        [TestMethod]
        public void ALibraryNeedingAnotherMissingVersionIsRefusedWithThatVersionNamed()
        {
            var versions = WithoutRelaxable(SystemVersions());
            versions.Remove("GLIBCXX_3.4.30");
            var analysis = GlibcxxRequirement.Analyze(File.ReadAllBytes(Original()), versions, "libLibTorchSharp.so");
            Assert.AreEqual(GlibcxxDecision.Refuse, analysis.Decision);
            StringAssert.Contains(analysis.Message, "GLIBCXX_3.4.30");
            StringAssert.Contains(analysis.Message, "libLibTorchSharp.so cannot load");
        }

        [TestMethod]
        public void ALibraryWhoseOtherSymbolsNeedTheVersionIsRefusedWithThoseSymbolsNamed()
        {
            byte[] library = File.ReadAllBytes(Original());
            var relaxable = TestElf.Requirements(library).Single(r => r.Name == GlibcxxRequirement.RelaxableVersion);
            // Bind a symbol that today needs GLIBCXX_3.4.30 to GLIBCXX_3.4.32 instead, as a library built against a
            // newer libstdc++ could.
            const string other = "_ZNSt18condition_variable4waitERSt11unique_lockISt5mutexE";
            long versym = TestElf.VersymOffset(library, other);
            library[versym] = (byte)relaxable.Index;
            library[versym + 1] = (byte)(relaxable.Index >> 8);
            var analysis = GlibcxxRequirement.Analyze(library, WithoutRelaxable(SystemVersions()), "libLibTorchSharp.so");
            Assert.AreEqual(GlibcxxDecision.Refuse, analysis.Decision);
            StringAssert.Contains(analysis.Message, other);
        }

        [TestMethod]
        public void AFileThatIsNotElfIsReportedByName()
        {
            var error = Assert.ThrowsExactly<InvalidDataException>(() =>
                GlibcxxRequirement.Analyze(Encoding.ASCII.GetBytes("not a library"), SystemVersions(), "broken.so"));
            StringAssert.Contains(error.Message, "broken.so");
        }

        private static HashSet<string> SystemVersions()
        {
            if (!File.Exists(SystemLibstdcxx)) Assert.Inconclusive($"{SystemLibstdcxx} not found (not an x86-64 Debian/Ubuntu system).");
            return TestElf.Definitions(File.ReadAllBytes(SystemLibstdcxx));
        }

        private static HashSet<string> WithoutRelaxable(HashSet<string> versions)
        {
            var result = new HashSet<string>(versions);
            result.RemoveWhere(v => v.StartsWith("GLIBCXX_3.4.3", StringComparison.Ordinal) && v != "GLIBCXX_3.4.30");
            return result;
        }

        /// <summary>The package's own, unmodified libLibTorchSharp.so in the NuGet cache.</summary>
        private static string Original()
        {
            string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
                ? p : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            string version = typeof(torch).Assembly.GetName().Version!.ToString(3);
            string path = Path.Combine(packages, "torchsharp", version, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
            if (!File.Exists(path)) Assert.Inconclusive($"The NuGet cache's libLibTorchSharp.so was not found: {path}");
            return path;
        }

        private static void RunChecked(string program, params string[] arguments)
        {
            using var process = Process.Start(new ProcessStartInfo(program, arguments) { UseShellExecute = false })!;
            process.WaitForExit();
            Assert.AreEqual(0, process.ExitCode, $"{program} {string.Join(' ', arguments)}");
        }

        /// <summary>Just enough of ELF64 (section headers, dynsym, versym, verneed, verdef) to check the product's reader.</summary>
        private static class TestElf
        {
            public record Requirement(string File, string Name, int Index, long FlagsOffset);

            public static List<Requirement> Requirements(byte[] d)
            {
                var result = new List<Requirement>();
                var (offset, size, link, info) = Section(d, 0x6ffffffe);
                var strings = Section(d, link).offset;
                long entry = offset;
                for (int n = 0; n < info; n++)
                {
                    string file = Name(d, strings + BitConverter.ToUInt32(d, (int)entry + 4));
                    long aux = entry + BitConverter.ToUInt32(d, (int)entry + 8);
                    for (int a = 0; a < BitConverter.ToUInt16(d, (int)entry + 2); a++)
                    {
                        result.Add(new Requirement(file, Name(d, strings + BitConverter.ToUInt32(d, (int)aux + 8)), BitConverter.ToUInt16(d, (int)aux + 6), aux + 4));
                        aux += BitConverter.ToUInt32(d, (int)aux + 12);
                    }
                    entry += BitConverter.ToUInt32(d, (int)entry + 12);
                }
                return result;
            }

            public static HashSet<string> Definitions(byte[] d)
            {
                var result = new HashSet<string>();
                var (offset, _, link, info) = Section(d, 0x6ffffffd);
                var strings = Section(d, link).offset;
                long entry = offset;
                for (int n = 0; n < info; n++)
                {
                    long aux = entry + BitConverter.ToUInt32(d, (int)entry + 12);
                    result.Add(Name(d, strings + BitConverter.ToUInt32(d, (int)aux)));
                    entry += BitConverter.ToUInt32(d, (int)entry + 16);
                }
                return result;
            }

            public static long VersymOffset(byte[] d, string symbol)
            {
                var dynsym = Section(d, 11);
                var strings = Section(d, dynsym.link).offset;
                long versym = Section(d, 0x6fffffff).offset;
                for (long i = 0; i < dynsym.size / 24; i++)
                    if (Name(d, strings + BitConverter.ToUInt32(d, (int)(dynsym.offset + 24 * i))) == symbol) return versym + 2 * i;
                throw new InvalidOperationException(symbol + " is not a dynamic symbol");
            }

            // A section by type (types >= 11) or by index (smaller numbers).
            private static (long offset, long size, uint link, uint info) Section(byte[] d, uint typeOrIndex)
            {
                long headers = (long)BitConverter.ToUInt64(d, 0x28);
                int count = BitConverter.ToUInt16(d, 0x3C);
                for (int i = 0; i < count; i++)
                {
                    int h = (int)(headers + 64L * i);
                    bool match = typeOrIndex >= 11 ? BitConverter.ToUInt32(d, h + 4) == typeOrIndex : i == typeOrIndex;
                    if (match)
                        return ((long)BitConverter.ToUInt64(d, h + 24), (long)BitConverter.ToUInt64(d, h + 32), BitConverter.ToUInt32(d, h + 40), BitConverter.ToUInt32(d, h + 44));
                }
                throw new InvalidOperationException($"no section {typeOrIndex}");
            }

            private static string Name(byte[] d, long at)
            {
                int end = Array.IndexOf(d, (byte)0, (int)at);
                return Encoding.ASCII.GetString(d, (int)at, end - (int)at);
            }
        }
    }
}
