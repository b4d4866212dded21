using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.MLNet
{
    /// <summary>
    /// The product (Microsoft.ML.MaskRcnn and Microsoft.ML.MaskRcnn.Scoring) compiles against ML.NET with its internal API
    /// opened and runs on the real assemblies (IgnoresAccessChecksTo).
    /// Every ML.NET assembly has version 1.0.0.0, so another ML.NET binds without a word: these tests read the product's
    /// metadata, list each non-public ML.NET type and member it uses, hold that list to the one below (so that a new use is
    /// a deliberate change, documented in docs/architecture.md) and check that each exists in the ML.NET the tests run on.
    /// </summary>
    [TestClass]
    public sealed class MLNetInternalApiTests
    {
        /// <summary>The non-public ML.NET API the product uses (type, member or override), sorted.</summary>
        private static readonly string[] Expected =
        {
            "Microsoft.ML.Data.CatalogUtils.GetEnvironment",
            "Microsoft.ML.Data.RowToRowTransformerBase..ctor",
            "Microsoft.ML.Data.RowToRowTransformerBase.Host",
            "Microsoft.ML.Data.RowToRowTransformerBase.MapperBase..ctor",
            "Microsoft.ML.Data.RowToRowTransformerBase.MapperBase.CreateGetters",
            "Microsoft.ML.Data.RowToRowTransformerBase.MapperBase.Host",
            "Microsoft.ML.Data.RowToRowTransformerBase.SaveModel",
            "Microsoft.ML.LoadableClassAttribute..ctor",
            "Microsoft.ML.ModelHeader.ModelVerWritten",
            "Microsoft.ML.ModelLoadContext.CheckAtModel",
            "Microsoft.ML.ModelLoadContext.Directory",
            "Microsoft.ML.ModelLoadContext.Header",
            "Microsoft.ML.ModelLoadContext.LoadNonEmptyString",
            "Microsoft.ML.ModelLoadContext.Reader",
            "Microsoft.ML.ModelLoadContext.Repository",
            "Microsoft.ML.ModelLoadContext.TryLoadBinaryStream",
            "Microsoft.ML.ModelSaveContext.CheckAtModel",
            "Microsoft.ML.ModelSaveContext.SaveBinaryStream",
            "Microsoft.ML.ModelSaveContext.SaveNonEmptyString",
            "Microsoft.ML.ModelSaveContext.SetVersionInfo",
            "Microsoft.ML.ModelSaveContext.Writer",
            "Microsoft.ML.Runtime.Contracts.Check",
            "Microsoft.ML.Runtime.Contracts.CheckRef",
            "Microsoft.ML.Runtime.Contracts.CheckValue",
            "Microsoft.ML.Runtime.Contracts.Except",
            "Microsoft.ML.Runtime.Contracts.ExceptParam",
            "Microsoft.ML.Runtime.Contracts.ExceptSchemaMismatch",
            "Microsoft.ML.Runtime.IHostEnvironmentInternal.get_FallbackToCpu",
            "Microsoft.ML.Runtime.IHostEnvironmentInternal.get_GpuDeviceId",
            "Microsoft.ML.Runtime.IHostEnvironmentInternal.get_TempFilePath",
            "Microsoft.ML.SchemaShape.Column..ctor",
            "Microsoft.ML.SchemaShape.Column.GetTypeString",
            "Microsoft.ML.SchemaShape.TryFindColumn",
            "Microsoft.ML.Transforms.TransformInputBase..ctor",
            "Microsoft.ML.VersionInfo..ctor",
            "override Microsoft.ML.Data.RowToRowTransformerBase.MakeRowMapper",
            "override Microsoft.ML.Data.RowToRowTransformerBase.MapperBase.GetDependenciesCore",
            "override Microsoft.ML.Data.RowToRowTransformerBase.MapperBase.SaveModel",
            "override Microsoft.ML.Data.RowToRowTransformerBase.SaveModel",
            "type Microsoft.ML.Data.CatalogUtils",
            "type Microsoft.ML.Data.IInternalCatalog",
            "type Microsoft.ML.Data.IRowMapper",
            "type Microsoft.ML.Data.RowToRowTransformerBase.MapperBase",
            "type Microsoft.ML.LoadableClassAttribute",
            "type Microsoft.ML.ModelHeader",
            "type Microsoft.ML.ModelLoadContext",
            "type Microsoft.ML.RepositoryReader",
            "type Microsoft.ML.Runtime.Contracts",
            "type Microsoft.ML.Runtime.IHostEnvironmentInternal",
            "type Microsoft.ML.SignatureLoadModel",
            "type Microsoft.ML.VersionInfo"
        };

        private const BindingFlags Everything = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

        [TestMethod]
        public void TheProductUsesExactlyTheListedInternalMLNetApiAndEachExistsInTheMLNetItRunsOn()
        {
            var (used, missing) = NonPublicMLNetApiUsedByTheProduct();
            Assert.AreEqual(0, missing.Count, "missing from the ML.NET the tests run on:\n" + string.Join("\n", missing));
            var actual = used.OrderBy(u => u, StringComparer.Ordinal).ToArray();
            CollectionAssert.AreEqual(Expected, actual,
                "the product's use of ML.NET internals changed; now:\n" + string.Join("\n", actual.Select(a => $"            \"{a}\",")));
        }

        [TestMethod]
        public void TheTestsRunOnTheMLNetVersionTheProductAccepts()
        {
            var core = typeof(MLContext).Assembly;
            string? informational = core.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
            Assert.IsNotNull(informational);
            StringAssert.StartsWith(informational, "6.0.", "the product's package accepts ML.NET [6.0.0, 6.1)");
        }

        // Both of the product's assemblies compile against the opened ML.NET (src/MLNetInternalApi.targets).
        private static (HashSet<string> Used, List<string> Missing) NonPublicMLNetApiUsedByTheProduct()
        {
            var used = new HashSet<string>(StringComparer.Ordinal);
            var missing = new List<string>();
            foreach (var product in new[] { typeof(MaskRcnnTransformer).Assembly, typeof(Scoring.MaskRcnnOnnxScorer).Assembly })
                AddNonPublicMLNetApiUsedBy(product, used, missing);
            return (used, missing);
        }

        private static void AddNonPublicMLNetApiUsedBy(Assembly product, HashSet<string> used, List<string> missing)
        {
            using var pe = new PEReader(File.OpenRead(product.Location));
            var md = pe.GetMetadataReader();

            foreach (var handle in md.TypeReferences)
            {
                var type = Resolve(md, handle, out string name);
                if (!IsMLNet(md, handle)) continue;
                if (type is null) missing.Add("type " + name);
                else if (!type.IsVisible) used.Add("type " + Describe(type));
            }

            foreach (var handle in md.MemberReferences)
            {
                var reference = md.GetMemberReference(handle);
                var parent = ParentType(md, reference.Parent);
                if (parent is not { } typeHandle || !IsMLNet(md, typeHandle)) continue;
                var type = Resolve(md, typeHandle, out string typeName);
                string member = md.GetString(reference.Name);
                if (type is null) continue; // reported with the type references
                var candidates = type.GetMember(member, Everything);
                if (candidates.Length == 0) missing.Add($"{typeName}.{member}");
                else if (!type.IsVisible || !candidates.Any(IsAccessibleToOtherAssemblies)) used.Add($"{Describe(type)}.{member}");
            }

            foreach (var type in product.GetTypes())
                foreach (var method in type.GetMethods(Everything).Where(m => m.IsVirtual))
                {
                    var root = method.GetBaseDefinition();
                    if (root.DeclaringType is { } declaring && declaring.Assembly != product && IsMLNetAssembly(declaring.Assembly.GetName().Name)
                        && !IsAccessibleToOtherAssemblies(root))
                        used.Add($"override {Describe(declaring)}.{root.Name}");
                }
        }

        private static bool IsAccessibleToOtherAssemblies(MemberInfo member) => member switch
        {
            MethodBase m => m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly,
            FieldInfo f => f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly,
            Type t => t.IsVisible,
            _ => true, // properties and events are used through their accessors, which are method references
        };

        private static bool IsMLNetAssembly(string? name) =>
            name is not null && name.StartsWith("Microsoft.ML", StringComparison.Ordinal) && !name.StartsWith("Microsoft.ML.MaskRcnn", StringComparison.Ordinal);

        private static bool IsMLNet(MetadataReader md, TypeReferenceHandle handle)
        {
            var reference = md.GetTypeReference(handle);
            while (reference.ResolutionScope.Kind == HandleKind.TypeReference)
                reference = md.GetTypeReference((TypeReferenceHandle)reference.ResolutionScope);
            return reference.ResolutionScope.Kind == HandleKind.AssemblyReference
                && IsMLNetAssembly(md.GetString(md.GetAssemblyReference((AssemblyReferenceHandle)reference.ResolutionScope).Name));
        }

        /// <summary>The type a member reference belongs to; for a generic instantiation, its generic type.</summary>
        private static TypeReferenceHandle? ParentType(MetadataReader md, EntityHandle parent)
        {
            if (parent.Kind == HandleKind.TypeReference) return (TypeReferenceHandle)parent;
            if (parent.Kind != HandleKind.TypeSpecification) return null;
            var blob = md.GetBlobReader(md.GetTypeSpecification((TypeSpecificationHandle)parent).Signature);
            if (blob.ReadSignatureTypeCode() != SignatureTypeCode.GenericTypeInstance) return null;
            blob.ReadSignatureTypeCode(); // class or value type
            var generic = blob.ReadTypeHandle();
            return generic.Kind == HandleKind.TypeReference ? (TypeReferenceHandle)generic : null;
        }

        private static Type? Resolve(MetadataReader md, TypeReferenceHandle handle, out string name)
        {
            var reference = md.GetTypeReference(handle);
            if (reference.ResolutionScope.Kind == HandleKind.TypeReference)
            {
                var outer = Resolve(md, (TypeReferenceHandle)reference.ResolutionScope, out string outerName);
                name = outerName + "+" + md.GetString(reference.Name);
                return outer?.GetNestedType(md.GetString(reference.Name), BindingFlags.Public | BindingFlags.NonPublic);
            }
            string ns = md.GetString(reference.Namespace);
            name = (ns.Length == 0 ? "" : ns + ".") + md.GetString(reference.Name);
            if (reference.ResolutionScope.Kind != HandleKind.AssemblyReference) return null;
            string assembly = md.GetString(md.GetAssemblyReference((AssemblyReferenceHandle)reference.ResolutionScope).Name);
            return Type.GetType($"{name}, {assembly}", throwOnError: false);
        }

        private static string Describe(Type type)
        {
            string name = type.IsGenericType ? type.Name[..type.Name.IndexOf('`')] + "<" + new string(',', type.GetGenericArguments().Length - 1) + ">" : type.Name;
            return type.DeclaringType is { } outer ? Describe(outer) + "." + name : type.Namespace + "." + name;
        }
    }
}
