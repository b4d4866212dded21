using System;
using System.Runtime.InteropServices;

namespace TorchSharp.Native
{
    // Declarations mirror src/Native/torchsharp_bridge/elementwise.cpp and reductions.cpp.
    internal static unsafe partial class NativeMethods
    {
        // arithmetic
        [DllImport(Lib)] internal static extern IntPtr tsb_add(IntPtr a, IntPtr b, ScalarArg alpha);
        [DllImport(Lib)] internal static extern IntPtr tsb_add_scalar(IntPtr a, ScalarArg b, ScalarArg alpha);
        [DllImport(Lib)] internal static extern int tsb_add_(IntPtr a, IntPtr b, ScalarArg alpha);
        [DllImport(Lib)] internal static extern int tsb_add_scalar_(IntPtr a, ScalarArg b, ScalarArg alpha);
        [DllImport(Lib)] internal static extern IntPtr tsb_sub(IntPtr a, IntPtr b, ScalarArg alpha);
        [DllImport(Lib)] internal static extern IntPtr tsb_sub_scalar(IntPtr a, ScalarArg b, ScalarArg alpha);
        [DllImport(Lib)] internal static extern IntPtr tsb_rsub_scalar(IntPtr a, ScalarArg b);
        [DllImport(Lib)] internal static extern int tsb_sub_(IntPtr a, IntPtr b, ScalarArg alpha);
        [DllImport(Lib)] internal static extern int tsb_sub_scalar_(IntPtr a, ScalarArg b, ScalarArg alpha);
        [DllImport(Lib)] internal static extern IntPtr tsb_mul(IntPtr a, IntPtr b);
        [DllImport(Lib)] internal static extern IntPtr tsb_mul_scalar(IntPtr a, ScalarArg b);
        [DllImport(Lib)] internal static extern int tsb_mul_(IntPtr a, IntPtr b);
        [DllImport(Lib)] internal static extern int tsb_mul_scalar_(IntPtr a, ScalarArg b);
        [DllImport(Lib)] internal static extern IntPtr tsb_div(IntPtr a, IntPtr b, int roundingMode);
        [DllImport(Lib)] internal static extern IntPtr tsb_div_scalar(IntPtr a, ScalarArg b, int roundingMode);
        [DllImport(Lib)] internal static extern IntPtr tsb_rdiv_scalar(IntPtr a, ScalarArg b);
        [DllImport(Lib)] internal static extern int tsb_div_(IntPtr a, IntPtr b, int roundingMode);
        [DllImport(Lib)] internal static extern int tsb_div_scalar_(IntPtr a, ScalarArg b, int roundingMode);
        [DllImport(Lib)] internal static extern IntPtr tsb_remainder(IntPtr a, IntPtr b);
        [DllImport(Lib)] internal static extern IntPtr tsb_remainder_scalar(IntPtr a, ScalarArg b);
        [DllImport(Lib)] internal static extern IntPtr tsb_pow(IntPtr a, IntPtr b);
        [DllImport(Lib)] internal static extern IntPtr tsb_pow_scalar(IntPtr a, ScalarArg b);
        [DllImport(Lib)] internal static extern int tsb_pow_scalar_(IntPtr a, ScalarArg b);
        [DllImport(Lib)] internal static extern IntPtr tsb_maximum(IntPtr a, IntPtr b);
        [DllImport(Lib)] internal static extern IntPtr tsb_minimum(IntPtr a, IntPtr b);
        [DllImport(Lib)] internal static extern IntPtr tsb_atan2(IntPtr a, IntPtr b);
        [DllImport(Lib)] internal static extern IntPtr tsb_addcmul(IntPtr t, IntPtr a, IntPtr b, ScalarArg value);
        [DllImport(Lib)] internal static extern int tsb_addcmul_(IntPtr t, IntPtr a, IntPtr b, ScalarArg value);
        [DllImport(Lib)] internal static extern IntPtr tsb_addcdiv(IntPtr t, IntPtr a, IntPtr b, ScalarArg value);
        [DllImport(Lib)] internal static extern int tsb_addcdiv_(IntPtr t, IntPtr a, IntPtr b, ScalarArg value);
        [DllImport(Lib)] internal static extern IntPtr tsb_lerp(IntPtr a, IntPtr b, ScalarArg weight);

        // clamp
        [DllImport(Lib)] internal static extern IntPtr tsb_clamp(IntPtr t, bool hasMin, ScalarArg min, bool hasMax, ScalarArg max);
        [DllImport(Lib)] internal static extern int tsb_clamp_(IntPtr t, bool hasMin, ScalarArg min, bool hasMax, ScalarArg max);
        [DllImport(Lib)] internal static extern IntPtr tsb_clamp_tensor(IntPtr t, IntPtr min, IntPtr max);
        [DllImport(Lib)] internal static extern int tsb_clamp_tensor_(IntPtr t, IntPtr min, IntPtr max);

        // comparison and logic
        [DllImport(Lib)] internal static extern IntPtr tsb_eq(IntPtr a, IntPtr b);
        [DllImport(Lib)] internal static extern IntPtr tsb_eq_scalar(IntPtr a, ScalarArg b);
        [DllImport(Lib)] internal static extern IntPtr tsb_ne(IntPtr a, IntPtr b);
        [DllImport(Lib)] internal static extern IntPtr tsb_ne_scalar(IntPtr a, ScalarArg b);
        [DllImport(Lib)] internal static extern IntPtr tsb_lt(IntPtr a, IntPtr b);
        [DllImport(Lib)] internal static extern IntPtr tsb_lt_scalar(IntPtr a, ScalarArg b);
        [DllImport(Lib)] internal static extern IntPtr tsb_le(IntPtr a, IntPtr b);
        [DllImport(Lib)] internal static extern IntPtr tsb_le_scalar(IntPtr a, ScalarArg b);
        [DllImport(Lib)] internal static extern IntPtr tsb_gt(IntPtr a, IntPtr b);
        [DllImport(Lib)] internal static extern IntPtr tsb_gt_scalar(IntPtr a, ScalarArg b);
        [DllImport(Lib)] internal static extern IntPtr tsb_ge(IntPtr a, IntPtr b);
        [DllImport(Lib)] internal static extern IntPtr tsb_ge_scalar(IntPtr a, ScalarArg b);
        [DllImport(Lib)] internal static extern IntPtr tsb_logical_and(IntPtr a, IntPtr b);
        [DllImport(Lib)] internal static extern IntPtr tsb_logical_or(IntPtr a, IntPtr b);
        [DllImport(Lib)] internal static extern IntPtr tsb_logical_xor(IntPtr a, IntPtr b);
        [DllImport(Lib)] internal static extern IntPtr tsb_bitwise_and(IntPtr a, IntPtr b);
        [DllImport(Lib)] internal static extern IntPtr tsb_bitwise_or(IntPtr a, IntPtr b);
        [DllImport(Lib)] internal static extern IntPtr tsb_bitwise_xor(IntPtr a, IntPtr b);
        [DllImport(Lib)] internal static extern int tsb_equal(IntPtr a, IntPtr b, sbyte* result);
        [DllImport(Lib)] internal static extern int tsb_allclose(IntPtr a, IntPtr b, double rtol, double atol, bool equalNan, sbyte* result);
        [DllImport(Lib)] internal static extern IntPtr tsb_isclose(IntPtr a, IntPtr b, double rtol, double atol, bool equalNan);
        [DllImport(Lib)] internal static extern IntPtr tsb_where(IntPtr condition, IntPtr a, IntPtr b);

        // unary (name and name_ for in-place)
        [DllImport(Lib)] internal static extern IntPtr tsb_neg(IntPtr t);
        [DllImport(Lib)] internal static extern int tsb_neg_(IntPtr t);
        [DllImport(Lib)] internal static extern IntPtr tsb_exp(IntPtr t);
        [DllImport(Lib)] internal static extern int tsb_exp_(IntPtr t);
        [DllImport(Lib)] internal static extern IntPtr tsb_log(IntPtr t);
        [DllImport(Lib)] internal static extern int tsb_log_(IntPtr t);
        [DllImport(Lib)] internal static extern IntPtr tsb_log2(IntPtr t);
        [DllImport(Lib)] internal static extern IntPtr tsb_log10(IntPtr t);
        [DllImport(Lib)] internal static extern IntPtr tsb_log1p(IntPtr t);
        [DllImport(Lib)] internal static extern IntPtr tsb_expm1(IntPtr t);
        [DllImport(Lib)] internal static extern IntPtr tsb_sqrt(IntPtr t);
        [DllImport(Lib)] internal static extern int tsb_sqrt_(IntPtr t);
        [DllImport(Lib)] internal static extern IntPtr tsb_rsqrt(IntPtr t);
        [DllImport(Lib)] internal static extern IntPtr tsb_abs(IntPtr t);
        [DllImport(Lib)] internal static extern int tsb_abs_(IntPtr t);
        [DllImport(Lib)] internal static extern IntPtr tsb_sigmoid(IntPtr t);
        [DllImport(Lib)] internal static extern int tsb_sigmoid_(IntPtr t);
        [DllImport(Lib)] internal static extern IntPtr tsb_tanh(IntPtr t);
        [DllImport(Lib)] internal static extern int tsb_tanh_(IntPtr t);
        [DllImport(Lib)] internal static extern IntPtr tsb_relu(IntPtr t);
        [DllImport(Lib)] internal static extern int tsb_relu_(IntPtr t);
        [DllImport(Lib)] internal static extern IntPtr tsb_floor(IntPtr t);
        [DllImport(Lib)] internal static extern int tsb_floor_(IntPtr t);
        [DllImport(Lib)] internal static extern IntPtr tsb_ceil(IntPtr t);
        [DllImport(Lib)] internal static extern int tsb_ceil_(IntPtr t);
        [DllImport(Lib)] internal static extern IntPtr tsb_trunc(IntPtr t);
        [DllImport(Lib)] internal static extern IntPtr tsb_sign(IntPtr t);
        [DllImport(Lib)] internal static extern IntPtr tsb_sin(IntPtr t);
        [DllImport(Lib)] internal static extern IntPtr tsb_cos(IntPtr t);
        [DllImport(Lib)] internal static extern IntPtr tsb_reciprocal(IntPtr t);
        [DllImport(Lib)] internal static extern IntPtr tsb_square(IntPtr t);
        [DllImport(Lib)] internal static extern IntPtr tsb_erf(IntPtr t);
        [DllImport(Lib)] internal static extern IntPtr tsb_erfinv(IntPtr t);
        [DllImport(Lib)] internal static extern IntPtr tsb_logical_not(IntPtr t);
        [DllImport(Lib)] internal static extern IntPtr tsb_bitwise_not(IntPtr t);
        [DllImport(Lib)] internal static extern IntPtr tsb_isnan(IntPtr t);
        [DllImport(Lib)] internal static extern IntPtr tsb_isinf(IntPtr t);
        [DllImport(Lib)] internal static extern IntPtr tsb_isfinite(IntPtr t);
        [DllImport(Lib)] internal static extern IntPtr tsb_log_sigmoid(IntPtr t);
        [DllImport(Lib)] internal static extern IntPtr tsb_round(IntPtr t, long decimals);
        [DllImport(Lib)] internal static extern int tsb_round_(IntPtr t, long decimals);

        // fills and copies
        [DllImport(Lib)] internal static extern int tsb_fill_(IntPtr t, ScalarArg value);
        [DllImport(Lib)] internal static extern int tsb_zero_(IntPtr t);
        [DllImport(Lib)] internal static extern int tsb_copy_(IntPtr t, IntPtr source, bool nonBlocking);

        // linear algebra
        [DllImport(Lib)] internal static extern IntPtr tsb_matmul(IntPtr a, IntPtr b);
        [DllImport(Lib)] internal static extern IntPtr tsb_mm(IntPtr a, IntPtr b);
        [DllImport(Lib)] internal static extern IntPtr tsb_bmm(IntPtr a, IntPtr b);
        [DllImport(Lib)] internal static extern IntPtr tsb_dot(IntPtr a, IntPtr b);
        [DllImport(Lib)] internal static extern IntPtr tsb_outer(IntPtr a, IntPtr b);

        // reductions
        [DllImport(Lib)] internal static extern IntPtr tsb_sum(IntPtr t, sbyte dtype);
        [DllImport(Lib)] internal static extern IntPtr tsb_sum_dims(IntPtr t, long* dims, int ndims, bool keepdim, sbyte dtype);
        [DllImport(Lib)] internal static extern IntPtr tsb_mean(IntPtr t, sbyte dtype);
        [DllImport(Lib)] internal static extern IntPtr tsb_mean_dims(IntPtr t, long* dims, int ndims, bool keepdim, sbyte dtype);
        [DllImport(Lib)] internal static extern IntPtr tsb_prod(IntPtr t, sbyte dtype);
        [DllImport(Lib)] internal static extern IntPtr tsb_prod_dim(IntPtr t, long dim, bool keepdim, sbyte dtype);
        [DllImport(Lib)] internal static extern IntPtr tsb_cumsum(IntPtr t, long dim, sbyte dtype);
        [DllImport(Lib)] internal static extern IntPtr tsb_var(IntPtr t, long* dims, int ndims, bool unbiased, bool keepdim);
        [DllImport(Lib)] internal static extern IntPtr tsb_std(IntPtr t, long* dims, int ndims, bool unbiased, bool keepdim);
        [DllImport(Lib)] internal static extern IntPtr tsb_logsumexp(IntPtr t, long* dims, int ndims, bool keepdim);
        [DllImport(Lib)] internal static extern IntPtr tsb_max(IntPtr t);
        [DllImport(Lib)] internal static extern IntPtr tsb_min(IntPtr t);
        [DllImport(Lib)] internal static extern int tsb_max_dim(IntPtr t, long dim, bool keepdim, IntPtr* results);
        [DllImport(Lib)] internal static extern int tsb_min_dim(IntPtr t, long dim, bool keepdim, IntPtr* results);
        [DllImport(Lib)] internal static extern IntPtr tsb_amax(IntPtr t, long* dims, int ndims, bool keepdim);
        [DllImport(Lib)] internal static extern IntPtr tsb_amin(IntPtr t, long* dims, int ndims, bool keepdim);
        [DllImport(Lib)] internal static extern IntPtr tsb_argmax(IntPtr t, bool hasDim, long dim, bool keepdim);
        [DllImport(Lib)] internal static extern IntPtr tsb_argmin(IntPtr t, bool hasDim, long dim, bool keepdim);
        [DllImport(Lib)] internal static extern IntPtr tsb_any(IntPtr t);
        [DllImport(Lib)] internal static extern IntPtr tsb_any_dim(IntPtr t, long dim, bool keepdim);
        [DllImport(Lib)] internal static extern IntPtr tsb_all(IntPtr t);
        [DllImport(Lib)] internal static extern IntPtr tsb_all_dim(IntPtr t, long dim, bool keepdim);
        [DllImport(Lib)] internal static extern IntPtr tsb_count_nonzero(IntPtr t);
        [DllImport(Lib)] internal static extern IntPtr tsb_norm(IntPtr t, double p);
        [DllImport(Lib)] internal static extern int tsb_sort(IntPtr t, long dim, bool descending, bool stable, IntPtr* results);
        [DllImport(Lib)] internal static extern IntPtr tsb_argsort(IntPtr t, long dim, bool descending, bool stable);
        [DllImport(Lib)] internal static extern int tsb_topk(IntPtr t, long k, long dim, bool largest, bool sorted, IntPtr* results);
        [DllImport(Lib)] internal static extern int tsb_kthvalue(IntPtr t, long k, long dim, bool keepdim, IntPtr* results);
        [DllImport(Lib)] internal static extern int tsb_unique(IntPtr t, bool sorted, bool returnInverse, bool returnCounts, bool hasDim, long dim, IntPtr* results);
        [DllImport(Lib)] internal static extern IntPtr tsb_nonzero(IntPtr t);
    }
}
