using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace TorchSharp
{
    /// <summary>Extension methods on tensors: scalar conversion, .dat records, formatting.</summary>
    public static class TensorExtensionMethods
    {
        /// <summary>Writes one tensor record in TorchSharp's .dat format.</summary>
        public static void Save(this Tensor tensor, BinaryWriter writer) => StateDictFormat.WriteTensor(writer, tensor);

        /// <summary>Writes one tensor record in TorchSharp's .dat format to a stream (left open).</summary>
        public static void Save(this Tensor tensor, Stream stream)
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            tensor.Save(writer);
        }

        /// <summary>Writes one tensor record in TorchSharp's .dat format to a file.</summary>
        public static void Save(this Tensor tensor, string location)
        {
            using var stream = File.Create(location);
            tensor.Save(stream);
        }

        /// <summary>Reads one tensor record (or skips it when <paramref name="skip"/>, returning null).</summary>
        public static Tensor Load(BinaryReader reader, bool skip = false)
        {
            if (!skip) return StateDictFormat.ReadTensor(reader);
            StateDictFormat.SkipTensor(reader);
            return null;
        }

        /// <summary>Reads one tensor record into an existing tensor of the same dtype and shape.</summary>
        public static void Load(this Tensor tensor, BinaryReader reader, bool skip = false)
        {
            if (skip) StateDictFormat.SkipTensor(reader);
            else StateDictFormat.ReadTensorInto(reader, tensor, "tensor");
        }

        /// <summary>Reads one tensor record into <paramref name="tensor"/>, creating (or replacing) it.</summary>
        public static void Load(ref Tensor? tensor, BinaryReader reader, bool skip = false)
        {
            var loaded = Load(reader, skip);
            if (skip) return;
            tensor?.Dispose();
            tensor = loaded;
        }

        /// <summary>Wraps the tensor as a trainable parameter (taking over its handle).</summary>
        public static Parameter AsParameter(this Tensor tensor) => new Parameter(tensor);

        /// <summary>The size in bytes of one element of <paramref name="type"/>.</summary>
        public static int ElementSize(this ScalarType type) => type switch
        {
            ScalarType.Byte or ScalarType.Int8 or ScalarType.Bool => 1,
            ScalarType.Int16 or ScalarType.Float16 or ScalarType.BFloat16 => 2,
            ScalarType.Int32 or ScalarType.Float32 => 4,
            ScalarType.Int64 or ScalarType.Float64 or ScalarType.ComplexFloat32 => 8,
            ScalarType.ComplexFloat64 => 16,
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown element type."),
        };

        /// <summary>The product of the dimensions.</summary>
        public static long TotalSize(this IEnumerable<long> shape) => shape.Aggregate(1L, (a, b) => a * b);

        public static float ToSingle(this Tensor value) => value.item<float>();
        public static double ToDouble(this Tensor value) => value.item<double>();
        public static long ToInt64(this Tensor value) => value.item<long>();
        public static int ToInt32(this Tensor value) => value.item<int>();
        public static short ToInt16(this Tensor value) => value.item<short>();
        public static byte ToByte(this Tensor value) => value.item<byte>();
        public static sbyte ToSByte(this Tensor value) => value.item<sbyte>();
        public static bool ToBoolean(this Tensor value) => value.item<bool>();
        public static Half ToHalf(this Tensor value) => value.item<Half>();

        /// <summary>Formats the tensor (see <see cref="Tensor.ToString(TensorStringStyle, string?, int?, CultureInfo?, string?)"/>).</summary>
        public static string str(this Tensor tensor, string? fltFormat = null, int? width = null, string? newLine = null, CultureInfo? cultureInfo = null, TensorStringStyle style = TensorStringStyle.Default) =>
            tensor.ToString(style, fltFormat, width, cultureInfo, newLine);

        /// <summary>The shape, element type and device.</summary>
        public static string metastr(this Tensor tensor) => tensor.ToString(TensorStringStyle.Metadata);

        /// <summary>Formats the tensor in NumPy style.</summary>
        public static string npstr(this Tensor tensor, string? fltFormat = "g5", int? width = 100, string? newLine = null, CultureInfo? cultureInfo = null) =>
            tensor.ToString(TensorStringStyle.Numpy, fltFormat, width, cultureInfo, newLine);

        /// <summary>Formats the tensor in Julia style.</summary>
        public static string jlstr(this Tensor tensor, string? fltFormat = null, int? width = null, string? newLine = null, CultureInfo? cultureInfo = null) =>
            tensor.ToString(TensorStringStyle.Julia, fltFormat, width, cultureInfo, newLine);

        /// <summary>Formats the tensor in C# style.</summary>
        public static string cstr(this Tensor tensor, string? fltFormat = "g5", int? width = 100, string? newLine = null, CultureInfo? cultureInfo = null) =>
            tensor.ToString(TensorStringStyle.CSharp, fltFormat, width, cultureInfo, newLine);

        /// <summary>Writes the formatted tensor to the console and returns it.</summary>
        public static Tensor print(this Tensor t, string? fltFormat = "g5", int? width = 100, string? newLine = null, CultureInfo? cultureInfo = null, TensorStringStyle style = TensorStringStyle.Default)
        {
            Console.WriteLine(t.str(fltFormat, width, newLine, cultureInfo, style));
            return t;
        }
    }
}
