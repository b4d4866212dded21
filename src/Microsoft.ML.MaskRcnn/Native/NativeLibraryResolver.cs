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
    /// next to this assembly (where the build copies them), in $MASKRCNN_NATIVE_DIR, or in the repository's
    /// build/native folder. Declare imports with <c>[DllImport(NativeLibraryResolver.Ops)]</c> and so on.
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
            throw new DllNotFoundException(
                $"{fileName} was not found next to {assembly.Location}, in $MASKRCNN_NATIVE_DIR or in the repository's build/native. " +
                "Run ./build.sh from the repository root to install the dependencies and build the native libraries.");
        }

        private static IEnumerable<string> CandidateDirectories(Assembly assembly)
        {
            string? fromEnvironment = Environment.GetEnvironmentVariable("MASKRCNN_NATIVE_DIR");
            if (!string.IsNullOrEmpty(fromEnvironment)) yield return fromEnvironment;
            string? assemblyDirectory = Path.GetDirectoryName(assembly.Location);
            if (!string.IsNullOrEmpty(assemblyDirectory)) yield return assemblyDirectory;
            yield return AppContext.BaseDirectory;
            for (var dir = assemblyDirectory is null ? null : new DirectoryInfo(assemblyDirectory); dir != null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "build", "native");
                if (Directory.Exists(candidate)) { yield return candidate; break; }
            }
        }
    }
}
