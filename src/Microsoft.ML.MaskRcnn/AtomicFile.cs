using System;
using System.IO;

namespace Microsoft.ML.MaskRcnn
{
    /// <summary>
    /// Replaces a file all at once: the new content goes to a temporary file in the same folder, is flushed to the disk,
    /// and is then renamed over the target (a rename within one file system is atomic). A process killed at any moment
    /// leaves either the previous file or the new one under the target's name, never a part of either.
    /// </summary>
    internal static class AtomicFile
    {
        /// <summary>The suffix of the temporary file, which a killed writer leaves behind (the next write replaces it).</summary>
        public const string TemporarySuffix = ".partial";

        /// <summary>Writes <paramref name="path"/> with <paramref name="write"/>; on failure the target is left as it was.</summary>
        public static void Write(string path, Action<Stream> write)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            ArgumentNullException.ThrowIfNull(write);
            string full = Path.GetFullPath(path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            string temporary = full + TemporarySuffix;
            try
            {
                using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
                {
                    write(file);
                    file.Flush(flushToDisk: true);
                }
                File.Move(temporary, full, overwrite: true);
            }
            finally
            {
                if (File.Exists(temporary)) File.Delete(temporary);
            }
        }
    }
}
