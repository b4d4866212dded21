// Where RoIAlign samples: the geometry shared by the forward and backward kernels of every layout.
//
// Follows torchvision 0.14's CPU kernel formula by formula (sample coordinates, clamping at the borders,
// "more than one pixel outside contributes nothing", weights), so that the kernels can repeat its float
// operations exactly.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "maskrcnn_ops.h"

namespace mro {
namespace detail {

// Where one sample coordinate falls on one axis: the two neighbouring pixels and their weights.
template <typename T>
struct AxisSample {
  int64_t low, high;
  T l, h;  // weight of high, weight of low
  bool valid;
};

// One RoI in feature-map coordinates.
template <typename T>
struct Roi {
  int64_t batch;
  T start_h, start_w, bin_h, bin_w;
  int64_t grid_h, grid_w;  // samples per bin along each axis
  T count;                 // samples per bin (at least 1): the divisor of the forward average
};

template <typename T>
inline int64_t grid_size(T roi_extent, int64_t pooled, int64_t sampling_ratio) {
  // A grid above 2^30 exceeds kMaxAxisSamples and is refused; the clamp keeps grid_h * grid_w representable for the
  // check that refuses it (an int64 sampling_ratio squared overflows).
  if (sampling_ratio > 0) return std::min<int64_t>(sampling_ratio, int64_t{1} << 30);
  const T g = std::ceil(roi_extent / static_cast<T>(pooled));
  // NaN or empty RoIs sample nothing (and produce zeros), as torchvision's loops do.
  return g > 0 ? static_cast<int64_t>(std::min<T>(g, static_cast<T>(1 << 20))) : 0;
}

template <typename T>
inline Roi<T> make_roi(const T* r, const RoIAlignParams& p) {
  const T scale = static_cast<T>(p.spatial_scale);
  const T offset = p.aligned ? static_cast<T>(0.5) : static_cast<T>(0);
  Roi<T> roi;
  roi.batch = static_cast<int64_t>(r[0]);
  roi.start_w = r[1] * scale - offset;
  roi.start_h = r[2] * scale - offset;
  T width = (r[3] * scale - offset) - roi.start_w;
  T height = (r[4] * scale - offset) - roi.start_h;
  if (!p.aligned) {  // legacy behaviour: malformed RoIs become 1x1
    width = std::max(width, static_cast<T>(1));
    height = std::max(height, static_cast<T>(1));
  }
  roi.bin_h = height / static_cast<T>(p.pooled_height);
  roi.bin_w = width / static_cast<T>(p.pooled_width);
  roi.grid_h = grid_size(height, p.pooled_height, p.sampling_ratio);
  roi.grid_w = grid_size(width, p.pooled_width, p.sampling_ratio);
  roi.count = static_cast<T>(std::max<int64_t>(roi.grid_h * roi.grid_w, 1));
  return roi;
}

// Samples of every bin along one axis: out[bin * grid + i].
template <typename T>
inline void axis_samples(T start, T bin_size, int64_t bins, int64_t grid, int64_t size,
                         std::vector<AxisSample<T>>& out) {
  out.resize(bins * grid);
  for (int64_t b = 0; b < bins; ++b) {
    for (int64_t i = 0; i < grid; ++i) {
      T v = start + b * bin_size + static_cast<T>(i + .5f) * bin_size / static_cast<T>(grid);
      AxisSample<T>& s = out[b * grid + i];
      // Samples more than one pixel outside the map contribute nothing; NaN lands here too.
      s.valid = v >= -1.0 && v <= static_cast<T>(size);
      if (!s.valid) {
        s.low = s.high = 0;
        s.l = s.h = 0;
        continue;
      }
      if (v <= 0) v = 0;
      s.low = static_cast<int64_t>(v);
      if (s.low >= size - 1) {
        s.high = s.low = size - 1;
        v = static_cast<T>(s.low);
      } else {
        s.high = s.low + 1;
      }
      s.l = v - static_cast<T>(s.low);
      s.h = static_cast<T>(1. - s.l);  // in double, as torchvision writes it
    }
  }
}

// The four taps of one sample in a plane of width `width`.
template <typename T>
struct Tap {
  int32_t pos[4];  // pos[0] < 0: the sample is outside the map
  T w[4];
};

template <typename T>
inline Tap<T> make_tap(const AxisSample<T>& y, const AxisSample<T>& x, int64_t width) {
  Tap<T> t;
  if (!(y.valid && x.valid)) {
    t.pos[0] = t.pos[1] = t.pos[2] = t.pos[3] = -1;
    t.w[0] = t.w[1] = t.w[2] = t.w[3] = 0;
    return t;
  }
  t.pos[0] = static_cast<int32_t>(y.low * width + x.low);
  t.pos[1] = static_cast<int32_t>(y.low * width + x.high);
  t.pos[2] = static_cast<int32_t>(y.high * width + x.low);
  t.pos[3] = static_cast<int32_t>(y.high * width + x.high);
  t.w[0] = y.h * x.h;
  t.w[1] = y.h * x.l;
  t.w[2] = y.l * x.h;
  t.w[3] = y.l * x.l;
  return t;
}

// The samples of one RoI along both axes; taps are formed on demand or tabulated.
template <typename T>
struct RoiSamples {
  Roi<T> roi;
  std::vector<AxisSample<T>> ys, xs;

  void compute(const T* r, const RoIAlignParams& p, int64_t height, int64_t width) {
    roi = make_roi(r, p);
    axis_samples(roi.start_h, roi.bin_h, p.pooled_height, roi.grid_h, height, ys);
    axis_samples(roi.start_w, roi.bin_w, p.pooled_width, roi.grid_w, width, xs);
  }

  Tap<T> tap(int64_t ph, int64_t pw, int64_t iy, int64_t ix, int64_t width) const {
    return make_tap(ys[ph * roi.grid_h + iy], xs[pw * roi.grid_w + ix], width);
  }

  // Taps of every sample, ordered by bin (ph, pw) then sample (iy, ix).
  void taps(const RoIAlignParams& p, int64_t width, std::vector<Tap<T>>& out) const {
    out.clear();
    out.reserve(p.pooled_height * p.pooled_width * roi.grid_h * roi.grid_w);
    for (int64_t ph = 0; ph < p.pooled_height; ++ph)
      for (int64_t pw = 0; pw < p.pooled_width; ++pw)
        for (int64_t iy = 0; iy < roi.grid_h; ++iy)
          for (int64_t ix = 0; ix < roi.grid_w; ++ix) out.push_back(tap(ph, pw, iy, ix, width));
  }
};

// x / count, computed as a product when count is a power of two: the same real number, so the same float.
template <typename T>
struct Divider {
  T count, reciprocal;
  bool exact_reciprocal;
  explicit Divider(T c) : count(c), reciprocal(static_cast<T>(1) / c) {
    int e;
    exact_reciprocal = c > 0 && std::frexp(c, &e) == static_cast<T>(0.5);
  }
  T operator()(T x) const { return exact_reciprocal ? x * reciprocal : x / count; }
};

}  // namespace detail

// Layout kernels (roi_align_planar.cpp, roi_align_blocked.cpp). rois: [K, 5] contiguous, batch indices checked.
// The forward kernels write every element of out; the backward kernels every element of grad_input.
template <typename T>
void roi_align_forward_planar(const T* input, const MapShape& shape, const T* rois, int64_t k, const RoIAlignParams& p,
                              T* out, int num_threads);
template <typename T>
void roi_align_backward_planar(const T* grad, const T* rois, int64_t k, const RoIAlignParams& p, const MapShape& shape,
                               T* grad_input, int num_threads);
template <typename T>
void roi_align_forward_blocked(const T* input, const MapShape& shape, const T* rois, int64_t k, const RoIAlignParams& p,
                               T* out, int num_threads);
template <typename T>
void roi_align_backward_blocked(const T* grad, const T* rois, int64_t k, const RoIAlignParams& p, const MapShape& shape,
                                T* grad_input, int num_threads);

}  // namespace mro
