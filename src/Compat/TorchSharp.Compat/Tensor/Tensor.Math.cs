using System;
using TorchSharp.Native;
using static TorchSharp.Native.NativeMethods;

namespace TorchSharp
{
    public static partial class torch
    {
        public partial class Tensor
        {
            private static readonly ScalarArg One = ScalarArg.FromLong(1);

            // ---- arithmetic --------------------------------------------------------------------------

            public Tensor add(Tensor target) => Wrap(tsb_add(Handle, target.Handle, One), target);
            public Tensor add(Tensor target, Scalar alpha) => Wrap(tsb_add(Handle, target.Handle, alpha.Native), target);
            public Tensor add(Scalar scalar) => Wrap(tsb_add_scalar(Handle, scalar.Native, One));
            public Tensor add(Scalar scalar, Scalar alpha) => Wrap(tsb_add_scalar(Handle, scalar.Native, alpha.Native));
            public Tensor add_(Tensor target) { Check(tsb_add_(Handle, target.Handle, One), target); return this; }
            public Tensor add_(Tensor target, Scalar alpha) { Check(tsb_add_(Handle, target.Handle, alpha.Native), target); return this; }
            public Tensor add_(Scalar scalar) { Check(tsb_add_scalar_(Handle, scalar.Native, One)); return this; }
            public Tensor add_(Scalar scalar, Scalar alpha) { Check(tsb_add_scalar_(Handle, scalar.Native, alpha.Native)); return this; }

            public Tensor sub(Tensor target) => Wrap(tsb_sub(Handle, target.Handle, One), target);
            public Tensor sub(Scalar target) => Wrap(tsb_sub_scalar(Handle, target.Native, One));
            public Tensor sub_(Tensor target) { Check(tsb_sub_(Handle, target.Handle, One), target); return this; }
            public Tensor sub_(Scalar target) { Check(tsb_sub_scalar_(Handle, target.Native, One)); return this; }

            public Tensor mul(Tensor target) => Wrap(tsb_mul(Handle, target.Handle), target);
            public Tensor mul(Scalar target) => Wrap(tsb_mul_scalar(Handle, target.Native));
            public Tensor mul_(Tensor target) { Check(tsb_mul_(Handle, target.Handle), target); return this; }
            public Tensor mul_(Scalar target) { Check(tsb_mul_scalar_(Handle, target.Native)); return this; }

            public Tensor div(Tensor target, RoundingMode rounding_mode = RoundingMode.None) => Wrap(tsb_div(Handle, target.Handle, (int)rounding_mode), target);
            public Tensor div(Scalar target, RoundingMode rounding_mode = RoundingMode.None) => Wrap(tsb_div_scalar(Handle, target.Native, (int)rounding_mode));
            public Tensor div_(Tensor target, RoundingMode rounding_mode = RoundingMode.None) { Check(tsb_div_(Handle, target.Handle, (int)rounding_mode), target); return this; }
            public Tensor div_(Scalar target, RoundingMode rounding_mode = RoundingMode.None) { Check(tsb_div_scalar_(Handle, target.Native, (int)rounding_mode)); return this; }
            public Tensor true_divide(Tensor other) => div(other);
            public Tensor true_divide(Scalar other) => div(other);

            public Tensor remainder(Tensor target) => Wrap(tsb_remainder(Handle, target.Handle), target);
            public Tensor remainder(Scalar scalar) => Wrap(tsb_remainder_scalar(Handle, scalar.Native));

            public Tensor pow(Tensor exponent) => Wrap(tsb_pow(Handle, exponent.Handle), exponent);
            public Tensor pow(Scalar exponent) => Wrap(tsb_pow_scalar(Handle, exponent.Native));
            public Tensor pow_(Scalar exponent) { Check(tsb_pow_scalar_(Handle, exponent.Native)); return this; }

            public Tensor maximum(Tensor other) => Wrap(tsb_maximum(Handle, other.Handle), other);
            public Tensor minimum(Tensor other) => Wrap(tsb_minimum(Handle, other.Handle), other);
            public Tensor atan2(Tensor other) => Wrap(tsb_atan2(Handle, other.Handle), other);

            public Tensor addcmul(Tensor tensor1, Tensor tensor2, Scalar value) => Wrap(tsb_addcmul(Handle, tensor1.Handle, tensor2.Handle, value.Native), tensor1, tensor2);
            public Tensor addcmul_(Tensor tensor1, Tensor tensor2, Scalar value) { Check(tsb_addcmul_(Handle, tensor1.Handle, tensor2.Handle, value.Native), tensor1, tensor2); return this; }
            public Tensor addcdiv(Tensor tensor1, Tensor tensor2, Scalar value) => Wrap(tsb_addcdiv(Handle, tensor1.Handle, tensor2.Handle, value.Native), tensor1, tensor2);
            public Tensor addcdiv(Tensor tensor1, Tensor tensor2) => addcdiv(tensor1, tensor2, 1);
            public Tensor addcdiv_(Tensor tensor1, Tensor tensor2, Scalar value) { Check(tsb_addcdiv_(Handle, tensor1.Handle, tensor2.Handle, value.Native), tensor1, tensor2); return this; }
            public Tensor addcdiv_(Tensor tensor1, Tensor tensor2) => addcdiv_(tensor1, tensor2, 1);

            // ---- clamp ---------------------------------------------------------------------------------

            public Tensor clamp(Scalar? min = null, Scalar? max = null)
            {
                if (min is null && max is null) throw new ArgumentException("clamp needs at least one of min and max.");
                return Wrap(tsb_clamp(Handle, min is not null, min?.Native ?? default, max is not null, max?.Native ?? default));
            }

            public Tensor clamp(Tensor? min = null, Tensor? max = null)
            {
                if (min is null && max is null) throw new ArgumentException("clamp needs at least one of min and max.");
                return Wrap(tsb_clamp_tensor(Handle, HandleOrZero(min), HandleOrZero(max)), min, max);
            }

            public Tensor clamp_(Scalar? min = null, Scalar? max = null)
            {
                if (min is null && max is null) throw new ArgumentException("clamp_ needs at least one of min and max.");
                Check(tsb_clamp_(Handle, min is not null, min?.Native ?? default, max is not null, max?.Native ?? default));
                return this;
            }

            public Tensor clamp_(Tensor? min = null, Tensor? max = null)
            {
                if (min is null && max is null) throw new ArgumentException("clamp_ needs at least one of min and max.");
                Check(tsb_clamp_tensor_(Handle, HandleOrZero(min), HandleOrZero(max)), min, max);
                return this;
            }

            public Tensor clip(Scalar? min = null, Scalar? max = null) => clamp(min, max);
            public Tensor clamp_min_(Scalar min) => clamp_(min, null);
            public Tensor clamp_max_(Scalar max) => clamp_(null, max);

            // ---- comparison and logic ---------------------------------------------------------------

            public Tensor eq(Tensor target) => Wrap(tsb_eq(Handle, target.Handle), target);
            public Tensor eq(Scalar target) => Wrap(tsb_eq_scalar(Handle, target.Native));
            public Tensor equal(Tensor target) => eq(target);
            public Tensor ne(Tensor target) => Wrap(tsb_ne(Handle, target.Handle), target);
            public Tensor ne(Scalar target) => Wrap(tsb_ne_scalar(Handle, target.Native));
            public Tensor lt(Tensor target) => Wrap(tsb_lt(Handle, target.Handle), target);
            public Tensor lt(Scalar target) => Wrap(tsb_lt_scalar(Handle, target.Native));
            public Tensor le(Tensor target) => Wrap(tsb_le(Handle, target.Handle), target);
            public Tensor le(Scalar target) => Wrap(tsb_le_scalar(Handle, target.Native));
            public Tensor gt(Tensor target) => Wrap(tsb_gt(Handle, target.Handle), target);
            public Tensor gt(Scalar target) => Wrap(tsb_gt_scalar(Handle, target.Native));
            public Tensor ge(Tensor target) => Wrap(tsb_ge(Handle, target.Handle), target);
            public Tensor ge(Scalar target) => Wrap(tsb_ge_scalar(Handle, target.Native));

            public Tensor logical_and(Tensor other) => Wrap(tsb_logical_and(Handle, other.Handle), other);
            public Tensor logical_or(Tensor other) => Wrap(tsb_logical_or(Handle, other.Handle), other);
            public Tensor logical_xor(Tensor other) => Wrap(tsb_logical_xor(Handle, other.Handle), other);
            public Tensor logical_not() => Wrap(tsb_logical_not(Handle));
            public Tensor bitwise_and(Tensor other) => Wrap(tsb_bitwise_and(Handle, other.Handle), other);
            public Tensor bitwise_or(Tensor other) => Wrap(tsb_bitwise_or(Handle, other.Handle), other);
            public Tensor bitwise_xor(Tensor other) => Wrap(tsb_bitwise_xor(Handle, other.Handle), other);
            public Tensor bitwise_not() => Wrap(tsb_bitwise_not(Handle));

            public unsafe bool allclose(Tensor target, double rtol = 1e-05, double atol = 1e-08, bool equal_nan = false)
            {
                sbyte result;
                Check(tsb_allclose(Handle, target.Handle, rtol, atol, equal_nan, &result), target);
                return result != 0;
            }

            public Tensor isclose(Tensor other, double rtol = 1e-05, double atol = 1e-08, bool nanEqual = false) =>
                Wrap(tsb_isclose(Handle, other.Handle, rtol, atol, nanEqual), other);

            /// <summary>Elements of this tensor where <paramref name="condition"/> holds, of <paramref name="y"/> elsewhere.</summary>
            public Tensor where(Tensor condition, Tensor y) => Wrap(tsb_where(condition.Handle, Handle, y.Handle), condition, y);

            // ---- unary -------------------------------------------------------------------------------

            public Tensor neg() => Wrap(tsb_neg(Handle));
            public Tensor negative() => neg();
            public Tensor neg_() { Check(tsb_neg_(Handle)); return this; }
            public Tensor exp() => Wrap(tsb_exp(Handle));
            public Tensor exp_() { Check(tsb_exp_(Handle)); return this; }
            public Tensor log() => Wrap(tsb_log(Handle));
            public Tensor log_() { Check(tsb_log_(Handle)); return this; }
            public Tensor log2() => Wrap(tsb_log2(Handle));
            public Tensor log10() => Wrap(tsb_log10(Handle));
            public Tensor log1p() => Wrap(tsb_log1p(Handle));
            public Tensor expm1() => Wrap(tsb_expm1(Handle));
            public Tensor sqrt() => Wrap(tsb_sqrt(Handle));
            public Tensor sqrt_() { Check(tsb_sqrt_(Handle)); return this; }
            public Tensor rsqrt() => Wrap(tsb_rsqrt(Handle));
            public Tensor abs() => Wrap(tsb_abs(Handle));
            public Tensor abs_() { Check(tsb_abs_(Handle)); return this; }
            public Tensor sigmoid() => Wrap(tsb_sigmoid(Handle));
            public Tensor sigmoid_() { Check(tsb_sigmoid_(Handle)); return this; }
            public Tensor log_sigmoid() => Wrap(tsb_log_sigmoid(Handle));
            public Tensor tanh() => Wrap(tsb_tanh(Handle));
            public Tensor tanh_() { Check(tsb_tanh_(Handle)); return this; }
            public Tensor relu() => Wrap(tsb_relu(Handle));
            public Tensor relu_() { Check(tsb_relu_(Handle)); return this; }
            public Tensor floor() => Wrap(tsb_floor(Handle));
            public Tensor floor_() { Check(tsb_floor_(Handle)); return this; }
            public Tensor ceil() => Wrap(tsb_ceil(Handle));
            public Tensor ceil_() { Check(tsb_ceil_(Handle)); return this; }
            public Tensor trunc() => Wrap(tsb_trunc(Handle));
            public Tensor round(long decimals = 0L) => Wrap(tsb_round(Handle, decimals));
            public Tensor round_(long decimals = 0L) { Check(tsb_round_(Handle, decimals)); return this; }
            public Tensor sign() => Wrap(tsb_sign(Handle));
            public Tensor sin() => Wrap(tsb_sin(Handle));
            public Tensor cos() => Wrap(tsb_cos(Handle));
            public Tensor reciprocal() => Wrap(tsb_reciprocal(Handle));
            public Tensor square() => Wrap(tsb_square(Handle));
            public Tensor erf() => Wrap(tsb_erf(Handle));
            public Tensor erfinv() => Wrap(tsb_erfinv(Handle));
            public Tensor isnan() => Wrap(tsb_isnan(Handle));
            public Tensor isinf() => Wrap(tsb_isinf(Handle));
            public Tensor isfinite() => Wrap(tsb_isfinite(Handle));

            // ---- fills, copies, in-place sampling -----------------------------------------------------------

            public Tensor fill_(Scalar value) { Check(tsb_fill_(Handle, value.Native)); return this; }
            public Tensor zero_() { Check(tsb_zero_(Handle)); return this; }
            public Tensor copy_(Tensor source, bool nonBlocking = false) { Check(tsb_copy_(Handle, source.Handle, nonBlocking), source); return this; }

            public Tensor uniform_(double from, double to, Generator? generator = null)
            {
                Check(tsb_tensor_uniform_(Handle, from, to, Generator.HandleOf(generator)));
                GC.KeepAlive(generator);
                return this;
            }

            public Tensor normal_(double mean = 0.0, double std = 1.0, Generator? generator = null)
            {
                Check(tsb_tensor_normal_(Handle, mean, std, Generator.HandleOf(generator)));
                GC.KeepAlive(generator);
                return this;
            }

            public Tensor bernoulli_(double p = 0.5, Generator? generator = null)
            {
                Check(tsb_tensor_bernoulli_(Handle, p, Generator.HandleOf(generator)));
                GC.KeepAlive(generator);
                return this;
            }

            public Tensor multinomial(long num_samples, bool replacement = false, Generator? generator = null)
            {
                var result = tsb_multinomial(Handle, num_samples, replacement, Generator.HandleOf(generator));
                GC.KeepAlive(generator);
                return Wrap(result);
            }

            // ---- linear algebra --------------------------------------------------------------------------

            public Tensor matmul(Tensor target) => Wrap(tsb_matmul(Handle, target.Handle), target);
            public Tensor mm(Tensor target) => Wrap(tsb_mm(Handle, target.Handle), target);
            public Tensor bmm(Tensor batch2) => Wrap(tsb_bmm(Handle, batch2.Handle), batch2);
            public Tensor dot(Tensor target) => Wrap(tsb_dot(Handle, target.Handle), target);
            public Tensor outer(Tensor vec2) => Wrap(tsb_outer(Handle, vec2.Handle), vec2);
        }
    }
}
