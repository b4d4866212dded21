using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace Microsoft.ML.Runtime
{
    /// <summary>
    /// The loadable components known to an environment, found through the assembly-level
    /// <see cref="LoadableClassAttribute"/>s of registered assemblies. Model loading looks components up by the loader
    /// signature recorded in each Model.key header.
    /// </summary>
    public sealed class ComponentCatalog
    {
        private readonly object gate = new object();
        private readonly HashSet<Assembly> registered = new HashSet<Assembly>();
        private readonly Dictionary<(Type Signature, string LoadName), LoadableClassAttribute> classes = new();

        internal ComponentCatalog()
        {
            RegisterAssembly(typeof(ComponentCatalog).Assembly);
        }

        /// <summary>Registers the loadable components declared by <paramref name="assembly"/>.</summary>
        public void RegisterAssembly(Assembly assembly, bool throwOnError = true)
        {
            if (assembly == null) throw new ArgumentNullException(nameof(assembly));
            lock (gate)
            {
                if (!registered.Add(assembly)) return;
                IEnumerable<LoadableClassAttribute> attributes;
                try
                {
                    attributes = assembly.GetCustomAttributes<LoadableClassAttribute>().ToArray();
                }
                catch (Exception ex) when (!throwOnError)
                {
                    _ = ex;
                    return;
                }
                foreach (var attribute in attributes)
                    foreach (var signature in attribute.SignatureTypes)
                        foreach (var name in attribute.LoadNames)
                        {
                            var key = (signature, name);
                            if (classes.TryGetValue(key, out var existing) && existing.InstanceType != attribute.InstanceType)
                            {
                                if (throwOnError)
                                    throw new InvalidOperationException(
                                        $"Load name '{name}' is registered by both {existing.InstanceType} and {attribute.InstanceType}.");
                                continue;
                            }
                            classes[key] = attribute;
                        }
            }
        }

        /// <summary>Whether a component is registered under <paramref name="loadName"/> for signature <typeparamref name="TSig"/>.</summary>
        internal bool Contains<TSig>(string loadName)
        {
            lock (gate) return classes.ContainsKey((typeof(TSig), loadName));
        }

        /// <summary>
        /// Creates the component registered under <paramref name="name"/> for signature <typeparamref name="TSig"/>, passing
        /// <paramref name="extra"/> (for loading: the ModelLoadContext) to its static Create method or constructor, with or
        /// without a leading <see cref="IHostEnvironment"/>.
        /// </summary>
        internal static bool TryCreateInstance<TRes, TSig>(IHostEnvironment env, out TRes result, string name, string options, params object[] extra)
            where TRes : class
        {
            result = null;
            if (env == null) throw new ArgumentNullException(nameof(env));
            LoadableClassAttribute info;
            var catalog = env.ComponentCatalog;
            lock (catalog.gate)
                if (!catalog.classes.TryGetValue((typeof(TSig), name), out info)) return false;
            object instance = info.CreateInstance(env, extra ?? Array.Empty<object>());
            result = instance as TRes;
            return result != null;
        }
    }
}
