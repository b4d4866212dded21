// Random number generation: the default generator's seed and state, explicit generators, and
// the random factories and in-place samplers (which accept an optional generator handle).
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/core/Generator.h>
#include <ATen/detail/CUDAHooksInterface.h>

#include <mutex>

#include "bridge.h"

using bridge::tensor;

namespace {
at::Generator default_generator(int32_t device_type) {
  if (device_type == static_cast<int32_t>(c10::DeviceType::CUDA)) {
    TORCH_CHECK(at::hasCUDA(), "CUDA is not available in this libtorch build");
    return at::detail::getCUDAHooks().getDefaultCUDAGenerator(0);
  }
  return at::detail::getDefaultCPUGenerator();
}
}  // namespace

NATIVE_API int tsb_manual_seed(int64_t seed) {
  TSB_STATUS(auto gen = at::detail::getDefaultCPUGenerator(); std::lock_guard<std::mutex> lock(gen.mutex());
             gen.set_current_seed(static_cast<uint64_t>(seed)));
}

NATIVE_API int tsb_seed(int64_t* out) {
  TSB_STATUS(auto gen = at::detail::getDefaultCPUGenerator(); std::lock_guard<std::mutex> lock(gen.mutex());
             *out = static_cast<int64_t>(gen.seed()));
}

NATIVE_API int tsb_initial_seed(int64_t* out) {
  TSB_STATUS(*out = static_cast<int64_t>(at::detail::getDefaultCPUGenerator().current_seed()));
}

// ---- explicit generators (handle = at::Generator*) ---------------------------------------------------

NATIVE_API void* tsb_generator_new(int64_t seed, int32_t device_type, int32_t device_index) {
  return native_guard::run_new<at::Generator>([&] {
    TORCH_CHECK(device_type == static_cast<int32_t>(c10::DeviceType::CPU),
                "only CPU generators can be created in this build");
    return at::make_generator<at::CPUGeneratorImpl>(static_cast<uint64_t>(seed));
  });
}

NATIVE_API void* tsb_generator_default(int32_t device_type) {
  return native_guard::run_new<at::Generator>([&] { return default_generator(device_type); });
}

NATIVE_API void tsb_generator_dispose(void* handle) { delete static_cast<at::Generator*>(handle); }

NATIVE_API int tsb_generator_manual_seed(void* handle, int64_t seed) {
  TSB_STATUS(auto& gen = *static_cast<at::Generator*>(handle); std::lock_guard<std::mutex> lock(gen.mutex());
             gen.set_current_seed(static_cast<uint64_t>(seed)));
}

NATIVE_API int tsb_generator_initial_seed(void* handle, int64_t* out) {
  TSB_STATUS(*out = static_cast<int64_t>(static_cast<at::Generator*>(handle)->current_seed()));
}

NATIVE_API TensorHandle tsb_generator_get_state(void* handle) {
  TSB_TENSOR(([&] {
    auto& gen = *static_cast<at::Generator*>(handle);
    std::lock_guard<std::mutex> lock(gen.mutex());
    return gen.get_state();
  }()));
}

NATIVE_API int tsb_generator_set_state(void* handle, TensorHandle state) {
  TSB_STATUS(auto& gen = *static_cast<at::Generator*>(handle); std::lock_guard<std::mutex> lock(gen.mutex());
             gen.set_state(tensor(state)));
}

// ---- random factories -------------------------------------------------------------------------

NATIVE_API TensorHandle tsb_rand(const int64_t* shape, int32_t ndim, int8_t dtype, int32_t device_type,
                                 int32_t device_index, bool requires_grad, void* gen) {
  TSB_TENSOR(bridge::with_requires_grad(
      at::rand(bridge::int_list(shape, ndim), bridge::generator(gen), bridge::options(dtype, device_type, device_index)),
      requires_grad));
}

NATIVE_API TensorHandle tsb_randn(const int64_t* shape, int32_t ndim, int8_t dtype, int32_t device_type,
                                  int32_t device_index, bool requires_grad, void* gen) {
  TSB_TENSOR(bridge::with_requires_grad(
      at::randn(bridge::int_list(shape, ndim), bridge::generator(gen), bridge::options(dtype, device_type, device_index)),
      requires_grad));
}

NATIVE_API TensorHandle tsb_randint(int64_t low, int64_t high, const int64_t* shape, int32_t ndim, int8_t dtype,
                                    int32_t device_type, int32_t device_index, bool requires_grad, void* gen) {
  TSB_TENSOR(([&] {
    auto opts = bridge::options(dtype < 0 ? static_cast<int8_t>(at::kLong) : dtype, device_type, device_index);
    return bridge::with_requires_grad(at::randint(low, high, bridge::int_list(shape, ndim), bridge::generator(gen), opts),
                                      requires_grad);
  }()));
}

NATIVE_API TensorHandle tsb_randperm(int64_t n, int8_t dtype, int32_t device_type, int32_t device_index,
                                     bool requires_grad, void* gen) {
  TSB_TENSOR(([&] {
    auto opts = bridge::options(dtype < 0 ? static_cast<int8_t>(at::kLong) : dtype, device_type, device_index);
    return bridge::with_requires_grad(at::randperm(n, bridge::generator(gen), opts), requires_grad);
  }()));
}

NATIVE_API TensorHandle tsb_rand_like(TensorHandle t, int8_t dtype, int32_t device_type, int32_t device_index,
                                      bool requires_grad) {
  TSB_TENSOR(bridge::with_requires_grad(
      at::rand_like(tensor(t), bridge::options(dtype, device_type, device_index)), requires_grad));
}

NATIVE_API TensorHandle tsb_randn_like(TensorHandle t, int8_t dtype, int32_t device_type, int32_t device_index,
                                       bool requires_grad) {
  TSB_TENSOR(bridge::with_requires_grad(
      at::randn_like(tensor(t), bridge::options(dtype, device_type, device_index)), requires_grad));
}

// ---- in-place samplers (used by torch.nn.init) -------------------------------------------------------

NATIVE_API int tsb_tensor_uniform_(TensorHandle t, double low, double high, void* gen) {
  TSB_STATUS(const_cast<at::Tensor&>(tensor(t)).uniform_(low, high, bridge::generator(gen)));
}

NATIVE_API int tsb_tensor_normal_(TensorHandle t, double mean, double std, void* gen) {
  TSB_STATUS(const_cast<at::Tensor&>(tensor(t)).normal_(mean, std, bridge::generator(gen)));
}

NATIVE_API int tsb_tensor_bernoulli_(TensorHandle t, double p, void* gen) {
  TSB_STATUS(const_cast<at::Tensor&>(tensor(t)).bernoulli_(p, bridge::generator(gen)));
}

NATIVE_API TensorHandle tsb_multinomial(TensorHandle t, int64_t num_samples, bool replacement, void* gen) {
  TSB_TENSOR(at::multinomial(tensor(t), num_samples, replacement, bridge::generator(gen)));
}
