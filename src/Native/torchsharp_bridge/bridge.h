// Shared declarations of the TorchSharp bridge: the handle type, argument marshalling helpers
// and the macros that wrap every entry point in the exception firewall.
//
// Conventions of the C ABI (mirrored in src/Compat/TorchSharp.Compat/Native):
//   - A tensor handle is an owning at::Tensor* allocated by the bridge; tsb_tensor_dispose frees it.
//   - Functions returning a handle return nullptr on failure; status functions return 0 / -1.
//     After a failure, tsb_last_error() returns the message (thread-local).
//   - dtype -1 means "not given"; device_type -1 means "not given".
//   - Shapes and lists are passed as (pointer, length).
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "native_guard.h"

using TensorHandle = at::Tensor*;

// A scalar crossing the ABI by value. kind: 0 = floating (d), 1 = integral (i), 2 = boolean (i != 0).
struct ScalarArg {
  int32_t kind;
  int64_t i;
  double d;
};

namespace bridge {

inline const at::Tensor& tensor(TensorHandle handle) {
  if (handle == nullptr) throw std::invalid_argument("tensor handle is null");
  return *handle;
}

inline c10::optional<at::Tensor> optional_tensor(TensorHandle handle) {
  if (handle == nullptr) return c10::nullopt;
  return *handle;
}

inline std::vector<at::Tensor> tensor_list(const TensorHandle* handles, int32_t count) {
  std::vector<at::Tensor> list;
  list.reserve(count);
  for (int32_t i = 0; i < count; ++i) list.push_back(tensor(handles[i]));
  return list;
}

inline at::Scalar scalar(ScalarArg s) {
  switch (s.kind) {
    case 0: return at::Scalar(s.d);
    case 1: return at::Scalar(static_cast<int64_t>(s.i));
    case 2: return at::Scalar(s.i != 0);
    default: throw std::invalid_argument("unknown scalar kind");
  }
}

inline at::IntArrayRef int_list(const int64_t* values, int32_t count) {
  return at::IntArrayRef(values, static_cast<size_t>(count));
}

inline c10::optional<at::ScalarType> optional_dtype(int8_t dtype) {
  if (dtype < 0) return c10::nullopt;
  return static_cast<at::ScalarType>(dtype);
}

inline at::TensorOptions options(int8_t dtype, int32_t device_type, int32_t device_index) {
  at::TensorOptions result;
  if (dtype >= 0) result = result.dtype(static_cast<at::ScalarType>(dtype));
  if (device_type >= 0)
    result = result.device(c10::Device(static_cast<c10::DeviceType>(device_type),
                                       static_cast<c10::DeviceIndex>(device_index)));
  return result;
}

// Factories take requires_grad separately: at:: factories refuse it inside TensorOptions.
inline at::Tensor with_requires_grad(at::Tensor t, bool requires_grad) {
  if (requires_grad) t.set_requires_grad(true);
  return t;
}

inline c10::optional<at::Generator> generator(void* handle) {
  if (handle == nullptr) return c10::nullopt;
  return *static_cast<at::Generator*>(handle);
}

// Writes n result tensors into out (caller-provided array of n handles).
inline void write_results(TensorHandle* out, std::initializer_list<at::Tensor> results) {
  int index = 0;
  for (const auto& t : results) out[index++] = new at::Tensor(t);
}

// Returns a malloc'ed array of handles for a variable-length result (freed by tsb_free_handle_array).
TensorHandle* new_handle_array(const std::vector<at::Tensor>& tensors, int64_t* count);

}  // namespace bridge

// Entry point returning a new tensor handle (nullptr on error).
#define TSB_TENSOR(expr) return native_guard::run_new<at::Tensor>([&]() -> at::Tensor { return (expr); })
// Entry point returning a status (0 / -1).
#define TSB_STATUS(body) return native_guard::run([&]() { body; })
