// RoIAlign entry points: argument checks, and the choice between the two kernels (same results):
//   - planar (roi_align_planar.cpp): no set-up, for few RoIs on a large map (inference on a few detections);
//   - blocked (roi_align_blocked.cpp): one pass over the map to interleave 16 channels at a time, then
//     vectorised taps; for many RoIs (training, the 1,000 proposals of the box head).
#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <stdexcept>
#include <string>

#include "roi_align_sampling.h"

namespace mro {
namespace {

// The blocked kernel pays about one pass over the map per channel; it wins once the RoIs read more taps
// per channel than about half the map's pixels (measured on the benchmark shapes, see docs/benchmarks.md).
template <typename T>
bool use_blocked(const MapShape& shape, const T* rois, int64_t k, const RoIAlignParams& p) {
  if (shape.c < 8) return false;
  double taps = 0;
  for (int64_t n = 0; n < k; ++n) {
    const detail::Roi<T> roi = detail::make_roi(rois + 5 * n, p);
    taps += 4.0 * static_cast<double>(p.pooled_height * p.pooled_width * roi.grid_h * roi.grid_w);
  }
  return taps >= 0.5 * static_cast<double>(shape.n * shape.h * shape.w);
}

[[noreturn]] void invalid(const std::string& message) { throw std::invalid_argument("roi_align: " + message); }

// Throws unless the product of the sizes (all >= 0) fits in int64; an empty product (a zero size) always fits.
void check_product(std::initializer_list<int64_t> sizes, const char* what) {
  for (int64_t s : sizes)
    if (s == 0) return;
  int64_t r = 1;
  for (int64_t s : sizes)
    if (__builtin_mul_overflow(r, s, &r)) invalid(std::string(what) + " does not fit in 64 bits");
}

}  // namespace

void check_roi_align_sizes(const MapShape& shape, int64_t k, const RoIAlignParams& p) {
  if (shape.n < 0 || shape.c < 0 || shape.h < 0 || shape.w < 0) invalid("input sizes must not be negative");
  if (k < 0) invalid("boxes: the number of boxes must not be negative");
  if (p.pooled_height <= 0 || p.pooled_width <= 0) invalid("output_size must be positive");
  if (!(std::isfinite(p.spatial_scale) && p.spatial_scale > 0)) invalid("spatial_scale must be positive and finite");
  // Every size product the kernels form must be representable (signed overflow is undefined behaviour).
  check_product({shape.n, shape.c, shape.h, shape.w}, "the input size N*C*H*W");
  check_product({k, shape.c, p.pooled_height, p.pooled_width}, "the output size K*C*PH*PW");
  check_product({k, 5}, "the boxes size K*5");
  check_product({shape.h, shape.w}, "the input plane H*W");
  if (shape.h * shape.w >= std::numeric_limits<int32_t>::max())
    invalid("input planes of 2^31 elements or more are not supported");
}

template <typename T>
void check_roi_align_arguments(const MapShape& shape, const T* rois, int64_t k, const RoIAlignParams& p) {
  check_roi_align_sizes(shape, k, p);
  // A batch index outside the input would read (forward) or write (backward) foreign memory: check them all.
  double samples = 0;
  for (int64_t n = 0; n < k; ++n) {
    const T b = rois[5 * n];
    if (!(b >= 0 && b < static_cast<T>(shape.n)))
      invalid("boxes[:, 0] (batch index) must lie in [0, " + std::to_string(shape.n - 1) + "], got " +
              std::to_string(static_cast<double>(b)) + " in row " + std::to_string(n));
    // The sample tables and taps this box needs, counted in double: no overflow whatever the sizes.
    const detail::Roi<T> roi = detail::make_roi(rois + 5 * n, p);
    const double rows = static_cast<double>(p.pooled_height) * static_cast<double>(roi.grid_h);
    const double cols = static_cast<double>(p.pooled_width) * static_cast<double>(roi.grid_w);
    if (rows > kMaxAxisSamples || cols > kMaxAxisSamples)
      invalid("boxes: row " + std::to_string(n) + " needs " + std::to_string(std::max(rows, cols)) +
              " samples along one axis (more than 2^22): its size or sampling_ratio is out of range");
    samples += rows * cols;
  }
  if (samples > kMaxSamples)
    invalid("the boxes need " + std::to_string(samples) +
            " samples in all (more than 2^32): their sizes or sampling_ratio are out of range");
}

template <typename T>
void roi_align_forward(const T* input, const MapShape& shape, const T* rois, int64_t k, const RoIAlignParams& p, T* out,
                       int num_threads) {
  check_roi_align_arguments(shape, rois, k, p);
  if (k == 0 || shape.c == 0) return;  // no output (a partial product of the map's sizes may not fit)
  const int64_t out_size = k * shape.c * p.pooled_height * p.pooled_width;
  if (shape.n == 0 || shape.c == 0 || shape.h == 0 || shape.w == 0) {  // an empty map: every sample lies outside it
    std::fill(out, out + out_size, static_cast<T>(0));
    return;
  }
  if (use_blocked(shape, rois, k, p))
    roi_align_forward_blocked(input, shape, rois, k, p, out, num_threads);
  else
    roi_align_forward_planar(input, shape, rois, k, p, out, num_threads);
}

template <typename T>
void roi_align_backward(const T* grad, const T* rois, int64_t k, const RoIAlignParams& p, const MapShape& shape,
                        T* grad_input, int num_threads) {
  check_roi_align_arguments(shape, rois, k, p);
  if (shape.n == 0 || shape.c == 0 || shape.h == 0 || shape.w == 0) return;  // (a partial product may not fit)
  const int64_t in_size = shape.n * shape.c * shape.h * shape.w;
  if (k == 0) {
    std::fill(grad_input, grad_input + in_size, static_cast<T>(0));
    return;
  }
  if (use_blocked(shape, rois, k, p))
    roi_align_backward_blocked(grad, rois, k, p, shape, grad_input, num_threads);
  else
    roi_align_backward_planar(grad, rois, k, p, shape, grad_input, num_threads);
}

template void check_roi_align_arguments<float>(const MapShape&, const float*, int64_t, const RoIAlignParams&);
template void check_roi_align_arguments<double>(const MapShape&, const double*, int64_t, const RoIAlignParams&);
template void roi_align_forward<float>(const float*, const MapShape&, const float*, int64_t, const RoIAlignParams&,
                                       float*, int);
template void roi_align_forward<double>(const double*, const MapShape&, const double*, int64_t, const RoIAlignParams&,
                                        double*, int);
template void roi_align_backward<float>(const float*, const float*, int64_t, const RoIAlignParams&, const MapShape&,
                                        float*, int);
template void roi_align_backward<double>(const double*, const double*, int64_t, const RoIAlignParams&,
                                         const MapShape&, double*, int);

}  // namespace mro
