// Nearest and bilinear resizing of interleaved images, following the index and weight rules of
// torch.nn.functional.interpolate(align_corners=False) so that the data pipeline resizes images
// and masks exactly as torchvision's transforms do.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "imaging_internal.h"

namespace imaging {
namespace {

// PyTorch's legacy "nearest": floor(dst * scale) with the scale in float.
std::vector<int64_t> nearest_indices(int32_t in, int32_t out) {
  std::vector<int64_t> index(static_cast<size_t>(out));
  const float scale = static_cast<float>(in) / static_cast<float>(out);
  for (int32_t d = 0; d < out; ++d) {
    if (in == out) index[d] = d;
    else if (out == 2 * in) index[d] = d >> 1;
    else index[d] = std::min(static_cast<int64_t>(std::floor(static_cast<float>(d) * scale)), static_cast<int64_t>(in) - 1);
  }
  return index;
}

template <class A>
struct Taps {
  std::vector<int64_t> i0, i1;
  std::vector<A> w0, w1;
};

// PyTorch's linear taps (computed in A = double for every sample type: the exact float64 result
// of interpolate, rounded once): half-pixel centres, the source index clamped at 0, the second
// tap clamped at the border.
template <class A>
Taps<A> linear_taps(int32_t in, int32_t out) {
  Taps<A> t;
  t.i0.resize(out);
  t.i1.resize(out);
  t.w0.resize(out);
  t.w1.resize(out);
  const A scale = static_cast<A>(in) / static_cast<A>(out);
  for (int32_t d = 0; d < out; ++d) {
    if (in == out) {
      t.i0[d] = t.i1[d] = d;
      t.w0[d] = 1;
      t.w1[d] = 0;
      continue;
    }
    A real = static_cast<A>(scale * (d + 0.5) - 0.5);
    if (real < 0) real = 0;
    const int64_t i0 = static_cast<int64_t>(real);
    t.i0[d] = i0;
    t.i1[d] = i0 + (i0 < in - 1 ? 1 : 0);
    t.w1[d] = std::min(std::max(real - static_cast<A>(i0), static_cast<A>(0)), static_cast<A>(1));
    t.w0[d] = static_cast<A>(1) - t.w1[d];
  }
  return t;
}

template <class T, class A>
T to_sample(A v);
template <>
uint8_t to_sample<uint8_t, double>(double v) {
  return static_cast<uint8_t>(std::min(std::max(std::floor(v + 0.5), 0.0), 255.0));
}
template <>
uint16_t to_sample<uint16_t, double>(double v) {
  return static_cast<uint16_t>(std::min(std::max(std::floor(v + 0.5), 0.0), 65535.0));
}
template <>
float to_sample<float, double>(double v) {
  return static_cast<float>(v);
}

template <class T>
void resize_nearest(const T* src, int32_t sw, int32_t sh, int32_t c, T* dst, int32_t dw, int32_t dh) {
  const auto xs = nearest_indices(sw, dw);
  const auto ys = nearest_indices(sh, dh);
  for (int32_t y = 0; y < dh; ++y) {
    const T* row = src + static_cast<size_t>(ys[y]) * sw * c;
    T* out = dst + static_cast<size_t>(y) * dw * c;
    for (int32_t x = 0; x < dw; ++x)
      for (int32_t k = 0; k < c; ++k) out[static_cast<size_t>(x) * c + k] = row[static_cast<size_t>(xs[x]) * c + k];
  }
}

template <class T>
void resize_bilinear(const T* src, int32_t sw, int32_t sh, int32_t c, T* dst, int32_t dw, int32_t dh) {
  using A = double;
  const Taps<A> tx = linear_taps<A>(sw, dw);
  const Taps<A> ty = linear_taps<A>(sh, dh);
  for (int32_t y = 0; y < dh; ++y) {
    const T* r0 = src + static_cast<size_t>(ty.i0[y]) * sw * c;
    const T* r1 = src + static_cast<size_t>(ty.i1[y]) * sw * c;
    const A h0 = ty.w0[y], h1 = ty.w1[y];
    T* out = dst + static_cast<size_t>(y) * dw * c;
    for (int32_t x = 0; x < dw; ++x) {
      const size_t a = static_cast<size_t>(tx.i0[x]) * c, b = static_cast<size_t>(tx.i1[x]) * c;
      const A w0 = tx.w0[x], w1 = tx.w1[x];
      for (int32_t k = 0; k < c; ++k) {
        // Same association as PyTorch's kernel: the columns of each row first, then the rows.
        const A top = static_cast<A>(r0[a + k]) * w0 + static_cast<A>(r0[b + k]) * w1;
        const A bottom = static_cast<A>(r1[a + k]) * w0 + static_cast<A>(r1[b + k]) * w1;
        out[static_cast<size_t>(x) * c + k] = to_sample<T, A>(top * h0 + bottom * h1);
      }
    }
  }
}

template <class T>
void resize_typed(const void* src, int32_t sw, int32_t sh, int32_t c, void* dst, int32_t dw, int32_t dh, int32_t interp) {
  if (interp == IMG_INTERP_NEAREST)
    resize_nearest(static_cast<const T*>(src), sw, sh, c, static_cast<T*>(dst), dw, dh);
  else
    resize_bilinear(static_cast<const T*>(src), sw, sh, c, static_cast<T*>(dst), dw, dh);
}

}  // namespace

void resize(const void* src, int32_t src_width, int32_t src_height, int32_t channels, int32_t sample_type, void* dst,
            int32_t dst_width, int32_t dst_height, int32_t interpolation) {
  if (src == nullptr || dst == nullptr) fail(IMG_ERROR_CORRUPT, "a pixel buffer is null");
  if (src_width <= 0 || src_height <= 0 || dst_width <= 0 || dst_height <= 0)
    fail(IMG_ERROR_CORRUPT, "image sizes must be positive");
  if (channels <= 0) fail(IMG_ERROR_CORRUPT, "the channel count must be positive");
  if (interpolation != IMG_INTERP_NEAREST && interpolation != IMG_INTERP_BILINEAR)
    fail(IMG_ERROR_CORRUPT, "unknown interpolation " + std::to_string(interpolation));
  switch (sample_type) {
    case IMG_SAMPLE_U8: resize_typed<uint8_t>(src, src_width, src_height, channels, dst, dst_width, dst_height, interpolation); break;
    case IMG_SAMPLE_U16: resize_typed<uint16_t>(src, src_width, src_height, channels, dst, dst_width, dst_height, interpolation); break;
    case IMG_SAMPLE_F32: resize_typed<float>(src, src_width, src_height, channels, dst, dst_width, dst_height, interpolation); break;
    default: fail(IMG_ERROR_CORRUPT, "unknown sample type " + std::to_string(sample_type));
  }
}

}  // namespace imaging
