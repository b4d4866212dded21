using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transforms.Image;

[assembly: LoadableClass(typeof(ImageLoadingTransformer), null, typeof(SignatureLoadModel), "", ImageLoadingTransformer.LoaderSignature)]

namespace Microsoft.ML.Data
{
    /// <summary>
    /// Loads images from the file paths of a text column (relative to <see cref="ImageFolder"/> when set). An empty
    /// path gives a null image; a missing or undecodable file fails when the row is read, naming the file and column.
    /// Saved as "IMGLOADR" version 0x00010003: the column pairs, the folder (string id or -1), a byte "load as image".
    /// </summary>
    public sealed class ImageLoadingTransformer : OneToOneTransformerBase
    {
        internal const string LoaderSignature = "ImageLoaderTransform";

        /// <summary>The folder paths are relative to (absolute), or null when paths are used as given.</summary>
        public readonly string ImageFolder;

        private readonly bool useImageType;

        internal IReadOnlyCollection<(string outputColumnName, string inputColumnName)> Columns => ColumnPairs;

        internal ImageLoadingTransformer(IHostEnvironment env, string imageFolder, bool type, params (string outputColumnName, string inputColumnName)[] columns)
            : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(ImageLoadingTransformer)), columns)
        {
            if (string.IsNullOrEmpty(imageFolder)) ImageFolder = null;
            else if (Directory.Exists(imageFolder)) ImageFolder = Path.GetFullPath(imageFolder);
            else throw new ArgumentException(string.Format("Directory \"{0}\" does not exist.", imageFolder));
            useImageType = type;
        }

        private ImageLoadingTransformer(IHost host, ModelLoadContext ctx)
            : base(host, ctx)
        {
            ImageFolder = ctx.LoadStringOrNull();
            useImageType = ctx.Header.ModelVerWritten >= 0x00010003 ? ctx.Reader.ReadBoolean() : true;
        }

        private static ImageLoadingTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            Contracts.CheckValue(env, nameof(env));
            ctx.CheckAtModel(GetVersionInfo());
            return new ImageLoadingTransformer(env.Register(nameof(ImageLoadingTransformer)), ctx);
        }

        private static VersionInfo GetVersionInfo() => new VersionInfo(
            modelSignature: "IMGLOADR",
            verWrittenCur: 0x00010003,
            verReadableCur: 0x00010003,
            verWeCanReadBack: 0x00010003,
            loaderSignature: LoaderSignature,
            loaderAssemblyName: typeof(ImageLoadingTransformer).Assembly.FullName);

        private protected override void CheckInputColumn(DataViewSchema inputSchema, int col, int srcCol)
        {
            if (!(inputSchema[srcCol].Type is TextDataViewType))
                throw Host.ExceptSchemaMismatch(nameof(inputSchema), "input", ColumnPairs[col].inputColumnName,
                    TextDataViewType.Instance.ToString(), inputSchema[srcCol].Type.ToString());
        }

        private protected override void SaveModel(ModelSaveContext ctx)
        {
            Host.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel();
            ctx.SetVersionInfo(GetVersionInfo());
            SaveColumns(ctx);
            ctx.SaveStringOrNull(ImageFolder);
            ctx.Writer.Write(useImageType);
        }

        private protected override IRowMapper MakeRowMapper(DataViewSchema schema) => new Mapper(this, schema);

        private string Resolve(string path) => string.IsNullOrWhiteSpace(ImageFolder) ? path : Path.Combine(ImageFolder, path);

        private sealed class Mapper : OneToOneMapperBase
        {
            private readonly ImageLoadingTransformer parent;

            public Mapper(ImageLoadingTransformer parent, DataViewSchema inputSchema)
                : base(parent.Host.Register(nameof(Mapper)), parent, inputSchema)
            {
                this.parent = parent;
            }

            protected override DataViewSchema.DetachedColumn[] GetOutputColumnsCore() =>
                parent.ColumnPairs.Select(x => new DataViewSchema.DetachedColumn(x.outputColumnName,
                    parent.useImageType ? new ImageDataViewType() : (DataViewType)new VectorDataViewType(NumberDataViewType.Byte), null)).ToArray();

            protected override Delegate MakeGetter(DataViewRow input, int iinfo, Func<int, bool> activeOutput, out Action disposer)
            {
                disposer = null;
                var getSrc = input.GetGetter<ReadOnlyMemory<char>>(input.Schema[ColMapNewToOld[iinfo]]);
                string column = parent.ColumnPairs[iinfo].outputColumnName;
                ReadOnlyMemory<char> src = default;
                if (parent.useImageType)
                {
                    return (ValueGetter<MLImage>)((ref MLImage dst) =>
                    {
                        getSrc(ref src);
                        if (src.Length == 0)
                        {
                            dst = null;
                            return;
                        }
                        string path = parent.Resolve(src.ToString());
                        dst = MLImage.Decode(ReadFile(path, column, input.Position), $"The image file '{path}' (column '{column}', row {input.Position})");
                        dst.Tag = path;
                    });
                }
                return (ValueGetter<VBuffer<byte>>)((ref VBuffer<byte> dst) =>
                {
                    getSrc(ref src);
                    byte[] bytes = src.Length == 0 ? Array.Empty<byte>() : ReadFile(parent.Resolve(src.ToString()), column, input.Position);
                    VBuffer<byte>.Copy(bytes, 0, ref dst, bytes.Length);
                });
            }

            private static byte[] ReadFile(string path, string column, long row)
            {
                try
                {
                    return File.ReadAllBytes(path);
                }
                catch (Exception ex) when (ex is FileNotFoundException || ex is DirectoryNotFoundException)
                {
                    throw new FileNotFoundException($"Image file '{path}' (column '{column}', row {row}) does not exist.", path, ex);
                }
            }
        }
    }

    /// <summary>The estimator of <see cref="ImageLoadingTransformer"/> (nothing to train).</summary>
    public sealed class ImageLoadingEstimator : TrivialEstimator<ImageLoadingTransformer>
    {
        private readonly bool type;

        internal ImageLoadingEstimator(IHostEnvironment env, string imageFolder, bool type, params (string outputColumnName, string inputColumnName)[] columns)
            : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(ImageLoadingEstimator)), new ImageLoadingTransformer(env, imageFolder, type, columns))
        {
            this.type = type;
        }

        /// <summary>Adds the image columns; each input must be a text scalar.</summary>
        public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
        {
            Host.CheckValue(inputSchema, nameof(inputSchema));
            var result = inputSchema.ToDictionary(x => x.Name);
            foreach (var (outputColumnName, inputColumnName) in Transformer.Columns)
            {
                if (!inputSchema.TryFindColumn(inputColumnName, out var col))
                    throw Host.ExceptSchemaMismatch(nameof(inputSchema), "input", inputColumnName);
                if (!(col.ItemType is TextDataViewType) || col.Kind != SchemaShape.Column.VectorKind.Scalar)
                    throw Host.ExceptSchemaMismatch(nameof(inputSchema), "input", inputColumnName, TextDataViewType.Instance.ToString(), col.GetTypeString());
                result[outputColumnName] = type
                    ? new SchemaShape.Column(outputColumnName, SchemaShape.Column.VectorKind.Scalar, new ImageDataViewType(), false)
                    : new SchemaShape.Column(outputColumnName, SchemaShape.Column.VectorKind.VariableVector, NumberDataViewType.Byte, false);
            }
            return new SchemaShape(result.Values);
        }
    }
}
