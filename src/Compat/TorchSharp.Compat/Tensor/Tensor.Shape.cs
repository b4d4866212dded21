using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.Native.NativeMethods;

namespace TorchSharp
{
    public static partial class torch
    {
        public partial class Tensor
        {
            // ---- views and reshaping ----------------------------------------------------------------

            public unsafe Tensor view(params long[] shape)
            {
                fixed (long* p = shape) return Wrap(tsb_view(Handle, p, shape.Length));
            }

            public Tensor view_as(Tensor other) => view(other.shape);

            public unsafe Tensor reshape(params long[] shape)
            {
                fixed (long* p = shape) return Wrap(tsb_reshape(Handle, p, shape.Length));
            }

            public unsafe Tensor permute(params long[] permutation)
            {
                fixed (long* p = permutation) return Wrap(tsb_permute(Handle, p, permutation.Length));
            }

            public Tensor permute(IEnumerable<long> permutation) => permute(permutation.ToArray());

            public Tensor transpose(long dim0, long dim1) => Wrap(tsb_transpose(Handle, dim0, dim1));
            public Tensor t() => Wrap(tsb_t(Handle));
            public Tensor T => Wrap(tsb_t(Handle));
            public Tensor mT => transpose(-2, -1);

            public Tensor movedim(long[] source, long[] destination)
            {
                if (source.Length != destination.Length)
                    throw new ArgumentException("movedim: source and destination must have the same number of dimensions.");
                long n = dim();
                long Normalize(long d) => d < 0 ? d + n : d;
                var src = source.Select(Normalize).ToArray();
                var dst = destination.Select(Normalize).ToArray();
                var order = new long[n];
                var rest = Enumerable.Range(0, (int)n).Select(i => (long)i).Where(i => !src.Contains(i)).GetEnumerator();
                var fill = new bool[n];
                for (int i = 0; i < src.Length; i++) { order[dst[i]] = src[i]; fill[dst[i]] = true; }
                for (int i = 0; i < n; i++) if (!fill[i]) { rest.MoveNext(); order[i] = rest.Current; }
                return permute(order);
            }

            public Tensor flatten(long start_dim = 0, long end_dim = -1) => Wrap(tsb_flatten(Handle, start_dim, end_dim));

            public unsafe Tensor unflatten(long dim, params long[] sizes)
            {
                fixed (long* p = sizes) return Wrap(tsb_unflatten(Handle, dim, p, sizes.Length));
            }

            public Tensor unflatten(long dim, Size sizes) => unflatten(dim, sizes.Shape);

            public Tensor unsqueeze(long dim) => Wrap(tsb_unsqueeze(Handle, dim));
            public Tensor squeeze(long? dim = null) => Wrap(dim.HasValue ? tsb_squeeze_dim(Handle, dim.Value) : tsb_squeeze(Handle));

            public Tensor expand(params long[] sizes) => expand(sizes, false);

            public unsafe Tensor expand(long[] sizes, bool isImplicit = false)
            {
                fixed (long* p = sizes) return Wrap(tsb_expand(Handle, p, sizes.Length, isImplicit));
            }

            public Tensor expand(ReadOnlySpan<long> sizes, bool isImplicit = false) => expand(sizes.ToArray(), isImplicit);
            public Tensor expand(Size sizes, bool isImplicit = false) => expand(sizes.Shape, isImplicit);
            public Tensor expand_as(Tensor other) => expand(other.shape);

            public unsafe Tensor repeat(params long[] sizes)
            {
                fixed (long* p = sizes) return Wrap(tsb_repeat(Handle, p, sizes.Length));
            }

            /// <summary>Repeats the tensor; <paramref name="reps"/> shorter than the rank is padded with ones on the left.</summary>
            public Tensor tile(long[] reps)
            {
                long n = dim();
                if (reps.Length >= n)
                {
                    if (reps.Length == n) return repeat(reps);
                    using var expanded = reshape(Enumerable.Repeat(1L, reps.Length - (int)n).Concat(shape).ToArray());
                    return expanded.repeat(reps);
                }
                return repeat(Enumerable.Repeat(1L, (int)n - reps.Length).Concat(reps).ToArray());
            }

            public Tensor narrow(long dim, long start, long length) => Wrap(tsb_narrow(Handle, dim, start, length));
            public Tensor select(long dim, long index) => Wrap(tsb_select(Handle, dim, index));

            public unsafe Tensor flip(params long[] dims)
            {
                fixed (long* p = dims) return Wrap(tsb_flip(Handle, p, dims.Length));
            }

            public unsafe Tensor roll(long[] shifts, long[] dims)
            {
                fixed (long* s = shifts)
                fixed (long* d = dims)
                    return Wrap(tsb_roll(Handle, s, shifts.Length, d, dims.Length));
            }

            public Tensor roll(long[] shifts) => roll(shifts, Array.Empty<long>());
            public Tensor roll(long shifts, long? dims = null) => roll(new[] { shifts }, dims.HasValue ? new[] { dims.Value } : Array.Empty<long>());
            public Tensor roll((long, long) shifts, (long, long) dims) => roll(new[] { shifts.Item1, shifts.Item2 }, new[] { dims.Item1, dims.Item2 });

            /// <summary>
            /// A view of the same storage with the given sizes, strides (in elements) and storage offset. libtorch checks
            /// that the view stays inside the storage.
            /// </summary>
            public unsafe Tensor as_strided(long[] size, long[] strides, long storageOffset = 0L)
            {
                fixed (long* s = size)
                fixed (long* st = strides)
                    return Wrap(tsb_as_strided(Handle, s, size.Length, st, strides.Length, storageOffset));
            }

            public Tensor tril(long diagonal = 0) => Wrap(tsb_tril(Handle, diagonal));
            public Tensor triu(long diagonal = 0) => Wrap(tsb_triu(Handle, diagonal));

            // ---- splitting --------------------------------------------------------------------------

            public unsafe Tensor[] split(long size, int dim = 0)
            {
                long count;
                return TakeArray(tsb_split_size(Handle, size, dim, &count), count);
            }

            public unsafe Tensor[] split(long[] sizes, long dim = 0)
            {
                long count;
                fixed (long* p = sizes) return TakeArray(tsb_split_sizes(Handle, p, sizes.Length, dim, &count), count);
            }

            public Tensor[] split(ReadOnlySpan<long> sizes, long dim = 0) => split(sizes.ToArray(), dim);
            public Tensor[] split(params long[] sizes) => split(sizes, 0L);

            public unsafe Tensor[] chunk(long chunks, long dim = 0L)
            {
                long count;
                return TakeArray(tsb_chunk(Handle, chunks, dim, &count), count);
            }

            public unsafe Tensor[] unbind(long dimension = 0L)
            {
                long count;
                return TakeArray(tsb_unbind(Handle, dimension, &count), count);
            }

            internal unsafe Tensor[] TakeArray(IntPtr* array, long count)
            {
                GC.KeepAlive(this);
                return TakeHandles(array, count);
            }

            internal static unsafe Tensor[] TakeHandles(IntPtr* array, long count)
            {
                if (array == null) ThrowLastError();
                var result = new Tensor[count];
                for (long i = 0; i < count; i++) result[i] = new Tensor(array[i]);
                tsb_free_handle_array((IntPtr)array);
                return result;
            }

            // ---- gather and scatter ------------------------------------------------------------------

            public Tensor index_select(long dim, Tensor index) => Wrap(tsb_index_select(Handle, dim, index.Handle), index);
            public Tensor gather(long dim, Tensor index) => Wrap(tsb_gather(Handle, dim, index.Handle), index);
            public Tensor scatter(long dim, Tensor index, Tensor src) => Wrap(tsb_scatter(Handle, dim, index.Handle, src.Handle), index, src);
            public Tensor scatter_(long dim, Tensor index, Tensor src) { Check(tsb_scatter_(Handle, dim, index.Handle, src.Handle), index, src); return this; }
            public Tensor scatter_add(long dim, Tensor index, Tensor src) => Wrap(tsb_scatter_add(Handle, dim, index.Handle, src.Handle), index, src);
            public Tensor scatter_add_(long dim, Tensor index, Tensor src) { Check(tsb_scatter_add_(Handle, dim, index.Handle, src.Handle), index, src); return this; }
            public Tensor index_add(long dim, Tensor index, Tensor source, Scalar alpha) => Wrap(tsb_index_add(Handle, dim, index.Handle, source.Handle, alpha.Native), index, source);
            public Tensor index_add_(long dim, Tensor index, Tensor source, Scalar alpha) { Check(tsb_index_add_(Handle, dim, index.Handle, source.Handle, alpha.Native), index, source); return this; }
            public Tensor index_copy(long dim, Tensor index, Tensor source) => Wrap(tsb_index_copy(Handle, dim, index.Handle, source.Handle), index, source);
            public Tensor index_copy_(long dim, Tensor index, Tensor source) { Check(tsb_index_copy_(Handle, dim, index.Handle, source.Handle), index, source); return this; }
            public Tensor index_fill(long dim, Tensor index, Scalar value) => Wrap(tsb_index_fill(Handle, dim, index.Handle, value.Native), index);
            public Tensor index_fill_(long dim, Tensor index, Scalar value) { Check(tsb_index_fill_(Handle, dim, index.Handle, value.Native), index); return this; }

            public Tensor masked_fill(Tensor mask, Scalar value) => Wrap(tsb_masked_fill(Handle, mask.Handle, value.Native), mask);
            public Tensor masked_fill_(Tensor mask, Scalar value) { Check(tsb_masked_fill_(Handle, mask.Handle, value.Native), mask); return this; }
            public Tensor masked_select(Tensor mask) => Wrap(tsb_masked_select(Handle, mask.Handle), mask);
            public Tensor masked_scatter(Tensor mask, Tensor value) => Wrap(tsb_masked_scatter(Handle, mask.Handle, value.Handle), mask, value);
            public Tensor masked_scatter_(Tensor mask, Tensor value) { Check(tsb_masked_scatter_(Handle, mask.Handle, value.Handle), mask, value); return this; }

            // ---- copies, device and dtype ------------------------------------------------------------------

            public Tensor detach() => Wrap(tsb_tensor_detach(Handle));
            public Tensor detach_() { Check(tsb_tensor_detach_(Handle)); return this; }
            public Tensor clone() => Wrap(tsb_tensor_clone(Handle));
            public Tensor contiguous() => Wrap(tsb_tensor_contiguous(Handle));

            private Tensor Convert(ScalarType? type, Device? device, bool copy, bool disposeAfter, bool non_blocking)
            {
                var result = Wrap(tsb_tensor_to(Handle, DtypeCode(type), device is null ? -1 : (int)device.type, device?.index ?? -1, copy, non_blocking));
                if (disposeAfter) Dispose();
                return result;
            }

            public Tensor to(ScalarType type, bool copy = false, bool disposeAfter = false, bool non_blocking = false) => Convert(type, null, copy, disposeAfter, non_blocking);
            public Tensor to(ScalarType type, Device device, bool copy = false, bool disposeAfter = false, bool non_blocking = false) => Convert(type, device, copy, disposeAfter, non_blocking);
            public Tensor to(Device device, bool copy = false, bool disposeAfter = false, bool non_blocking = false) => Convert(null, device, copy, disposeAfter, non_blocking);
            public Tensor to(DeviceType deviceType, int deviceIndex = -1, bool copy = false, bool disposeAfter = false, bool non_blocking = false) => Convert(null, new Device(deviceType, deviceIndex), copy, disposeAfter, non_blocking);
            public Tensor to(string device, bool copy = false, bool disposeAfter = false, bool non_blocking = false) => Convert(null, new Device(device), copy, disposeAfter, non_blocking);
            public Tensor to(Tensor other, bool non_blocking = false) => Convert(other.dtype, other.device, false, false, non_blocking);
            public Tensor to_type(ScalarType type, bool copy = false, bool disposeAfter = false, bool non_blocking = false) => Convert(type, null, copy, disposeAfter, non_blocking);
            public Tensor type(ScalarType dtype) => to(dtype);
            public Tensor type(Func<Tensor, Tensor> typeFunc) => typeFunc(this);

            public Tensor cpu() => to(CPU);
            public Tensor cuda(Device? device = null, bool non_blocking = false) => Convert(null, device ?? CUDA, false, false, non_blocking);

            public Tensor @float() => to(ScalarType.Float32);
            public Tensor @double() => to(ScalarType.Float64);
            public Tensor half() => to(ScalarType.Float16);
            public Tensor @long() => to(ScalarType.Int64);
            public Tensor @int() => to(ScalarType.Int32);
            public Tensor @short() => to(ScalarType.Int16);
            public Tensor @byte() => to(ScalarType.Byte);
            public Tensor @bool() => to(ScalarType.Bool);
        }
    }
}
