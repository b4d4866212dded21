using System;
using System.Collections;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using TorchSharp.Native;
using static TorchSharp.torch;

namespace TorchSharp.Utils
{
    /// <summary>
    /// Reads and writes the elements of a CPU tensor from .NET, honouring its strides. Holds its own reference
    /// to the tensor's storage, so the memory stays valid until the accessor is disposed.
    /// </summary>
    public sealed unsafe class TensorAccessor<T> : IDisposable, IEnumerable<T> where T : unmanaged
    {
        private IntPtr alias;
        private readonly T* data;
        private readonly long[] shape;
        private readonly long[] strides;
        private readonly bool contiguous;

        internal TensorAccessor(Tensor tensor)
        {
            ValidateElementType(tensor.dtype);
            alias = NativeMethods.tsb_tensor_alias(tensor.Handle);
            GC.KeepAlive(tensor);
            if (alias == IntPtr.Zero) ThrowLastError();
            void* pointer;
            if (NativeMethods.tsb_tensor_data_ptr(alias, &pointer) != 0)
            {
                NativeMethods.tsb_tensor_dispose(alias);
                alias = IntPtr.Zero;
                ThrowLastError();
            }
            data = (T*)pointer;
            shape = tensor.shape;
            strides = tensor.stride();
            contiguous = tensor.is_contiguous();
            Count = 1;
            foreach (var d in shape) Count *= d;
        }

        ~TensorAccessor() => Release();

        /// <summary>The number of elements.</summary>
        public long Count { get; }

        /// <summary>Always false: the accessor writes through to the tensor.</summary>
        public bool IsReadOnly => false;

        /// <summary>
        /// The element at a position: one index is a flat position in row-major order; otherwise one index
        /// per dimension (negative counts from the end).
        /// </summary>
        public T this[params long[] indices]
        {
            get => data[Offset(indices)];
            set => data[Offset(indices)] = value;
        }

        /// <summary>Copies all elements, in row-major order, into a new array.</summary>
        public T[] ToArray()
        {
            EnsureAlive();
            var result = new T[Count];
            CopyTo(result);
            return result;
        }

        /// <summary>Copies elements from <paramref name="tensorIndex"/> on into <paramref name="array"/> at <paramref name="arrayIndex"/>.</summary>
        public void CopyTo(T[] array, int arrayIndex = 0, long tensorIndex = 0) => CopyTo(array.AsSpan(), arrayIndex, tensorIndex);

        /// <summary>Copies elements from <paramref name="tensorIndex"/> on into <paramref name="array"/> at <paramref name="arrayIndex"/>.</summary>
        public void CopyTo(Span<T> array, int arrayIndex = 0, long tensorIndex = 0)
        {
            EnsureAlive();
            long n = Math.Min(Count - tensorIndex, array.Length - arrayIndex);
            if (n <= 0) return;
            if (contiguous)
            {
                new ReadOnlySpan<T>(data + tensorIndex, checked((int)n)).CopyTo(array.Slice(arrayIndex));
                return;
            }
            for (long i = 0; i < n; i++) array[arrayIndex + (int)i] = data[FlatToOffset(tensorIndex + i)];
        }

        /// <summary>Copies <paramref name="array"/> from <paramref name="arrayIndex"/> into the tensor from <paramref name="tensorIndex"/> on.</summary>
        public void CopyFrom(T[] array, int arrayIndex = 0, long tensorIndex = 0) => CopyFrom((ReadOnlySpan<T>)array, arrayIndex, tensorIndex);

        /// <summary>Copies <paramref name="array"/> from <paramref name="arrayIndex"/> into the tensor from <paramref name="tensorIndex"/> on.</summary>
        public void CopyFrom(ReadOnlySpan<T> array, int arrayIndex = 0, long tensorIndex = 0)
        {
            EnsureAlive();
            long n = Math.Min(Count - tensorIndex, array.Length - arrayIndex);
            if (n <= 0) return;
            if (contiguous)
            {
                array.Slice(arrayIndex, checked((int)n)).CopyTo(new Span<T>(data + tensorIndex, (int)n));
                return;
            }
            for (long i = 0; i < n; i++) data[FlatToOffset(tensorIndex + i)] = array[arrayIndex + (int)i];
        }

        public IEnumerator<T> GetEnumerator()
        {
            for (long i = 0; i < Count; i++) yield return ElementAt(i);
        }

        private T ElementAt(long flat)
        {
            EnsureAlive();
            return data[FlatToOffset(flat)];
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public void Dispose()
        {
            Release();
            GC.SuppressFinalize(this);
        }

        internal static void ValidateElementType(ScalarType dtype)
        {
            var expected = dtype switch
            {
                ScalarType.Byte => typeof(byte),
                ScalarType.Int8 => typeof(sbyte),
                ScalarType.Int16 => typeof(short),
                ScalarType.Int32 => typeof(int),
                ScalarType.Int64 => typeof(long),
                ScalarType.Float16 => typeof(Half),
                ScalarType.Float32 => typeof(float),
                ScalarType.Float64 => typeof(double),
                ScalarType.Bool => typeof(bool),
                _ => null,
            };
            if (expected != typeof(T))
                throw new ArgumentException($"{typeof(T).Name} is not compatible with a tensor of element type {dtype}" +
                                            (expected is null ? "." : $"; use {expected.Name}."));
        }

        private void Release()
        {
            var h = System.Threading.Interlocked.Exchange(ref alias, IntPtr.Zero);
            if (h != IntPtr.Zero) NativeMethods.tsb_tensor_dispose(h);
        }

        private void EnsureAlive()
        {
            if (alias == IntPtr.Zero) throw new ObjectDisposedException(nameof(TensorAccessor<T>));
        }

        private long Offset(long[] indices)
        {
            EnsureAlive();
            if (indices.Length == 1 && shape.Length != 1)
            {
                if (indices[0] < 0 || indices[0] >= Count)
                    throw new IndexOutOfRangeException($"Flat index {indices[0]} is out of range for {Count} elements.");
                return FlatToOffset(indices[0]);
            }
            if (indices.Length != shape.Length)
                throw new ArgumentException($"Expected {shape.Length} indices for a {shape.Length}-dimensional tensor, got {indices.Length}.");
            long offset = 0;
            for (int d = 0; d < shape.Length; d++)
            {
                long i = indices[d] < 0 ? indices[d] + shape[d] : indices[d];
                if (i < 0 || i >= shape[d])
                    throw new IndexOutOfRangeException($"Index {indices[d]} is out of range for dimension {d} of size {shape[d]}.");
                offset += i * strides[d];
            }
            return offset;
        }

        private long FlatToOffset(long flat)
        {
            if (contiguous) return flat;
            long offset = 0;
            for (int d = shape.Length - 1; d >= 0; d--)
            {
                long i = flat % shape[d];
                flat /= shape[d];
                offset += i * strides[d];
            }
            return offset;
        }
    }
}
