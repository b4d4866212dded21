// Deterministic tensor factories: zeros, ones, empty, full, their *_like forms, arange, linspace, eye.
#include "bridge.h"

using bridge::tensor;

#define TSB_SHAPE_FACTORY(name, call)                                                                      \
  NATIVE_API TensorHandle tsb_##name(const int64_t* shape, int32_t ndim, int8_t dtype, int32_t device_type,  \
                                     int32_t device_index, bool requires_grad) {                           \
    TSB_TENSOR(bridge::with_requires_grad(                                                                 \
        call(bridge::int_list(shape, ndim), bridge::options(dtype, device_type, device_index)), requires_grad)); \
  }

TSB_SHAPE_FACTORY(zeros, at::zeros)
TSB_SHAPE_FACTORY(ones, at::ones)
TSB_SHAPE_FACTORY(empty, at::empty)

#define TSB_LIKE_FACTORY(name, call)                                                                       \
  NATIVE_API TensorHandle tsb_##name(TensorHandle t, int8_t dtype, int32_t device_type, int32_t device_index, \
                                     bool requires_grad) {                                                 \
    TSB_TENSOR(bridge::with_requires_grad(call(tensor(t), bridge::options(dtype, device_type, device_index)), \
                                          requires_grad));                                                 \
  }

TSB_LIKE_FACTORY(zeros_like, at::zeros_like)
TSB_LIKE_FACTORY(ones_like, at::ones_like)
TSB_LIKE_FACTORY(empty_like, at::empty_like)

NATIVE_API TensorHandle tsb_full(const int64_t* shape, int32_t ndim, ScalarArg value, int8_t dtype, int32_t device_type,
                                 int32_t device_index, bool requires_grad) {
  TSB_TENSOR(bridge::with_requires_grad(
      at::full(bridge::int_list(shape, ndim), bridge::scalar(value), bridge::options(dtype, device_type, device_index)),
      requires_grad));
}

NATIVE_API TensorHandle tsb_full_like(TensorHandle t, ScalarArg value, int8_t dtype, int32_t device_type,
                                      int32_t device_index, bool requires_grad) {
  TSB_TENSOR(bridge::with_requires_grad(
      at::full_like(tensor(t), bridge::scalar(value), bridge::options(dtype, device_type, device_index)), requires_grad));
}

NATIVE_API TensorHandle tsb_arange(ScalarArg start, ScalarArg end, ScalarArg step, int8_t dtype, int32_t device_type,
                                   int32_t device_index, bool requires_grad) {
  TSB_TENSOR(bridge::with_requires_grad(at::arange(bridge::scalar(start), bridge::scalar(end), bridge::scalar(step),
                                                   bridge::options(dtype, device_type, device_index)),
                                        requires_grad));
}

NATIVE_API TensorHandle tsb_linspace(double start, double end, int64_t steps, int8_t dtype, int32_t device_type,
                                     int32_t device_index, bool requires_grad) {
  TSB_TENSOR(bridge::with_requires_grad(
      at::linspace(start, end, steps, bridge::options(dtype, device_type, device_index)), requires_grad));
}

NATIVE_API TensorHandle tsb_eye(int64_t rows, int64_t columns, int8_t dtype, int32_t device_type, int32_t device_index,
                                bool requires_grad) {
  TSB_TENSOR(bridge::with_requires_grad(
      at::eye(rows, columns < 0 ? rows : columns, bridge::options(dtype, device_type, device_index)), requires_grad));
}
