using System;
using System.Globalization;
using System.Linq;
using System.Text;

namespace TorchSharp
{
    public static partial class torch
    {
        public partial class Tensor
        {
            /// <summary>Formats the tensor: metadata only, or metadata and values in Julia, NumPy or C# style.</summary>
            public string ToString(TensorStringStyle style, string? fltFormat = null, int? width = null, CultureInfo? cultureInfo = null, string? newLine = null)
            {
                var culture = cultureInfo ?? CultureInfo.InvariantCulture;
                newLine ??= Environment.NewLine;
                string metadata = $"[{string.Join("x", shape)}], type = {dtype}, device = {device}";
                if (style == TensorStringStyle.Metadata) return metadata;
                var values = FlatValues();
                var format = fltFormat ?? "g5";
                string Element(double v) => IsFloating(dtype) ? v.ToString(format, culture) : dtype == ScalarType.Bool ? (v != 0).ToString() : v.ToString("0", culture);
                var dims = shape;
                var builder = new StringBuilder();
                switch (style)
                {
                    case TensorStringStyle.Numpy:
                        AppendNested(builder, values, dims, 0, 0, Element, newLine, ", ", "[", "]");
                        return builder.ToString();
                    case TensorStringStyle.CSharp:
                        builder.Append(metadata).Append(", value = ");
                        AppendNested(builder, values, dims, 0, 0, Element, " ", ", ", "{", "}");
                        return builder.ToString();
                    default:
                        builder.Append(metadata);
                        if (dims.Length == 0) return builder.Append(newLine).Append(' ').Append(Element(values[0])).ToString();
                        long columns = dims[^1];
                        for (long row = 0; row * Math.Max(columns, 1) < values.Length; row++)
                        {
                            builder.Append(newLine);
                            for (long c = 0; c < columns; c++) builder.Append(' ').Append(Element(values[row * columns + c]));
                        }
                        return builder.ToString();
                }
            }

            /// <summary>Formats the tensor in the default (Julia) style, or as metadata when <paramref name="disamb"/> is false.</summary>
            public string ToString(bool disamb, string? fltFormat = null, int? width = null, CultureInfo? cultureInfo = null, string? newLine = null) =>
                ToString(disamb ? TensorStringStyle.Julia : TensorStringStyle.Metadata, fltFormat, width, cultureInfo, newLine);

            private double[] FlatValues()
            {
                using var scope = NewDisposeScope();
                var flat = detach().cpu().to(ScalarType.Float64).contiguous().flatten();
                using var values = flat.data<double>();
                return values.ToArray();
            }

            internal static bool IsFloating(ScalarType type) =>
                type is ScalarType.Float16 or ScalarType.Float32 or ScalarType.Float64 or ScalarType.BFloat16;

            private static void AppendNested(StringBuilder builder, double[] values, long[] dims, int depth, long offset,
                                             Func<double, string> element, string newLine, string separator, string open, string close)
            {
                if (depth == dims.Length)
                {
                    builder.Append(element(values[offset]));
                    return;
                }
                long stride = dims.Skip(depth + 1).Aggregate(1L, (a, b) => a * b);
                builder.Append(open);
                for (long i = 0; i < dims[depth]; i++)
                {
                    if (i > 0) builder.Append(separator).Append(depth < dims.Length - 1 ? newLine + new string(' ', depth + 1) : "");
                    AppendNested(builder, values, dims, depth + 1, offset + i * stride, element, newLine, separator, open, close);
                }
                builder.Append(close);
            }
        }
    }
}
