using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using TorchSharp.Modules;
using TorchSharp.Utils;

namespace TorchSharp
{
    public static partial class torch
    {
        public static partial class nn
        {
            /// <summary>
            /// Base class of all modules: owns parameters, buffers and submodules, registered under their field names
            /// (see <see cref="RegisterComponents"/>), and gives them PyTorch's state-dict names.
            /// </summary>
            public class Module : IDisposable
            {
                private readonly List<KeyValuePair<string, Parameter>> parametersInOrder = new();
                private readonly List<KeyValuePair<string, (Tensor tensor, bool persistent)>> buffersInOrder = new();
                private readonly List<KeyValuePair<string, Module>> childrenInOrder = new();
                private bool isTraining = true;

                /// <summary>Creates a module whose <see cref="GetName"/> is <paramref name="name"/>.</summary>
                protected Module(string name) { this.name = name; }

                /// <summary>The module's name, as given to its constructor.</summary>
                protected string? name;

                /// <summary>The module's name, as given to its constructor.</summary>
                public virtual string GetName() => name ?? GetType().Name;

                // ---- registration ---------------------------------------------------------------------

                /// <summary>
                /// Registers every Module, Parameter and Tensor field (of this class and its bases, public or not) under its
                /// field name (or [ComponentName]). Call at the end of a custom module's constructor.
                /// </summary>
                protected virtual void RegisterComponents()
                {
                    for (var type = GetType(); type != null && type != typeof(Module); type = type.BaseType)
                    {
                        foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                        {
                            string fieldName = ComponentName(field);
                            var value = field.GetValue(this);
                            // A component already registered under another name (e.g. a property's backing field) is not registered twice.
                            if (value is not null && IsRegistered(value)) continue;
                            switch (value)
                            {
                                case Module submodule when !HasChild(fieldName) && !ReferenceEquals(submodule, this):
                                    register_module(fieldName, submodule);
                                    break;
                                case Modules.Parameter parameter when !has_parameter(fieldName):
                                    register_parameter(fieldName, parameter);
                                    break;
                                case Tensor buffer when buffer is not Modules.Parameter && !has_buffer(fieldName):
                                    register_buffer(fieldName, buffer);
                                    break;
                            }
                        }
                    }
                }

                private static string ComponentName(FieldInfo field)
                {
                    var attribute = field.GetCustomAttribute<ComponentNameAttribute>();
                    if (attribute?.Name is { Length: > 0 } explicitName) return explicitName;
                    // Auto-property backing fields are named <Name>k__BackingField.
                    var fieldName = field.Name;
                    if (fieldName.StartsWith("<", StringComparison.Ordinal) && fieldName.Contains(">k__BackingField", StringComparison.Ordinal))
                        return fieldName.Substring(1, fieldName.IndexOf('>') - 1);
                    return fieldName;
                }

                private static void ValidateName(string name, string kind)
                {
                    if (string.IsNullOrEmpty(name) || name.Contains('.'))
                        throw new ArgumentException($"Invalid {kind} name '{name}': it must be non-empty and must not contain '.'.", nameof(name));
                }

                /// <summary>Registers a parameter under <paramref name="name"/>.</summary>
                public virtual void register_parameter(string name, Parameter param)
                {
                    ValidateName(name, "parameter");
                    if (param is null) throw new ArgumentNullException(nameof(param));
                    Replace(parametersInOrder, name, param);
                }

                /// <summary>Registers a buffer (state that is not trained); persistent buffers are part of the state dict.</summary>
                public virtual void register_buffer(string name, Tensor tensor, bool persistent = true)
                {
                    ValidateName(name, "buffer");
                    if (tensor is null) throw new ArgumentNullException(nameof(tensor));
                    // The module owns its buffers: they must survive the dispose scope they were created in.
                    tensor.DetachFromDisposeScope();
                    Replace(buffersInOrder, name, (tensor, persistent));
                }

                /// <summary>Registers a submodule under <paramref name="name"/>.</summary>
                public virtual void register_module(string name, Module submodule)
                {
                    ValidateName(name, "module");
                    if (submodule is null) throw new ArgumentNullException(nameof(submodule));
                    submodule.RegisterComponentsIfNeeded();
                    Replace(childrenInOrder, name, submodule);
                }

                /// <summary>Registers a submodule under <paramref name="name"/>.</summary>
                public void add_module(string name, Module module) => register_module(name, module);

                /// <summary>Registers a parameter if it is not null.</summary>
                protected void ConditionallyRegisterParameter(string name, Parameter? value)
                {
                    if (value is not null) register_parameter(name, value);
                }

                /// <summary>Registers a tensor as a parameter if it is not null.</summary>
                protected void ConditionallyRegisterParameter(string name, Tensor value)
                {
                    if (value is null) return;
                    register_parameter(name, value as Parameter ?? new Parameter(value));
                }

                /// <summary>Registers a buffer if it is not null.</summary>
                protected void ConditionallyRegisterBuffer(string name, Tensor? value, bool persistent = true)
                {
                    if (value is not null) register_buffer(name, value, persistent);
                }

                private bool componentsRegistered;

                internal void RegisterComponentsIfNeeded()
                {
                    if (componentsRegistered) return;
                    componentsRegistered = true;
                    RegisterComponents();
                }

                private static void Replace<T>(List<KeyValuePair<string, T>> list, string key, T value)
                {
                    int index = list.FindIndex(p => p.Key == key);
                    if (index >= 0) list[index] = new KeyValuePair<string, T>(key, value);
                    else list.Add(new KeyValuePair<string, T>(key, value));
                }

                private bool HasChild(string name) => childrenInOrder.Any(c => c.Key == name);

                private bool IsRegistered(object component) =>
                    parametersInOrder.Any(p => ReferenceEquals(p.Value, component)) ||
                    buffersInOrder.Any(b => ReferenceEquals(b.Value.tensor, component)) ||
                    childrenInOrder.Any(c => ReferenceEquals(c.Value, component));

                /// <summary>Removes all registered submodules (containers use it to renumber their children).</summary>
                protected void ClearModules() => childrenInOrder.Clear();

                /// <summary>Removes a registered parameter (used when a module's optional parameter is set to null).</summary>
                internal void UnregisterParameter(string name) => parametersInOrder.RemoveAll(p => p.Key == name);

                /// <summary>Removes a registered buffer (used when a module's optional buffer is set to null).</summary>
                internal void UnregisterBuffer(string name) => buffersInOrder.RemoveAll(b => b.Key == name);

                // ---- traversal ---------------------------------------------------------------------------

                /// <summary>The parameters of this module and (with <paramref name="recurse"/>) its descendants, with dotted names.</summary>
                public virtual IEnumerable<(string name, Parameter parameter)> named_parameters(bool recurse = true)
                {
                    foreach (var p in parametersInOrder) yield return (p.Key, p.Value);
                    if (!recurse) yield break;
                    foreach (var child in childrenInOrder)
                        foreach (var (n, p) in child.Value.named_parameters(true))
                            yield return (child.Key + "." + n, p);
                }

                /// <summary>The parameters of this module and (with <paramref name="recurse"/>) its descendants.</summary>
                public virtual IEnumerable<Parameter> parameters(bool recurse = true) => named_parameters(recurse).Select(p => p.parameter);

                /// <summary>The buffers of this module and (with <paramref name="recurse"/>) its descendants, with dotted names.</summary>
                public virtual IEnumerable<(string name, Tensor buffer)> named_buffers(bool recurse = true, bool include_nonpersistent = true)
                {
                    foreach (var b in buffersInOrder)
                        if (include_nonpersistent || b.Value.persistent) yield return (b.Key, b.Value.tensor);
                    if (!recurse) yield break;
                    foreach (var child in childrenInOrder)
                        foreach (var (n, b) in child.Value.named_buffers(true, include_nonpersistent))
                            yield return (child.Key + "." + n, b);
                }

                /// <summary>The buffers of this module and (with <paramref name="recurse"/>) its descendants.</summary>
                public virtual IEnumerable<Tensor> buffers(bool recurse = true, bool include_nonpersistent = true) =>
                    named_buffers(recurse, include_nonpersistent).Select(b => b.buffer);

                /// <summary>The direct submodules with their names.</summary>
                public virtual IEnumerable<(string name, Module module)> named_children() => childrenInOrder.Select(c => (c.Key, c.Value));

                /// <summary>The direct submodules.</summary>
                public virtual IEnumerable<Module> children() => childrenInOrder.Select(c => c.Value);

                /// <summary>This module (named "") and all its descendants, with dotted names, in pre-order.</summary>
                public virtual IEnumerable<(string name, Module module)> named_modules()
                {
                    yield return ("", this);
                    foreach (var child in childrenInOrder)
                        foreach (var (n, m) in child.Value.named_modules())
                            yield return (n.Length == 0 ? child.Key : child.Key + "." + n, m);
                }

                /// <summary>This module and all its descendants, in pre-order.</summary>
                public virtual IEnumerable<Module> modules() => named_modules().Select(m => m.module);

                /// <summary>Whether a parameter exists at the dotted path <paramref name="target"/>.</summary>
                public virtual bool has_parameter(string target) => get_parameter(target) is not null;

                /// <summary>Whether a buffer exists at the dotted path <paramref name="target"/>.</summary>
                public virtual bool has_buffer(string target) => get_buffer(target) is not null;

                /// <summary>The parameter at the dotted path <paramref name="target"/>, or null.</summary>
                public virtual Parameter? get_parameter(string target)
                {
                    var (owner, leaf) = Resolve(target);
                    return owner?.parametersInOrder.FirstOrDefault(p => p.Key == leaf).Value;
                }

                /// <summary>The buffer at the dotted path <paramref name="target"/>, or null.</summary>
                public virtual Tensor? get_buffer(string target)
                {
                    var (owner, leaf) = Resolve(target);
                    if (owner is null) return null;
                    foreach (var b in owner.buffersInOrder) if (b.Key == leaf) return b.Value.tensor;
                    return null;
                }

                private (Module? owner, string leaf) Resolve(string target)
                {
                    var parts = target.Split('.');
                    Module? current = this;
                    for (int i = 0; i < parts.Length - 1 && current is not null; i++)
                        current = current.childrenInOrder.FirstOrDefault(c => c.Key == parts[i]).Value;
                    return (current, parts[^1]);
                }

                /// <summary>Applies <paramref name="fn"/> to every descendant, then to this module.</summary>
                public virtual Module apply(Action<Module> fn)
                {
                    foreach (var child in childrenInOrder) child.Value.apply(fn);
                    fn(this);
                    return this;
                }

                // ---- modes and gradients -----------------------------------------------------------------

                /// <summary>Sets training (true) or evaluation (false) mode on this module and its descendants.</summary>
                public virtual void train(bool train = true)
                {
                    isTraining = train;
                    foreach (var child in childrenInOrder) child.Value.train(train);
                }

                /// <summary>Sets evaluation mode on this module and its descendants.</summary>
                public virtual void eval() => train(false);

                /// <summary>Whether the module is in training mode.</summary>
                public virtual bool training => isTraining;

                /// <summary>Clears (or, with <paramref name="set_to_none"/> false, zeroes) the gradients of all parameters.</summary>
                public virtual void zero_grad(bool set_to_none = true)
                {
                    foreach (var p in parameters())
                    {
                        if (set_to_none)
                        {
                            p.grad = null;
                            continue;
                        }
                        using var g = p.grad;
                        if (g is null) continue;
                        using (no_grad()) g.zero_();
                    }
                }

                // ---- state dict ----------------------------------------------------------------------------

                /// <summary>
                /// Parameters, then persistent buffers, under dotted names. The values are the module's own tensors
                /// (not copies): do not dispose them.
                /// </summary>
                public virtual Dictionary<string, Tensor> state_dict(Dictionary<string, Tensor>? destination = null, string? prefix = null)
                {
                    destination ??= new Dictionary<string, Tensor>();
                    string p = string.IsNullOrEmpty(prefix) ? "" : prefix + ".";
                    foreach (var (n, param) in named_parameters()) destination[p + n] = param;
                    foreach (var (n, buffer) in named_buffers(true, include_nonpersistent: false)) destination[p + n] = buffer;
                    return destination;
                }

                /// <summary>
                /// Copies matching entries of <paramref name="source"/> into the module. With <paramref name="strict"/>, missing or
                /// unexpected keys (other than those in <paramref name="skip"/>) throw; shape mismatches always throw.
                /// </summary>
                public virtual (IList<string> missing_keys, IList<string> unexpected_keyes) load_state_dict(Dictionary<string, Tensor> source, bool strict = true, IList<string>? skip = null)
                {
                    var own = state_dict();
                    var skipped = new HashSet<string>(skip ?? Array.Empty<string>());
                    var missing = own.Keys.Where(k => !source.ContainsKey(k) && !skipped.Contains(k)).ToList();
                    var unexpected = source.Keys.Where(k => !own.ContainsKey(k) && !skipped.Contains(k)).ToList();
                    if (strict && (missing.Count > 0 || unexpected.Count > 0))
                        throw new ArgumentException(
                            "The state dict does not match the module." +
                            (missing.Count > 0 ? $" Missing keys: {string.Join(", ", missing)}." : "") +
                            (unexpected.Count > 0 ? $" Unexpected keys: {string.Join(", ", unexpected)}." : ""));
                    using (no_grad())
                    {
                        foreach (var (key, target) in own)
                        {
                            if (skipped.Contains(key) || !source.TryGetValue(key, out var value)) continue;
                            if (!target.shape.SequenceEqual(value.shape))
                                throw new ArgumentException($"Shape mismatch for '{key}': the module has [{string.Join(", ", target.shape)}], the state dict [{string.Join(", ", value.shape)}].");
                            target.copy_(value);
                        }
                    }
                    return (missing, unexpected);
                }

                // ---- device and dtype -----------------------------------------------------------------------

                /// <summary>Moves parameters and buffers to a device and/or converts floating-point ones to a dtype, keeping their identity.</summary>
                protected internal virtual Module _to(Device device, ScalarType dtype, bool non_blocking) => MoveTo(device, dtype, non_blocking);

                /// <summary>Moves parameters and buffers to a device, keeping their identity.</summary>
                protected internal virtual Module _to(DeviceType deviceType, int deviceIndex, bool non_blocking) =>
                    MoveTo(new Device(deviceType, deviceIndex), null, non_blocking);

                /// <summary>Converts floating-point parameters and buffers to a dtype, keeping their identity.</summary>
                protected internal virtual Module _to(ScalarType dtype, bool non_blocking) => MoveTo(null, dtype, non_blocking);

                private Module MoveTo(Device? device, ScalarType? dtype, bool non_blocking)
                {
                    foreach (var tensor in parameters().Cast<Tensor>().Concat(buffers()))
                    {
                        var targetType = dtype.HasValue && Tensor.IsFloating(tensor.dtype) ? dtype : null;
                        using var moved = tensor.detach().to(targetType ?? tensor.dtype, device ?? tensor.device, non_blocking: non_blocking);
                        tensor.set_data(moved);
                        using var grad = tensor.grad;
                        if (grad is not null)
                        {
                            using var movedGrad = grad.to(targetType ?? grad.dtype, device ?? grad.device);
                            tensor.grad = movedGrad;
                        }
                    }
                    return this;
                }

                // ---- persistence (TorchSharp .dat format) --------------------------------------------------------

                /// <summary>Writes the state dict (minus <paramref name="skip"/>) in TorchSharp's .dat format.</summary>
                public Module save(string location, IList<string>? skip = null)
                {
                    // Write to a temporary file and rename, so a crash never leaves a truncated model behind.
                    string temporary = location + ".tmp";
                    using (var stream = File.Create(temporary))
                    using (var writer = new BinaryWriter(stream))
                        save(writer, skip);
                    File.Move(temporary, location, overwrite: true);
                    return this;
                }

                /// <summary>Writes the state dict (minus <paramref name="skip"/>) in TorchSharp's .dat format; closes the stream.</summary>
                public Module save(Stream stream, IList<string>? skip = null)
                {
                    using var writer = new BinaryWriter(stream);
                    return save(writer, skip);
                }

                /// <summary>Writes the state dict (minus <paramref name="skip"/>) in TorchSharp's .dat format.</summary>
                public Module save(BinaryWriter writer, IList<string>? skip = null)
                {
                    save_state_dict(writer, state_dict(), skip);
                    return this;
                }

                /// <summary>Writes a state dict in TorchSharp's .dat format.</summary>
                public static void save_state_dict(BinaryWriter writer, Dictionary<string, Tensor> sd, IList<string>? skip = null) =>
                    StateDictFormat.Write(writer, sd, skip);

                /// <summary>Loads a .dat file written by <see cref="save(string, IList{string}?)"/> (or TorchSharp, or exportsd.py).</summary>
                public virtual Module load(string location, bool strict = true, IList<string>? skip = null, Dictionary<string, bool>? loadedParameters = null)
                {
                    if (!File.Exists(location)) throw new FileNotFoundException($"Model file '{location}' does not exist.", location);
                    using var stream = File.OpenRead(location);
                    using var reader = new BinaryReader(stream);
                    try
                    {
                        return load(reader, strict, skip, loadedParameters);
                    }
                    catch (Exception e) when (e is EndOfStreamException or InvalidDataException)
                    {
                        throw new InvalidDataException($"'{location}' is not a valid TorchSharp .dat file: {e.Message}", e);
                    }
                }

                /// <summary>Loads a .dat stream; the stream is left open.</summary>
                public Module load(Stream stream, bool strict = true, IList<string>? skip = null, Dictionary<string, bool>? loadedParameters = null)
                {
                    using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
                    return load(reader, strict, skip, loadedParameters);
                }

                /// <summary>Loads a .dat stream into this module's parameters and buffers.</summary>
                public virtual Module load(BinaryReader reader, bool strict = true, IList<string>? skip = null, Dictionary<string, bool>? loadedParameters = null)
                {
                    StateDictFormat.Read(reader, state_dict(), strict, skip, loadedParameters);
                    return this;
                }

                /// <summary>Creates a module with its parameterless constructor and loads its state from <paramref name="path"/>.</summary>
                public static Module Create<T>(string path) where T : Module, new()
                {
                    var module = new T();
                    return module.load(path);
                }

                // ---- disposal ---------------------------------------------------------------------------

                public void Dispose()
                {
                    Dispose(true);
                    GC.SuppressFinalize(this);
                }

                protected virtual void Dispose(bool disposing)
                {
                    if (!disposing) return;
                    foreach (var child in childrenInOrder) child.Value.Dispose();
                    foreach (var p in parametersInOrder) p.Value.Dispose();
                    foreach (var b in buffersInOrder) b.Value.tensor.Dispose();
                    childrenInOrder.Clear();
                    parametersInOrder.Clear();
                    buffersInOrder.Clear();
                }
            }
        }
    }
}
