using System;
using System.IO;
using System.Linq;
using Mono.Cecil;

namespace Microsoft.ML.MaskRcnn.BuildTools
{
    /// <summary>
    /// <c>ReferencePublicizer OUTPUT_DIR ASSEMBLY...</c>: writes each assembly to OUTPUT_DIR with every type public,
    /// internal members public and <c>private protected</c> members <c>protected</c>. The copies are for compiling only:
    /// their identity (name, version, public key) is the original's, so the compiled product binds to the real assemblies.
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            if (args.Length < 2)
            {
                Console.Error.WriteLine("usage: ReferencePublicizer OUTPUT_DIR ASSEMBLY...");
                return 2;
            }
            string output = Path.GetFullPath(args[0]);
            Directory.CreateDirectory(output);
            var resolver = new DefaultAssemblyResolver();
            foreach (string dir in args.Skip(1).Select(a => Path.GetDirectoryName(Path.GetFullPath(a))!).Distinct())
                resolver.AddSearchDirectory(dir);
            foreach (string input in args.Skip(1))
            {
                using var assembly = AssemblyDefinition.ReadAssembly(input, new ReaderParameters { AssemblyResolver = resolver, ReadingMode = ReadingMode.Immediate });
                int changed = assembly.Modules.SelectMany(m => m.Types).Sum(Publicize);
                string target = Path.Combine(output, Path.GetFileName(input));
                assembly.Write(target);
                Console.WriteLine($"ReferencePublicizer: {Path.GetFileName(input)}: {changed} types and members opened -> {target}");
            }
            return 0;
        }

        /// <summary>Opens a type, its members and its nested types; returns how many were changed.</summary>
        private static int Publicize(TypeDefinition type)
        {
            // ML.NET carries private copies of compiler and framework helper types (e.g. IsReadOnlyAttribute);
            // opening them would clash with the product's own.
            if (IsHelperNamespace(type) || type.Name.StartsWith('<')) return 0;
            int changed = 0;
            if (type.IsNested ? !type.IsNestedPublic : !type.IsPublic)
            {
                if (type.IsNested) type.IsNestedPublic = true;
                else type.IsPublic = true;
                changed++;
            }
            foreach (var method in type.Methods)
            {
                if (method.IsAssembly) { method.IsPublic = true; changed++; }
                else if (method.IsFamilyAndAssembly) { method.IsFamily = true; changed++; }
            }
            foreach (var field in type.Fields)
            {
                if (field.Name.StartsWith('<')) continue; // backing fields of auto-properties
                if (field.IsAssembly) { field.IsPublic = true; changed++; }
                else if (field.IsFamilyAndAssembly) { field.IsFamily = true; changed++; }
            }
            foreach (var nested in type.NestedTypes) changed += Publicize(nested);
            return changed;
        }

        private static bool IsHelperNamespace(TypeDefinition type)
        {
            while (type.IsNested) type = type.DeclaringType;
            return type.Namespace == "System" || type.Namespace.StartsWith("System.", StringComparison.Ordinal)
                || type.Namespace.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal);
        }
    }
}
