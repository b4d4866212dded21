// Shape overloads of zeros/ones/empty/full/rand/randn; each forwards to one implementation in Factories.cs.
using System;

namespace TorchSharp
{
    public static partial class torch
    {
        /// <summary>A tensor filled with zeros.</summary>
        public static Tensor zeros(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => ShapeFactory(FactoryKind.Zeros, size, dtype, device, requires_grad, names);
        /// <summary>A tensor filled with zeros.</summary>
        public static Tensor zeros(ReadOnlySpan<long> size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => ShapeFactory(FactoryKind.Zeros, size.ToArray(), dtype, device, requires_grad, names);
        /// <summary>A tensor filled with zeros.</summary>
        public static Tensor zeros(long size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => ShapeFactory(FactoryKind.Zeros, new[] { size }, dtype, device, requires_grad, names);
        /// <summary>A tensor filled with zeros.</summary>
        public static Tensor zeros(long rows, long columns, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => ShapeFactory(FactoryKind.Zeros, new[] { rows, columns }, dtype, device, requires_grad, names);
        /// <summary>A tensor filled with zeros.</summary>
        public static Tensor zeros(long dim0, long dim1, long dim2, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => ShapeFactory(FactoryKind.Zeros, new[] { dim0, dim1, dim2 }, dtype, device, requires_grad, names);
        /// <summary>A tensor filled with zeros.</summary>
        public static Tensor zeros(long dim0, long dim1, long dim2, long dim3, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => ShapeFactory(FactoryKind.Zeros, new[] { dim0, dim1, dim2, dim3 }, dtype, device, requires_grad, names);
        /// <summary>A tensor filled with zeros.</summary>
        public static Tensor zeros(int size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => ShapeFactory(FactoryKind.Zeros, new long[] { size }, dtype, device, requires_grad, names);
        /// <summary>A tensor filled with zeros.</summary>
        public static Tensor zeros(int rows, int columns, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => ShapeFactory(FactoryKind.Zeros, new long[] { rows, columns }, dtype, device, requires_grad, names);
        /// <summary>A tensor filled with zeros.</summary>
        public static Tensor zeros(int dim0, int dim1, int dim2, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => ShapeFactory(FactoryKind.Zeros, new long[] { dim0, dim1, dim2 }, dtype, device, requires_grad, names);
        /// <summary>A tensor filled with zeros.</summary>
        public static Tensor zeros(int dim0, int dim1, int dim2, int dim3, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => ShapeFactory(FactoryKind.Zeros, new long[] { dim0, dim1, dim2, dim3 }, dtype, device, requires_grad, names);
        /// <summary>A tensor filled with ones.</summary>
        public static Tensor ones(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => ShapeFactory(FactoryKind.Ones, size, dtype, device, requires_grad, names);
        /// <summary>A tensor filled with ones.</summary>
        public static Tensor ones(ReadOnlySpan<long> size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => ShapeFactory(FactoryKind.Ones, size.ToArray(), dtype, device, requires_grad, names);
        /// <summary>A tensor filled with ones.</summary>
        public static Tensor ones(long size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => ShapeFactory(FactoryKind.Ones, new[] { size }, dtype, device, requires_grad, names);
        /// <summary>A tensor filled with ones.</summary>
        public static Tensor ones(long rows, long columns, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => ShapeFactory(FactoryKind.Ones, new[] { rows, columns }, dtype, device, requires_grad, names);
        /// <summary>A tensor filled with ones.</summary>
        public static Tensor ones(long dim0, long dim1, long dim2, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => ShapeFactory(FactoryKind.Ones, new[] { dim0, dim1, dim2 }, dtype, device, requires_grad, names);
        /// <summary>A tensor filled with ones.</summary>
        public static Tensor ones(long dim0, long dim1, long dim2, long dim3, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => ShapeFactory(FactoryKind.Ones, new[] { dim0, dim1, dim2, dim3 }, dtype, device, requires_grad, names);
        /// <summary>A tensor filled with ones.</summary>
        public static Tensor ones(int size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => ShapeFactory(FactoryKind.Ones, new long[] { size }, dtype, device, requires_grad, names);
        /// <summary>A tensor filled with ones.</summary>
        public static Tensor ones(int rows, int columns, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => ShapeFactory(FactoryKind.Ones, new long[] { rows, columns }, dtype, device, requires_grad, names);
        /// <summary>A tensor filled with ones.</summary>
        public static Tensor ones(int dim0, int dim1, int dim2, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => ShapeFactory(FactoryKind.Ones, new long[] { dim0, dim1, dim2 }, dtype, device, requires_grad, names);
        /// <summary>A tensor filled with ones.</summary>
        public static Tensor ones(int dim0, int dim1, int dim2, int dim3, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => ShapeFactory(FactoryKind.Ones, new long[] { dim0, dim1, dim2, dim3 }, dtype, device, requires_grad, names);
        /// <summary>A tensor with uninitialised elements.</summary>
        public static Tensor empty(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => ShapeFactory(FactoryKind.Empty, size, dtype, device, requires_grad, names);
        /// <summary>A tensor with uninitialised elements.</summary>
        public static Tensor empty(ReadOnlySpan<long> size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => ShapeFactory(FactoryKind.Empty, size.ToArray(), dtype, device, requires_grad, names);
        /// <summary>A tensor with uninitialised elements.</summary>
        public static Tensor empty(long size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => ShapeFactory(FactoryKind.Empty, new[] { size }, dtype, device, requires_grad, names);
        /// <summary>A tensor with uninitialised elements.</summary>
        public static Tensor empty(long rows, long columns, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => ShapeFactory(FactoryKind.Empty, new[] { rows, columns }, dtype, device, requires_grad, names);
        /// <summary>A tensor with uninitialised elements.</summary>
        public static Tensor empty(long dim0, long dim1, long dim2, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => ShapeFactory(FactoryKind.Empty, new[] { dim0, dim1, dim2 }, dtype, device, requires_grad, names);
        /// <summary>A tensor with uninitialised elements.</summary>
        public static Tensor empty(long dim0, long dim1, long dim2, long dim3, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => ShapeFactory(FactoryKind.Empty, new[] { dim0, dim1, dim2, dim3 }, dtype, device, requires_grad, names);
        /// <summary>A tensor with uninitialised elements.</summary>
        public static Tensor empty(int size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => ShapeFactory(FactoryKind.Empty, new long[] { size }, dtype, device, requires_grad, names);
        /// <summary>A tensor with uninitialised elements.</summary>
        public static Tensor empty(int rows, int columns, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => ShapeFactory(FactoryKind.Empty, new long[] { rows, columns }, dtype, device, requires_grad, names);
        /// <summary>A tensor with uninitialised elements.</summary>
        public static Tensor empty(int dim0, int dim1, int dim2, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => ShapeFactory(FactoryKind.Empty, new long[] { dim0, dim1, dim2 }, dtype, device, requires_grad, names);
        /// <summary>A tensor with uninitialised elements.</summary>
        public static Tensor empty(int dim0, int dim1, int dim2, int dim3, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => ShapeFactory(FactoryKind.Empty, new long[] { dim0, dim1, dim2, dim3 }, dtype, device, requires_grad, names);
        /// <summary>A tensor filled with <paramref name="value"/>.</summary>
        public static Tensor full(long[] size, Scalar value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => Full(size, value, dtype, device, requires_grad, names);
        /// <summary>A tensor filled with <paramref name="value"/>.</summary>
        public static Tensor full(ReadOnlySpan<long> size, Scalar value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => Full(size.ToArray(), value, dtype, device, requires_grad, names);
        /// <summary>A tensor filled with <paramref name="value"/>.</summary>
        public static Tensor full(long size, Scalar value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => Full(new[] { size }, value, dtype, device, requires_grad, names);
        /// <summary>A tensor filled with <paramref name="value"/>.</summary>
        public static Tensor full(long rows, long columns, Scalar value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => Full(new[] { rows, columns }, value, dtype, device, requires_grad, names);
        /// <summary>A tensor filled with <paramref name="value"/>.</summary>
        public static Tensor full(long dim0, long dim1, long dim2, Scalar value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => Full(new[] { dim0, dim1, dim2 }, value, dtype, device, requires_grad, names);
        /// <summary>A tensor filled with <paramref name="value"/>.</summary>
        public static Tensor full(long dim0, long dim1, long dim2, long dim3, Scalar value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => Full(new[] { dim0, dim1, dim2, dim3 }, value, dtype, device, requires_grad, names);
        /// <summary>A tensor filled with <paramref name="value"/>.</summary>
        public static Tensor full(int size, Scalar value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => Full(new long[] { size }, value, dtype, device, requires_grad, names);
        /// <summary>A tensor filled with <paramref name="value"/>.</summary>
        public static Tensor full(int rows, int columns, Scalar value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => Full(new long[] { rows, columns }, value, dtype, device, requires_grad, names);
        /// <summary>A tensor filled with <paramref name="value"/>.</summary>
        public static Tensor full(int dim0, int dim1, int dim2, Scalar value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => Full(new long[] { dim0, dim1, dim2 }, value, dtype, device, requires_grad, names);
        /// <summary>A tensor filled with <paramref name="value"/>.</summary>
        public static Tensor full(int dim0, int dim1, int dim2, int dim3, Scalar value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null) => Full(new long[] { dim0, dim1, dim2, dim3 }, value, dtype, device, requires_grad, names);
        /// <summary>A tensor of samples from U[0, 1).</summary>
        public static Tensor rand(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, Generator? generator = null, string[]? names = null) => RandomFactory(false, size, dtype, device, requires_grad, generator, names);
        /// <summary>A tensor of samples from U[0, 1).</summary>
        public static Tensor rand(ReadOnlySpan<long> size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, Generator? generator = null, string[]? names = null) => RandomFactory(false, size.ToArray(), dtype, device, requires_grad, generator, names);
        /// <summary>A tensor of samples from U[0, 1).</summary>
        public static Tensor rand(long size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, Generator? generator = null, string[]? names = null) => RandomFactory(false, new[] { size }, dtype, device, requires_grad, generator, names);
        /// <summary>A tensor of samples from U[0, 1).</summary>
        public static Tensor rand(long rows, long columns, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, Generator? generator = null, string[]? names = null) => RandomFactory(false, new[] { rows, columns }, dtype, device, requires_grad, generator, names);
        /// <summary>A tensor of samples from U[0, 1).</summary>
        public static Tensor rand(long dim0, long dim1, long dim2, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, Generator? generator = null, string[]? names = null) => RandomFactory(false, new[] { dim0, dim1, dim2 }, dtype, device, requires_grad, generator, names);
        /// <summary>A tensor of samples from U[0, 1).</summary>
        public static Tensor rand(long dim0, long dim1, long dim2, long dim3, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, Generator? generator = null, string[]? names = null) => RandomFactory(false, new[] { dim0, dim1, dim2, dim3 }, dtype, device, requires_grad, generator, names);
        /// <summary>A tensor of samples from U[0, 1).</summary>
        public static Tensor rand(int size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, Generator? generator = null, string[]? names = null) => RandomFactory(false, new long[] { size }, dtype, device, requires_grad, generator, names);
        /// <summary>A tensor of samples from U[0, 1).</summary>
        public static Tensor rand(int rows, int columns, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, Generator? generator = null, string[]? names = null) => RandomFactory(false, new long[] { rows, columns }, dtype, device, requires_grad, generator, names);
        /// <summary>A tensor of samples from U[0, 1).</summary>
        public static Tensor rand(int dim0, int dim1, int dim2, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, Generator? generator = null, string[]? names = null) => RandomFactory(false, new long[] { dim0, dim1, dim2 }, dtype, device, requires_grad, generator, names);
        /// <summary>A tensor of samples from U[0, 1).</summary>
        public static Tensor rand(int dim0, int dim1, int dim2, int dim3, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, Generator? generator = null, string[]? names = null) => RandomFactory(false, new long[] { dim0, dim1, dim2, dim3 }, dtype, device, requires_grad, generator, names);
        /// <summary>A tensor of samples from N(0, 1).</summary>
        public static Tensor randn(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, Generator? generator = null, string[]? names = null) => RandomFactory(true, size, dtype, device, requires_grad, generator, names);
        /// <summary>A tensor of samples from N(0, 1).</summary>
        public static Tensor randn(ReadOnlySpan<long> size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, Generator? generator = null, string[]? names = null) => RandomFactory(true, size.ToArray(), dtype, device, requires_grad, generator, names);
        /// <summary>A tensor of samples from N(0, 1).</summary>
        public static Tensor randn(long size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, Generator? generator = null, string[]? names = null) => RandomFactory(true, new[] { size }, dtype, device, requires_grad, generator, names);
        /// <summary>A tensor of samples from N(0, 1).</summary>
        public static Tensor randn(long rows, long columns, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, Generator? generator = null, string[]? names = null) => RandomFactory(true, new[] { rows, columns }, dtype, device, requires_grad, generator, names);
        /// <summary>A tensor of samples from N(0, 1).</summary>
        public static Tensor randn(long dim0, long dim1, long dim2, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, Generator? generator = null, string[]? names = null) => RandomFactory(true, new[] { dim0, dim1, dim2 }, dtype, device, requires_grad, generator, names);
        /// <summary>A tensor of samples from N(0, 1).</summary>
        public static Tensor randn(long dim0, long dim1, long dim2, long dim3, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, Generator? generator = null, string[]? names = null) => RandomFactory(true, new[] { dim0, dim1, dim2, dim3 }, dtype, device, requires_grad, generator, names);
        /// <summary>A tensor of samples from N(0, 1).</summary>
        public static Tensor randn(int size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, Generator? generator = null, string[]? names = null) => RandomFactory(true, new long[] { size }, dtype, device, requires_grad, generator, names);
        /// <summary>A tensor of samples from N(0, 1).</summary>
        public static Tensor randn(int rows, int columns, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, Generator? generator = null, string[]? names = null) => RandomFactory(true, new long[] { rows, columns }, dtype, device, requires_grad, generator, names);
        /// <summary>A tensor of samples from N(0, 1).</summary>
        public static Tensor randn(int dim0, int dim1, int dim2, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, Generator? generator = null, string[]? names = null) => RandomFactory(true, new long[] { dim0, dim1, dim2 }, dtype, device, requires_grad, generator, names);
        /// <summary>A tensor of samples from N(0, 1).</summary>
        public static Tensor randn(int dim0, int dim1, int dim2, int dim3, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, Generator? generator = null, string[]? names = null) => RandomFactory(true, new long[] { dim0, dim1, dim2, dim3 }, dtype, device, requires_grad, generator, names);
    }
}
