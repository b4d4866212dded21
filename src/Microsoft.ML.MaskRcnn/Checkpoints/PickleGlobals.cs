using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Numerics;
using System.Text;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Checkpoints
{
    /// <summary>
    /// A Python global the reader accepts, with what calling it (REDUCE) or instantiating it (NEWOBJ) builds. Every
    /// behaviour is written here in .NET; nothing is looked up by name at run time.
    /// </summary>
    internal sealed class PythonGlobal
    {
        public PythonGlobal(string fullName, Func<object?[], object?>? call = null, Func<object?[], object?>? construct = null,
                            bool attributesAreEntries = false)
        {
            FullName = fullName;
            Call = call;
            Construct = construct;
            AttributesAreEntries = attributesAreEntries;
        }

        /// <summary><c>module.name</c>.</summary>
        public string FullName { get; }

        /// <summary>What <c>global(*args)</c> builds (REDUCE); null when it may not be called.</summary>
        public Func<object?[], object?>? Call { get; }

        /// <summary>What <c>cls.__new__(cls, *args)</c> builds (NEWOBJ); null when it may not be instantiated.</summary>
        public Func<object?[], object?>? Construct { get; }

        /// <summary>
        /// Whether the attributes later set on an instance (BUILD) become its entries, as for <c>argparse.Namespace</c>,
        /// which is read as a dictionary of its attributes.
        /// </summary>
        public bool AttributesAreEntries { get; }

        public override string ToString() => FullName;
    }

    /// <summary>
    /// The allowlist: the only globals a checkpoint's pickle may name. It covers what torch.save writes for tensors,
    /// parameters and state dicts, and the plain containers training checkpoints hold (OrderedDict, Counter, set,
    /// argparse.Namespace, bytes, torch.Size, torch.device, dtypes). Anything else is refused by name.
    /// </summary>
    internal static class PickleGlobals
    {
        private static readonly Dictionary<string, object> allowed = Build();

        /// <summary>The accepted globals, as <c>module.name</c>, for documentation and error messages.</summary>
        public static IEnumerable<string> Names => allowed.Keys.OrderBy(k => k, StringComparer.Ordinal);

        /// <summary>
        /// The value a GLOBAL opcode pushes for <paramref name="module"/>.<paramref name="name"/>: a <see cref="PythonGlobal"/>,
        /// a <see cref="StorageType"/> or a dtype; null when the global is not allowed.
        /// </summary>
        public static object? Resolve(string module, string name)
        {
            // Python 3 writes builtins under their Python 2 names when pickling with protocol 2.
            if (module == "__builtin__") module = "builtins";
            if (module == "torch.tensor") module = "torch._tensor";
            return allowed.TryGetValue(module + "." + name, out var value) ? value : null;
        }

        private static Dictionary<string, object> Build()
        {
            var map = new Dictionary<string, object>(StringComparer.Ordinal);
            void Add(PythonGlobal g) => map[g.FullName] = g;

            Add(new PythonGlobal("collections.OrderedDict", call: NewDictionary, construct: NewDictionary));
            Add(new PythonGlobal("collections.Counter", call: NewDictionary, construct: NewDictionary));
            Add(new PythonGlobal("builtins.dict", call: NewDictionary, construct: NewDictionary));
            Add(new PythonGlobal("builtins.list", call: NewList, construct: NewList));
            Add(new PythonGlobal("builtins.set", call: NewSet, construct: NewSet));
            Add(new PythonGlobal("builtins.frozenset", call: NewSet, construct: NewSet));
            Add(new PythonGlobal("builtins.bytearray", call: NewBytes));
            Add(new PythonGlobal("builtins.bytes", call: NewBytes));
            Add(new PythonGlobal("builtins.complex", call: NewComplex));
            Add(new PythonGlobal("_codecs.encode", call: Encode));
            Add(new PythonGlobal("argparse.Namespace", construct: _ => PythonValues.NewDictionary(), attributesAreEntries: true));

            Add(new PythonGlobal("torch.Size", call: args => PythonValues.ToTuple(Argument(args, 0, "torch.Size"), "torch.Size")));
            Add(new PythonGlobal("torch.device", call: NewDevice));
            Add(new PythonGlobal("torch._tensor.Tensor"));
            Add(new PythonGlobal("torch.Tensor"));
            Add(new PythonGlobal("torch.nn.parameter.Parameter"));
            Add(new PythonGlobal("torch._utils._rebuild_tensor", call: args => RebuildTensor(args, "_rebuild_tensor", 4, 4, hasGradFields: false, explicitDtype: false)));
            Add(new PythonGlobal("torch._utils._rebuild_tensor_v2", call: args => RebuildTensor(args, "_rebuild_tensor_v2", 6, 7, hasGradFields: true, explicitDtype: false)));
            Add(new PythonGlobal("torch._utils._rebuild_tensor_v3", call: args => RebuildTensor(args, "_rebuild_tensor_v3", 7, 8, hasGradFields: true, explicitDtype: true)));
            Add(new PythonGlobal("torch._utils._rebuild_parameter", call: args => RebuildParameter(args, 3)));
            Add(new PythonGlobal("torch._utils._rebuild_parameter_with_state", call: args => RebuildParameter(args, 4)));
            Add(new PythonGlobal("torch._tensor._rebuild_from_type_v2", call: RebuildFromType));

            foreach (var (storage, dtype) in ElementSizes.StorageClasses)
            {
                map["torch." + storage] = new StorageType(storage, dtype);
                map["torch.storage." + storage] = new StorageType(storage, dtype);
            }
            foreach (var (dtypeName, dtype) in ElementSizes.DtypeNames) map["torch." + dtypeName] = dtype;
            return map;
        }

        // ---- containers and scalars ---------------------------------------------------------------------

        private static object NewDictionary(object?[] args)
        {
            var result = PythonValues.NewDictionary();
            if (args.Length == 0 || args[0] is null) return result;
            switch (args[0])
            {
                case OrderedDictionary<object, object?> source:
                    foreach (var (key, value) in source) result[key] = value;
                    return result;
                case List<object?> or object?[]:
                    foreach (var pair in PythonValues.Items(args[0]))
                    {
                        var kv = PythonValues.ToTuple(pair, "a dictionary item");
                        if (kv.Length != 2) throw new InvalidDataException("A dictionary item is not a (key, value) pair.");
                        result[PythonValues.Key(kv[0])] = kv[1];
                    }
                    return result;
                default:
                    throw new InvalidDataException($"A dictionary cannot be built from {PythonValues.Describe(args[0])}.");
            }
        }

        private static object NewList(object?[] args) =>
            args.Length == 0 ? new List<object?>() : new List<object?>(PythonValues.Items(args[0]));

        private static object NewSet(object?[] args)
        {
            var set = PythonValues.NewSet();
            if (args.Length > 0 && args[0] is not null) foreach (var item in PythonValues.Items(args[0])) set.Add(PythonValues.Key(item));
            return set;
        }

        private static object NewBytes(object?[] args)
        {
            if (args.Length == 0) return Array.Empty<byte>();
            return args[0] switch
            {
                byte[] bytes => bytes.ToArray(),
                string text when args.Length == 2 && args[1] is string encoding => EncodeText(text, encoding),
                _ => throw new InvalidDataException($"bytes cannot be built from {PythonValues.Describe(args[0])}."),
            };
        }

        private static object Encode(object?[] args)
        {
            if (args.Length != 2 || args[0] is not string text || args[1] is not string encoding)
                throw new InvalidDataException("_codecs.encode expects a string and an encoding name.");
            return EncodeText(text, encoding);
        }

        private static byte[] EncodeText(string text, string encoding)
        {
            switch (encoding.ToLowerInvariant().Replace('_', '-'))
            {
                case "latin1" or "latin-1" or "iso-8859-1":
                    var bytes = new byte[text.Length];
                    for (int i = 0; i < text.Length; i++)
                    {
                        if (text[i] > 0xFF) throw new InvalidDataException("A latin-1 byte string holds a character above U+00FF.");
                        bytes[i] = (byte)text[i];
                    }
                    return bytes;
                case "utf8" or "utf-8":
                    return Encoding.UTF8.GetBytes(text);
                default:
                    throw new InvalidDataException($"Bytes encoded as '{encoding}' are not supported (only latin-1 and UTF-8).");
            }
        }

        private static object NewComplex(object?[] args) =>
            new Complex(args.Length > 0 ? PythonValues.ToDouble(args[0], "complex") : 0, args.Length > 1 ? PythonValues.ToDouble(args[1], "complex") : 0);

        private static object NewDevice(object?[] args)
        {
            if (args.Length == 0 || args[0] is not string type) throw new InvalidDataException("torch.device expects a device string.");
            return args.Length > 1 && args[1] is not null ? $"{type}:{PythonValues.ToLong(args[1], "torch.device index")}" : type;
        }

        // ---- tensors ------------------------------------------------------------------------------------

        private static object RebuildTensor(object?[] args, string function, int minArgs, int maxArgs, bool hasGradFields, bool explicitDtype)
        {
            if (args.Length < minArgs || args.Length > maxArgs)
                throw new InvalidDataException($"torch._utils.{function} was called with {args.Length} arguments; expected {minArgs}" +
                                               (maxArgs > minArgs ? $" to {maxArgs}." : "."));
            if (args[0] is not StorageReference storage)
                throw new InvalidDataException($"torch._utils.{function} expects a storage, not {PythonValues.Describe(args[0])}.");
            long offset = PythonValues.ToLong(args[1], "storage offset");
            long[] size = PythonValues.ToLongArray(args[2], "tensor size");
            long[] stride = PythonValues.ToLongArray(args[3], "tensor stride");
            bool requiresGrad = hasGradFields && PythonValues.ToBool(args[4], "requires_grad");
            if (hasGradFields) CheckNoHooks(args[5]);
            var dtype = storage.Dtype;
            int metadataIndex = 6;
            if (explicitDtype)
            {
                if (args[6] is not ScalarType given) throw new InvalidDataException($"torch._utils.{function} expects a dtype, not {PythonValues.Describe(args[6])}.");
                dtype = given;
                metadataIndex = 7;
            }
            if (args.Length > metadataIndex) CheckMetadata(args[metadataIndex]);
            if (ElementSizes.IsComplex(dtype)) throw new InvalidDataException($"Complex tensors ({dtype}) are not supported.");
            return new TensorReference(storage, dtype, offset, size, stride, requiresGrad);
        }

        private static object RebuildParameter(object?[] args, int count)
        {
            if (args.Length != count) throw new InvalidDataException($"A parameter was rebuilt with {args.Length} arguments; expected {count}.");
            if (args[0] is not TensorReference data) throw new InvalidDataException($"A parameter wraps {PythonValues.Describe(args[0])}, not a tensor.");
            data.RequiresGrad = PythonValues.ToBool(args[1], "requires_grad");
            CheckNoHooks(args[2]);
            return data;
        }

        private static object? RebuildFromType(object?[] args)
        {
            if (args.Length != 4 || args[0] is not PythonGlobal function || function.Call is null || args[1] is not PythonGlobal type)
                throw new InvalidDataException("torch._tensor._rebuild_from_type_v2 expects a rebuild function, a tensor type, arguments and a state.");
            if (type.FullName is not ("torch._tensor.Tensor" or "torch.Tensor" or "torch.nn.parameter.Parameter"))
                throw new InvalidDataException($"Tensors of the Python subclass {type.FullName} are not supported.");
            return function.Call(PythonValues.ToTuple(args[2], "rebuild arguments"));
        }

        private static void CheckNoHooks(object? hooks)
        {
            if (hooks is null) return;
            if (hooks is OrderedDictionary<object, object?> d && d.Count == 0) return;
            throw new InvalidDataException("A tensor was saved with backward hooks, which cannot be restored.");
        }

        private static void CheckMetadata(object? metadata)
        {
            if (metadata is null) return;
            if (metadata is not OrderedDictionary<object, object?> d) throw new InvalidDataException($"Tensor metadata is {PythonValues.Describe(metadata)}, not a dictionary.");
            foreach (var (key, value) in d)
                if (value is true) throw new InvalidDataException($"A tensor was saved with the '{key}' bit set (conjugate or negative views), which is not supported.");
        }

        private static object? Argument(object?[] args, int index, string function) =>
            index < args.Length ? args[index] : throw new InvalidDataException($"{function} is missing argument {index + 1}.");
    }
}
