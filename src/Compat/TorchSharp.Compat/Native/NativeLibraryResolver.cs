using System;
using System.IO;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

[assembly: DisableRuntimeMarshalling]

namespace TorchSharp.Native
{
    /// <summary>
    /// Finds libTorchSharpBridge.so without LD_LIBRARY_PATH: next to this assembly (where the build copies it),
    /// in the directory named by TORCHSHARP_BRIDGE_DIR, or in the repository's build/native folder.
    /// </summary>
    internal static class NativeLibraryResolver
    {
        internal const string BridgeLibrary = "TorchSharpBridge";

        [ModuleInitializer]
        internal static void Register()
        {
            NativeLibrary.SetDllImportResolver(typeof(NativeLibraryResolver).Assembly, Resolve);
        }

        private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
        {
            if (libraryName != BridgeLibrary) return IntPtr.Zero;
            string fileName = "lib" + BridgeLibrary + ".so";
            foreach (var directory in CandidateDirectories(assembly))
            {
                string path = Path.Combine(directory, fileName);
                if (File.Exists(path) && NativeLibrary.TryLoad(path, out var handle)) return handle;
            }
            throw new DllNotFoundException(
                $"{fileName} was not found next to {assembly.Location}, in $TORCHSHARP_BRIDGE_DIR or in the repository's build/native. " +
                "Run ./build.sh from the repository root to install libtorch and build the native libraries.");
        }

        private static System.Collections.Generic.IEnumerable<string> CandidateDirectories(Assembly assembly)
        {
            string? fromEnvironment = Environment.GetEnvironmentVariable("TORCHSHARP_BRIDGE_DIR");
            if (!string.IsNullOrEmpty(fromEnvironment)) yield return fromEnvironment;
            string? assemblyDirectory = Path.GetDirectoryName(assembly.Location);
            if (!string.IsNullOrEmpty(assemblyDirectory)) yield return assemblyDirectory;
            yield return AppContext.BaseDirectory;
            // Development fallback: walk up to the repository root and use its CMake output.
            for (var dir = assemblyDirectory is null ? null : new DirectoryInfo(assemblyDirectory); dir != null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "build", "native");
                if (Directory.Exists(candidate)) { yield return candidate; break; }
            }
        }
    }
}
