using System;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp.Native;

namespace TorchSharp
{
    public static partial class torch
    {
        /// <summary>Copies a contiguous .NET buffer into a new tensor of the given shape.</summary>
        internal static unsafe Tensor TensorFromSpan<T>(ReadOnlySpan<T> data, long[] shape, ScalarType sourceType, ScalarType? dtype,
                                                        Device? device, bool requires_grad, string[]? names) where T : unmanaged
        {
            RejectNames(names);
            long expected = 1;
            foreach (var d in shape)
            {
                if (d < 0) throw new ArgumentException($"Negative dimension {d} in shape [{string.Join(", ", shape)}].", nameof(shape));
                expected *= d;
            }
            if (expected != data.Length)
                throw new ArgumentException($"The data has {data.Length} elements but the shape [{string.Join(", ", shape)}] needs {expected}.");
            var target = ResolveDevice(device);
            sbyte code = dtype.HasValue && dtype.Value != sourceType ? (sbyte)dtype.Value : (sbyte)-1;
            int deviceType = target.type == DeviceType.CPU ? -1 : (int)target.type;
            fixed (T* pointer = data)
            fixed (long* dims = shape)
                return Tensor.FromNative(NativeMethods.tsb_tensor_from_data(pointer, dims, shape.Length, (sbyte)sourceType, code,
                                                                            deviceType, target.index, requires_grad));
        }

        internal static Tensor TensorFromMultiDimensional<T>(Array rawArray, ScalarType sourceType, ScalarType? dtype, Device? device,
                                                            bool requires_grad, string[]? names) where T : unmanaged
        {
            var shape = Enumerable.Range(0, rawArray.Rank).Select(d => (long)rawArray.GetLength(d)).ToArray();
            // A multi-dimensional .NET array is stored contiguously in row-major order.
            var span = MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<byte, T>(ref MemoryMarshal.GetArrayDataReference(rawArray)), rawArray.Length);
            return TensorFromSpan(span, shape, sourceType, dtype, device, requires_grad, names);
        }

        /// <summary>A tensor copied from a .NET array of any rank and a supported element type.</summary>
        public static Tensor from_array(Array rawArray, Device? device = null) => from_array(rawArray, null, device);

        /// <summary>A tensor copied from a .NET array of any rank and a supported element type, converted to <paramref name="dtype"/>.</summary>
        public static Tensor from_array(Array rawArray, ScalarType? dtype, Device? device = null, bool requires_grad = false, string[]? names = null)
        {
            var element = rawArray.GetType().GetElementType();
            return element switch
            {
                _ when element == typeof(float) => TensorFromMultiDimensional<float>(rawArray, ScalarType.Float32, dtype, device, requires_grad, names),
                _ when element == typeof(double) => TensorFromMultiDimensional<double>(rawArray, ScalarType.Float64, dtype, device, requires_grad, names),
                _ when element == typeof(long) => TensorFromMultiDimensional<long>(rawArray, ScalarType.Int64, dtype, device, requires_grad, names),
                _ when element == typeof(int) => TensorFromMultiDimensional<int>(rawArray, ScalarType.Int32, dtype, device, requires_grad, names),
                _ when element == typeof(short) => TensorFromMultiDimensional<short>(rawArray, ScalarType.Int16, dtype, device, requires_grad, names),
                _ when element == typeof(byte) => TensorFromMultiDimensional<byte>(rawArray, ScalarType.Byte, dtype, device, requires_grad, names),
                _ when element == typeof(sbyte) => TensorFromMultiDimensional<sbyte>(rawArray, ScalarType.Int8, dtype, device, requires_grad, names),
                _ when element == typeof(bool) => TensorFromMultiDimensional<bool>(rawArray, ScalarType.Bool, dtype, device, requires_grad, names),
                _ when element == typeof(Half) => TensorFromMultiDimensional<Half>(rawArray, ScalarType.Float16, dtype, device, requires_grad, names),
                _ => throw new ArgumentException($"Arrays of {element?.Name ?? "unknown"} cannot be converted to a tensor.", nameof(rawArray)),
            };
        }

        public partial class Tensor
        {
            public static implicit operator Tensor(byte value) => tensor(value);
            public static implicit operator Tensor(sbyte value) => tensor(value);
            public static implicit operator Tensor(short value) => tensor(value);
            public static implicit operator Tensor(int value) => tensor(value);
            public static implicit operator Tensor(long value) => tensor(value);
            public static implicit operator Tensor(float value) => tensor(value);
            public static implicit operator Tensor(double value) => tensor(value);
            public static implicit operator Tensor(bool value) => tensor(value);
            public static implicit operator Tensor(byte[] value) => tensor(value);
            public static implicit operator Tensor(sbyte[] value) => tensor(value);
            public static implicit operator Tensor(short[] value) => tensor(value);
            public static implicit operator Tensor(int[] value) => tensor(value);
            public static implicit operator Tensor(long[] value) => tensor(value);
            public static implicit operator Tensor(float[] value) => tensor(value);
            public static implicit operator Tensor(double[] value) => tensor(value);
            public static implicit operator Tensor(bool[] value) => tensor(value);

            /// <summary>A 0-dimensional tensor holding the scalar's value.</summary>
            public static implicit operator Tensor(Scalar scalar) => scalar.Native.Kind switch
            {
                0 => tensor(scalar.Native.Real, scalar.Type == ScalarType.Float64 ? ScalarType.Float64 : scalar.Type),
                2 => tensor(scalar.Native.Integer != 0),
                _ => tensor(scalar.Native.Integer, scalar.Type),
            };
        }
    }
}
