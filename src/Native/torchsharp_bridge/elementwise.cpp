// Element-wise arithmetic, comparison, logic and unary math, with their in-place variants.
#include "bridge.h"

using bridge::tensor;

namespace {
at::Tensor& mut(TensorHandle t) { return const_cast<at::Tensor&>(tensor(t)); }

// A scalar as a 0-dim "wrapped number" tensor, so type promotion treats it like a Python scalar.
at::Tensor wrapped(ScalarArg s, const at::Tensor& like) {
  auto result = c10::scalar_to_tensor(bridge::scalar(s), like.device());
  result.unsafeGetTensorImpl()->set_wrapped_number(true);
  return result;
}

c10::optional<c10::string_view> rounding(int32_t mode) {
  switch (mode) {
    case 0: return c10::nullopt;
    case 1: return c10::string_view("trunc");
    case 2: return c10::string_view("floor");
    default: throw std::invalid_argument("unknown rounding mode");
  }
}
}  // namespace

// ---- arithmetic ----------------------------------------------------------------------------

NATIVE_API TensorHandle tsb_add(TensorHandle a, TensorHandle b, ScalarArg alpha) {
  TSB_TENSOR(at::add(tensor(a), tensor(b), bridge::scalar(alpha)));
}
NATIVE_API TensorHandle tsb_add_scalar(TensorHandle a, ScalarArg b, ScalarArg alpha) {
  TSB_TENSOR(at::add(tensor(a), bridge::scalar(b), bridge::scalar(alpha)));
}
NATIVE_API int tsb_add_(TensorHandle a, TensorHandle b, ScalarArg alpha) {
  TSB_STATUS(mut(a).add_(tensor(b), bridge::scalar(alpha)));
}
NATIVE_API int tsb_add_scalar_(TensorHandle a, ScalarArg b, ScalarArg alpha) {
  TSB_STATUS(mut(a).add_(bridge::scalar(b), bridge::scalar(alpha)));
}
NATIVE_API TensorHandle tsb_sub(TensorHandle a, TensorHandle b, ScalarArg alpha) {
  TSB_TENSOR(at::sub(tensor(a), tensor(b), bridge::scalar(alpha)));
}
NATIVE_API TensorHandle tsb_sub_scalar(TensorHandle a, ScalarArg b, ScalarArg alpha) {
  TSB_TENSOR(at::sub(tensor(a), bridge::scalar(b), bridge::scalar(alpha)));
}
// scalar - tensor
NATIVE_API TensorHandle tsb_rsub_scalar(TensorHandle a, ScalarArg b) {
  TSB_TENSOR(at::rsub(tensor(a), bridge::scalar(b)));
}
NATIVE_API int tsb_sub_(TensorHandle a, TensorHandle b, ScalarArg alpha) {
  TSB_STATUS(mut(a).sub_(tensor(b), bridge::scalar(alpha)));
}
NATIVE_API int tsb_sub_scalar_(TensorHandle a, ScalarArg b, ScalarArg alpha) {
  TSB_STATUS(mut(a).sub_(bridge::scalar(b), bridge::scalar(alpha)));
}
NATIVE_API TensorHandle tsb_mul(TensorHandle a, TensorHandle b) { TSB_TENSOR(at::mul(tensor(a), tensor(b))); }
NATIVE_API TensorHandle tsb_mul_scalar(TensorHandle a, ScalarArg b) {
  TSB_TENSOR(at::mul(tensor(a), bridge::scalar(b)));
}
NATIVE_API int tsb_mul_(TensorHandle a, TensorHandle b) { TSB_STATUS(mut(a).mul_(tensor(b))); }
NATIVE_API int tsb_mul_scalar_(TensorHandle a, ScalarArg b) { TSB_STATUS(mut(a).mul_(bridge::scalar(b))); }

NATIVE_API TensorHandle tsb_div(TensorHandle a, TensorHandle b, int32_t rounding_mode) {
  TSB_TENSOR(at::div(tensor(a), tensor(b), rounding(rounding_mode)));
}
NATIVE_API TensorHandle tsb_div_scalar(TensorHandle a, ScalarArg b, int32_t rounding_mode) {
  TSB_TENSOR(at::div(tensor(a), bridge::scalar(b), rounding(rounding_mode)));
}
// scalar / tensor
NATIVE_API TensorHandle tsb_rdiv_scalar(TensorHandle a, ScalarArg b) {
  TSB_TENSOR(at::div(wrapped(b, tensor(a)), tensor(a)));
}
NATIVE_API int tsb_div_(TensorHandle a, TensorHandle b, int32_t rounding_mode) {
  TSB_STATUS(mut(a).div_(tensor(b), rounding(rounding_mode)));
}
NATIVE_API int tsb_div_scalar_(TensorHandle a, ScalarArg b, int32_t rounding_mode) {
  TSB_STATUS(mut(a).div_(bridge::scalar(b), rounding(rounding_mode)));
}
NATIVE_API TensorHandle tsb_remainder(TensorHandle a, TensorHandle b) {
  TSB_TENSOR(at::remainder(tensor(a), tensor(b)));
}
NATIVE_API TensorHandle tsb_remainder_scalar(TensorHandle a, ScalarArg b) {
  TSB_TENSOR(at::remainder(tensor(a), bridge::scalar(b)));
}
NATIVE_API TensorHandle tsb_pow(TensorHandle a, TensorHandle b) { TSB_TENSOR(at::pow(tensor(a), tensor(b))); }
NATIVE_API TensorHandle tsb_pow_scalar(TensorHandle a, ScalarArg b) {
  TSB_TENSOR(at::pow(tensor(a), bridge::scalar(b)));
}
NATIVE_API int tsb_pow_scalar_(TensorHandle a, ScalarArg b) { TSB_STATUS(mut(a).pow_(bridge::scalar(b))); }
NATIVE_API TensorHandle tsb_maximum(TensorHandle a, TensorHandle b) { TSB_TENSOR(at::maximum(tensor(a), tensor(b))); }
NATIVE_API TensorHandle tsb_minimum(TensorHandle a, TensorHandle b) { TSB_TENSOR(at::minimum(tensor(a), tensor(b))); }
NATIVE_API TensorHandle tsb_atan2(TensorHandle a, TensorHandle b) { TSB_TENSOR(at::atan2(tensor(a), tensor(b))); }

NATIVE_API TensorHandle tsb_addcmul(TensorHandle t, TensorHandle a, TensorHandle b, ScalarArg value) {
  TSB_TENSOR(at::addcmul(tensor(t), tensor(a), tensor(b), bridge::scalar(value)));
}
NATIVE_API int tsb_addcmul_(TensorHandle t, TensorHandle a, TensorHandle b, ScalarArg value) {
  TSB_STATUS(mut(t).addcmul_(tensor(a), tensor(b), bridge::scalar(value)));
}
NATIVE_API TensorHandle tsb_addcdiv(TensorHandle t, TensorHandle a, TensorHandle b, ScalarArg value) {
  TSB_TENSOR(at::addcdiv(tensor(t), tensor(a), tensor(b), bridge::scalar(value)));
}
NATIVE_API int tsb_addcdiv_(TensorHandle t, TensorHandle a, TensorHandle b, ScalarArg value) {
  TSB_STATUS(mut(t).addcdiv_(tensor(a), tensor(b), bridge::scalar(value)));
}
NATIVE_API TensorHandle tsb_lerp(TensorHandle a, TensorHandle b, ScalarArg weight) {
  TSB_TENSOR(at::lerp(tensor(a), tensor(b), bridge::scalar(weight)));
}

// ---- clamp -----------------------------------------------------------------------------------

NATIVE_API TensorHandle tsb_clamp(TensorHandle t, bool has_min, ScalarArg min, bool has_max, ScalarArg max) {
  TSB_TENSOR(at::clamp(tensor(t), has_min ? c10::optional<at::Scalar>(bridge::scalar(min)) : c10::nullopt,
                       has_max ? c10::optional<at::Scalar>(bridge::scalar(max)) : c10::nullopt));
}
NATIVE_API int tsb_clamp_(TensorHandle t, bool has_min, ScalarArg min, bool has_max, ScalarArg max) {
  TSB_STATUS(mut(t).clamp_(has_min ? c10::optional<at::Scalar>(bridge::scalar(min)) : c10::nullopt,
                           has_max ? c10::optional<at::Scalar>(bridge::scalar(max)) : c10::nullopt));
}
NATIVE_API TensorHandle tsb_clamp_tensor(TensorHandle t, TensorHandle min, TensorHandle max) {
  TSB_TENSOR(at::clamp(tensor(t), bridge::optional_tensor(min), bridge::optional_tensor(max)));
}
NATIVE_API int tsb_clamp_tensor_(TensorHandle t, TensorHandle min, TensorHandle max) {
  TSB_STATUS(mut(t).clamp_(bridge::optional_tensor(min), bridge::optional_tensor(max)));
}

// ---- comparison and logic ------------------------------------------------------------------

#define TSB_COMPARISON(name)                                                                              \
  NATIVE_API TensorHandle tsb_##name(TensorHandle a, TensorHandle b) { TSB_TENSOR(at::name(tensor(a), tensor(b))); } \
  NATIVE_API TensorHandle tsb_##name##_scalar(TensorHandle a, ScalarArg b) {                                \
    TSB_TENSOR(at::name(tensor(a), bridge::scalar(b)));                                                     \
  }

TSB_COMPARISON(eq)
TSB_COMPARISON(ne)
TSB_COMPARISON(lt)
TSB_COMPARISON(le)
TSB_COMPARISON(gt)
TSB_COMPARISON(ge)

#define TSB_BINARY(name)                                                                                   \
  NATIVE_API TensorHandle tsb_##name(TensorHandle a, TensorHandle b) { TSB_TENSOR(at::name(tensor(a), tensor(b))); }

TSB_BINARY(logical_and)
TSB_BINARY(logical_or)
TSB_BINARY(logical_xor)
TSB_BINARY(bitwise_and)
TSB_BINARY(bitwise_or)
TSB_BINARY(bitwise_xor)

NATIVE_API int tsb_equal(TensorHandle a, TensorHandle b, int8_t* out) {
  TSB_STATUS(*out = at::equal(tensor(a), tensor(b)) ? 1 : 0);
}
NATIVE_API int tsb_allclose(TensorHandle a, TensorHandle b, double rtol, double atol, bool equal_nan, int8_t* out) {
  TSB_STATUS(*out = at::allclose(tensor(a), tensor(b), rtol, atol, equal_nan) ? 1 : 0);
}
NATIVE_API TensorHandle tsb_isclose(TensorHandle a, TensorHandle b, double rtol, double atol, bool equal_nan) {
  TSB_TENSOR(at::isclose(tensor(a), tensor(b), rtol, atol, equal_nan));
}

NATIVE_API TensorHandle tsb_where(TensorHandle condition, TensorHandle a, TensorHandle b) {
  TSB_TENSOR(at::where(tensor(condition), tensor(a), tensor(b)));
}

// ---- unary -----------------------------------------------------------------------------------

#define TSB_UNARY(name)                                                                               \
  NATIVE_API TensorHandle tsb_##name(TensorHandle t) { TSB_TENSOR(at::name(tensor(t))); }

#define TSB_UNARY_INPLACE(name)                                                                       \
  TSB_UNARY(name)                                                                                     \
  NATIVE_API int tsb_##name##_(TensorHandle t) { TSB_STATUS(mut(t).name##_()); }

TSB_UNARY_INPLACE(neg)
TSB_UNARY_INPLACE(exp)
TSB_UNARY_INPLACE(log)
TSB_UNARY_INPLACE(log2)
TSB_UNARY_INPLACE(log10)
TSB_UNARY_INPLACE(log1p)
TSB_UNARY_INPLACE(expm1)
TSB_UNARY_INPLACE(sqrt)
TSB_UNARY_INPLACE(rsqrt)
TSB_UNARY_INPLACE(abs)
TSB_UNARY_INPLACE(sigmoid)
TSB_UNARY_INPLACE(tanh)
TSB_UNARY_INPLACE(relu)
TSB_UNARY_INPLACE(floor)
TSB_UNARY_INPLACE(ceil)
TSB_UNARY_INPLACE(trunc)
TSB_UNARY_INPLACE(sign)
TSB_UNARY_INPLACE(sin)
TSB_UNARY_INPLACE(cos)
TSB_UNARY_INPLACE(reciprocal)
TSB_UNARY_INPLACE(square)
TSB_UNARY_INPLACE(erf)
TSB_UNARY_INPLACE(logical_not)
TSB_UNARY_INPLACE(bitwise_not)
TSB_UNARY(isnan)
TSB_UNARY(isinf)
TSB_UNARY(isfinite)
TSB_UNARY(log_sigmoid)
TSB_UNARY(erfinv)

NATIVE_API TensorHandle tsb_round(TensorHandle t, int64_t decimals) {
  TSB_TENSOR(decimals == 0 ? at::round(tensor(t)) : at::round(tensor(t), decimals));
}
NATIVE_API int tsb_round_(TensorHandle t, int64_t decimals) {
  TSB_STATUS(decimals == 0 ? mut(t).round_() : mut(t).round_(decimals));
}

// ---- in-place fills and copies ------------------------------------------------------------------

NATIVE_API int tsb_fill_(TensorHandle t, ScalarArg value) { TSB_STATUS(mut(t).fill_(bridge::scalar(value))); }
NATIVE_API int tsb_zero_(TensorHandle t) { TSB_STATUS(mut(t).zero_()); }
NATIVE_API int tsb_copy_(TensorHandle t, TensorHandle source, bool non_blocking) {
  TSB_STATUS(mut(t).copy_(tensor(source), non_blocking));
}

// ---- linear algebra ------------------------------------------------------------------------------

TSB_BINARY(matmul)
TSB_BINARY(mm)
TSB_BINARY(bmm)
TSB_BINARY(dot)
TSB_BINARY(outer)
