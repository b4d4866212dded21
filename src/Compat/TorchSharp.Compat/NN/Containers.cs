using TorchSharp.Modules;
using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace TorchSharp.Modules
{
    /// <summary>Runs its submodules in order, each on the previous one's output.</summary>
    public class Sequential : torch.nn.Module<Tensor, Tensor>
    {
        private readonly List<(string name, torch.nn.Module<Tensor, Tensor> module)> layers = new();

        /// <summary>A sequence of modules named "0", "1", ...</summary>
        public Sequential(params torch.nn.Module<Tensor, Tensor>[] modules) : base(nameof(Sequential))
        {
            foreach (var m in modules) Add(layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), m);
        }

        /// <summary>A sequence of named modules.</summary>
        public Sequential(params (string name, torch.nn.Module<Tensor, Tensor> submodule)[] modules) : base(nameof(Sequential))
        {
            foreach (var (name, m) in modules) Add(name, m);
        }

        /// <summary>The number of modules.</summary>
        public int Count => layers.Count;

        /// <summary>The module at <paramref name="index"/>.</summary>
        public torch.nn.IModule<Tensor, Tensor> this[int index] => layers[index].module;

        /// <summary>A new Sequential over a range of this one's modules (sharing them).</summary>
        public Sequential this[(int? start, int? end) index] => Slice(index.start ?? 0, index.end ?? layers.Count);

        /// <summary>A new Sequential over a range of this one's modules (sharing them).</summary>
        public Sequential this[Range index]
        {
            get
            {
                var (offset, length) = index.GetOffsetAndLength(layers.Count);
                return Slice(offset, offset + length);
            }
        }

        /// <summary>Appends a module named by its position.</summary>
        public Sequential append(torch.nn.IModule<Tensor, Tensor> module) =>
            append(layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);

        /// <summary>Appends a named module.</summary>
        public Sequential append(string name, torch.nn.IModule<Tensor, Tensor> module)
        {
            if (module is not torch.nn.Module<Tensor, Tensor> m)
                throw new ArgumentException("Sequential accepts only modules deriving from Module<Tensor, Tensor>.", nameof(module));
            Add(name, m);
            return this;
        }

        public override Tensor forward(Tensor tensor)
        {
            if (layers.Count == 0) return tensor.alias();
            // Intermediate results are disposed as soon as the next layer has consumed them.
            Tensor current = layers[0].module.call(tensor);
            for (int i = 1; i < layers.Count; i++)
            {
                var next = layers[i].module.call(current);
                if (!ReferenceEquals(next, current)) current.Dispose();
                current = next;
            }
            return current;
        }

        private void Add(string name, torch.nn.Module<Tensor, Tensor> module)
        {
            layers.Add((name, module));
            register_module(name, module);
        }

        private Sequential Slice(int start, int end)
        {
            var result = new Sequential(Array.Empty<torch.nn.Module<Tensor, Tensor>>());
            for (int i = start; i < end; i++) result.Add(layers[i].name, layers[i].module);
            return result;
        }
    }

    /// <summary>A list of modules registered as children "0", "1", ...</summary>
    public class ModuleList<T> : torch.nn.Module, IList<T> where T : torch.nn.Module
    {
        private readonly List<T> items = new();

        /// <summary>A list holding <paramref name="modules"/>.</summary>
        public ModuleList(params T[] modules) : base(nameof(ModuleList<T>))
        {
            items.AddRange(modules);
            RegisterComponents();
        }

        /// <summary>(Re)registers the items as children named by their positions.</summary>
        protected override void RegisterComponents()
        {
            ClearModules();
            for (int i = 0; i < items.Count; i++) register_module(i.ToString(System.Globalization.CultureInfo.InvariantCulture), items[i]);
        }

        public T this[int index]
        {
            get => items[index];
            set { items[index] = value; RegisterComponents(); }
        }

        public int Count => items.Count;
        public bool IsReadOnly => false;

        public void Add(T item) { items.Add(item); RegisterComponents(); }
        public void append(params T[] parameters) { items.AddRange(parameters); RegisterComponents(); }
        public void extend(IEnumerable<T> modules) { items.AddRange(modules); RegisterComponents(); }
        public void Insert(int index, T item) { items.Insert(index, item); RegisterComponents(); }
        public void RemoveAt(int index) { items.RemoveAt(index); RegisterComponents(); }

        public bool Remove(T item)
        {
            bool removed = items.Remove(item);
            if (removed) RegisterComponents();
            return removed;
        }

        public void Clear() { items.Clear(); RegisterComponents(); }
        public bool Contains(T item) => items.Contains(item);
        public int IndexOf(T item) => items.IndexOf(item);
        public void CopyTo(T[] array, int arrayIndex) => items.CopyTo(array, arrayIndex);
        public IEnumerator<T> GetEnumerator() => items.GetEnumerator();
        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

namespace TorchSharp
{
    public static partial class torch
    {
        public static partial class nn
        {
            public static Sequential Sequential() => new Sequential(Array.Empty<Module<Tensor, Tensor>>());
            public static Sequential Sequential(params Module<Tensor, Tensor>[] modules) => new Sequential(modules);
            public static Sequential Sequential(params (string name, Module<Tensor, Tensor> submodule)[] modules) => new Sequential(modules);
            public static Sequential Sequential(IEnumerable<Module<Tensor, Tensor>> modules) => new Sequential(modules.ToArray());
            public static Sequential Sequential(IEnumerable<(string name, Module<Tensor, Tensor> submodule)> modules) => new Sequential(modules.ToArray());
            public static ModuleList<Module> ModuleList(params Module[] modules) => new ModuleList<Module>(modules);
            public static ModuleList<T> ModuleList<T>(params T[] modules) where T : Module => new ModuleList<T>(modules);
        }
    }
}
