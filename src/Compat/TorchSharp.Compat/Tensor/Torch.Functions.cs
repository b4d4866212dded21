using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using static TorchSharp.Native.NativeMethods;

namespace TorchSharp
{
    // torch.* functions; most forward to the Tensor method of the same name.
    public static partial class torch
    {
        // ---- joining ---------------------------------------------------------------------------------

        private static unsafe Tensor JoinTensors(IList<Tensor> tensors, Func<IntPtr[], IntPtr> call)
        {
            if (tensors is null) throw new ArgumentNullException(nameof(tensors));
            var handles = tensors.Select(t => t.Handle).ToArray();
            var result = call(handles);
            GC.KeepAlive(tensors);
            return Tensor.FromNative(result);
        }

        /// <summary>Concatenates tensors along an existing dimension.</summary>
        public static unsafe Tensor cat(IList<Tensor> tensors, long dim = 0) =>
            JoinTensors(tensors, h => { fixed (IntPtr* p = h) return tsb_cat(p, h.Length, dim); });

        public static Tensor concat(IList<Tensor> tensors, long dim = 0) => cat(tensors, dim);
        public static Tensor concatenate(IList<Tensor> tensors, long axis = 0) => cat(tensors, axis);

        /// <summary>Stacks tensors of equal shape along a new dimension.</summary>
        public static unsafe Tensor stack(IEnumerable<Tensor> tensors, long dim = 0) =>
            JoinTensors(tensors.ToList(), h => { fixed (IntPtr* p = h) return tsb_stack(p, h.Length, dim); });

        public static unsafe Tensor hstack(IList<Tensor> tensors) =>
            JoinTensors(tensors, h => { fixed (IntPtr* p = h) return tsb_hstack(p, h.Length); });

        public static Tensor hstack(params Tensor[] tensors) => hstack((IList<Tensor>)tensors);
        public static Tensor hstack(IEnumerable<Tensor> tensors) => hstack(tensors.ToList());

        public static unsafe Tensor vstack(IList<Tensor> tensors) =>
            JoinTensors(tensors, h => { fixed (IntPtr* p = h) return tsb_vstack(p, h.Length); });

        /// <summary>Coordinate grids from 1-D tensors ("ij" or "xy" indexing).</summary>
        public static unsafe Tensor[] meshgrid(IEnumerable<Tensor> tensors, string indexing = "ij")
        {
            var list = tensors.ToList();
            var handles = list.Select(t => t.Handle).ToArray();
            var mode = Encoding.UTF8.GetBytes(indexing + "\0");
            long count;
            IntPtr* result;
            fixed (IntPtr* p = handles)
            fixed (byte* m = mode)
                result = tsb_meshgrid(p, handles.Length, m, &count);
            GC.KeepAlive(list);
            return Tensor.TakeHandles(result, count);
        }

        /// <summary>The indices where <paramref name="condition"/> is non-zero, one tensor per dimension.</summary>
        public static unsafe Tensor[] where(Tensor condition)
        {
            long count;
            var result = tsb_where_nonzero(condition.Handle, &count);
            GC.KeepAlive(condition);
            return Tensor.TakeHandles(result, count);
        }

        /// <summary>Elements of <paramref name="x"/> where <paramref name="condition"/> holds, of <paramref name="y"/> elsewhere.</summary>
        public static Tensor where(Tensor condition, Tensor x, Tensor y) => x.where(condition, y);

        public static Tensor[] chunk(Tensor input, long chunks, long dim = 0) => input.chunk(chunks, dim);
        public static Tensor[] split(Tensor tensor, long[] split_size_or_sections, long dim = 0L) => tensor.split(split_size_or_sections, dim);
        public static Tensor[] unbind(Tensor input, long dim = 0L) => input.unbind(dim);

        // ---- arithmetic ------------------------------------------------------------------------------

        public static Tensor add(Tensor left, Tensor right) => left.add(right);
        public static Tensor add(Tensor left, Tensor right, Scalar alpha) => left.add(right, alpha);
        public static Tensor add(Tensor left, Scalar right) => left.add(right);
        public static Tensor add(Tensor left, Scalar right, Scalar alpha) => left.add(right, alpha);
        public static Tensor sub(Tensor left, Tensor right) => left.sub(right);
        public static Tensor sub(Tensor left, Scalar right) => left.sub(right);
        public static Tensor mul(Tensor left, Tensor right) => left.mul(right);
        public static Tensor mul(Tensor left, Scalar right) => left.mul(right);
        public static Tensor div(Tensor left, Tensor right, RoundingMode rounding_mode = RoundingMode.None) => left.div(right, rounding_mode);
        public static Tensor div(Tensor left, Scalar right, RoundingMode rounding_mode = RoundingMode.None) => left.div(right, rounding_mode);
        public static Tensor pow(Tensor left, Tensor exponent) => left.pow(exponent);
        public static Tensor pow(Tensor left, Scalar exponent) => left.pow(exponent);
        public static Tensor maximum(Tensor input, Tensor other) => input.maximum(other);
        public static Tensor minimum(Tensor input, Tensor other) => input.minimum(other);
        public static Tensor atan2(Tensor input, Tensor other) => input.atan2(other);
        public static Tensor neg(Tensor input) => input.neg();
        public static Tensor exp(Tensor input) => input.exp();
        public static Tensor expm1(Tensor input) => input.expm1();
        public static Tensor log(Tensor input) => input.log();
        public static Tensor log1p(Tensor input) => input.log1p();
        public static Tensor sqrt(Tensor input) => input.sqrt();
        public static Tensor square(Tensor input) => input.square();
        public static Tensor abs(Tensor input) => input.abs();
        public static Tensor sign(Tensor input) => input.sign();
        public static Tensor sigmoid(Tensor input) => input.sigmoid();
        public static Tensor tanh(Tensor input) => input.tanh();
        public static Tensor floor(Tensor input) => input.floor();
        public static Tensor ceil(Tensor input) => input.ceil();
        public static Tensor round(Tensor input, long decimals = 0L) => input.round(decimals);
        public static Tensor clamp(Tensor input, Scalar? min = null, Scalar? max = null) => input.clamp(min, max);
        public static Tensor clamp(Tensor input, Tensor? min = null, Tensor? max = null) => input.clamp(min, max);
        public static Tensor clamp_(Tensor input, Scalar? min = null, Scalar? max = null) => input.clamp_(min, max);
        public static Tensor clamp_(Tensor input, Tensor? min = null, Tensor? max = null) => input.clamp_(min, max);
        public static Tensor clip(Tensor input, Scalar? min = null, Scalar? max = null) => input.clamp(min, max);
        public static Tensor matmul(Tensor input, Tensor target) => input.matmul(target);
        public static Tensor mm(Tensor input, Tensor target) => input.mm(target);
        public static Tensor bmm(Tensor input, Tensor batch2) => input.bmm(batch2);

        // ---- comparison and logic ------------------------------------------------------------------------

        public static Tensor eq(Tensor left, Tensor right) => left.eq(right);
        public static Tensor ne(Tensor left, Tensor right) => left.ne(right);
        public static Tensor lt(Tensor left, Tensor right) => left.lt(right);
        public static Tensor le(Tensor left, Tensor right) => left.le(right);
        public static Tensor gt(Tensor left, Tensor right) => left.gt(right);
        public static Tensor ge(Tensor left, Tensor right) => left.ge(right);
        public static Tensor logical_and(Tensor left, Tensor right) => left.logical_and(right);
        public static Tensor logical_or(Tensor left, Tensor right) => left.logical_or(right);
        public static Tensor logical_not(Tensor input) => input.logical_not();
        public static Tensor isnan(Tensor input) => input.isnan();
        public static Tensor isfinite(Tensor tensor) => tensor.isfinite();
        public static bool allclose(Tensor tensor, Tensor target, double rtol = 1e-05, double atol = 1e-08, bool equal_nan = false) =>
            tensor.allclose(target, rtol, atol, equal_nan);
        public static bool is_tensor(object obj) => obj is Tensor;
        public static long numel(Tensor input) => input.numel();

        // ---- reductions and ordering -----------------------------------------------------------------------

        public static Tensor sum(Tensor input, ScalarType? type = null) => input.sum(type);
        public static Tensor sum(Tensor input, long dim, bool keepdim = false, ScalarType? type = null) => input.sum(dim, keepdim, type);
        public static Tensor sum(Tensor input, ReadOnlySpan<long> dim, bool keepdim = false, ScalarType? type = null) => input.sum(dim, keepdim, type);
        public static Tensor mean(Tensor input) => input.mean();
        public static Tensor mean(Tensor input, long[] dimensions, bool keepdim = false, ScalarType? type = null) => input.mean(dimensions, keepdim, type);
        public static Tensor prod(Tensor input, ScalarType? type = null) => input.prod(type);
        public static Tensor prod(Tensor input, long dim, bool keepdim = false, ScalarType? type = null) => input.prod(dim, keepdim, type);
        public static Tensor cumsum(Tensor input, long dim, ScalarType? type = null) => input.cumsum(dim, type);
        public static Tensor max(Tensor input) => input.max();
        public static Tensor max(Tensor input, Tensor other) => input.maximum(other);
        public static (Tensor values, Tensor indexes) max(Tensor input, long dim, bool keepdim = false) => input.max(dim, keepdim);
        public static Tensor min(Tensor input) => input.min();
        public static Tensor min(Tensor input, Tensor other) => input.minimum(other);
        public static (Tensor values, Tensor indexes) min(Tensor input, long dim, bool keepdim = false) => input.min(dim, keepdim);
        public static Tensor argmax(Tensor input) => input.argmax();
        public static Tensor argmax(Tensor input, long dim, bool keepdim = false) => input.argmax(dim, keepdim);
        public static Tensor argmin(Tensor input) => input.argmin();
        public static Tensor argmin(Tensor input, long dim, bool keepdim = false) => input.argmin(dim, keepdim);
        public static Tensor any(Tensor input) => input.any();
        public static Tensor any(Tensor input, long dim, bool keepdim = false) => input.any(dim, keepdim);
        public static Tensor all(Tensor input) => input.all();
        public static Tensor all(Tensor input, long dim, bool keepdim = false) => input.all(dim, keepdim);

        public static (Tensor values, Tensor indices) sort(Tensor input, long dim = -1, bool descending = false, bool stable = false) =>
            input.sort(dim, descending, stable);

        public static Tensor argsort(Tensor input, long dim = -1, bool descending = false) => input.argsort(dim, descending);

        public static (Tensor values, Tensor indices) topk(Tensor tensor, int k, int dim = -1, bool largest = true, bool sorted = true) =>
            tensor.topk(k, dim, largest, sorted);

        public static (Tensor output, Tensor? inverse_indices, Tensor? counts) unique(Tensor input, bool sorted = true, bool return_inverse = false, bool return_counts = false, int? dim = null) =>
            input.unique(sorted, return_inverse, return_counts, dim);

        public static Tensor nonzero(Tensor input) => input.nonzero();
        public static Tensor softmax(Tensor input, int dim, ScalarType? dtype = null) => input.softmax(dim, dtype);

        // ---- shape -----------------------------------------------------------------------------------

        public static Tensor reshape(Tensor input, params long[] shape) => input.reshape(shape);
        public static Tensor permute(Tensor input, params long[] permutation) => input.permute(permutation);
        public static Tensor transpose(Tensor input, long dim0, long dim1) => input.transpose(dim0, dim1);
        public static Tensor flatten(Tensor input, long start_dim = 0, long end_dim = -1) => input.flatten(start_dim, end_dim);
        public static Tensor squeeze(Tensor input, long? dim = null) => input.squeeze(dim);
        public static Tensor unsqueeze(Tensor input, long dim) => input.unsqueeze(dim);
        public static Tensor narrow(Tensor input, long dim, long start, long length) => input.narrow(dim, start, length);
        public static Tensor select(Tensor input, long dim, long index) => input.select(dim, index);
        public static Tensor flip(Tensor input, params long[] dims) => input.flip(dims);
        public static Tensor roll(Tensor input, long shifts, long? dims = null) => input.roll(shifts, dims);
        public static Tensor roll(Tensor input, long[] shifts, long[] dims) => input.roll(shifts, dims);
        public static Tensor tril(Tensor input, long diagonal = 0) => input.tril(diagonal);
        public static Tensor triu(Tensor input, long diagonal = 0L) => input.triu(diagonal);
        public static Tensor gather(Tensor input, long dim, Tensor index) => input.gather(dim, index);
        public static Tensor index_select(Tensor input, long dim, Tensor index) => input.index_select(dim, index);
        public static Tensor masked_select(Tensor input, Tensor mask) => input.masked_select(mask);

        /// <summary>Repeats each element <paramref name="repeats"/> times (along <paramref name="dim"/>, or of the flattened input).</summary>
        public static Tensor repeat_interleave(Tensor input, long repeats, long? dim = null, long? output_size = null)
        {
            using var scope = NewDisposeScope();
            var source = dim.HasValue ? input : input.flatten();
            long d = dim ?? 0;
            long rank = source.dim();
            if (d < 0) d += rank;
            // Insert a new axis after d, expand it to `repeats`, and merge it back.
            var expanded = source.unsqueeze(d + 1);
            var sizes = expanded.shape;
            sizes[d + 1] = repeats;
            var shape = source.shape;
            shape[d] *= repeats;
            return expanded.expand(sizes).reshape(shape).MoveToOuterDisposeScope();
        }
    }
}
