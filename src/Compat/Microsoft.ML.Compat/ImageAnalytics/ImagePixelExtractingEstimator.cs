using System;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Transforms.Image
{
    /// <summary>The estimator of <see cref="ImagePixelExtractingTransformer"/> (nothing to train).</summary>
    public sealed class ImagePixelExtractingEstimator : TrivialEstimator<ImagePixelExtractingTransformer>
    {
        internal static class Defaults
        {
            public const ColorsOrder Order = ColorsOrder.ARGB;
            public const ColorBits Colors = ColorBits.Rgb;
            public const bool Interleave = false;
            public const bool Convert = true;
            public const float Scale = 1f;
            public const float Offset = 0f;
        }

        /// <summary>Which colour channels to extract.</summary>
        [Flags]
        public enum ColorBits : byte
        {
            /// <summary>Alpha.</summary>
            Alpha = 0x01,

            /// <summary>Red.</summary>
            Red = 0x02,

            /// <summary>Green.</summary>
            Green = 0x04,

            /// <summary>Blue.</summary>
            Blue = 0x08,

            /// <summary>Red, green and blue.</summary>
            Rgb = Red | Green | Blue,

            /// <summary>All four.</summary>
            All = Alpha | Red | Green | Blue,
        }

        /// <summary>The order of the extracted planes (channels not extracted are skipped).</summary>
        public enum ColorsOrder : byte
        {
            /// <summary>Alpha, red, green, blue.</summary>
            ARGB = 1,

            /// <summary>Alpha, red, blue, green.</summary>
            ARBG = 2,

            /// <summary>Alpha, blue, red, green.</summary>
            ABRG = 3,

            /// <summary>Alpha, blue, green, red.</summary>
            ABGR = 4,

            /// <summary>Alpha, green, red, blue.</summary>
            AGRB = 5,

            /// <summary>Alpha, green, blue, red.</summary>
            AGBR = 6,
        }

        /// <summary>The plane index of each channel in <paramref name="order"/> (-1 when not extracted).</summary>
        internal static void GetOrder(ColorsOrder order, ColorBits colors, out int a, out int r, out int b, out int g)
        {
            a = r = b = g = -1;
            int position = 0;
            foreach (char c in order.ToString().ToLowerInvariant())
            {
                switch (c)
                {
                    case 'a' when (colors & ColorBits.Alpha) != 0: a = position++; break;
                    case 'r' when (colors & ColorBits.Red) != 0: r = position++; break;
                    case 'g' when (colors & ColorBits.Green) != 0: g = position++; break;
                    case 'b' when (colors & ColorBits.Blue) != 0: b = position++; break;
                }
            }
        }

        /// <summary>One extracted column (friend-only, as in ML.NET).</summary>
        internal sealed class ColumnOptions
        {
            public readonly string Name;
            public readonly string InputColumnName;
            public readonly ColorBits ColorsToExtract;
            public readonly ColorsOrder OrderOfExtraction;
            public readonly float OffsetImage;
            public readonly float ScaleImage;
            public readonly bool InterleavePixelColors;
            public readonly bool OutputAsFloatArray;
            internal readonly byte Planes;

            public ColumnOptions(string name, string inputColumnName = null, ColorBits colorsToExtract = Defaults.Colors,
                ColorsOrder orderOfExtraction = Defaults.Order, bool interleavePixelColors = Defaults.Interleave,
                float offsetImage = Defaults.Offset, float scaleImage = Defaults.Scale, bool outputAsFloatArray = Defaults.Convert)
            {
                Contracts.CheckNonWhiteSpace(name, nameof(name));
                Name = name;
                InputColumnName = inputColumnName ?? name;
                ColorsToExtract = colorsToExtract;
                OrderOfExtraction = orderOfExtraction;
                Contracts.CheckParam(Enum.IsDefined(typeof(ColorsOrder), orderOfExtraction), nameof(orderOfExtraction), "unknown colour order");
                Contracts.CheckParam((colorsToExtract & ColorBits.All) == colorsToExtract, nameof(colorsToExtract), "unknown colour bits");
                Planes = CountPlanes(colorsToExtract);
                Contracts.CheckParam(Planes > 0, nameof(colorsToExtract), "Need to use at least one color plane.");
                InterleavePixelColors = interleavePixelColors;
                OutputAsFloatArray = outputAsFloatArray;
                OffsetImage = outputAsFloatArray ? offsetImage : Defaults.Offset;
                ScaleImage = outputAsFloatArray ? scaleImage : Defaults.Scale;
                Contracts.CheckParam(float.IsFinite(OffsetImage), nameof(offsetImage), "must be finite");
                Contracts.CheckParam(float.IsFinite(ScaleImage) && ScaleImage != 0, nameof(scaleImage), "must be finite and non-zero");
            }

            /// <summary>Reads: byte colours, byte order (from version 0x00010003), byte as-float, float offset, float scale, byte interleave.</summary>
            internal ColumnOptions(string name, string inputColumnName, ModelLoadContext ctx)
            {
                Name = name;
                InputColumnName = inputColumnName;
                ColorsToExtract = (ColorBits)ctx.Reader.ReadByte();
                Contracts.CheckDecode(ColorsToExtract != 0 && (ColorsToExtract & ColorBits.All) == ColorsToExtract, "bad colour bits");
                if (ctx.Header.ModelVerWritten <= ImagePixelExtractingTransformer.BeforeOrderVersion) OrderOfExtraction = ColorsOrder.ARGB;
                else
                {
                    OrderOfExtraction = (ColorsOrder)ctx.Reader.ReadByte();
                    Contracts.CheckDecode(Enum.IsDefined(typeof(ColorsOrder), OrderOfExtraction), "bad colour order");
                }
                Planes = CountPlanes(ColorsToExtract);
                OutputAsFloatArray = ctx.Reader.ReadByte() != 0;
                OffsetImage = ctx.Reader.ReadSingle();
                Contracts.CheckDecode(float.IsFinite(OffsetImage), "the offset is not finite");
                ScaleImage = ctx.Reader.ReadSingle();
                Contracts.CheckDecode(float.IsFinite(ScaleImage) && ScaleImage != 0, "the scale is not finite and non-zero");
                Contracts.CheckDecode(OutputAsFloatArray || (OffsetImage == 0 && ScaleImage == 1), "bytes cannot have an offset or scale");
                InterleavePixelColors = ctx.Reader.ReadByte() != 0;
            }

            internal void Save(ModelSaveContext ctx)
            {
                ctx.Writer.Write((byte)ColorsToExtract);
                ctx.Writer.Write((byte)OrderOfExtraction);
                ctx.Writer.Write((byte)(OutputAsFloatArray ? 1 : 0));
                ctx.Writer.Write(OffsetImage);
                ctx.Writer.Write(ScaleImage);
                ctx.Writer.Write((byte)(InterleavePixelColors ? 1 : 0));
            }

            private static byte CountPlanes(ColorBits colors) =>
                (byte)new[] { ColorBits.Alpha, ColorBits.Red, ColorBits.Green, ColorBits.Blue }.Count(c => (colors & c) != 0);
        }

        internal ImagePixelExtractingEstimator(IHostEnvironment env, params ColumnOptions[] columns)
            : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(ImagePixelExtractingEstimator)), new ImagePixelExtractingTransformer(env, columns))
        {
        }

        /// <summary>Adds the pixel vector columns; each input must be an image scalar.</summary>
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
                var itemType = info.OutputAsFloatArray ? NumberDataViewType.Single : NumberDataViewType.Byte;
                result[info.Name] = new SchemaShape.Column(info.Name, SchemaShape.Column.VectorKind.Vector, itemType, false);
            }
            return new SchemaShape(result.Values);
        }
    }
}
