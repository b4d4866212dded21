using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

[assembly: DisableRuntimeMarshalling]

namespace Microsoft.ML.MaskRcnn.Native
{
    /// <summary>
    /// Finds the product's native libraries (lib&lt;Name&gt;.so, built from src/Native) without LD_LIBRARY_PATH:
    /// in $MASKRCNN_NATIVE_DIR, next to this assembly (where the repository's build copies them), where the NuGet package
    /// puts them (the application's runtimes/linux-&lt;arch&gt;/native, also found through the application's deps.json by
    /// the runtime's own probing), or in the repository's build/native folder. Declare imports with
    /// <c>[DllImport(NativeLibraryResolver.Ops)]</c> and so on.
    /// </summary>
    internal static class NativeLibraryResolver
    {
        /// <summary>Detection kernels (RoIAlign, NMS) over the CPU buffers of TorchSharp tensors.</summary>
        internal const string Ops = "MaskRcnnOps";

        /// <summary>Image decoding, encoding and resizing.</summary>
        internal const string Imaging = "MaskRcnnImaging";

        private static readonly HashSet<string> Known = new() { Ops, Imaging };

        [ModuleInitializer]
        internal static void Register() =>
            NativeLibrary.SetDllImportResolver(typeof(NativeLibraryResolver).Assembly, Resolve);

        private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
        {
            if (!Known.Contains(libraryName)) return IntPtr.Zero;
            string fileName = "lib" + libraryName + ".so";
            foreach (var directory in CandidateDirectories(assembly))
            {
                string path = Path.Combine(directory, fileName);
                if (File.Exists(path) && NativeLibrary.TryLoad(path, out var handle)) return handle;
            }
            // The runtime's probing (deps.json's native folders); it does not call this resolver again.
            if (NativeLibrary.TryLoad(libraryName, assembly, searchPath, out var probed)) return probed;
            throw new DllNotFoundException(
                $"{fileName} was not found in $MASKRCNN_NATIVE_DIR, next to {assembly.Location}, in the application's " +
                "runtimes/<rid>/native folders or in the repository's build/native. The Microsoft.ML.MaskRcnn package carries it for " +
                "linux-x64; in a clone of the repository, run ./build.sh from its root to build the native libraries.");
        }

        private static IEnumerable<string> CandidateDirectories(Assembly assembly)
        {
            string? fromEnvironment = Environment.GetEnvironmentVariable("MASKRCNN_NATIVE_DIR");
            if (!string.IsNullOrEmpty(fromEnvironment)) yield return fromEnvironment;
            string? assemblyDirectory = Path.GetDirectoryName(assembly.Location);
            if (!string.IsNullOrEmpty(assemblyDirectory)) yield return assemblyDirectory;
            yield return AppContext.BaseDirectory;
            string packageFolder = Path.Combine("runtimes", "linux-" + RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(), "native");
            if (!string.IsNullOrEmpty(assemblyDirectory)) yield return Path.Combine(assemblyDirectory, packageFolder);
            yield return Path.Combine(AppContext.BaseDirectory, packageFolder);
            for (var dir = assemblyDirectory is null ? null : new DirectoryInfo(assemblyDirectory); dir != null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "build", "native");
                if (Directory.Exists(candidate)) { yield return candidate; break; }
            }
        }
    }
}
