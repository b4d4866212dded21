// Build logic of Microsoft.ML.MaskRcnn (compiled by MSBuild's RoslynCodeTaskFactory from Microsoft.ML.MaskRcnn.targets,
// so it uses only the .NET Standard 2.0 API).
//
// TorchSharp 0.107's libLibTorchSharp.so was linked with GCC 13 and asks libstdc++ for version GLIBCXX_3.4.32 for a
// single symbol, std::ios_base_library_init(), which GCC 13's <iostream> references only to pull libstdc++'s stream
// initialisation into the link. Older libstdc++ (GCC 12: Debian 12, stops at GLIBCXX_3.4.30) initialise their streams
// without it, but the dynamic loader refuses the whole library because the version is missing. Marking that one
// version requirement weak (VER_FLG_WEAK in .gnu.version_r) lets it load. This is done on the copy in the build
// output only, only when the system libstdc++ lacks the version, and only when nothing else depends on it.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Microsoft.ML.MaskRcnn.Build
{
    /// <summary>What <see cref="GlibcxxRequirement.Analyze"/> decided for one library.</summary>
    public enum GlibcxxDecision
    {
        /// <summary>The system's libstdc++ has every version the library asks for: nothing to do.</summary>
        NothingMissing,
        /// <summary>The only missing version is the relaxable one, already marked weak in this file.</summary>
        AlreadyRelaxed,
        /// <summary>The only missing version is the relaxable one, used by the relaxable symbol only: mark it weak.</summary>
        Relax,
        /// <summary>Something else is missing: the library cannot load on this system and must not be touched.</summary>
        Refuse,
    }

    /// <summary>The decision for one library, with the byte offset to change and a sentence for the build log.</summary>
    public sealed class GlibcxxAnalysis
    {
        public GlibcxxAnalysis(GlibcxxDecision decision, string message, long flagsOffset = -1, ushort flags = 0)
        {
            Decision = decision;
            Message = message;
            FlagsOffset = flagsOffset;
            Flags = flags;
        }

        public GlibcxxDecision Decision { get; }
        public string Message { get; }
        /// <summary>File offset of the vna_flags field to rewrite (Relax only).</summary>
        public long FlagsOffset { get; }
        /// <summary>The field's current value.</summary>
        public ushort Flags { get; }
    }

    /// <summary>Reads the version requirements of an ELF64 little-endian shared library and decides whether the one
    /// known-harmless requirement (GLIBCXX_3.4.32 for std::ios_base_library_init) may be marked weak.</summary>
    public static class GlibcxxRequirement
    {
        public const string RelaxableVersion = "GLIBCXX_3.4.32";
        public const string RelaxableSymbol = "_ZSt21ios_base_library_initv";
        public const string LibstdcxxSoname = "libstdc++.so.6";
        private const ushort VerFlagWeak = 0x2;

        /// <summary>Decides for <paramref name="library"/> (the bytes of libLibTorchSharp.so) given the version names
        /// that the system's libstdc++ defines.</summary>
        public static GlibcxxAnalysis Analyze(byte[] library, ICollection<string> systemVersions, string libraryName)
        {
            var elf = new ElfFile(library, libraryName);
            var needed = elf.VersionRequirements().Where(r => r.File == LibstdcxxSoname).ToList();
            var missing = needed.Where(r => !systemVersions.Contains(r.Name)).ToList();
            var missingStrong = missing.Where(r => (r.Flags & VerFlagWeak) == 0).ToList();
            if (missing.Count == 0)
                return new GlibcxxAnalysis(GlibcxxDecision.NothingMissing, $"{libraryName}: the system's libstdc++ has every version it needs.");
            var others = missing.Where(r => r.Name != RelaxableVersion).Select(r => r.Name).ToList();
            if (others.Count > 0)
                return Refusal(libraryName, systemVersions,
                    $"it needs {string.Join(", ", missing.Select(r => r.Name))} from {LibstdcxxSoname}, and only {RelaxableVersion} (for std::ios_base_library_init) can be done without");
            var requirement = missing[0];
            var users = elf.SymbolsOfVersion(requirement.Index);
            var foreign = users.Where(s => s != RelaxableSymbol).ToList();
            if (foreign.Count > 0)
                return Refusal(libraryName, systemVersions,
                    $"besides {RelaxableSymbol}, its symbols {string.Join(", ", foreign)} need {RelaxableVersion} from {LibstdcxxSoname}");
            if (missingStrong.Count == 0)
                return new GlibcxxAnalysis(GlibcxxDecision.AlreadyRelaxed, $"{libraryName}: {RelaxableVersion} is already marked weak.");
            return new GlibcxxAnalysis(GlibcxxDecision.Relax,
                $"{libraryName}: the system's libstdc++ lacks {RelaxableVersion}, needed only by {RelaxableSymbol}, which older libstdc++ does without; marked weak.",
                requirement.FlagsOffset, requirement.Flags);
        }

        /// <summary>Rewrites <paramref name="path"/> with the requirement marked weak: a new file replaces the old one,
        /// so a hard link to the NuGet cache is broken, never written through. The timestamp is kept, so that an
        /// incremental build's copy step sees the file as up to date.</summary>
        public static void Relax(string path, GlibcxxAnalysis analysis)
        {
            if (analysis.Decision != GlibcxxDecision.Relax) throw new InvalidOperationException("Nothing to relax: " + analysis.Message);
            byte[] bytes = File.ReadAllBytes(path);
            ushort flags = (ushort)(analysis.Flags | VerFlagWeak);
            bytes[analysis.FlagsOffset] = (byte)flags;
            bytes[analysis.FlagsOffset + 1] = (byte)(flags >> 8);
            var timestamp = File.GetLastWriteTimeUtc(path);
            string temporary = path + ".glibcxx-" + Guid.NewGuid().ToString("N");
            File.WriteAllBytes(temporary, bytes);
            File.SetLastWriteTimeUtc(temporary, timestamp);
            CopyUnixMode(path, temporary);
            File.Delete(path);
            File.Move(temporary, path);
        }

        /// <summary>The version names defined by the libstdc++ at <paramref name="path"/>.</summary>
        public static HashSet<string> DefinedVersions(string path) =>
            new HashSet<string>(new ElfFile(File.ReadAllBytes(path), path).VersionDefinitions(), StringComparer.Ordinal);

        /// <summary>The ELF machine (e_machine) of a library, to pair a library with a libstdc++ of its own architecture.</summary>
        public static int Machine(string path)
        {
            using (var stream = File.OpenRead(path))
            {
                var header = new byte[20];
                if (stream.Read(header, 0, header.Length) < header.Length) return -1;
                if (header[0] != 0x7f || header[1] != (byte)'E' || header[2] != (byte)'L' || header[3] != (byte)'F') return -1;
                return header[18] | (header[19] << 8);
            }
        }

        private static GlibcxxAnalysis Refusal(string libraryName, ICollection<string> systemVersions, string reason)
        {
            string newest = systemVersions.Where(v => v.StartsWith("GLIBCXX_3.4.", StringComparison.Ordinal))
                .OrderBy(v => int.TryParse(v.Substring("GLIBCXX_3.4.".Length), out int n) ? n : -1).LastOrDefault() ?? "none";
            return new GlibcxxAnalysis(GlibcxxDecision.Refuse,
                $"{libraryName} cannot load with this system's libstdc++ (its newest version is {newest}): {reason}. " +
                "Install a newer libstdc++ (GCC 13 or later), or set MaskRcnnAdaptLibTorchSharp=false to skip this check.");
        }

        private static void CopyUnixMode(string from, string to)
        {
            // chmod through the shell keeps this .NET Standard 2.0; the copy is executable like the original.
            try
            {
                using (var chmod = Process.Start(new ProcessStartInfo("chmod", $"--reference=\"{from}\" \"{to}\"") { UseShellExecute = false }))
                    chmod?.WaitForExit();
            }
            catch (Exception)
            {
                // A library without the execute bit still loads (mmap needs read access only).
            }
        }
    }

    /// <summary>One entry of .gnu.version_r: version <see cref="Name"/> required from <see cref="File"/>.</summary>
    public sealed class VersionRequirement
    {
        public VersionRequirement(string file, string name, ushort index, ushort flags, long flagsOffset)
        {
            File = file;
            Name = name;
            Index = index;
            Flags = flags;
            FlagsOffset = flagsOffset;
        }

        public string File { get; }
        public string Name { get; }
        /// <summary>vna_other: the index that .gnu.version gives the symbols bound to this version.</summary>
        public ushort Index { get; }
        public ushort Flags { get; }
        public long FlagsOffset { get; }
    }

    /// <summary>The few ELF64 little-endian structures needed here, read through the section headers.</summary>
    internal sealed class ElfFile
    {
        private const uint ShtDynsym = 11, ShtGnuVerdef = 0x6ffffffd, ShtGnuVerneed = 0x6ffffffe, ShtGnuVersym = 0x6fffffff;
        private readonly byte[] _data;
        private readonly string _name;
        private readonly List<Section> _sections = new List<Section>();

        private struct Section
        {
            public uint Type;
            public long Offset, Size;
            public uint Link, Info;
            public long EntrySize;
        }

        public ElfFile(byte[] data, string name)
        {
            _data = data;
            _name = name;
            if (data.Length < 64 || data[0] != 0x7f || data[1] != (byte)'E' || data[2] != (byte)'L' || data[3] != (byte)'F')
                throw new InvalidDataException($"{name} is not an ELF file.");
            if (data[4] != 2 || data[5] != 1) throw new InvalidDataException($"{name} is not a 64-bit little-endian ELF file.");
            long sectionHeaders = (long)U64(0x28);
            int entrySize = U16(0x3A), count = U16(0x3C);
            if (entrySize < 64 || sectionHeaders <= 0 || sectionHeaders + (long)entrySize * count > data.Length)
                throw new InvalidDataException($"{name} has no readable section header table.");
            for (int i = 0; i < count; i++)
            {
                long h = sectionHeaders + (long)i * entrySize;
                var s = new Section
                {
                    Type = U32(h + 4), Offset = (long)U64(h + 24), Size = (long)U64(h + 32),
                    Link = U32(h + 40), Info = U32(h + 44), EntrySize = (long)U64(h + 56),
                };
                if (s.Type != 8 /* SHT_NOBITS */ && (s.Offset < 0 || s.Offset + s.Size > data.Length))
                    throw new InvalidDataException($"{name}: section {i} lies outside the file.");
                _sections.Add(s);
            }
        }

        public IEnumerable<VersionRequirement> VersionRequirements()
        {
            foreach (var section in _sections.Where(s => s.Type == ShtGnuVerneed))
            {
                var strings = StringTable(section.Link);
                long entry = section.Offset;
                for (uint n = 0; n < section.Info; n++)
                {
                    Check(entry, 16, section);
                    ushort auxCount = U16(entry + 2);
                    string file = String(strings, U32(entry + 4));
                    long aux = entry + U32(entry + 8);
                    for (int a = 0; a < auxCount; a++)
                    {
                        Check(aux, 16, section);
                        yield return new VersionRequirement(file, String(strings, U32(aux + 8)), U16(aux + 6), U16(aux + 4), aux + 4);
                        uint nextAux = U32(aux + 12);
                        if (nextAux == 0) break;
                        aux += nextAux;
                    }
                    uint next = U32(entry + 12);
                    if (next == 0) break;
                    entry += next;
                }
            }
        }

        public IEnumerable<string> VersionDefinitions()
        {
            foreach (var section in _sections.Where(s => s.Type == ShtGnuVerdef))
            {
                var strings = StringTable(section.Link);
                long entry = section.Offset;
                for (uint n = 0; n < section.Info; n++)
                {
                    Check(entry, 20, section);
                    long aux = entry + U32(entry + 12);
                    Check(aux, 8, section);
                    yield return String(strings, U32(aux));
                    uint next = U32(entry + 16);
                    if (next == 0) break;
                    entry += next;
                }
            }
        }

        /// <summary>Names of the dynamic symbols whose .gnu.version index is <paramref name="versionIndex"/>.</summary>
        public List<string> SymbolsOfVersion(ushort versionIndex)
        {
            var result = new List<string>();
            int dynsymIndex = _sections.FindIndex(s => s.Type == ShtDynsym);
            var versym = _sections.FirstOrDefault(s => s.Type == ShtGnuVersym && s.Link == dynsymIndex);
            if (dynsymIndex < 0 || versym.Type != ShtGnuVersym) return result;
            var dynsym = _sections[dynsymIndex];
            var strings = StringTable(dynsym.Link);
            long entrySize = dynsym.EntrySize == 0 ? 24 : dynsym.EntrySize;
            long count = dynsym.Size / entrySize;
            for (long i = 0; i < count && 2 * i + 2 <= versym.Size; i++)
            {
                if ((U16(versym.Offset + 2 * i) & 0x7fff) != versionIndex) continue;
                result.Add(String(strings, U32(dynsym.Offset + i * entrySize)));
            }
            return result;
        }

        private Section StringTable(uint index)
        {
            if (index >= _sections.Count) throw new InvalidDataException($"{_name}: a section links to a missing string table.");
            return _sections[(int)index];
        }

        private string String(Section table, uint offset)
        {
            long start = table.Offset + offset;
            if (offset >= table.Size) throw new InvalidDataException($"{_name}: a name lies outside its string table.");
            long end = start;
            while (end < table.Offset + table.Size && _data[end] != 0) end++;
            return Encoding.ASCII.GetString(_data, (int)start, (int)(end - start));
        }

        private void Check(long position, int length, Section section)
        {
            if (position < section.Offset || position + length > section.Offset + section.Size)
                throw new InvalidDataException($"{_name}: a version entry lies outside its section.");
        }

        private ushort U16(long p) => (ushort)(_data[p] | (_data[p + 1] << 8));
        private uint U32(long p) => (uint)(U16(p) | (U16(p + 2) << 16));
        private ulong U64(long p) => U32(p) | ((ulong)U32(p + 4) << 32);
    }

    /// <summary>
    /// MSBuild task: for each libLibTorchSharp.so of the build output whose architecture matches the system's
    /// libstdc++, relaxes the GLIBCXX_3.4.32 requirement where <see cref="GlibcxxRequirement.Analyze"/> allows it,
    /// and fails the build with its reason where it refuses.
    /// </summary>
    public sealed class AdaptLibTorchSharpToSystemLibstdcxx : Task
    {
        /// <summary>The libLibTorchSharp.so files of the output (or publish) folder.</summary>
        [Required]
        public ITaskItem[] Libraries { get; set; } = Array.Empty<ITaskItem>();

        /// <summary>The system's libstdc++.so.6; found with ldconfig when empty.</summary>
        public string SystemLibstdcxx { get; set; } = "";

        public override bool Execute()
        {
            if (Libraries.Length == 0) return true;
            var candidates = string.IsNullOrEmpty(SystemLibstdcxx) ? SystemLibstdcxxCandidates() : new List<string> { SystemLibstdcxx };
            foreach (var item in Libraries)
            {
                string path = item.GetMetadata("FullPath");
                int machine = GlibcxxRequirement.Machine(path);
                string systemLibrary = candidates.FirstOrDefault(c => File.Exists(c) && GlibcxxRequirement.Machine(c) == machine) ?? "";
                if (systemLibrary.Length == 0)
                {
                    Log.LogMessage(MessageImportance.Low, $"No system libstdc++.so.6 of the architecture of {path}: left as it is.");
                    continue;
                }
                var analysis = GlibcxxRequirement.Analyze(File.ReadAllBytes(path), GlibcxxRequirement.DefinedVersions(systemLibrary), path);
                switch (analysis.Decision)
                {
                    case GlibcxxDecision.Relax:
                        GlibcxxRequirement.Relax(path, analysis);
                        Log.LogMessage(MessageImportance.Normal, analysis.Message);
                        break;
                    case GlibcxxDecision.Refuse:
                        Log.LogError(analysis.Message);
                        break;
                    default:
                        Log.LogMessage(MessageImportance.Low, analysis.Message);
                        break;
                }
            }
            return !Log.HasLoggedErrors;
        }

        // The libstdc++.so.6 files the dynamic loader knows (ldconfig's cache), then the usual folders.
        private static List<string> SystemLibstdcxxCandidates()
        {
            var result = new List<string>();
            try
            {
                var start = new ProcessStartInfo("/sbin/ldconfig", "-p") { RedirectStandardOutput = true, UseShellExecute = false };
                using (var ldconfig = Process.Start(start))
                {
                    string output = ldconfig?.StandardOutput.ReadToEnd() ?? "";
                    ldconfig?.WaitForExit();
                    foreach (var line in output.Split('\n'))
                    {
                        string trimmed = line.Trim();
                        int arrow = trimmed.IndexOf("=> ", StringComparison.Ordinal);
                        if (arrow > 0 && trimmed.StartsWith(GlibcxxRequirement.LibstdcxxSoname + " ", StringComparison.Ordinal))
                            result.Add(trimmed.Substring(arrow + 3).Trim());
                    }
                }
            }
            catch (Exception)
            {
                // No ldconfig (a minimal container): the usual folders below.
            }
            foreach (var folder in new[] { "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib" })
                result.Add(Path.Combine(folder, GlibcxxRequirement.LibstdcxxSoname));
            return result;
        }
    }
}
