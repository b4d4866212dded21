using System;

// Declared once, by Microsoft.ML.MaskRcnn.Scoring; the main assembly sees it through InternalsVisibleTo
// (the runtime recognizes the attribute by its name, wherever it is declared).
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
