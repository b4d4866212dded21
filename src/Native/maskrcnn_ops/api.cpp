// The C ABI of libMaskRcnnOps.so, called by Microsoft.ML.MaskRcnn.Ops (OpsNative.cs).
//
// Conventions:
//   - Arrays cross as pointers to contiguous CPU buffers plus their sizes; *_f32 functions take float32 buffers,
//     *_f64 functions float64. Every output buffer is allocated by the caller (a TorchSharp tensor) and written
//     completely. Nothing here allocates a tensor, includes a libtorch header or links libtorch.
//   - num_threads: how many threads may work on the call (the managed side passes torch.get_num_threads()); they
//     come from the library's own sleeping thread pool (parallel.h).
//   - Every entry point runs inside native_guard and returns a status (MRO_OK, or MRO_INVALID_ARGUMENT or MRO_ERROR
//     with the message in mro_last_error(), thread-local); the NMS functions return the kept count (>= 0) or a
//     negative status. An MRO_INVALID_ARGUMENT message starts with the operator and names the argument at fault.
#include <initializer_list>
#include <stdexcept>
#include <string>

#include "maskrcnn_ops.h"
#include "native_guard.h"

#define MRO_ABI_VERSION 2
#define MRO_OK 0
#define MRO_ERROR (-1)
#define MRO_INVALID_ARGUMENT (-2)

namespace {

// Runs body inside native_guard; returns MRO_OK, MRO_INVALID_ARGUMENT (std::invalid_argument) or MRO_ERROR.
template <class Body>
int32_t guarded(Body&& body) noexcept {
  int32_t status = MRO_ERROR;
  const int rc = native_guard::run([&] {
    try {
      body();
    } catch (const std::invalid_argument&) {
      status = MRO_INVALID_ARGUMENT;
      throw;
    }
  });
  return rc == 0 ? MRO_OK : status;
}

// A buffer of `sizes` elements (all >= 0, product checked to fit when non-zero) must not be null unless it is empty.
void require(const void* pointer, std::initializer_list<int64_t> sizes, const char* op, const char* name) {
  bool empty = false;
  for (int64_t s : sizes) empty = empty || s == 0;
  if (pointer == nullptr && !empty) throw std::invalid_argument(std::string(op) + ": " + name + " is a null pointer");
}

template <typename T>
int32_t roi_align_forward(const T* input, int64_t n, int64_t c, int64_t h, int64_t w, const T* rois, int64_t k,
                          double spatial_scale, int64_t pooled_height, int64_t pooled_width, int64_t sampling_ratio,
                          bool aligned, T* output, int32_t num_threads) {
  return guarded([&] {
    const mro::MapShape shape{n, c, h, w};
    const mro::RoIAlignParams p{spatial_scale, pooled_height, pooled_width, sampling_ratio, aligned};
    mro::check_roi_align_sizes(shape, k, p);  // first: the sizes below must not overflow
    require(input, {n, c, h, w}, "roi_align", "input");
    require(rois, {k}, "roi_align", "boxes");
    require(output, {k, c, pooled_height, pooled_width}, "roi_align", "output");
    mro::roi_align_forward(input, shape, rois, k, p, output, num_threads);
  });
}

template <typename T>
int32_t roi_align_backward(const T* grad_output, const T* rois, int64_t k, double spatial_scale, int64_t pooled_height,
                           int64_t pooled_width, int64_t sampling_ratio, bool aligned, int64_t n, int64_t c, int64_t h,
                           int64_t w, T* grad_input, int32_t num_threads) {
  return guarded([&] {
    const mro::MapShape shape{n, c, h, w};
    const mro::RoIAlignParams p{spatial_scale, pooled_height, pooled_width, sampling_ratio, aligned};
    mro::check_roi_align_sizes(shape, k, p);  // first: the sizes below must not overflow
    require(grad_output, {k, c, pooled_height, pooled_width}, "roi_align_backward", "grad_output");
    require(rois, {k}, "roi_align_backward", "boxes");
    require(grad_input, {n, c, h, w}, "roi_align_backward", "grad_input");
    mro::roi_align_backward(grad_output, rois, k, p, shape, grad_input, num_threads);
  });
}

template <typename T>
int64_t nms(const T* boxes, const T* scores, int64_t n, double iou_threshold, int64_t* keep, int32_t num_threads) {
  int64_t kept = 0;
  const int32_t status = guarded([&] {
    if (n < 0) throw std::invalid_argument("nms: boxes: the number of boxes must not be negative");
    require(boxes, {n}, "nms", "boxes");
    require(scores, {n}, "nms", "scores");
    require(keep, {n}, "nms", "keep");
    kept = mro::nms(boxes, scores, n, iou_threshold, keep, num_threads);
  });
  return status == MRO_OK ? kept : status;
}

template <typename T>
int64_t batched_nms(const T* boxes, const T* scores, const int64_t* idxs, int64_t n, double iou_threshold,
                    int64_t* keep, int32_t num_threads) {
  int64_t kept = 0;
  const int32_t status = guarded([&] {
    if (n < 0) throw std::invalid_argument("batched_nms: boxes: the number of boxes must not be negative");
    require(boxes, {n}, "batched_nms", "boxes");
    require(scores, {n}, "batched_nms", "scores");
    require(idxs, {n}, "batched_nms", "idxs");
    require(keep, {n}, "batched_nms", "keep");
    kept = mro::batched_nms(boxes, scores, idxs, n, iou_threshold, keep, num_threads);
  });
  return status == MRO_OK ? kept : status;
}

}  // namespace

NATIVE_API int32_t mro_abi_version(void) { return MRO_ABI_VERSION; }

NATIVE_API const char* mro_last_error(void) { return native_guard::last_error_storage().c_str(); }

NATIVE_API void mro_clear_last_error(void) { native_guard::last_error_storage().clear(); }

// output: [k, c, pooled_height, pooled_width]. rois: [k, 5] rows (batch index, x1, y1, x2, y2).
NATIVE_API int32_t mro_roi_align_forward_f32(const float* input, int64_t n, int64_t c, int64_t h, int64_t w,
                                             const float* rois, int64_t k, double spatial_scale, int64_t pooled_height,
                                             int64_t pooled_width, int64_t sampling_ratio, bool aligned, float* output,
                                             int32_t num_threads) {
  return roi_align_forward(input, n, c, h, w, rois, k, spatial_scale, pooled_height, pooled_width, sampling_ratio,
                           aligned, output, num_threads);
}

NATIVE_API int32_t mro_roi_align_forward_f64(const double* input, int64_t n, int64_t c, int64_t h, int64_t w,
                                             const double* rois, int64_t k, double spatial_scale, int64_t pooled_height,
                                             int64_t pooled_width, int64_t sampling_ratio, bool aligned, double* output,
                                             int32_t num_threads) {
  return roi_align_forward(input, n, c, h, w, rois, k, spatial_scale, pooled_height, pooled_width, sampling_ratio,
                           aligned, output, num_threads);
}

// grad_input: [n, c, h, w], the gradient of the input given grad_output [k, c, pooled_height, pooled_width].
NATIVE_API int32_t mro_roi_align_backward_f32(const float* grad_output, const float* rois, int64_t k,
                                              double spatial_scale, int64_t pooled_height, int64_t pooled_width,
                                              int64_t sampling_ratio, bool aligned, int64_t n, int64_t c, int64_t h,
                                              int64_t w, float* grad_input, int32_t num_threads) {
  return roi_align_backward(grad_output, rois, k, spatial_scale, pooled_height, pooled_width, sampling_ratio, aligned, n,
                            c, h, w, grad_input, num_threads);
}

NATIVE_API int32_t mro_roi_align_backward_f64(const double* grad_output, const double* rois, int64_t k,
                                              double spatial_scale, int64_t pooled_height, int64_t pooled_width,
                                              int64_t sampling_ratio, bool aligned, int64_t n, int64_t c, int64_t h,
                                              int64_t w, double* grad_input, int32_t num_threads) {
  return roi_align_backward(grad_output, rois, k, spatial_scale, pooled_height, pooled_width, sampling_ratio, aligned, n,
                            c, h, w, grad_input, num_threads);
}

// Kept indices, by decreasing score, into keep[0 .. result). boxes [n, 4], scores [n], keep [n].
NATIVE_API int64_t mro_nms_f32(const float* boxes, const float* scores, int64_t n, double iou_threshold, int64_t* keep,
                               int32_t num_threads) {
  return nms(boxes, scores, n, iou_threshold, keep, num_threads);
}

NATIVE_API int64_t mro_nms_f64(const double* boxes, const double* scores, int64_t n, double iou_threshold,
                               int64_t* keep, int32_t num_threads) {
  return nms(boxes, scores, n, iou_threshold, keep, num_threads);
}

// As mro_nms_*, but a box only suppresses boxes with the same idxs value (int64 [n]).
NATIVE_API int64_t mro_batched_nms_f32(const float* boxes, const float* scores, const int64_t* idxs, int64_t n,
                                       double iou_threshold, int64_t* keep, int32_t num_threads) {
  return batched_nms(boxes, scores, idxs, n, iou_threshold, keep, num_threads);
}

NATIVE_API int64_t mro_batched_nms_f64(const double* boxes, const double* scores, const int64_t* idxs, int64_t n,
                                       double iou_threshold, int64_t* keep, int32_t num_threads) {
  return batched_nms(boxes, scores, idxs, n, iou_threshold, keep, num_threads);
}
