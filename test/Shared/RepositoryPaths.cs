using System;
using System.IO;

namespace Microsoft.ML.MaskRcnn.TestUtilities
{
    /// <summary>Locates the repository and the shared folder beside it (../shared: data, reference listings, tools).</summary>
    public static class RepositoryPaths
    {
        private static readonly Lazy<string> root = new(FindRoot);

        /// <summary>The repository root (the folder holding Microsoft.ML.MaskRcnn.sln).</summary>
        public static string Root => root.Value;

        /// <summary>The shared folder beside the repository, which may be absent on a user's machine.</summary>
        public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

        /// <summary>The real datasets (../shared/data); tests that need them skip when absent.</summary>
        public static string SharedData => Path.Combine(Shared, "data");

        /// <summary>The Python reference scripts.</summary>
        public static string ReferenceScripts => Path.Combine(Root, "test", "reference");

        /// <summary>Scratch space for generated reference data (ignored by git).</summary>
        public static string Artifacts => Path.Combine(Root, "artifacts");

        private static string FindRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Microsoft.ML.MaskRcnn.sln"))) return dir.FullName;
            throw new InvalidOperationException($"Cannot find the repository root above {AppContext.BaseDirectory}.");
        }
    }
}
