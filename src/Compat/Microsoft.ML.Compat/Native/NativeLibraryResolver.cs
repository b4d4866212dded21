using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

[assembly: DisableRuntimeMarshalling]

namespace Microsoft.ML.Internal.Native
{
    /// <summary>
    /// Finds libMaskRcnnImaging.so (the image codec MLImage uses, built from src/Native/imaging) without
    /// LD_LIBRARY_PATH: next to this assembly (where the build copies it), in $MASKRCNN_NATIVE_DIR, or in the
    /// repository's build/native folder.
    /// </summary>
    internal static class NativeLibraryResolver
    {
        internal const string Imaging = "MaskRcnnImaging";

        [ModuleInitializer]
        internal static void Register() =>
            NativeLibrary.SetDllImportResolver(typeof(NativeLibraryResolver).Assembly, Resolve);

        private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
        {
            if (libraryName != Imaging) return IntPtr.Zero;
            string fileName = "lib" + libraryName + ".so";
            foreach (var directory in CandidateDirectories(assembly))
            {
                string path = Path.Combine(directory, fileName);
                if (File.Exists(path) && NativeLibrary.TryLoad(path, out var handle)) return handle;
            }
            throw new DllNotFoundException(
                $"{fileName} (the image codec of MLImage) was not found next to {assembly.Location}, in $MASKRCNN_NATIVE_DIR or in the " +
                "repository's build/native. Run ./build.sh from the repository root to install the dependencies and build the native libraries.");
        }

        private static IEnumerable<string> CandidateDirectories(Assembly assembly)
        {
            string fromEnvironment = Environment.GetEnvironmentVariable("MASKRCNN_NATIVE_DIR");
            if (!string.IsNullOrEmpty(fromEnvironment)) yield return fromEnvironment;
            string assemblyDirectory = Path.GetDirectoryName(assembly.Location);
            if (!string.IsNullOrEmpty(assemblyDirectory)) yield return assemblyDirectory;
            yield return AppContext.BaseDirectory;
            for (var dir = string.IsNullOrEmpty(assemblyDirectory) ? null : new DirectoryInfo(assemblyDirectory); dir != null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "build", "native");
                if (Directory.Exists(candidate))
                {
                    yield return candidate;
                    break;
                }
            }
        }
    }
}
