using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transforms.Image;

[assembly: LoadableClass(typeof(ImageResizingTransformer), null, typeof(SignatureLoadModel),
    ImageResizingTransformer.UserName, ImageResizingTransformer.LoaderSignature)]

namespace Microsoft.ML.Transforms.Image
{
    /// <summary>
    /// Resizes images to a fixed size (see <see cref="ImageResizingEstimator.ResizingKind"/>). A null image stays null.
    /// Saved as "IMGSCALF" version 0x00010003: the column pairs, then per column int width, int height, byte kind, byte anchor.
    /// </summary>
    public sealed class ImageResizingTransformer : OneToOneTransformerBase
    {
        internal const string UserName = "Image Resizer Transform";
        internal const string LoaderSignature = "ImageScalerTransform";
        private const string RegistrationName = "ImageScaler";
        private readonly ImageResizingEstimator.ColumnOptions[] columns;

        internal IReadOnlyCollection<ImageResizingEstimator.ColumnOptions> Columns => columns;

        internal ImageResizingTransformer(IHostEnvironment env, params ImageResizingEstimator.ColumnOptions[] columns)
            : base(Contracts.CheckRef(env, nameof(env)).Register(RegistrationName), columns.Select(x => (x.Name, x.InputColumnName)).ToArray())
        {
            this.columns = columns.ToArray();
        }

        private ImageResizingTransformer(IHost host, ModelLoadContext ctx)
            : base(host, ctx)
        {
            columns = new ImageResizingEstimator.ColumnOptions[ColumnPairs.Length];
            for (int i = 0; i < columns.Length; i++)
            {
                int width = ctx.Reader.ReadInt32();
                Host.CheckDecode(width > 0, "the saved width is not positive");
                int height = ctx.Reader.ReadInt32();
                Host.CheckDecode(height > 0, "the saved height is not positive");
                var kind = (ImageResizingEstimator.ResizingKind)ctx.Reader.ReadByte();
                Host.CheckDecode(Enum.IsDefined(typeof(ImageResizingEstimator.ResizingKind), kind), "unknown resizing kind");
                var anchor = (ImageResizingEstimator.Anchor)ctx.Reader.ReadByte();
                Host.CheckDecode(Enum.IsDefined(typeof(ImageResizingEstimator.Anchor), anchor), "unknown anchor");
                columns[i] = new ImageResizingEstimator.ColumnOptions(ColumnPairs[i].outputColumnName, width, height, ColumnPairs[i].inputColumnName, kind, anchor);
            }
        }

        private static ImageResizingTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            Contracts.CheckValue(env, nameof(env));
            ctx.CheckAtModel(GetVersionInfo());
            return new ImageResizingTransformer(env.Register(RegistrationName), ctx);
        }

        private static VersionInfo GetVersionInfo() => new VersionInfo(
            modelSignature: "IMGSCALF",
            verWrittenCur: 0x00010003,
            verReadableCur: 0x00010003,
            verWeCanReadBack: 0x00010003,
            loaderSignature: LoaderSignature,
            loaderAssemblyName: typeof(ImageResizingTransformer).Assembly.FullName);

        private protected override void SaveModel(ModelSaveContext ctx)
        {
            Host.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel();
            ctx.SetVersionInfo(GetVersionInfo());
            SaveColumns(ctx);
            foreach (var column in columns)
            {
                ctx.Writer.Write(column.ImageWidth);
                ctx.Writer.Write(column.ImageHeight);
                ctx.Writer.Write((byte)column.Resizing);
                ctx.Writer.Write((byte)column.Anchor);
            }
        }

        private protected override void CheckInputColumn(DataViewSchema inputSchema, int col, int srcCol)
        {
            if (!(inputSchema[srcCol].Type is ImageDataViewType))
                throw Host.ExceptSchemaMismatch(nameof(inputSchema), "input", columns[col].InputColumnName, "image", inputSchema[srcCol].Type.ToString());
        }

        private protected override IRowMapper MakeRowMapper(DataViewSchema schema) => new Mapper(this, schema);

        private static ImageResizeMode ModeOf(ImageResizingEstimator.ColumnOptions column) => column.Resizing switch
        {
            ImageResizingEstimator.ResizingKind.IsoPad => ImageResizeMode.Pad,
            ImageResizingEstimator.ResizingKind.Fill => ImageResizeMode.Fill,
            _ => column.Anchor switch
            {
                ImageResizingEstimator.Anchor.Top => ImageResizeMode.CropAnchorTop,
                ImageResizingEstimator.Anchor.Bottom => ImageResizeMode.CropAnchorBottom,
                ImageResizingEstimator.Anchor.Left => ImageResizeMode.CropAnchorLeft,
                ImageResizingEstimator.Anchor.Right => ImageResizeMode.CropAnchorRight,
                _ => ImageResizeMode.CropAnchorCentral,
            },
        };

        private sealed class Mapper : OneToOneMapperBase
        {
            private readonly ImageResizingTransformer parent;

            public Mapper(ImageResizingTransformer parent, DataViewSchema inputSchema)
                : base(parent.Host.Register(nameof(Mapper)), parent, inputSchema)
            {
                this.parent = parent;
            }

            protected override DataViewSchema.DetachedColumn[] GetOutputColumnsCore() =>
                parent.columns.Select(x => new DataViewSchema.DetachedColumn(x.Name, x.Type, null)).ToArray();

            protected override Delegate MakeGetter(DataViewRow input, int iinfo, Func<int, bool> activeOutput, out Action disposer)
            {
                disposer = null;
                var getSrc = input.GetGetter<MLImage>(input.Schema[ColMapNewToOld[iinfo]]);
                var info = parent.columns[iinfo];
                var mode = ModeOf(info);
                MLImage src = null;
                return (ValueGetter<MLImage>)((ref MLImage dst) =>
                {
                    src = null;
                    getSrc(ref src);
                    if (src == null || src.Height <= 0 || src.Width <= 0)
                    {
                        dst = null;
                        return;
                    }
                    dst = src.Height == info.ImageHeight && src.Width == info.ImageWidth
                        ? src.Clone()
                        : src.CloneWithResizing(info.ImageWidth, info.ImageHeight, mode);
                    dst.Tag = src.Tag;
                });
            }
        }
    }

    /// <summary>The estimator of <see cref="ImageResizingTransformer"/> (nothing to train).</summary>
    public sealed class ImageResizingEstimator : TrivialEstimator<ImageResizingTransformer>
    {
        internal static class Defaults
        {
            public const ResizingKind Resizing = ResizingKind.IsoCrop;
            public const Anchor CropAnchor = Anchor.Center;
        }

        /// <summary>How an image is fitted to the new size.</summary>
        public enum ResizingKind : byte
        {
            /// <summary>Keep the aspect ratio; scale to fit inside and pad with black.</summary>
            IsoPad = 0,

            /// <summary>Keep the aspect ratio; scale to cover and crop at the anchor.</summary>
            IsoCrop = 1,

            /// <summary>Stretch to the new size, ignoring the aspect ratio.</summary>
            Fill = 2,
        }

        /// <summary>Which part of the image a crop keeps.</summary>
        public enum Anchor : byte
        {
            /// <summary>The right side.</summary>
            Right = 0,

            /// <summary>The left side.</summary>
            Left = 1,

            /// <summary>The top.</summary>
            Top = 2,

            /// <summary>The bottom.</summary>
            Bottom = 3,

            /// <summary>The centre.</summary>
            Center = 4,
        }

        /// <summary>One resized column (friend-only, as in ML.NET).</summary>
        internal sealed class ColumnOptions
        {
            public readonly string Name;
            public readonly string InputColumnName;
            public readonly int ImageWidth;
            public readonly int ImageHeight;
            public readonly ResizingKind Resizing;
            public readonly Anchor Anchor;
            public readonly DataViewType Type;

            public ColumnOptions(string name, int imageWidth, int imageHeight, string inputColumnName = null,
                ResizingKind resizing = Defaults.Resizing, Anchor anchor = Defaults.CropAnchor)
            {
                Contracts.CheckNonEmpty(name, nameof(name));
                Contracts.CheckUserArg(imageWidth > 0, nameof(imageWidth), "must be positive");
                Contracts.CheckUserArg(imageHeight > 0, nameof(imageHeight), "must be positive");
                Contracts.CheckUserArg(Enum.IsDefined(typeof(ResizingKind), resizing), nameof(resizing), "unknown resizing kind");
                Contracts.CheckUserArg(Enum.IsDefined(typeof(Anchor), anchor), nameof(anchor), "unknown anchor");
                Name = name;
                InputColumnName = inputColumnName ?? name;
                ImageWidth = imageWidth;
                ImageHeight = imageHeight;
                Resizing = resizing;
                Anchor = anchor;
                Type = new ImageDataViewType(ImageHeight, ImageWidth);
            }
        }

        internal ImageResizingEstimator(IHostEnvironment env, string outputColumnName, int imageWidth, int imageHeight,
            string inputColumnName = null, ResizingKind resizing = Defaults.Resizing, Anchor cropAnchor = Defaults.CropAnchor)
            : this(env, new ColumnOptions(outputColumnName, imageWidth, imageHeight, inputColumnName, resizing, cropAnchor))
        {
        }

        internal ImageResizingEstimator(IHostEnvironment env, params ColumnOptions[] columns)
            : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(ImageResizingEstimator)), new ImageResizingTransformer(env, columns))
        {
        }

        /// <summary>Adds the resized image columns; each input must be an image scalar.</summary>
        public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
        {
            Host.CheckValue(inputSchema, nameof(inputSchema));
            var result = inputSchema.ToDictionary(x => x.Name);
            foreach (var info in Transformer.Columns)
            {
                if (!inputSchema.TryFindColumn(info.InputColumnName, out var col))
                    throw Host.ExceptSchemaMismatch(nameof(inputSchema), "input", info.InputColumnName);
                if (!(col.ItemType is ImageDataViewType) || col.Kind != SchemaShape.Column.VectorKind.Scalar)
                    throw Host.ExceptSchemaMismatch(nameof(inputSchema), "input", info.InputColumnName, new ImageDataViewType().ToString(), col.GetTypeString());
                result[info.Name] = new SchemaShape.Column(info.Name, SchemaShape.Column.VectorKind.Scalar, info.Type, false);
            }
            return new SchemaShape(result.Values);
        }
    }
}
