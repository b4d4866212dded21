using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Microsoft.ML.Compat.Tests
{
    /// <summary>
    /// Lists the public API of a compiled assembly in the line format of ../shared/tools/apilist
    /// ("Namespace.Type::member(Type name = default, ...) : ReturnType", type names cut to their last identifier), so
    /// that the compiled subset can be compared with the committed source listing without the shared tools. Default
    /// values are written as reflection sees them (constants), not as the source spells them.
    /// </summary>
    internal static class ReflectionApiListing
    {
        private static readonly Dictionary<Type, string> Keywords = new()
        {
            [typeof(void)] = "void", [typeof(bool)] = "bool", [typeof(byte)] = "byte", [typeof(sbyte)] = "sbyte", [typeof(short)] = "short",
            [typeof(ushort)] = "ushort", [typeof(int)] = "int", [typeof(uint)] = "uint", [typeof(long)] = "long", [typeof(ulong)] = "ulong",
            [typeof(float)] = "float", [typeof(double)] = "double", [typeof(decimal)] = "decimal", [typeof(char)] = "char",
            [typeof(string)] = "string", [typeof(object)] = "object",
        };

        public static IReadOnlyList<string> List(Assembly assembly)
        {
            var lines = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var type in assembly.GetTypes().Where(IsVisible))
            {
                if (typeof(Delegate).IsAssignableFrom(type.BaseType) && type.BaseType == typeof(MulticastDelegate))
                {
                    var invoke = type.GetMethod("Invoke");
                    lines.Add($"{Container(type)}::delegate {type.Name.Split('`')[0]}{TypeParameters(type)}({Parameters(invoke)}) : {Name(invoke.ReturnType)}");
                    continue;
                }
                string name = Container(type) + "." + type.Name.Split('`')[0] + TypeParameters(type);
                lines.Add($"{name}::{Kind(type)}{Bases(type)}");
                if (type.IsEnum)
                {
                    foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static)) lines.Add($"{name}::{field.Name}");
                    continue;
                }
                const BindingFlags declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
                bool isInterface = type.IsInterface;
                foreach (var ctor in type.GetConstructors(declared).Where(c => Visible(c) && !c.IsStatic))
                    lines.Add($"{name}::.ctor({Parameters(ctor)})");
                foreach (var method in type.GetMethods(declared).Where(m => (isInterface || Visible(m)) && !m.IsSpecialName))
                    lines.Add($"{name}::{Static(method)}{method.Name}{MethodTypeParameters(method)}({Parameters(method)}) : {Name(method.ReturnType)}");
                foreach (var op in type.GetMethods(declared).Where(m => Visible(m) && m.IsSpecialName && m.Name.StartsWith("op_", StringComparison.Ordinal)))
                    lines.Add($"{name}::operator {op.Name}({Parameters(op)}) : {Name(op.ReturnType)}");
                foreach (var property in type.GetProperties(declared))
                {
                    var accessors = new[] { ("get", property.GetMethod), ("set", property.SetMethod) }
                        .Where(a => a.Item2 != null && (isInterface || Visible(a.Item2))).Select(a => a.Item1 + ";").ToArray();
                    if (accessors.Length == 0) continue;
                    var any = property.GetMethod ?? property.SetMethod;
                    var indexParameters = property.GetIndexParameters();
                    string head = indexParameters.Length > 0 ? $"this[{Parameters(indexParameters, false)}]" : Static(any) + property.Name;
                    lines.Add($"{name}::{head} {{{string.Concat(accessors)}}} : {Name(property.PropertyType)}");
                }
                foreach (var field in type.GetFields(declared).Where(f => Visible(f) && !f.IsSpecialName))
                {
                    string modifiers = (field.IsStatic && !field.IsLiteral ? "static " : "") + (field.IsLiteral ? "const " : "") + (field.IsInitOnly ? "readonly " : "");
                    lines.Add($"{name}::{modifiers}{field.Name} : {Name(field.FieldType)}");
                }
                foreach (var ev in type.GetEvents(declared).Where(e => isInterface || Visible(e.AddMethod)))
                    lines.Add($"{name}::event {ev.Name} : {Name(ev.EventHandlerType)}");
            }
            return lines.ToList();
        }

        private static bool IsVisible(Type type)
        {
            for (var t = type; t != null; t = t.DeclaringType)
            {
                bool visible = t.IsNested ? t.IsNestedPublic || t.IsNestedFamily || t.IsNestedFamORAssem : t.IsPublic;
                if (!visible) return false;
            }
            return !type.IsDefined(typeof(CompilerGeneratedAttribute), false);
        }

        private static bool Visible(MethodBase m) => m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly;

        private static bool Visible(FieldInfo f) => f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly;

        private static string Static(MethodBase m) => m.IsStatic ? "static " : "";

        private static string Kind(Type type) =>
            type.IsInterface ? "interface" : type.IsEnum ? "enum" : type.IsValueType ? "struct" : "class";

        private static string Bases(Type type)
        {
            var bases = new List<string>();
            if (type.IsEnum)
            {
                var underlying = Enum.GetUnderlyingType(type);
                if (underlying != typeof(int)) bases.Add(Name(underlying));
            }
            else
            {
                if (type.BaseType != null && type.BaseType != typeof(object) && type.BaseType != typeof(ValueType)) bases.Add(Name(type.BaseType));
                var inherited = (type.BaseType?.GetInterfaces() ?? Type.EmptyTypes).Concat(type.GetInterfaces().SelectMany(i => i.GetInterfaces())).ToHashSet();
                bases.AddRange(type.GetInterfaces().Where(i => !inherited.Contains(i) && IsVisible(i)).Select(Name));
            }
            return bases.Count == 0 ? "" : " : " + string.Join(", ", bases);
        }

        private static string Container(Type type)
        {
            var parts = new List<string>();
            for (var t = type.DeclaringType; t != null; t = t.DeclaringType) parts.Insert(0, t.Name.Split('`')[0]);
            parts.Insert(0, type.Namespace ?? "");
            return string.Join(".", parts);
        }

        /// <summary>The type's own type parameters (not those of enclosing types), with variance.</summary>
        private static string TypeParameters(Type type)
        {
            if (!type.IsGenericTypeDefinition) return "";
            int inherited = type.DeclaringType?.GetGenericArguments().Length ?? 0;
            var own = type.GetGenericArguments().Skip(inherited).ToArray();
            if (own.Length == 0) return "";
            return "<" + string.Join(", ", own.Select(p =>
            {
                var variance = p.GenericParameterAttributes & GenericParameterAttributes.VarianceMask;
                return (variance == GenericParameterAttributes.Covariant ? "out " : variance == GenericParameterAttributes.Contravariant ? "in " : "") + p.Name;
            })) + ">";
        }

        private static string MethodTypeParameters(MethodInfo method) =>
            method.IsGenericMethodDefinition ? "<" + string.Join(", ", method.GetGenericArguments().Select(a => a.Name)) + ">" : "";

        private static string Parameters(MethodBase method) =>
            Parameters(method.GetParameters(), method.IsDefined(typeof(ExtensionAttribute), false));

        private static string Parameters(ParameterInfo[] parameters, bool extension) => string.Join(", ", parameters.Select((p, i) =>
        {
            string modifiers = "";
            if (i == 0 && extension) modifiers += "this ";
            if (p.IsDefined(typeof(ParamArrayAttribute), false)) modifiers += "params ";
            var type = p.ParameterType;
            if (type.IsByRef)
            {
                if (p.CustomAttributes.Any(a => a.AttributeType.Name == "ScopedRefAttribute")) modifiers += "scoped ";
                modifiers += p.IsOut ? "out " : p.IsDefined(typeof(IsReadOnlyAttribute), false) ? "in " : "ref ";
                type = type.GetElementType();
            }
            string value = p.HasDefaultValue ? " = " + DefaultValue(p.DefaultValue, type) : "";
            return $"{modifiers}{Name(type)} {p.Name}{value}";
        }));

        private static string DefaultValue(object value, Type type)
        {
            if (value == null)
                return type.IsGenericParameter || (type.IsValueType && Nullable.GetUnderlyingType(type) == null) ? $"default({Name(type)})" : "null";
            if (type.IsEnum) return Name(type) + "." + (Enum.GetName(type, value) ?? Convert.ToInt64(value).ToString());
            return value switch
            {
                bool b => b ? "true" : "false",
                string s => "\"" + s + "\"",
                float f => f.ToString("R", System.Globalization.CultureInfo.InvariantCulture) + "f",
                double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                IFormattable n => n.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
                _ => value.ToString(),
            };
        }

        /// <summary>A type name as the source listing writes it: last identifier, C# keywords, generics, arrays, nullables.</summary>
        internal static string Name(Type type)
        {
            if (type.IsByRef) return "ref " + Name(type.GetElementType());
            if (type.IsArray) return Name(type.GetElementType()) + "[" + new string(',', type.GetArrayRank() - 1) + "]";
            if (type.IsPointer) return Name(type.GetElementType()) + "*";
            if (type.IsGenericParameter) return type.Name;
            if (Keywords.TryGetValue(type, out var keyword)) return keyword;
            var underlying = Nullable.GetUnderlyingType(type);
            if (underlying != null) return Name(underlying) + "?";
            string name = type.Name.Split('`')[0];
            if (!type.IsGenericType) return name;
            int inherited = type.DeclaringType?.GetGenericArguments().Length ?? 0;
            var own = type.GetGenericArguments().Skip(inherited).ToArray();
            return own.Length == 0 ? name : name + "<" + string.Join(", ", own.Select(Name)) + ">";
        }
    }
}
