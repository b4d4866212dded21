using System;
using System.Runtime.InteropServices;

namespace TorchSharp.Native
{
    // Declarations mirror src/Native/torchsharp_bridge/shape_and_indexing.cpp.
    internal static unsafe partial class NativeMethods
    {
        [DllImport(Lib)] internal static extern IntPtr tsb_view(IntPtr t, long* shape, int n);
        [DllImport(Lib)] internal static extern IntPtr tsb_reshape(IntPtr t, long* shape, int n);
        [DllImport(Lib)] internal static extern IntPtr tsb_permute(IntPtr t, long* dims, int n);
        [DllImport(Lib)] internal static extern IntPtr tsb_transpose(IntPtr t, long dim0, long dim1);
        [DllImport(Lib)] internal static extern IntPtr tsb_t(IntPtr t);
        [DllImport(Lib)] internal static extern IntPtr tsb_flatten(IntPtr t, long startDim, long endDim);
        [DllImport(Lib)] internal static extern IntPtr tsb_unflatten(IntPtr t, long dim, long* sizes, int n);
        [DllImport(Lib)] internal static extern IntPtr tsb_unsqueeze(IntPtr t, long dim);
        [DllImport(Lib)] internal static extern IntPtr tsb_squeeze(IntPtr t);
        [DllImport(Lib)] internal static extern IntPtr tsb_squeeze_dim(IntPtr t, long dim);
        [DllImport(Lib)] internal static extern IntPtr tsb_expand(IntPtr t, long* sizes, int n, bool isImplicit);
        [DllImport(Lib)] internal static extern IntPtr tsb_repeat(IntPtr t, long* repeats, int n);
        [DllImport(Lib)] internal static extern IntPtr tsb_narrow(IntPtr t, long dim, long start, long length);
        [DllImport(Lib)] internal static extern IntPtr tsb_select(IntPtr t, long dim, long index);
        [DllImport(Lib)] internal static extern IntPtr tsb_flip(IntPtr t, long* dims, int n);
        [DllImport(Lib)] internal static extern IntPtr tsb_roll(IntPtr t, long* shifts, int ns, long* dims, int nd);
        [DllImport(Lib)] internal static extern IntPtr tsb_as_strided(IntPtr t, long* sizes, int nSizes, long* strides, int nStrides, long storageOffset);
        [DllImport(Lib)] internal static extern IntPtr tsb_tril(IntPtr t, long diagonal);
        [DllImport(Lib)] internal static extern IntPtr tsb_triu(IntPtr t, long diagonal);

        [DllImport(Lib)] internal static extern IntPtr tsb_cat(IntPtr* tensors, int count, long dim);
        [DllImport(Lib)] internal static extern IntPtr tsb_stack(IntPtr* tensors, int count, long dim);
        [DllImport(Lib)] internal static extern IntPtr tsb_hstack(IntPtr* tensors, int count);
        [DllImport(Lib)] internal static extern IntPtr tsb_vstack(IntPtr* tensors, int count);
        [DllImport(Lib)] internal static extern IntPtr* tsb_split_size(IntPtr t, long size, long dim, long* count);
        [DllImport(Lib)] internal static extern IntPtr* tsb_split_sizes(IntPtr t, long* sizes, int n, long dim, long* count);
        [DllImport(Lib)] internal static extern IntPtr* tsb_chunk(IntPtr t, long chunks, long dim, long* count);
        [DllImport(Lib)] internal static extern IntPtr* tsb_unbind(IntPtr t, long dim, long* count);
        [DllImport(Lib)] internal static extern IntPtr* tsb_meshgrid(IntPtr* tensors, int n, byte* indexing, long* count);
        [DllImport(Lib)] internal static extern IntPtr* tsb_where_nonzero(IntPtr condition, long* count);

        [DllImport(Lib)] internal static extern IntPtr tsb_index_select(IntPtr t, long dim, IntPtr index);
        [DllImport(Lib)] internal static extern IntPtr tsb_gather(IntPtr t, long dim, IntPtr index);
        [DllImport(Lib)] internal static extern IntPtr tsb_scatter(IntPtr t, long dim, IntPtr index, IntPtr src);
        [DllImport(Lib)] internal static extern int tsb_scatter_(IntPtr t, long dim, IntPtr index, IntPtr src);
        [DllImport(Lib)] internal static extern IntPtr tsb_scatter_add(IntPtr t, long dim, IntPtr index, IntPtr src);
        [DllImport(Lib)] internal static extern int tsb_scatter_add_(IntPtr t, long dim, IntPtr index, IntPtr src);
        [DllImport(Lib)] internal static extern IntPtr tsb_index_add(IntPtr t, long dim, IntPtr index, IntPtr source, ScalarArg alpha);
        [DllImport(Lib)] internal static extern int tsb_index_add_(IntPtr t, long dim, IntPtr index, IntPtr source, ScalarArg alpha);
        [DllImport(Lib)] internal static extern IntPtr tsb_index_copy(IntPtr t, long dim, IntPtr index, IntPtr source);
        [DllImport(Lib)] internal static extern int tsb_index_copy_(IntPtr t, long dim, IntPtr index, IntPtr source);
        [DllImport(Lib)] internal static extern IntPtr tsb_index_fill(IntPtr t, long dim, IntPtr index, ScalarArg value);
        [DllImport(Lib)] internal static extern int tsb_index_fill_(IntPtr t, long dim, IntPtr index, ScalarArg value);

        [DllImport(Lib)] internal static extern IntPtr tsb_masked_fill(IntPtr t, IntPtr mask, ScalarArg value);
        [DllImport(Lib)] internal static extern int tsb_masked_fill_(IntPtr t, IntPtr mask, ScalarArg value);
        [DllImport(Lib)] internal static extern IntPtr tsb_masked_select(IntPtr t, IntPtr mask);
        [DllImport(Lib)] internal static extern IntPtr tsb_masked_scatter(IntPtr t, IntPtr mask, IntPtr source);
        [DllImport(Lib)] internal static extern int tsb_masked_scatter_(IntPtr t, IntPtr mask, IntPtr source);

        [DllImport(Lib)] internal static extern IntPtr tsb_index(IntPtr t, int* kinds, long* values, int* flags, IntPtr* tensors, int count);
        [DllImport(Lib)] internal static extern int tsb_index_put_(IntPtr t, int* kinds, long* values, int* flags, IntPtr* tensors, int count, IntPtr value, bool accumulate);
        [DllImport(Lib)] internal static extern int tsb_index_put_scalar_(IntPtr t, int* kinds, long* values, int* flags, IntPtr* tensors, int count, ScalarArg value);
    }
}
