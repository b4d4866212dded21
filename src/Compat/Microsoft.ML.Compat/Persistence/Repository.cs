using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection;
using System.Text;
using Microsoft.ML.Runtime;

namespace Microsoft.ML
{
    /// <summary>
    /// A model file: a zip archive of named streams (friend-only, as in ML.NET). Entry names use '/' when written; a
    /// reader also accepts '\' (models saved on Windows). Entries are buffered in memory while open.
    /// </summary>
    internal abstract class Repository : IDisposable
    {
        /// <summary>An open stream of the repository.</summary>
        public sealed class Entry : IDisposable
        {
            private Repository owner;

            internal Entry(Repository owner, string path, Stream stream)
            {
                this.owner = owner;
                Path = path;
                Stream = stream;
            }

            /// <summary>The entry name inside the archive, with '/' separators.</summary>
            public string Path { get; }

            /// <summary>A seekable stream over the entry's bytes.</summary>
            public Stream Stream { get; }

            public void Dispose()
            {
                owner?.OnDispose(this);
                owner = null;
            }
        }

        private protected Repository(IExceptionContext ectx) => ExceptionContext = ectx;

        public IExceptionContext ExceptionContext { get; }

        protected bool Disposed { get; private set; }

        public void Dispose()
        {
            if (Disposed) return;
            Dispose(true);
            Disposed = true;
        }

        protected abstract void Dispose(bool disposing);

        protected abstract void OnDispose(Entry entry);

        /// <summary>The entry name for <paramref name="name"/> in directory <paramref name="dir"/>; rejects escaping paths.</summary>
        public static string MakePath(string dir, string name)
        {
            if (string.IsNullOrWhiteSpace(name)) throw new ArgumentOutOfRangeException(nameof(name), "An entry needs a name.");
            string path = string.IsNullOrEmpty(dir) ? name : dir.TrimEnd('/', '\\') + "/" + name;
            path = Normalize(path);
            if (path.StartsWith("/", StringComparison.Ordinal) || path.Split('/').Any(p => p == ".." || p.Length == 0))
                throw new ArgumentOutOfRangeException(nameof(dir), $"Invalid entry path '{path}'.");
            return path;
        }

        public static string Normalize(string path) => path.Replace('\\', '/');
    }

    /// <summary>Writes a model file. Call <see cref="Commit"/> once every entry is written.</summary>
    internal sealed class RepositoryWriter : Repository
    {
        internal const string DirTrainingInfo = "TrainingInfo";
        private ZipArchive archive;
        private readonly HashSet<string> names = new HashSet<string>(StringComparer.Ordinal);
        private readonly List<Entry> open = new List<Entry>();
        private readonly Queue<Entry> closed = new Queue<Entry>();

        private RepositoryWriter(Stream stream, IExceptionContext ectx)
            : base(ectx)
        {
            archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        }

        /// <summary>Starts a model file on <paramref name="stream"/>, with TrainingInfo/Version.txt as ML.NET writes it.</summary>
        public static RepositoryWriter CreateNew(Stream stream, IExceptionContext ectx = null)
        {
            if (stream == null) throw new ArgumentNullException(nameof(stream));
            var rep = new RepositoryWriter(stream, ectx);
            using (var ent = rep.CreateEntry(DirTrainingInfo, "Version.txt"))
            using (var writer = new StreamWriter(ent.Stream, new UTF8Encoding(false), 1024, leaveOpen: true))
                writer.WriteLine(ProductVersion);
            return rep;
        }

        /// <summary>The informational version of this assembly, as ML.NET records Microsoft.ML.Core's.</summary>
        internal static string ProductVersion =>
            typeof(RepositoryWriter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? throw new InvalidOperationException("Cannot determine the product version.");

        public Entry CreateEntry(string name) => CreateEntry(null, name);

        /// <summary>Creates the entry <paramref name="dir"/>/<paramref name="name"/>; its bytes go to the zip when disposed.</summary>
        public Entry CreateEntry(string dir, string name)
        {
            if (Disposed) throw new ObjectDisposedException(nameof(RepositoryWriter));
            Flush();
            string path = MakePath(dir, name);
            if (!names.Add(path))
                throw new ArgumentOutOfRangeException(nameof(name), $"Duplicate entry: '{path}'");
            var entry = new Entry(this, path, new MemoryStream());
            open.Add(entry);
            return entry;
        }

        protected override void OnDispose(Entry entry)
        {
            open.Remove(entry);
            closed.Enqueue(entry);
        }

        private void Flush()
        {
            while (closed.Count > 0)
            {
                var entry = closed.Dequeue();
                var zipEntry = archive.CreateEntry(entry.Path, CompressionLevel.Optimal);
                using (var dst = zipEntry.Open())
                {
                    entry.Stream.Position = 0;
                    entry.Stream.CopyTo(dst);
                }
                entry.Stream.Dispose();
            }
        }

        /// <summary>Closes the open entries, writes them and finishes the zip.</summary>
        public void Commit()
        {
            if (Disposed) throw new ObjectDisposedException(nameof(RepositoryWriter));
            foreach (var entry in open.ToArray()) entry.Dispose();
            Flush();
            archive.Dispose();
            archive = null;
            Dispose();
        }

        protected override void Dispose(bool disposing)
        {
            foreach (var entry in open) entry.Stream.Dispose();
            foreach (var entry in closed) entry.Stream.Dispose();
            open.Clear();
            closed.Clear();
            if (archive != null)
            {
                try
                {
                    archive.Dispose();
                }
                catch (Exception)
                {
                    // Nothing more can be written; the caller is already handling the original failure.
                }
                archive = null;
            }
        }
    }

    /// <summary>Reads a model file. Failures name the model (<see cref="SourceName"/>) and the entry.</summary>
    internal sealed class RepositoryReader : Repository
    {
        private readonly ZipArchive archive;
        private readonly Dictionary<string, ZipArchiveEntry> entries = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);

        private RepositoryReader(Stream stream, IExceptionContext ectx, string sourceName)
            : base(ectx)
        {
            SourceName = sourceName ?? "the model stream";
            try
            {
                archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
                foreach (var entry in archive.Entries) entries[Normalize(entry.FullName)] = entry;
            }
            catch (Exception ex) when (ex is InvalidDataException || ex is IOException || ex is ArgumentException)
            {
                throw new FormatException(
                    $"Failed to open {SourceName} as a zip archive (it may be truncated or not a model file): {ex.Message}", ex);
            }
        }

        /// <summary>Opens a model file; <paramref name="sourceName"/> (a path) is used in error messages.</summary>
        public static RepositoryReader Open(Stream stream, IExceptionContext ectx = null, string sourceName = null)
        {
            if (stream == null) throw new ArgumentNullException(nameof(stream));
            return new RepositoryReader(stream, ectx, sourceName);
        }

        /// <summary>How the model is named in messages: its path, or "the model stream".</summary>
        public string SourceName { get; }

        /// <summary>The entry names, with '/' separators.</summary>
        public IEnumerable<string> EntryNames => entries.Keys;

        public Entry OpenEntry(string name) => OpenEntry(null, name);

        public Entry OpenEntry(string dir, string name) =>
            OpenEntryOrNull(dir, name) ?? throw new FormatException($"{SourceName} has no entry '{MakePath(dir, name)}'.");

        public Entry OpenEntryOrNull(string name) => OpenEntryOrNull(null, name);

        /// <summary>The entry <paramref name="dir"/>/<paramref name="name"/> read into memory, or null when absent.</summary>
        public Entry OpenEntryOrNull(string dir, string name)
        {
            if (Disposed) throw new ObjectDisposedException(nameof(RepositoryReader));
            string path = MakePath(dir, name);
            if (!entries.TryGetValue(path, out var zipEntry)) return null;
            var buffer = new MemoryStream();
            try
            {
                using var src = zipEntry.Open();
                src.CopyTo(buffer);
            }
            catch (Exception ex) when (ex is InvalidDataException || ex is IOException)
            {
                throw new FormatException($"Entry '{path}' of {SourceName} cannot be read (the file may be truncated or damaged): {ex.Message}", ex);
            }
            buffer.Position = 0;
            return new Entry(this, path, buffer);
        }

        protected override void OnDispose(Entry entry) => entry.Stream.Dispose();

        protected override void Dispose(bool disposing) => archive?.Dispose();
    }
}
