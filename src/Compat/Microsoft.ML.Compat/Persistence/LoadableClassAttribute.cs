using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.ML.Runtime;

namespace Microsoft.ML
{
    /// <summary>The signature of components that load themselves from a Model.key stream (friend-only, as in ML.NET).</summary>
    internal delegate void SignatureLoadModel(ModelLoadContext ctx);

    /// <summary>
    /// Declares, at assembly level, a component that the <see cref="ComponentCatalog"/> can create by name: the instance
    /// type, the type holding its static Create factory (the instance type itself when omitted), the signature types and
    /// the load names (for models: the loader signature written in the Model.key header). Friend-only, as in ML.NET.
    /// </summary>
    [AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
    internal sealed class LoadableClassAttribute : Attribute
    {
        public LoadableClassAttribute(Type instType, Type argType, Type sigType, string userName, params string[] loadNames)
            : this(null, instType, instType, argType, new[] { sigType }, userName, loadNames)
        {
        }

        public LoadableClassAttribute(Type instType, Type loaderType, Type argType, Type sigType, string userName, params string[] loadNames)
            : this(null, instType, loaderType, argType, new[] { sigType }, userName, loadNames)
        {
        }

        public LoadableClassAttribute(string summary, Type instType, Type argType, Type sigType, string userName, params string[] loadNames)
            : this(summary, instType, instType, argType, new[] { sigType }, userName, loadNames)
        {
        }

        public LoadableClassAttribute(string summary, Type instType, Type loaderType, Type argType, Type sigType, string userName, params string[] loadNames)
            : this(summary, instType, loaderType, argType, new[] { sigType }, userName, loadNames)
        {
        }

        public LoadableClassAttribute(string summary, Type instType, Type loaderType, Type argType, Type[] sigTypes, string userName, params string[] loadNames)
        {
            Summary = summary;
            InstanceType = instType ?? throw new ArgumentNullException(nameof(instType));
            LoaderType = loaderType ?? instType;
            ArgumentType = argType;
            SignatureTypes = sigTypes ?? throw new ArgumentNullException(nameof(sigTypes));
            UserName = userName;
            LoadNames = loadNames ?? Array.Empty<string>();
        }

        public string Summary { get; }

        public Type InstanceType { get; }

        public Type LoaderType { get; }

        public Type ArgumentType { get; }

        public Type[] SignatureTypes { get; }

        public string UserName { get; }

        public string[] LoadNames { get; }

        /// <summary>
        /// Calls the first matching factory: a static Create(...) on the loader type returning the instance type, then a
        /// constructor of the instance type, each tried with (env, extra...) and (extra...).
        /// </summary>
        internal object CreateInstance(IHostEnvironment env, object[] extra)
        {
            var withEnv = new object[extra.Length + 1];
            withEnv[0] = env;
            Array.Copy(extra, 0, withEnv, 1, extra.Length);
            const BindingFlags any = BindingFlags.Public | BindingFlags.NonPublic;

            foreach (var method in LoaderType.GetMethods(any | BindingFlags.Static).Where(m => m.Name == "Create"))
            {
                if (!InstanceType.IsAssignableFrom(method.ReturnType) && !method.ReturnType.IsAssignableFrom(InstanceType)) continue;
                if (Matches(method.GetParameters(), withEnv)) return Invoke(() => method.Invoke(null, withEnv));
                if (Matches(method.GetParameters(), extra)) return Invoke(() => method.Invoke(null, extra));
            }
            foreach (var ctor in InstanceType.GetConstructors(any | BindingFlags.Instance))
            {
                if (Matches(ctor.GetParameters(), withEnv)) return Invoke(() => ctor.Invoke(withEnv));
                if (Matches(ctor.GetParameters(), extra)) return Invoke(() => ctor.Invoke(extra));
            }
            var instance = InstanceType.GetProperty("Instance", BindingFlags.Public | BindingFlags.Static);
            if (instance != null && extra.Length == 0) return instance.GetValue(null);
            throw new InvalidOperationException(
                $"{InstanceType} is registered as loadable but has no static Create method or constructor taking ({string.Join(", ", withEnv.Select(a => a?.GetType().Name ?? "null"))}).");
        }

        private static bool Matches(ParameterInfo[] parameters, object[] args)
        {
            if (parameters.Length != args.Length) return false;
            for (int i = 0; i < args.Length; i++)
            {
                var type = parameters[i].ParameterType;
                if (args[i] == null ? type.IsValueType : !type.IsInstanceOfType(args[i])) return false;
            }
            return true;
        }

        private static object Invoke(Func<object> call)
        {
            try
            {
                return call();
            }
            catch (TargetInvocationException ex) when (ex.InnerException != null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
                throw;
            }
        }
    }
}
