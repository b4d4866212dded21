// The C ABI of libMaskRcnnOps.so, called by Microsoft.ML.MaskRcnn.Ops (OpsNative.cs).
//
// Conventions (the same as the TorchSharp bridge, so that handles are interchangeable):
//   - Tensors cross as owning at::Tensor* handles. Arguments are borrowed; a returned handle is new and
//     owned by the caller (the managed side wraps it with Tensor.UnsafeCreateTensor).
//   - Every entry point runs inside native_guard: on failure it returns nullptr and mro_last_error()
//     returns the message (thread-local), which names the offending argument.
#include <stdexcept>
#include <string>

#include "maskrcnn_ops.h"
#include "native_guard.h"

using TensorHandle = at::Tensor*;

namespace {

const at::Tensor& tensor(TensorHandle handle, const char* name) {
  if (handle == nullptr) throw std::invalid_argument(std::string(name) + " is a null tensor handle");
  return *handle;
}

}  // namespace

#define MRO_TENSOR(expr) return native_guard::run_new<at::Tensor>([&]() -> at::Tensor { return (expr); })

NATIVE_API const char* mro_last_error() { return native_guard::last_error_storage().c_str(); }

NATIVE_API void mro_clear_last_error() { native_guard::last_error_storage().clear(); }

// Kept indices (int64 [M]) by decreasing score.
NATIVE_API TensorHandle mro_nms(TensorHandle boxes, TensorHandle scores, double iou_threshold) {
  MRO_TENSOR(mro::nms(tensor(boxes, "boxes"), tensor(scores, "scores"), iou_threshold));
}

// Kept indices (int64 [M]) by decreasing score; boxes suppress only boxes with the same idxs value.
NATIVE_API TensorHandle mro_batched_nms(TensorHandle boxes, TensorHandle scores, TensorHandle idxs,
                                        double iou_threshold) {
  MRO_TENSOR(mro::batched_nms(tensor(boxes, "boxes"), tensor(scores, "scores"), tensor(idxs, "idxs"), iou_threshold));
}

// [K, C, pooled_height, pooled_width], differentiable with respect to input. rois: [K, 5].
NATIVE_API TensorHandle mro_roi_align(TensorHandle input, TensorHandle rois, double spatial_scale,
                                      int64_t pooled_height, int64_t pooled_width, int64_t sampling_ratio,
                                      bool aligned) {
  MRO_TENSOR(mro::roi_align_autograd(tensor(input, "input"), tensor(rois, "boxes"),
                                     {spatial_scale, pooled_height, pooled_width, sampling_ratio, aligned}));
}
