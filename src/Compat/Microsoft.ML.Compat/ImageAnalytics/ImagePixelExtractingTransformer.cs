using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transforms.Image;

[assembly: LoadableClass(typeof(ImagePixelExtractingTransformer), null, typeof(SignatureLoadModel),
    ImagePixelExtractingTransformer.UserName, ImagePixelExtractingTransformer.LoaderSignature)]

namespace Microsoft.ML.Transforms.Image
{
    /// <summary>
    /// Turns images of a known size into vectors: planes (height, width) or, interleaved, (height, width, planes), the
    /// planes being the chosen colours in the chosen order; values are (pixel - offset) * scale as floats, or raw bytes.
    /// A null image gives zeros. Saved as "IMGPXEXT" version 0x00010003: the column pairs, then per column byte colours,
    /// byte order, byte as-float, float offset, float scale, byte interleave.
    /// </summary>
    public sealed class ImagePixelExtractingTransformer : OneToOneTransformerBase
    {
        internal const string UserName = "Image Pixel Extractor Transform";
        internal const string LoaderSignature = "ImagePixelExtractor";
        internal const uint BeforeOrderVersion = 0x00010002;
        private const string RegistrationName = "ImagePixelExtractor";
        private readonly ImagePixelExtractingEstimator.ColumnOptions[] columns;

        internal IReadOnlyCollection<ImagePixelExtractingEstimator.ColumnOptions> Columns => columns;

        internal ImagePixelExtractingTransformer(IHostEnvironment env, params ImagePixelExtractingEstimator.ColumnOptions[] columns)
            : base(Contracts.CheckRef(env, nameof(env)).Register(RegistrationName), columns.Select(x => (x.Name, x.InputColumnName)).ToArray())
        {
            this.columns = columns.ToArray();
        }

        private ImagePixelExtractingTransformer(IHost host, ModelLoadContext ctx)
            : base(host, ctx)
        {
            columns = new ImagePixelExtractingEstimator.ColumnOptions[ColumnPairs.Length];
            for (int i = 0; i < columns.Length; i++)
                columns[i] = new ImagePixelExtractingEstimator.ColumnOptions(ColumnPairs[i].outputColumnName, ColumnPairs[i].inputColumnName, ctx);
        }

        private static ImagePixelExtractingTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            Contracts.CheckValue(env, nameof(env));
            ctx.CheckAtModel(GetVersionInfo());
            return new ImagePixelExtractingTransformer(env.Register(RegistrationName), ctx);
        }

        private static VersionInfo GetVersionInfo() => new VersionInfo(
            modelSignature: "IMGPXEXT",
            verWrittenCur: 0x00010003,
            verReadableCur: 0x00010002,
            verWeCanReadBack: 0x00010002,
            loaderSignature: LoaderSignature,
            loaderAssemblyName: typeof(ImagePixelExtractingTransformer).Assembly.FullName);

        private protected override void SaveModel(ModelSaveContext ctx)
        {
            Host.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel();
            ctx.SetVersionInfo(GetVersionInfo());
            SaveColumns(ctx);
            foreach (var column in columns) column.Save(ctx);
        }

        private protected override void CheckInputColumn(DataViewSchema inputSchema, int col, int srcCol)
        {
            string name = columns[col].InputColumnName;
            if (!(inputSchema[srcCol].Type is ImageDataViewType image))
                throw Host.ExceptSchemaMismatch(nameof(inputSchema), "input", name, "image", inputSchema[srcCol].Type.ToString());
            if (image.Height <= 0 || image.Width <= 0)
                throw Host.ExceptSchemaMismatch(nameof(inputSchema), "input", name, "known-size image", "unknown-size image");
        }

        private protected override IRowMapper MakeRowMapper(DataViewSchema schema) => new Mapper(this, schema);

        private sealed class Mapper : OneToOneMapperBase
        {
            private readonly ImagePixelExtractingTransformer parent;
            private readonly VectorDataViewType[] types;

            public Mapper(ImagePixelExtractingTransformer parent, DataViewSchema inputSchema)
                : base(parent.Host.Register(nameof(Mapper)), parent, inputSchema)
            {
                this.parent = parent;
                types = parent.columns.Select((column, i) =>
                {
                    var image = (ImageDataViewType)inputSchema[ColMapNewToOld[i]].Type;
                    var item = column.OutputAsFloatArray ? NumberDataViewType.Single : NumberDataViewType.Byte;
                    return column.InterleavePixelColors
                        ? new VectorDataViewType(item, image.Height, image.Width, column.Planes)
                        : new VectorDataViewType(item, column.Planes, image.Height, image.Width);
                }).ToArray();
            }

            protected override DataViewSchema.DetachedColumn[] GetOutputColumnsCore() =>
                parent.columns.Select((x, i) => new DataViewSchema.DetachedColumn(x.Name, types[i], null)).ToArray();

            protected override Delegate MakeGetter(DataViewRow input, int iinfo, Func<int, bool> activeOutput, out Action disposer)
            {
                disposer = null;
                return parent.columns[iinfo].OutputAsFloatArray ? MakeGetter<float>(input, iinfo) : MakeGetter<byte>(input, iinfo);
            }

            private ValueGetter<VBuffer<T>> MakeGetter<T>(DataViewRow input, int iinfo)
                where T : struct
            {
                var options = parent.columns[iinfo];
                var type = types[iinfo];
                int planes = options.Planes;
                int height = options.InterleavePixelColors ? type.Dimensions[0] : type.Dimensions[1];
                int width = options.InterleavePixelColors ? type.Dimensions[1] : type.Dimensions[2];
                int size = type.Size;
                ImagePixelExtractingEstimator.GetOrder(options.OrderOfExtraction, options.ColorsToExtract, out int a, out int r, out int b, out int g);
                // For each output plane, the byte of the 4-byte pixel it reads (-1: alpha of a 3-channel image, always 255).
                var planeOf = new int[planes];
                var getSrc = input.GetGetter<MLImage>(input.Schema[ColMapNewToOld[iinfo]]);
                float offset = options.OffsetImage;
                float scale = options.ScaleImage;
                MLImage src = null;
                return (ref VBuffer<T> dst) =>
                {
                    src = null;
                    getSrc(ref src);
                    var editor = VBufferEditor.Create(ref dst, size);
                    if (src == null)
                    {
                        editor.Values.Clear();
                        dst = editor.Commit();
                        return;
                    }
                    if (src.Height != height || src.Width != width)
                        throw new InvalidOperationException(
                            $"Column '{options.InputColumnName}' holds a {src.Width} x {src.Height} image where its type promises {width} x {height}.");
                    (int alpha, int red, int green, int blue) = src.PixelFormat switch
                    {
                        MLPixelFormat.Bgra32 => (3, 2, 1, 0),
                        MLPixelFormat.Rgba32 => (3, 0, 1, 2),
                        _ => throw new InvalidOperationException("Image pixel format is not supported"),
                    };
                    if (a >= 0) planeOf[a] = alpha;
                    if (r >= 0) planeOf[r] = red;
                    if (g >= 0) planeOf[g] = green;
                    if (b >= 0) planeOf[b] = blue;
                    var pixels = src.Pixels;
                    int pixelCount = height * width;
                    if (typeof(T) == typeof(byte))
                    {
                        var values = System.Runtime.InteropServices.MemoryMarshal.Cast<T, byte>(editor.Values);
                        for (int p = 0; p < pixelCount; p++)
                            for (int c = 0; c < planes; c++)
                                values[options.InterleavePixelColors ? p * planes + c : c * pixelCount + p] = pixels[p * 4 + planeOf[c]];
                    }
                    else
                    {
                        var values = System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(editor.Values);
                        bool needScale = offset != 0 || scale != 1;
                        for (int p = 0; p < pixelCount; p++)
                            for (int c = 0; c < planes; c++)
                            {
                                float v = pixels[p * 4 + planeOf[c]];
                                values[options.InterleavePixelColors ? p * planes + c : c * pixelCount + p] = needScale ? (v - offset) * scale : v;
                            }
                    }
                    dst = editor.Commit();
                };
            }
        }
    }
}
