using System;

// The product is an ML.NET component written as ML.NET writes its own (LoadableClass, ModelSaveContext,
// RowToRowTransformerBase), an API ML.NET keeps internal. It compiles against copies of these assemblies with that API
// opened (see the product's project file); these attributes tell the runtime to let it use the real ones.
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Core")]
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Data")]
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.ImageAnalytics")]

namespace System.Runtime.CompilerServices
{
    /// <summary>
    /// Honoured by the .NET runtime (not declared by the base library): the assembly that carries it may use the
    /// non-public types and members of the named assembly.
    /// </summary>
    [AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
    internal sealed class IgnoresAccessChecksToAttribute : Attribute
    {
        public IgnoresAccessChecksToAttribute(string assemblyName) => AssemblyName = assemblyName;

        public string AssemblyName { get; }
    }
}
