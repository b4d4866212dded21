using System;
using static TorchSharp.Native.NativeMethods;

namespace TorchSharp
{
    public static partial class torch
    {
        public partial class Tensor
        {
            // ---- sums and means ---------------------------------------------------------------------------

            public Tensor sum(ScalarType? type = null) => Wrap(tsb_sum(Handle, DtypeCode(type)));
            public Tensor sum(long dim, bool keepdim = false, ScalarType? type = null) => sum(new[] { dim }, keepdim, type);
            public Tensor sum(long dim0, long dim1, bool keepdim = false, ScalarType? type = null) => sum(new[] { dim0, dim1 }, keepdim, type);
            public Tensor sum(long dim0, long dim1, long dim2, bool keepdim = false, ScalarType? type = null) => sum(new[] { dim0, dim1, dim2 }, keepdim, type);
            public Tensor sum(long[] dim, bool keepdim = false, ScalarType? type = null) => sum((ReadOnlySpan<long>)dim, keepdim, type);

            public unsafe Tensor sum(ReadOnlySpan<long> dim, bool keepdim = false, ScalarType? type = null)
            {
                fixed (long* dims = dim) return Wrap(tsb_sum_dims(Handle, dims, dim.Length, keepdim, DtypeCode(type)));
            }

            public Tensor mean() => Wrap(tsb_mean(Handle, -1));

            public unsafe Tensor mean(long[] dimensions, bool keepdim = false, ScalarType? type = null)
            {
                fixed (long* dims = dimensions) return Wrap(tsb_mean_dims(Handle, dims, dimensions.Length, keepdim, DtypeCode(type)));
            }

            public Tensor prod(ScalarType? type = null) => Wrap(tsb_prod(Handle, DtypeCode(type)));
            public Tensor prod(long dim, bool keepdim = false, ScalarType? type = null) => Wrap(tsb_prod_dim(Handle, dim, keepdim, DtypeCode(type)));
            public Tensor cumsum(long dim, ScalarType? type = null) => Wrap(tsb_cumsum(Handle, dim, DtypeCode(type)));

            // ---- spread ----------------------------------------------------------------------------------

            public unsafe Tensor var(bool unbiased = true) => Wrap(tsb_var(Handle, null, -1, unbiased, false));
            public Tensor var(long dim, bool unbiased = true, bool keepdim = false, ScalarType? type = null) => var(new[] { dim }, unbiased, keepdim, type);
            public Tensor var(long[] dimensions, bool unbiased = true, bool keepdim = false, ScalarType? type = null) => Spread(false, dimensions, unbiased, keepdim, type);
            public Tensor var(long[] dimensions, bool keepdim = false, ScalarType? type = null) => Spread(false, dimensions, true, keepdim, type);
            public unsafe Tensor std(bool unbiased = true) => Wrap(tsb_std(Handle, null, -1, unbiased, false));
            public Tensor std(long dim, bool unbiased = true, bool keepdim = false, ScalarType? type = null) => std(new[] { dim }, unbiased, keepdim, type);
            public Tensor std(long[] dimensions, bool unbiased = true, bool keepdim = false, ScalarType? type = null) => Spread(true, dimensions, unbiased, keepdim, type);

            // A requested dtype converts the input first, so the reduction accumulates in that type.
            private unsafe Tensor Spread(bool standardDeviation, long[] dimensions, bool unbiased, bool keepdim, ScalarType? type)
            {
                using var converted = type.HasValue ? to(type.Value) : null;
                var source = converted ?? this;
                fixed (long* dims = dimensions)
                {
                    var result = standardDeviation
                        ? tsb_std(source.Handle, dims, dimensions.Length, unbiased, keepdim)
                        : tsb_var(source.Handle, dims, dimensions.Length, unbiased, keepdim);
                    GC.KeepAlive(source);
                    return Wrap(result);
                }
            }

            public unsafe Tensor logsumexp(long dim, bool keepdim = false)
            {
                long d = dim;
                return Wrap(tsb_logsumexp(Handle, &d, 1, keepdim));
            }

            public Tensor norm(float p = 2.0f) => Wrap(tsb_norm(Handle, p));

            // ---- extrema -----------------------------------------------------------------------------------

            public Tensor max() => Wrap(tsb_max(Handle));
            public Tensor min() => Wrap(tsb_min(Handle));
            public Tensor max(Tensor other) => maximum(other);
            public Tensor min(Tensor other) => minimum(other);

            public unsafe (Tensor values, Tensor indexes) max(long dim, bool keepdim = false)
            {
                IntPtr* results = stackalloc IntPtr[2];
                Check(tsb_max_dim(Handle, dim, keepdim, results));
                return (new Tensor(results[0]), new Tensor(results[1]));
            }

            public unsafe (Tensor values, Tensor indexes) min(long dim, bool keepdim = false)
            {
                IntPtr* results = stackalloc IntPtr[2];
                Check(tsb_min_dim(Handle, dim, keepdim, results));
                return (new Tensor(results[0]), new Tensor(results[1]));
            }

            public Tensor amax(params long[] dims) => amax(dims, false, null);
            public Tensor amax(long[] dims, bool keepdim = false, Tensor? @out = null) => Extremum(true, dims, keepdim, @out);
            public Tensor amin(params long[] dims) => amin(dims, false, null);
            public Tensor amin(long[] dims, bool keepdim = false, Tensor? @out = null) => Extremum(false, dims, keepdim, @out);

            private unsafe Tensor Extremum(bool maximum, long[] dims, bool keepdim, Tensor? output)
            {
                Tensor result;
                fixed (long* d = dims)
                    result = Wrap(maximum ? tsb_amax(Handle, d, dims.Length, keepdim) : tsb_amin(Handle, d, dims.Length, keepdim));
                if (output is null) return result;
                using (result) output.copy_(result);
                return output;
            }

            public Tensor argmax() => Wrap(tsb_argmax(Handle, false, 0, false));
            public Tensor argmax(long dim, bool keepdim = false) => Wrap(tsb_argmax(Handle, true, dim, keepdim));
            public Tensor argmin() => Wrap(tsb_argmin(Handle, false, 0, false));
            public Tensor argmin(long dim, bool keepdim = false) => Wrap(tsb_argmin(Handle, true, dim, keepdim));

            // ---- boolean reductions --------------------------------------------------------------------------

            public Tensor any() => Wrap(tsb_any(Handle));
            public Tensor any(long dim, bool keepdim = false) => Wrap(tsb_any_dim(Handle, dim, keepdim));
            public Tensor all() => Wrap(tsb_all(Handle));
            public Tensor all(long dim, bool keepdim = false) => Wrap(tsb_all_dim(Handle, dim, keepdim));

            public Tensor count_nonzero(long[]? dims = null)
            {
                if (dims is null || dims.Length == 0) return Wrap(tsb_count_nonzero(Handle));
                using var mask = ne(0);
                return mask.sum(dims, false, ScalarType.Int64);
            }

            // ---- ordering --------------------------------------------------------------------------------

            public unsafe (Tensor Values, Tensor Indices) sort(long dim = -1, bool descending = false, bool stable = false)
            {
                IntPtr* results = stackalloc IntPtr[2];
                Check(tsb_sort(Handle, dim, descending, stable, results));
                return (new Tensor(results[0]), new Tensor(results[1]));
            }

            /// <summary>Indices that sort the tensor along <paramref name="dim"/> (stable: ties keep their order).</summary>
            public Tensor argsort(long dim = -1, bool descending = false) => Wrap(tsb_argsort(Handle, dim, descending, true));

            public unsafe (Tensor values, Tensor indexes) topk(int k, int dim = -1, bool largest = true, bool sorted = true)
            {
                IntPtr* results = stackalloc IntPtr[2];
                Check(tsb_topk(Handle, k, dim, largest, sorted, results));
                return (new Tensor(results[0]), new Tensor(results[1]));
            }

            public unsafe (Tensor values, Tensor indices) kthvalue(long k, long? dim, bool keepdim = false)
            {
                IntPtr* results = stackalloc IntPtr[2];
                Check(tsb_kthvalue(Handle, k, dim ?? -1, keepdim, results));
                return (new Tensor(results[0]), new Tensor(results[1]));
            }

            public unsafe (Tensor output, Tensor? inverse_indices, Tensor? counts) unique(bool sorted = true, bool return_inverse = false, bool return_counts = false, int? dim = null)
            {
                IntPtr* results = stackalloc IntPtr[3];
                Check(tsb_unique(Handle, sorted, return_inverse, return_counts, dim.HasValue, dim ?? 0, results));
                return (new Tensor(results[0]),
                        results[1] == IntPtr.Zero ? null : new Tensor(results[1]),
                        results[2] == IntPtr.Zero ? null : new Tensor(results[2]));
            }

            public Tensor nonzero() => Wrap(tsb_nonzero(Handle));

            public Tensor softmax(long dim, ScalarType? dtype = null) => Wrap(tsb_softmax(Handle, dim, DtypeCode(dtype)));
            public Tensor log_softmax(long dim, ScalarType? dtype = null) => Wrap(tsb_log_softmax(Handle, dim, DtypeCode(dtype)));
        }
    }
}
