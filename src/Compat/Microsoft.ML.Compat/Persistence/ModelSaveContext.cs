using System;
using System.IO;
using System.Text;
using Microsoft.ML.Runtime;

namespace Microsoft.ML
{
    /// <summary>
    /// Where a component writes itself when a model is saved: a Model.key stream (header, model block, string table)
    /// in a directory of the model zip, plus optional extra streams beside it. Only <see cref="Dispose"/> is public,
    /// as in ML.NET: components use the friend-only members.
    /// </summary>
    public sealed class ModelSaveContext : IDisposable
    {
        internal readonly RepositoryWriter Repository;
        internal readonly string Directory;
        internal readonly BinaryWriter Writer;
        internal readonly StringPool Strings;
        internal ModelHeader Header;
        internal readonly long FpMin;
        private readonly Repository.Entry entry;
        private string loaderAssemblyName;
        private bool disposed;

        internal bool InRepository => Repository != null;

        internal ModelSaveContext(RepositoryWriter rep, string dir, string name)
        {
            Repository = rep ?? throw new ArgumentNullException(nameof(rep));
            Directory = dir;
            Strings = new StringPool();
            entry = rep.CreateEntry(dir, name);
            Writer = new BinaryWriter(entry.Stream, Encoding.UTF8, leaveOpen: true);
            ModelHeader.BeginWrite(Writer, out FpMin, out Header);
        }

        /// <summary>Single-stream mode: the model is written to <paramref name="writer"/> with no side streams.</summary>
        internal ModelSaveContext(BinaryWriter writer)
        {
            Writer = writer ?? throw new ArgumentNullException(nameof(writer));
            Strings = new StringPool();
            ModelHeader.BeginWrite(Writer, out FpMin, out Header);
        }

        /// <summary>The path of the Model.key entry being written (for messages).</summary>
        internal string EntryPath => entry?.Path ?? "(single stream)";

        internal void CheckAtModel() =>
            Contracts.Check(Writer.BaseStream.Position == FpMin + Header.FpModel, "The model block must start right after the header.");

        internal void SetVersionInfo(VersionInfo ver)
        {
            ModelHeader.SetVersionInfo(ref Header, ver);
            loaderAssemblyName = ver.LoaderAssemblyName;
        }

        /// <summary>Writes an extra text stream named <paramref name="name"/> beside Model.key.</summary>
        internal void SaveTextStream(string name, Action<TextWriter> action)
        {
            Contracts.Check(InRepository, "Can't save a text stream when writing to a single stream");
            Contracts.CheckNonEmpty(name, nameof(name));
            Contracts.CheckValue(action, nameof(action));
            using var ent = Repository.CreateEntry(Directory, name);
            using var writer = new StreamWriter(ent.Stream, new UTF8Encoding(false), 1024, leaveOpen: true);
            action(writer);
        }

        /// <summary>Writes an extra binary stream named <paramref name="name"/> beside Model.key.</summary>
        internal void SaveBinaryStream(string name, Action<BinaryWriter> action)
        {
            Contracts.Check(InRepository, "Can't save a binary stream when writing to a single stream");
            Contracts.CheckNonEmpty(name, nameof(name));
            Contracts.CheckValue(action, nameof(action));
            using var ent = Repository.CreateEntry(Directory, name);
            using var writer = new BinaryWriter(ent.Stream, Encoding.UTF8, leaveOpen: true);
            action(writer);
        }

        /// <summary>Writes the string table id of <paramref name="str"/>, or -1 for null.</summary>
        internal void SaveStringOrNull(string str) => Writer.Write(str == null ? -1 : Strings.Add(str));

        internal void SaveString(string str)
        {
            Contracts.CheckValue(str, nameof(str));
            Writer.Write(Strings.Add(str));
        }

        internal void SaveString(ReadOnlyMemory<char> str) => Writer.Write(Strings.Add(str.ToString()));

        internal void SaveNonEmptyString(string str)
        {
            Contracts.CheckParam(!string.IsNullOrEmpty(str), nameof(str), "must be non-empty");
            Writer.Write(Strings.Add(str));
        }

        internal void SaveNonEmptyString(ReadOnlyMemory<char> str) => SaveNonEmptyString(str.ToString());

        /// <summary>Saves <paramref name="value"/> as a sub-model in directory <paramref name="name"/> below this one.</summary>
        internal void SaveModel<T>(T value, string name)
            where T : class
        {
            Contracts.Check(InRepository, "Can't save a sub-model when writing to a single stream");
            SaveModel(Repository, value, CombineDir(Directory, name));
        }

        /// <summary>Saves <paramref name="value"/> (an <see cref="ICanSaveModel"/>) as <paramref name="path"/>/Model.key.</summary>
        internal static void SaveModel<T>(RepositoryWriter rep, T value, string path)
            where T : class
        {
            if (value == null) return;
            if (!(value is ICanSaveModel savable))
                throw new InvalidOperationException($"{value.GetType()} cannot be saved: it does not implement {nameof(ICanSaveModel)}.");
            using var ctx = new ModelSaveContext(rep, path, ModelLoadContext.ModelStreamName);
            savable.Save(ctx);
            ctx.Done();
        }

        /// <summary>Writes a model into a single stream.</summary>
        internal static void Save(BinaryWriter writer, Action<ModelSaveContext> fn)
        {
            using var ctx = new ModelSaveContext(writer);
            fn(ctx);
            ctx.Done();
        }

        /// <summary>Writes a sub-model in directory <paramref name="dir"/> below this one.</summary>
        internal void SaveSubModel(string dir, Action<ModelSaveContext> fn)
        {
            Contracts.Check(InRepository, "Can't save a sub-model when writing to a single stream");
            Contracts.CheckNonEmpty(dir, nameof(dir));
            using var ctx = new ModelSaveContext(Repository, CombineDir(Directory, dir), ModelLoadContext.ModelStreamName);
            fn(ctx);
            ctx.Done();
        }

        internal static string CombineDir(string dir, string name) => string.IsNullOrEmpty(dir) ? name : dir + "/" + name;

        /// <summary>Completes the header and string table; the component must have set its version info.</summary>
        internal void Done()
        {
            Contracts.Check(Header.ModelSignature != 0, $"ModelSignature not specified! (entry '{EntryPath}')");
            ModelHeader.EndWrite(Writer, FpMin, ref Header, Strings, loaderAssemblyName);
            Dispose();
        }

        /// <summary>Closes the entry being written.</summary>
        public void Dispose()
        {
            if (disposed) return;
            disposed = true;
            if (InRepository)
            {
                Writer.Dispose();
                entry.Dispose();
            }
        }
    }
}
