using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Microsoft.ML.MaskRcnn.Cli
{
    /// <summary>
    /// Output folders a command creates, removed again (with what the command wrote into them) unless the command calls
    /// <see cref="Keep"/>: a failed run leaves no empty or half-filled folder behind. Folders that existed before are
    /// never removed.
    /// </summary>
    internal sealed class CreatedFolders : IDisposable
    {
        private readonly List<string> created = new();
        private bool keep;

        /// <summary>Creates each folder (and any missing parent), remembering the outermost ones that did not exist.</summary>
        public CreatedFolders(params string?[] folders)
        {
            foreach (var folder in folders.OfType<string>())
            {
                string? outermostMissing = null;
                for (var dir = new DirectoryInfo(Path.GetFullPath(folder)); dir is not null && !dir.Exists; dir = dir.Parent)
                    outermostMissing = dir.FullName;
                Directory.CreateDirectory(folder);
                if (outermostMissing is not null) created.Add(outermostMissing);
            }
        }

        /// <summary>The command succeeded: leave everything in place.</summary>
        public void Keep() => keep = true;

        public void Dispose()
        {
            if (keep) return;
            // Inner folders were listed after the ones holding them; remove from the last.
            for (int i = created.Count - 1; i >= 0; i--)
            {
                try
                {
                    if (Directory.Exists(created[i])) Directory.Delete(created[i], recursive: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Cleaning up must not hide the failure being reported.
                }
            }
        }
    }
}
