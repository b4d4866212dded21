using System;

namespace TorchSharp.Utils
{
    /// <summary>Registers a module field under <see cref="Name"/> instead of the field's own name.</summary>
    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
    public sealed class ComponentNameAttribute : Attribute
    {
        /// <summary>The state-dict name of the component.</summary>
        public string Name { get; set; } = "";
    }
}
