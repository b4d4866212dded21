using System;
using System.IO;
using System.Reflection;
using System.Text;
using Microsoft.ML.Runtime;

namespace Microsoft.ML
{
    /// <summary>
    /// Where a component reads itself from when a model is loaded: the header, string table and model block of one
    /// Model.key entry, and the streams beside it (friend-only, as in ML.NET). Decoding failures are
    /// <see cref="FormatException"/>s that name the model and the entry.
    /// </summary>
    internal sealed class ModelLoadContext : IDisposable
    {
        public const string ModelStreamName = "Model.key";
        internal const string NameBinary = "Model.bin";

        public readonly RepositoryReader Repository;
        public readonly string Directory;
        public readonly BinaryReader Reader;
        public readonly string[] Strings;
        public readonly string LoaderAssemblyName;
        internal ModelHeader Header;
        public readonly long FpMin;
        private readonly string entryPath;

        public bool InRepository => Repository != null;

        internal ModelLoadContext(RepositoryReader rep, Repository.Entry ent, string dir)
        {
            Repository = rep ?? throw new ArgumentNullException(nameof(rep));
            Directory = dir;
            entryPath = ent.Path;
            Reader = new BinaryReader(ent.Stream, Encoding.UTF8, leaveOpen: true);
            try
            {
                ModelHeader.BeginRead(out FpMin, out Header, out Strings, out LoaderAssemblyName, Reader);
            }
            catch (Exception ex) when (ex is FormatException || ex is EndOfStreamException || ex is IOException)
            {
                Reader.Dispose();
                throw Decorate(ex);
            }
        }

        /// <summary>Single-stream mode: reads a model written by <c>ModelSaveContext.Save(BinaryWriter, ...)</c>.</summary>
        internal ModelLoadContext(BinaryReader reader)
        {
            Reader = reader ?? throw new ArgumentNullException(nameof(reader));
            entryPath = "(single stream)";
            try
            {
                ModelHeader.BeginRead(out FpMin, out Header, out Strings, out LoaderAssemblyName, Reader);
            }
            catch (Exception ex) when (ex is EndOfStreamException || ex is IOException)
            {
                throw Decorate(ex);
            }
        }

        /// <summary>Where this context reads from, for messages: "entry 'X/Model.key' of /path/model.zip".</summary>
        internal string Location => Repository == null ? entryPath : $"entry '{entryPath}' of {Repository.SourceName}";

        /// <summary>A <see cref="FormatException"/> naming this entry and the model, wrapping <paramref name="inner"/>.</summary>
        internal Exception Decorate(Exception inner) =>
            inner is FormatException && inner.Message.Contains(Location, StringComparison.Ordinal)
                ? inner
                : new FormatException($"Cannot load {Location}: {inner.Message}", inner);

        public void CheckAtModel() =>
            Contracts.Check(Reader.BaseStream.Position == FpMin + Header.FpModel, "The reader is not at the start of the model block.");

        /// <summary>Checks that the reader is at the model and that its signature and versions are readable.</summary>
        public void CheckAtModel(VersionInfo ver)
        {
            CheckAtModel();
            CheckVersionInfo(ver);
        }

        public void CheckVersionInfo(VersionInfo ver)
        {
            try
            {
                ModelHeader.CheckVersionInfo(ref Header, ver);
            }
            catch (FormatException ex)
            {
                throw Decorate(ex);
            }
        }

        public string LoadStringOrNull()
        {
            int id = Reader.ReadInt32();
            if (!(-1 <= id && id < (Strings?.Length ?? 0))) throw Decorate(new FormatException($"string id {id} is out of the string table"));
            return id >= 0 ? Strings[id] : null;
        }

        public string LoadString()
        {
            int id = Reader.ReadInt32();
            if (!(0 <= id && id < (Strings?.Length ?? 0))) throw Decorate(new FormatException($"string id {id} is out of the string table"));
            return Strings[id];
        }

        public string LoadNonEmptyString()
        {
            string str = LoadString();
            if (str.Length == 0) throw Decorate(new FormatException("an empty string where a non-empty one is required"));
            return str;
        }

        /// <summary>Checks that the model block was read exactly, then closes the entry.</summary>
        public void Done()
        {
            try
            {
                ModelHeader.EndRead(FpMin, ref Header, Reader);
            }
            catch (FormatException ex)
            {
                throw Decorate(ex);
            }
            Dispose();
        }

        public void Dispose()
        {
            if (InRepository) Reader.Dispose();
        }

        /// <summary>Whether a sub-model directory <paramref name="name"/> exists below this one.</summary>
        public bool ContainsModel(string name)
        {
            if (!InRepository || string.IsNullOrEmpty(name)) return false;
            using var ent = Repository.OpenEntryOrNull(ModelSaveContext.CombineDir(Directory, name), ModelStreamName);
            return ent != null;
        }

        /// <summary>Loads the model in <paramref name="dir"/>/Model.key, or returns false when that entry is absent.</summary>
        public static bool LoadModelOrNull<TRes, TSig>(IHostEnvironment env, out TRes result, RepositoryReader rep, string dir, params object[] extra)
            where TRes : class
        {
            if (env == null) throw new ArgumentNullException(nameof(env));
            if (rep == null) throw new ArgumentNullException(nameof(rep));
            using var ent = rep.OpenEntryOrNull(dir, ModelStreamName);
            if (ent == null)
            {
                result = null;
                return false;
            }
            LoadModel<TRes, TSig>(env, out result, rep, ent, dir, extra);
            return true;
        }

        /// <summary>Loads the model in <paramref name="dir"/>/Model.key; throws when the entry is absent.</summary>
        public static void LoadModel<TRes, TSig>(IHostEnvironment env, out TRes result, RepositoryReader rep, string dir, params object[] extra)
            where TRes : class
        {
            if (!LoadModelOrNull<TRes, TSig>(env, out result, rep, dir, extra))
                throw new FormatException($"Corrupt model file: {rep.SourceName} has no entry '{Microsoft.ML.Repository.MakePath(dir, ModelStreamName)}'.");
        }

        /// <summary>Loads the sub-model in directory <paramref name="name"/> below this one, or returns false when absent.</summary>
        public bool LoadModelOrNull<TRes, TSig>(IHostEnvironment env, out TRes result, string name, params object[] extra)
            where TRes : class
        {
            Contracts.Check(InRepository, "Can't load a sub-model when reading from a single stream");
            return LoadModelOrNull<TRes, TSig>(env, out result, Repository, ModelSaveContext.CombineDir(Directory, name), extra);
        }

        /// <summary>Loads the sub-model in directory <paramref name="name"/> below this one.</summary>
        public void LoadModel<TRes, TSig>(IHostEnvironment env, out TRes result, string name, params object[] extra)
            where TRes : class
        {
            Contracts.Check(InRepository, "Can't load a sub-model when reading from a single stream");
            LoadModel<TRes, TSig>(env, out result, Repository, ModelSaveContext.CombineDir(Directory, name), extra);
        }

        /// <summary>Loads the model of entry <paramref name="ent"/>.</summary>
        public static void LoadModel<TRes, TSig>(IHostEnvironment env, out TRes result, RepositoryReader rep, Repository.Entry ent, string dir, params object[] extra)
            where TRes : class
        {
            using var ctx = new ModelLoadContext(rep, ent, dir);
            ctx.LoadModelCore<TRes, TSig>(env, out result, extra);
        }

        /// <summary>Loads a model written into a single stream.</summary>
        public static void LoadModel<TRes, TSig>(IHostEnvironment env, out TRes result, BinaryReader reader, params object[] extra)
            where TRes : class
        {
            using var ctx = new ModelLoadContext(reader);
            ctx.LoadModelCore<TRes, TSig>(env, out result, extra);
        }

        /// <summary>
        /// Registers the loader's assembly, finds the component by the header's loader signature (then the alternate one)
        /// and lets it read the model block.
        /// </summary>
        private void LoadModelCore<TRes, TSig>(IHostEnvironment env, out TRes result, object[] extra)
            where TRes : class
        {
            var args = new object[1 + (extra?.Length ?? 0)];
            args[0] = this;
            extra?.CopyTo(args, 1);
            EnsureLoaderAssemblyIsRegistered(env.ComponentCatalog);

            string sig = ModelHeader.GetLoaderSig(ref Header);
            string sigAlt = ModelHeader.GetLoaderSigAlt(ref Header);
            foreach (string name in new[] { sig, sigAlt })
            {
                if (string.IsNullOrWhiteSpace(name)) continue;
                object instance;
                try
                {
                    if (!ComponentCatalog.TryCreateInstance<object, TSig>(env, out instance, name, "", args)) continue;
                }
                catch (Exception ex) when (ex is EndOfStreamException || ex is IOException)
                {
                    throw Decorate(new FormatException($"the model block of component '{name}' is truncated or damaged ({ex.Message})", ex));
                }
                catch (FormatException ex)
                {
                    throw Decorate(ex);
                }
                result = instance as TRes;
                if (result == null)
                    throw Decorate(new FormatException($"component '{name}' loaded as {instance.GetType()}, which is not a {typeof(TRes).Name}"));
                Done();
                return;
            }
            throw Decorate(new FormatException(
                $"no loadable component is registered under the loader signature '{sig}'" +
                (string.IsNullOrEmpty(LoaderAssemblyName) ? "" : $" (loader assembly '{LoaderAssemblyName}')")));
        }

        /// <summary>The ML.NET assemblies whose components this one assembly stands in for.</summary>
        private static readonly string[] ForwardedAssemblies =
        {
            "Microsoft.ML.Core", "Microsoft.ML.Data", "Microsoft.ML.DataView", "Microsoft.ML.ImageAnalytics", "Microsoft.ML.Transforms",
        };

        private void EnsureLoaderAssemblyIsRegistered(ComponentCatalog catalog)
        {
            if (string.IsNullOrEmpty(LoaderAssemblyName)) return;
            Assembly assembly;
            try
            {
                var name = new AssemblyName(LoaderAssemblyName);
                assembly = Array.IndexOf(ForwardedAssemblies, name.Name) >= 0 ? typeof(ModelLoadContext).Assembly : Assembly.Load(name);
            }
            catch (Exception ex) when (ex is FileNotFoundException || ex is FileLoadException || ex is BadImageFormatException || ex is ArgumentException)
            {
                throw Decorate(new FormatException($"the loader assembly '{LoaderAssemblyName}' cannot be loaded: {ex.Message}", ex));
            }
            catalog.RegisterAssembly(assembly);
        }

        /// <summary>Lets <paramref name="action"/> read the sub-model in directory <paramref name="dir"/>; false when absent.</summary>
        public bool TryProcessSubModel(string dir, Action<ModelLoadContext> action)
        {
            Contracts.Check(InRepository, "Can't load a sub-model when reading from a single stream");
            string path = ModelSaveContext.CombineDir(Directory, dir);
            using var ent = Repository.OpenEntryOrNull(path, ModelStreamName);
            if (ent == null) return false;
            using var ctx = new ModelLoadContext(Repository, ent, path);
            action(ctx);
            return true;
        }

        /// <summary>Lets <paramref name="action"/> read the extra binary stream <paramref name="name"/>; false when absent.</summary>
        public bool TryLoadBinaryStream(string name, Action<BinaryReader> action)
        {
            Contracts.Check(InRepository, "Can't load a stream when reading from a single stream");
            using var ent = Repository.OpenEntryOrNull(Directory, name);
            if (ent == null) return false;
            using var reader = new BinaryReader(ent.Stream, Encoding.UTF8, leaveOpen: true);
            action(reader);
            return true;
        }

        /// <summary>Lets <paramref name="action"/> read the extra text stream <paramref name="name"/>; false when absent.</summary>
        public bool TryLoadTextStream(string name, Action<TextReader> action)
        {
            Contracts.Check(InRepository, "Can't load a stream when reading from a single stream");
            using var ent = Repository.OpenEntryOrNull(Directory, name);
            if (ent == null) return false;
            using var reader = new StreamReader(ent.Stream);
            action(reader);
            return true;
        }
    }
}
