// torch.tensor(...) overloads for each element type; all forward to TensorFromSpan in Factories.FromArray.cs.
using System;
using System.Collections.Generic;
using System.Linq;

namespace TorchSharp
{
    public static partial class torch
    {
        /// <summary>A 0-dimensional tensor holding <paramref name="scalar"/>.</summary>
        public static Tensor tensor(float scalar, Device? device = null, bool requires_grad = false) =>
            TensorFromSpan<float>(new[] { scalar }, Array.Empty<long>(), ScalarType.Float32, null, device, requires_grad, null);
        /// <summary>A 1-dimensional tensor copied from the array.</summary>
        public static Tensor tensor(float[] rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<float>(rawArray, new long[] { rawArray.LongLength }, ScalarType.Float32, dtype, device, requires_grad, names);
        /// <summary>A tensor of the given shape copied from the array (row-major).</summary>
        public static Tensor tensor(float[] rawArray, ReadOnlySpan<long> dimensions, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<float>(rawArray, dimensions.ToArray(), ScalarType.Float32, dtype, device, requires_grad, names);
        /// <summary>A 2-dimensional tensor copied from the array.</summary>
        public static Tensor tensor(float[,] rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromMultiDimensional<float>(rawArray, ScalarType.Float32, dtype, device, requires_grad, names);
        /// <summary>A 3-dimensional tensor copied from the array.</summary>
        public static Tensor tensor(float[,,] rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromMultiDimensional<float>(rawArray, ScalarType.Float32, dtype, device, requires_grad, names);
        /// <summary>A 4-dimensional tensor copied from the array.</summary>
        public static Tensor tensor(float[,,,] rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromMultiDimensional<float>(rawArray, ScalarType.Float32, dtype, device, requires_grad, names);
        /// <summary>A 1-dimensional tensor copied from the list.</summary>
        public static Tensor tensor(IList<float> rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<float>(rawArray.ToArray(), new long[] { rawArray.Count }, ScalarType.Float32, dtype, device, requires_grad, names);
        /// <summary>A tensor of the given shape copied from the list (row-major).</summary>
        public static Tensor tensor(IList<float> rawArray, ReadOnlySpan<long> dimensions, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<float>(rawArray.ToArray(), dimensions.ToArray(), ScalarType.Float32, dtype, device, requires_grad, names);
        /// <summary>A matrix copied from the list (row-major).</summary>
        public static Tensor tensor(IList<float> rawArray, long rows, long columns, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<float>(rawArray.ToArray(), new[] { rows, columns }, ScalarType.Float32, dtype, device, requires_grad, names);
        /// <summary>A 3-dimensional tensor copied from the list (row-major).</summary>
        public static Tensor tensor(IList<float> rawArray, long dim0, long dim1, long dim2, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<float>(rawArray.ToArray(), new[] { dim0, dim1, dim2 }, ScalarType.Float32, dtype, device, requires_grad, names);
        /// <summary>A 4-dimensional tensor copied from the list (row-major).</summary>
        public static Tensor tensor(IList<float> rawArray, long dim0, long dim1, long dim2, long dim3, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<float>(rawArray.ToArray(), new[] { dim0, dim1, dim2, dim3 }, ScalarType.Float32, dtype, device, requires_grad, names);
        /// <summary>A 0-dimensional tensor holding <paramref name="scalar"/>.</summary>
        public static Tensor tensor(double scalar, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
            TensorFromSpan<double>(new[] { scalar }, Array.Empty<long>(), ScalarType.Float64, dtype, device, requires_grad, null);
        /// <summary>A 1-dimensional tensor copied from the array.</summary>
        public static Tensor tensor(double[] rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<double>(rawArray, new long[] { rawArray.LongLength }, ScalarType.Float64, dtype, device, requires_grad, names);
        /// <summary>A tensor of the given shape copied from the array (row-major).</summary>
        public static Tensor tensor(double[] rawArray, ReadOnlySpan<long> dimensions, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<double>(rawArray, dimensions.ToArray(), ScalarType.Float64, dtype, device, requires_grad, names);
        /// <summary>A 2-dimensional tensor copied from the array.</summary>
        public static Tensor tensor(double[,] rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromMultiDimensional<double>(rawArray, ScalarType.Float64, dtype, device, requires_grad, names);
        /// <summary>A 3-dimensional tensor copied from the array.</summary>
        public static Tensor tensor(double[,,] rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromMultiDimensional<double>(rawArray, ScalarType.Float64, dtype, device, requires_grad, names);
        /// <summary>A 4-dimensional tensor copied from the array.</summary>
        public static Tensor tensor(double[,,,] rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromMultiDimensional<double>(rawArray, ScalarType.Float64, dtype, device, requires_grad, names);
        /// <summary>A 1-dimensional tensor copied from the list.</summary>
        public static Tensor tensor(IList<double> rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<double>(rawArray.ToArray(), new long[] { rawArray.Count }, ScalarType.Float64, dtype, device, requires_grad, names);
        /// <summary>A matrix copied from the list (row-major).</summary>
        public static Tensor tensor(IList<double> rawArray, long rows, long columns, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<double>(rawArray.ToArray(), new[] { rows, columns }, ScalarType.Float64, dtype, device, requires_grad, names);
        /// <summary>A 3-dimensional tensor copied from the list (row-major).</summary>
        public static Tensor tensor(IList<double> rawArray, long dim0, long dim1, long dim2, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<double>(rawArray.ToArray(), new[] { dim0, dim1, dim2 }, ScalarType.Float64, dtype, device, requires_grad, names);
        /// <summary>A 4-dimensional tensor copied from the list (row-major).</summary>
        public static Tensor tensor(IList<double> rawArray, long dim0, long dim1, long dim2, long dim3, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<double>(rawArray.ToArray(), new[] { dim0, dim1, dim2, dim3 }, ScalarType.Float64, dtype, device, requires_grad, names);
        /// <summary>A 0-dimensional tensor holding <paramref name="scalar"/>.</summary>
        public static Tensor tensor(long scalar, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
            TensorFromSpan<long>(new[] { scalar }, Array.Empty<long>(), ScalarType.Int64, dtype, device, requires_grad, null);
        /// <summary>A 1-dimensional tensor copied from the array.</summary>
        public static Tensor tensor(long[] dataArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<long>(dataArray, new long[] { dataArray.LongLength }, ScalarType.Int64, dtype, device, requires_grad, names);
        /// <summary>A tensor of the given shape copied from the array (row-major).</summary>
        public static Tensor tensor(long[] dataArray, ReadOnlySpan<long> dimensions, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<long>(dataArray, dimensions.ToArray(), ScalarType.Int64, dtype, device, requires_grad, names);
        /// <summary>A 2-dimensional tensor copied from the array.</summary>
        public static Tensor tensor(long[,] rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromMultiDimensional<long>(rawArray, ScalarType.Int64, dtype, device, requires_grad, names);
        /// <summary>A 3-dimensional tensor copied from the array.</summary>
        public static Tensor tensor(long[,,] rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromMultiDimensional<long>(rawArray, ScalarType.Int64, dtype, device, requires_grad, names);
        /// <summary>A 4-dimensional tensor copied from the array.</summary>
        public static Tensor tensor(long[,,,] rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromMultiDimensional<long>(rawArray, ScalarType.Int64, dtype, device, requires_grad, names);
        /// <summary>A 1-dimensional tensor copied from the list.</summary>
        public static Tensor tensor(IList<long> rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<long>(rawArray.ToArray(), new long[] { rawArray.Count }, ScalarType.Int64, dtype, device, requires_grad, names);
        /// <summary>A tensor of the given shape copied from the list (row-major).</summary>
        public static Tensor tensor(IList<long> rawArray, ReadOnlySpan<long> dimensions, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<long>(rawArray.ToArray(), dimensions.ToArray(), ScalarType.Int64, dtype, device, requires_grad, names);
        /// <summary>A matrix copied from the list (row-major).</summary>
        public static Tensor tensor(IList<long> rawArray, long rows, long columns, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<long>(rawArray.ToArray(), new[] { rows, columns }, ScalarType.Int64, dtype, device, requires_grad, names);
        /// <summary>A 3-dimensional tensor copied from the list (row-major).</summary>
        public static Tensor tensor(IList<long> rawArray, long dim0, long dim1, long dim2, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<long>(rawArray.ToArray(), new[] { dim0, dim1, dim2 }, ScalarType.Int64, dtype, device, requires_grad, names);
        /// <summary>A 4-dimensional tensor copied from the list (row-major).</summary>
        public static Tensor tensor(IList<long> rawArray, long dim0, long dim1, long dim2, long dim3, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<long>(rawArray.ToArray(), new[] { dim0, dim1, dim2, dim3 }, ScalarType.Int64, dtype, device, requires_grad, names);
        /// <summary>A 0-dimensional tensor holding <paramref name="scalar"/>.</summary>
        public static Tensor tensor(int scalar, Device? device = null, bool requires_grad = false) =>
            TensorFromSpan<int>(new[] { scalar }, Array.Empty<long>(), ScalarType.Int32, null, device, requires_grad, null);
        /// <summary>A 1-dimensional tensor copied from the array.</summary>
        public static Tensor tensor(int[] rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<int>(rawArray, new long[] { rawArray.LongLength }, ScalarType.Int32, dtype, device, requires_grad, names);
        /// <summary>A tensor of the given shape copied from the array (row-major).</summary>
        public static Tensor tensor(int[] rawArray, ReadOnlySpan<long> dimensions, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<int>(rawArray, dimensions.ToArray(), ScalarType.Int32, dtype, device, requires_grad, names);
        /// <summary>A 2-dimensional tensor copied from the array.</summary>
        public static Tensor tensor(int[,] rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromMultiDimensional<int>(rawArray, ScalarType.Int32, dtype, device, requires_grad, names);
        /// <summary>A 3-dimensional tensor copied from the array.</summary>
        public static Tensor tensor(int[,,] rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromMultiDimensional<int>(rawArray, ScalarType.Int32, dtype, device, requires_grad, names);
        /// <summary>A 4-dimensional tensor copied from the array.</summary>
        public static Tensor tensor(int[,,,] rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromMultiDimensional<int>(rawArray, ScalarType.Int32, dtype, device, requires_grad, names);
        /// <summary>A 1-dimensional tensor copied from the list.</summary>
        public static Tensor tensor(IList<int> rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<int>(rawArray.ToArray(), new long[] { rawArray.Count }, ScalarType.Int32, dtype, device, requires_grad, names);
        /// <summary>A tensor of the given shape copied from the list (row-major).</summary>
        public static Tensor tensor(IList<int> rawArray, ReadOnlySpan<long> dimensions, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<int>(rawArray.ToArray(), dimensions.ToArray(), ScalarType.Int32, dtype, device, requires_grad, names);
        /// <summary>A matrix copied from the list (row-major).</summary>
        public static Tensor tensor(IList<int> rawArray, long rows, long columns, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<int>(rawArray.ToArray(), new[] { rows, columns }, ScalarType.Int32, dtype, device, requires_grad, names);
        /// <summary>A 3-dimensional tensor copied from the list (row-major).</summary>
        public static Tensor tensor(IList<int> rawArray, long dim0, long dim1, long dim2, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<int>(rawArray.ToArray(), new[] { dim0, dim1, dim2 }, ScalarType.Int32, dtype, device, requires_grad, names);
        /// <summary>A 0-dimensional tensor holding <paramref name="scalar"/>.</summary>
        public static Tensor tensor(short scalar, Device? device = null, bool requires_grad = false) =>
            TensorFromSpan<short>(new[] { scalar }, Array.Empty<long>(), ScalarType.Int16, null, device, requires_grad, null);
        /// <summary>A 1-dimensional tensor copied from the array.</summary>
        public static Tensor tensor(short[] rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<short>(rawArray, new long[] { rawArray.LongLength }, ScalarType.Int16, dtype, device, requires_grad, names);
        /// <summary>A tensor of the given shape copied from the array (row-major).</summary>
        public static Tensor tensor(short[] rawArray, ReadOnlySpan<long> dimensions, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<short>(rawArray, dimensions.ToArray(), ScalarType.Int16, dtype, device, requires_grad, names);
        /// <summary>A 2-dimensional tensor copied from the array.</summary>
        public static Tensor tensor(short[,] rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromMultiDimensional<short>(rawArray, ScalarType.Int16, dtype, device, requires_grad, names);
        /// <summary>A 3-dimensional tensor copied from the array.</summary>
        public static Tensor tensor(short[,,] rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromMultiDimensional<short>(rawArray, ScalarType.Int16, dtype, device, requires_grad, names);
        /// <summary>A 4-dimensional tensor copied from the array.</summary>
        public static Tensor tensor(short[,,,] rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromMultiDimensional<short>(rawArray, ScalarType.Int16, dtype, device, requires_grad, names);
        /// <summary>A 1-dimensional tensor copied from the list.</summary>
        public static Tensor tensor(IList<short> rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<short>(rawArray.ToArray(), new long[] { rawArray.Count }, ScalarType.Int16, dtype, device, requires_grad, names);
        /// <summary>A tensor of the given shape copied from the list (row-major).</summary>
        public static Tensor tensor(IList<short> rawArray, ReadOnlySpan<long> dimensions, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<short>(rawArray.ToArray(), dimensions.ToArray(), ScalarType.Int16, dtype, device, requires_grad, names);
        /// <summary>A matrix copied from the list (row-major).</summary>
        public static Tensor tensor(IList<short> rawArray, long rows, long columns, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<short>(rawArray.ToArray(), new[] { rows, columns }, ScalarType.Int16, dtype, device, requires_grad, names);
        /// <summary>A 3-dimensional tensor copied from the list (row-major).</summary>
        public static Tensor tensor(IList<short> rawArray, long dim0, long dim1, long dim2, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<short>(rawArray.ToArray(), new[] { dim0, dim1, dim2 }, ScalarType.Int16, dtype, device, requires_grad, names);
        /// <summary>A 4-dimensional tensor copied from the list (row-major).</summary>
        public static Tensor tensor(IList<short> rawArray, long dim0, long dim1, long dim2, long dim3, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<short>(rawArray.ToArray(), new[] { dim0, dim1, dim2, dim3 }, ScalarType.Int16, dtype, device, requires_grad, names);
        /// <summary>A 0-dimensional tensor holding <paramref name="scalar"/>.</summary>
        public static Tensor tensor(byte scalar, Device? device = null, bool requires_grad = false) =>
            TensorFromSpan<byte>(new[] { scalar }, Array.Empty<long>(), ScalarType.Byte, null, device, requires_grad, null);
        /// <summary>A 1-dimensional tensor copied from the array.</summary>
        public static Tensor tensor(byte[] rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<byte>(rawArray, new long[] { rawArray.LongLength }, ScalarType.Byte, dtype, device, requires_grad, names);
        /// <summary>A tensor of the given shape copied from the array (row-major).</summary>
        public static Tensor tensor(byte[] rawArray, ReadOnlySpan<long> dimensions, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<byte>(rawArray, dimensions.ToArray(), ScalarType.Byte, dtype, device, requires_grad, names);
        /// <summary>A 2-dimensional tensor copied from the array.</summary>
        public static Tensor tensor(byte[,] rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromMultiDimensional<byte>(rawArray, ScalarType.Byte, dtype, device, requires_grad, names);
        /// <summary>A 3-dimensional tensor copied from the array.</summary>
        public static Tensor tensor(byte[,,] rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromMultiDimensional<byte>(rawArray, ScalarType.Byte, dtype, device, requires_grad, names);
        /// <summary>A 4-dimensional tensor copied from the array.</summary>
        public static Tensor tensor(byte[,,,] rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromMultiDimensional<byte>(rawArray, ScalarType.Byte, dtype, device, requires_grad, names);
        /// <summary>A 1-dimensional tensor copied from the list.</summary>
        public static Tensor tensor(IList<byte> rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<byte>(rawArray.ToArray(), new long[] { rawArray.Count }, ScalarType.Byte, dtype, device, requires_grad, names);
        /// <summary>A tensor of the given shape copied from the list (row-major).</summary>
        public static Tensor tensor(IList<byte> rawArray, ReadOnlySpan<long> dimensions, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<byte>(rawArray.ToArray(), dimensions.ToArray(), ScalarType.Byte, dtype, device, requires_grad, names);
        /// <summary>A matrix copied from the list (row-major).</summary>
        public static Tensor tensor(IList<byte> rawArray, long rows, long columns, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<byte>(rawArray.ToArray(), new[] { rows, columns }, ScalarType.Byte, dtype, device, requires_grad, names);
        /// <summary>A 3-dimensional tensor copied from the list (row-major).</summary>
        public static Tensor tensor(IList<byte> rawArray, long dim0, long dim1, long dim2, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<byte>(rawArray.ToArray(), new[] { dim0, dim1, dim2 }, ScalarType.Byte, dtype, device, requires_grad, names);
        /// <summary>A 4-dimensional tensor copied from the list (row-major).</summary>
        public static Tensor tensor(IList<byte> rawArray, long dim0, long dim1, long dim2, long dim3, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<byte>(rawArray.ToArray(), new[] { dim0, dim1, dim2, dim3 }, ScalarType.Byte, dtype, device, requires_grad, names);
        /// <summary>A 0-dimensional tensor holding <paramref name="scalar"/>.</summary>
        public static Tensor tensor(sbyte scalar, Device? device = null, bool requires_grad = false) =>
            TensorFromSpan<sbyte>(new[] { scalar }, Array.Empty<long>(), ScalarType.Int8, null, device, requires_grad, null);
        /// <summary>A 1-dimensional tensor copied from the array.</summary>
        public static Tensor tensor(sbyte[] rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<sbyte>(rawArray, new long[] { rawArray.LongLength }, ScalarType.Int8, dtype, device, requires_grad, names);
        /// <summary>A tensor of the given shape copied from the array (row-major).</summary>
        public static Tensor tensor(sbyte[] rawArray, ReadOnlySpan<long> dimensions, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<sbyte>(rawArray, dimensions.ToArray(), ScalarType.Int8, dtype, device, requires_grad, names);
        /// <summary>A 2-dimensional tensor copied from the array.</summary>
        public static Tensor tensor(sbyte[,] rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromMultiDimensional<sbyte>(rawArray, ScalarType.Int8, dtype, device, requires_grad, names);
        /// <summary>A 3-dimensional tensor copied from the array.</summary>
        public static Tensor tensor(sbyte[,,] rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromMultiDimensional<sbyte>(rawArray, ScalarType.Int8, dtype, device, requires_grad, names);
        /// <summary>A 4-dimensional tensor copied from the array.</summary>
        public static Tensor tensor(sbyte[,,,] rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromMultiDimensional<sbyte>(rawArray, ScalarType.Int8, dtype, device, requires_grad, names);
        /// <summary>A 1-dimensional tensor copied from the list.</summary>
        public static Tensor tensor(IList<sbyte> rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<sbyte>(rawArray.ToArray(), new long[] { rawArray.Count }, ScalarType.Int8, dtype, device, requires_grad, names);
        /// <summary>A tensor of the given shape copied from the list (row-major).</summary>
        public static Tensor tensor(IList<sbyte> rawArray, ReadOnlySpan<long> dimensions, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<sbyte>(rawArray.ToArray(), dimensions.ToArray(), ScalarType.Int8, dtype, device, requires_grad, names);
        /// <summary>A matrix copied from the list (row-major).</summary>
        public static Tensor tensor(IList<sbyte> rawArray, long rows, long columns, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<sbyte>(rawArray.ToArray(), new[] { rows, columns }, ScalarType.Int8, dtype, device, requires_grad, names);
        /// <summary>A 3-dimensional tensor copied from the list (row-major).</summary>
        public static Tensor tensor(IList<sbyte> rawArray, long dim0, long dim1, long dim2, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<sbyte>(rawArray.ToArray(), new[] { dim0, dim1, dim2 }, ScalarType.Int8, dtype, device, requires_grad, names);
        /// <summary>A 4-dimensional tensor copied from the list (row-major).</summary>
        public static Tensor tensor(IList<sbyte> rawArray, long dim0, long dim1, long dim2, long dim3, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<sbyte>(rawArray.ToArray(), new[] { dim0, dim1, dim2, dim3 }, ScalarType.Int8, dtype, device, requires_grad, names);
        /// <summary>A 0-dimensional tensor holding <paramref name="scalar"/>.</summary>
        public static Tensor tensor(bool scalar, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
            TensorFromSpan<bool>(new[] { scalar }, Array.Empty<long>(), ScalarType.Bool, dtype, device, requires_grad, null);
        /// <summary>A 1-dimensional tensor copied from the array.</summary>
        public static Tensor tensor(bool[] rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<bool>(rawArray, new long[] { rawArray.LongLength }, ScalarType.Bool, dtype, device, requires_grad, names);
        /// <summary>A tensor of the given shape copied from the array (row-major).</summary>
        public static Tensor tensor(bool[] rawArray, ReadOnlySpan<long> dimensions, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<bool>(rawArray, dimensions.ToArray(), ScalarType.Bool, dtype, device, requires_grad, names);
        /// <summary>A 2-dimensional tensor copied from the array.</summary>
        public static Tensor tensor(bool[,] rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromMultiDimensional<bool>(rawArray, ScalarType.Bool, dtype, device, requires_grad, names);
        /// <summary>A 3-dimensional tensor copied from the array.</summary>
        public static Tensor tensor(bool[,,] rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromMultiDimensional<bool>(rawArray, ScalarType.Bool, dtype, device, requires_grad, names);
        /// <summary>A 4-dimensional tensor copied from the array.</summary>
        public static Tensor tensor(bool[,,,] rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromMultiDimensional<bool>(rawArray, ScalarType.Bool, dtype, device, requires_grad, names);
        /// <summary>A 1-dimensional tensor copied from the list.</summary>
        public static Tensor tensor(IList<bool> rawArray, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<bool>(rawArray.ToArray(), new long[] { rawArray.Count }, ScalarType.Bool, dtype, device, requires_grad, names);
        /// <summary>A tensor of the given shape copied from the list (row-major).</summary>
        public static Tensor tensor(IList<bool> rawArray, ReadOnlySpan<long> dimensions, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<bool>(rawArray.ToArray(), dimensions.ToArray(), ScalarType.Bool, dtype, device, requires_grad, names);
        /// <summary>A matrix copied from the list (row-major).</summary>
        public static Tensor tensor(IList<bool> rawArray, long rows, long columns, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<bool>(rawArray.ToArray(), new[] { rows, columns }, ScalarType.Bool, dtype, device, requires_grad, names);
        /// <summary>A 3-dimensional tensor copied from the list (row-major).</summary>
        public static Tensor tensor(IList<bool> rawArray, long dim0, long dim1, long dim2, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<bool>(rawArray.ToArray(), new[] { dim0, dim1, dim2 }, ScalarType.Bool, dtype, device, requires_grad, names);
        /// <summary>A 4-dimensional tensor copied from the list (row-major).</summary>
        public static Tensor tensor(IList<bool> rawArray, long dim0, long dim1, long dim2, long dim3, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) =>
            TensorFromSpan<bool>(rawArray.ToArray(), new[] { dim0, dim1, dim2, dim3 }, ScalarType.Bool, dtype, device, requires_grad, names);
    }
}
