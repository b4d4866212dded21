// Tensor lifetime, metadata, raw data access, device/dtype conversion and runtime settings.
#include <ATen/Parallel.h>
#include <ATen/core/grad_mode.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <torch/csrc/autograd/autograd.h>

#include <cstdlib>
#include <cstring>

#include "bridge.h"

using bridge::tensor;

namespace bridge {
TensorHandle* new_handle_array(const std::vector<at::Tensor>& tensors, int64_t* count) {
  auto* array = static_cast<TensorHandle*>(std::malloc(sizeof(TensorHandle) * (tensors.size() + 1)));
  if (array == nullptr) throw std::bad_alloc();
  for (size_t i = 0; i < tensors.size(); ++i) array[i] = new at::Tensor(tensors[i]);
  *count = static_cast<int64_t>(tensors.size());
  return array;
}
}  // namespace bridge

NATIVE_API const char* tsb_last_error() { return native_guard::last_error_storage().c_str(); }
NATIVE_API void tsb_clear_last_error() { native_guard::last_error_storage().clear(); }

NATIVE_API void tsb_free_handle_array(TensorHandle* array) { std::free(array); }

NATIVE_API void tsb_tensor_dispose(TensorHandle handle) { delete handle; }

// ---- metadata ---------------------------------------------------------------------------------

NATIVE_API int tsb_tensor_ndim(TensorHandle t, int64_t* out) { TSB_STATUS(*out = tensor(t).dim()); }

NATIVE_API int tsb_tensor_shape(TensorHandle t, int64_t* out) {
  TSB_STATUS(auto sizes = tensor(t).sizes(); std::memcpy(out, sizes.data(), sizes.size() * sizeof(int64_t)));
}

NATIVE_API int tsb_tensor_strides(TensorHandle t, int64_t* out) {
  TSB_STATUS(auto strides = tensor(t).strides();
             std::memcpy(out, strides.data(), strides.size() * sizeof(int64_t)));
}

NATIVE_API int tsb_tensor_storage_offset(TensorHandle t, int64_t* out) { TSB_STATUS(*out = tensor(t).storage_offset()); }

NATIVE_API int tsb_tensor_numel(TensorHandle t, int64_t* out) { TSB_STATUS(*out = tensor(t).numel()); }

NATIVE_API int tsb_tensor_dtype(TensorHandle t, int8_t* out) {
  TSB_STATUS(*out = static_cast<int8_t>(tensor(t).scalar_type()));
}

NATIVE_API int tsb_tensor_element_size(TensorHandle t, int64_t* out) {
  TSB_STATUS(*out = static_cast<int64_t>(tensor(t).element_size()));
}

NATIVE_API int tsb_tensor_device(TensorHandle t, int32_t* type, int32_t* index) {
  TSB_STATUS(auto d = tensor(t).device(); *type = static_cast<int32_t>(d.type()); *index = d.index());
}

NATIVE_API int tsb_tensor_is_contiguous(TensorHandle t, int8_t* out) {
  TSB_STATUS(*out = tensor(t).is_contiguous() ? 1 : 0);
}

// Pointer to the first element of a CPU tensor (storage offset applied); strides come separately.
NATIVE_API int tsb_tensor_data_ptr(TensorHandle t, void** out) {
  TSB_STATUS(const auto& x = tensor(t);
             TORCH_CHECK(x.device().is_cpu(), "data<T>() needs a CPU tensor; this one is on ", x.device(),
                         ": call .cpu() first");
             *out = x.data_ptr());
}

NATIVE_API int tsb_tensor_item_double(TensorHandle t, double* out) {
  TSB_STATUS(*out = tensor(t).item().toDouble());
}

NATIVE_API int tsb_tensor_item_int64(TensorHandle t, int64_t* out) {
  TSB_STATUS(*out = tensor(t).item().toLong());
}

// Copies a contiguous host buffer into a new CPU tensor, then moves it to the requested device.
NATIVE_API TensorHandle tsb_tensor_from_data(const void* data, const int64_t* shape, int32_t ndim, int8_t source_dtype,
                                             int8_t dtype, int32_t device_type, int32_t device_index,
                                             bool requires_grad) {
  TSB_TENSOR(([&] {
    auto sizes = bridge::int_list(shape, ndim);
    auto cpu = at::empty(sizes, at::TensorOptions().dtype(static_cast<at::ScalarType>(source_dtype)));
    if (cpu.numel() > 0) std::memcpy(cpu.data_ptr(), data, cpu.numel() * cpu.element_size());
    auto target = bridge::options(dtype, device_type, device_index);
    at::Tensor result = cpu;
    if (dtype >= 0 || device_type >= 0) result = cpu.to(target);
    return bridge::with_requires_grad(result, requires_grad);
  }()));
}

// Copies raw bytes of a CPU tensor's contiguous image into a host buffer of exactly nbytes.
NATIVE_API int tsb_tensor_copy_to_buffer(TensorHandle t, void* buffer, int64_t nbytes) {
  TSB_STATUS(auto x = tensor(t).to(at::kCPU).contiguous();
             TORCH_CHECK(static_cast<int64_t>(x.numel() * x.element_size()) == nbytes,
                         "buffer size mismatch: tensor has ", x.numel() * x.element_size(), " bytes, buffer ", nbytes);
             if (nbytes > 0) std::memcpy(buffer, x.data_ptr(), nbytes));
}

// Overwrites a tensor's elements from a host buffer (any device; shape is unchanged).
NATIVE_API int tsb_tensor_copy_from_buffer(TensorHandle t, const void* buffer, int64_t nbytes) {
  TSB_STATUS(const auto& x = tensor(t);
             TORCH_CHECK(static_cast<int64_t>(x.numel() * x.element_size()) == nbytes,
                         "buffer size mismatch: tensor has ", x.numel() * x.element_size(), " bytes, buffer ", nbytes);
             auto staging = at::empty(x.sizes(), x.options().device(at::kCPU).requires_grad(false));
             if (nbytes > 0) std::memcpy(staging.data_ptr(), buffer, nbytes);
             at::NoGradGuard no_grad;
             x.copy_(staging));
}

NATIVE_API TensorHandle tsb_tensor_to(TensorHandle t, int8_t dtype, int32_t device_type, int32_t device_index, bool copy,
                                      bool non_blocking) {
  TSB_TENSOR(([&] {
    const auto& x = tensor(t);
    auto target_dtype = dtype >= 0 ? static_cast<at::ScalarType>(dtype) : x.scalar_type();
    auto target_device = device_type >= 0 ? c10::Device(static_cast<c10::DeviceType>(device_type),
                                                        static_cast<c10::DeviceIndex>(device_index))
                                          : x.device();
    return x.to(target_device, target_dtype, non_blocking, copy);
  }()));
}

NATIVE_API TensorHandle tsb_tensor_alias(TensorHandle t) { TSB_TENSOR(tensor(t)); }

// ---- autograd ------------------------------------------------------------------------------

NATIVE_API int tsb_tensor_requires_grad(TensorHandle t, int8_t* out) {
  TSB_STATUS(*out = tensor(t).requires_grad() ? 1 : 0);
}

NATIVE_API int tsb_tensor_set_requires_grad(TensorHandle t, bool value) {
  TSB_STATUS(tensor(t).set_requires_grad(value));
}

NATIVE_API int tsb_tensor_is_leaf(TensorHandle t, int8_t* out) { TSB_STATUS(*out = tensor(t).is_leaf() ? 1 : 0); }

// Writes the gradient handle, or nullptr when the tensor has none.
NATIVE_API int tsb_tensor_grad(TensorHandle t, TensorHandle* out) {
  TSB_STATUS(const auto& g = tensor(t).grad(); *out = g.defined() ? new at::Tensor(g) : nullptr);
}

NATIVE_API int tsb_tensor_set_grad(TensorHandle t, TensorHandle grad) {
  TSB_STATUS(auto& x = const_cast<at::Tensor&>(tensor(t));
             x.mutable_grad() = grad == nullptr ? at::Tensor() : *grad);
}

NATIVE_API int tsb_tensor_retain_grad(TensorHandle t) { TSB_STATUS(tensor(t).retain_grad()); }

NATIVE_API int tsb_backward(const TensorHandle* tensors, int32_t count, const TensorHandle* grads, int32_t grad_count,
                            bool retain_graph, bool create_graph, const TensorHandle* inputs, int32_t input_count) {
  TSB_STATUS(({
    auto roots = bridge::tensor_list(tensors, count);
    std::vector<at::Tensor> grad_tensors;
    for (int32_t i = 0; i < grad_count; ++i) grad_tensors.push_back(grads[i] ? *grads[i] : at::Tensor());
    auto input_list = bridge::tensor_list(inputs, input_count);
    torch::autograd::backward(roots, grad_tensors, retain_graph, create_graph, input_list);
  }));
}

NATIVE_API TensorHandle tsb_tensor_detach(TensorHandle t) { TSB_TENSOR(tensor(t).detach()); }
NATIVE_API int tsb_tensor_detach_(TensorHandle t) { TSB_STATUS(const_cast<at::Tensor&>(tensor(t)).detach_()); }
NATIVE_API TensorHandle tsb_tensor_clone(TensorHandle t) { TSB_TENSOR(tensor(t).clone()); }
NATIVE_API TensorHandle tsb_tensor_contiguous(TensorHandle t) { TSB_TENSOR(tensor(t).contiguous()); }

NATIVE_API int tsb_set_grad_enabled(bool enabled, int8_t* previous) {
  TSB_STATUS(*previous = at::GradMode::is_enabled() ? 1 : 0; at::GradMode::set_enabled(enabled));
}

NATIVE_API int8_t tsb_is_grad_enabled() { return at::GradMode::is_enabled() ? 1 : 0; }

// ---- runtime settings ---------------------------------------------------------------------------

NATIVE_API int tsb_set_num_threads(int32_t threads) { TSB_STATUS(at::set_num_threads(threads)); }
NATIVE_API int32_t tsb_get_num_threads() { return at::get_num_threads(); }
NATIVE_API int tsb_set_num_interop_threads(int32_t threads) { TSB_STATUS(at::set_num_interop_threads(threads)); }
NATIVE_API int32_t tsb_get_num_interop_threads() { return at::get_num_interop_threads(); }

NATIVE_API int tsb_cuda_is_available(int8_t* out) {
  TSB_STATUS(*out = at::hasCUDA() ? 1 : 0);
}

NATIVE_API int tsb_cuda_device_count(int32_t* out) {
  TSB_STATUS(*out = static_cast<int32_t>(at::detail::getCUDAHooks().getNumGPUs()));
}

// Replaces the data of t (same autograd identity), as PyTorch's `param.data = new_data`; used to move
// module parameters and buffers between devices and dtypes without changing object identity.
NATIVE_API int tsb_tensor_set_data(TensorHandle t, TensorHandle data) {
  TSB_STATUS(const_cast<at::Tensor&>(tensor(t)).set_data(tensor(data)));
}
