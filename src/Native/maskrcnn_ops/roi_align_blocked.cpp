// RoIAlign on channel-blocked copies of the map: for one image and 16 channels at a time, the planes are
// interleaved into a buffer [H*W][16], so that every tap reads (forward) or updates (backward) 16 adjacent
// channels: one AVX-512 vector, whole cache lines, no gathers. Work units are (image, channel block) pairs,
// run in parallel; each owns its buffer and its output planes, so backward needs no atomics and adds into
// every gradient element in torchvision's order (RoI, bin, sample, tap). The set-up (interleaving, or
// zeroing and writing back the gradient) costs one pass over the map, hence the kernel for many RoIs.
#include <algorithm>

#include "multiversion.h"
#include "parallel.h"
#include "roi_align_sampling.h"

namespace mro {
namespace {

using detail::Divider;
using detail::RoiSamples;
using detail::Tap;

constexpr int64_t kBlock = 16;
constexpr int64_t kTile = 64;  // pixels per step when interleaving or de-interleaving planes

template <typename T>
struct Unit {
  const RoIAlignParams* p;
  const T* rois;        // [K, 5]
  const int64_t* ids;   // the RoIs of this image
  int64_t count;        // how many
  int64_t channels, c0, cb, height, width;
  const T* planes;      // forward: input plane c0 of this image; backward: unused
  T* out;               // forward: output [K, C, PH, PW]; backward: gradient plane c0 of this image
  const T* grad;        // backward: grad_output
  int64_t sn, sc, sh, sw;
  T* buffer;            // [H*W][kBlock]
};

template <typename T>
__attribute__((always_inline)) inline void forward_unit_impl(const Unit<T>& u) {
  const RoIAlignParams& p = *u.p;
  const int64_t hw = u.height * u.width, bins = p.pooled_height * p.pooled_width;
  T* __restrict__ buf = u.buffer;
  for (int64_t p0 = 0; p0 < hw; p0 += kTile) {
    const int64_t p1 = std::min(hw, p0 + kTile);
    for (int64_t c = 0; c < kBlock; ++c) {
      const T* src = u.planes + c * hw;
      for (int64_t q = p0; q < p1; ++q) buf[q * kBlock + c] = c < u.cb ? src[q] : static_cast<T>(0);
    }
  }
  RoiSamples<T> s;
  alignas(64) T acc[kBlock];
  for (int64_t r = 0; r < u.count; ++r) {
    const int64_t n = u.ids[r];
    s.compute(u.rois + 5 * n, p, u.height, u.width);
    const Divider<T> average(s.roi.count);
    T* o = u.out + (n * u.channels + u.c0) * bins;
    for (int64_t ph = 0; ph < p.pooled_height; ++ph) {
      for (int64_t pw = 0; pw < p.pooled_width; ++pw) {
        for (int64_t c = 0; c < kBlock; ++c) acc[c] = 0;
        for (int64_t iy = 0; iy < s.roi.grid_h; ++iy) {
          for (int64_t ix = 0; ix < s.roi.grid_w; ++ix) {
            const Tap<T> t = s.tap(ph, pw, iy, ix, u.width);
            if (t.pos[0] < 0) continue;
            const T* __restrict__ v1 = buf + t.pos[0] * kBlock;
            const T* __restrict__ v2 = buf + t.pos[1] * kBlock;
            const T* __restrict__ v3 = buf + t.pos[2] * kBlock;
            const T* __restrict__ v4 = buf + t.pos[3] * kBlock;
            const T w1 = t.w[0], w2 = t.w[1], w3 = t.w[2], w4 = t.w[3];
            for (int64_t c = 0; c < kBlock; ++c) acc[c] += w1 * v1[c] + w2 * v2[c] + w3 * v3[c] + w4 * v4[c];
          }
        }
        const int64_t b = ph * p.pooled_width + pw;
        for (int64_t c = 0; c < u.cb; ++c) o[c * bins + b] = average(acc[c]);
      }
    }
  }
}

// d[c] += g[c] * w / count for the four taps, in tap order (taps may coincide on the last row or column).
template <typename T, bool kReciprocal>
__attribute__((always_inline)) inline void scatter_sample(T* buf, const Tap<T>& t, const T* g, const Divider<T>& d) {
  T* d1 = buf + t.pos[0] * kBlock;
  T* d2 = buf + t.pos[1] * kBlock;
  T* d3 = buf + t.pos[2] * kBlock;
  T* d4 = buf + t.pos[3] * kBlock;
  const T w1 = t.w[0], w2 = t.w[1], w3 = t.w[2], w4 = t.w[3];
  for (int64_t c = 0; c < kBlock; ++c) {
    if (kReciprocal) {
      d1[c] += g[c] * w1 * d.reciprocal;
      d2[c] += g[c] * w2 * d.reciprocal;
      d3[c] += g[c] * w3 * d.reciprocal;
      d4[c] += g[c] * w4 * d.reciprocal;
    } else {
      d1[c] += g[c] * w1 / d.count;
      d2[c] += g[c] * w2 / d.count;
      d3[c] += g[c] * w3 / d.count;
      d4[c] += g[c] * w4 / d.count;
    }
  }
}

template <typename T>
__attribute__((always_inline)) inline void backward_unit_impl(const Unit<T>& u) {
  const RoIAlignParams& p = *u.p;
  const int64_t hw = u.height * u.width;
  T* __restrict__ buf = u.buffer;
  std::fill(buf, buf + hw * kBlock, static_cast<T>(0));
  RoiSamples<T> s;
  alignas(64) T g[kBlock];
  for (int64_t r = 0; r < u.count; ++r) {
    const int64_t n = u.ids[r];
    s.compute(u.rois + 5 * n, p, u.height, u.width);
    const Divider<T> share(static_cast<T>(s.roi.grid_h * s.roi.grid_w));
    for (int64_t ph = 0; ph < p.pooled_height; ++ph) {
      for (int64_t pw = 0; pw < p.pooled_width; ++pw) {
        const T* src = u.grad + n * u.sn + u.c0 * u.sc + ph * u.sh + pw * u.sw;
        for (int64_t c = 0; c < kBlock; ++c) g[c] = c < u.cb ? src[c * u.sc] : static_cast<T>(0);
        for (int64_t iy = 0; iy < s.roi.grid_h; ++iy) {
          for (int64_t ix = 0; ix < s.roi.grid_w; ++ix) {
            const Tap<T> t = s.tap(ph, pw, iy, ix, u.width);
            if (t.pos[0] < 0) continue;
            if (share.exact_reciprocal)
              scatter_sample<T, true>(buf, t, g, share);
            else
              scatter_sample<T, false>(buf, t, g, share);
          }
        }
      }
    }
  }
  for (int64_t p0 = 0; p0 < hw; p0 += kTile) {
    const int64_t p1 = std::min(hw, p0 + kTile);
    for (int64_t c = 0; c < u.cb; ++c) {
      T* dst = u.out + c * hw;
      for (int64_t q = p0; q < p1; ++q) dst[q] = buf[q * kBlock + c];
    }
  }
}

// Compiled for AVX-512, AVX2 and baseline x86-64 (multiversion.h).
MRO_MULTIVERSION void forward_unit(const Unit<float>& u) { forward_unit_impl(u); }
MRO_MULTIVERSION void forward_unit(const Unit<double>& u) { forward_unit_impl(u); }
MRO_MULTIVERSION void backward_unit(const Unit<float>& u) { backward_unit_impl(u); }
MRO_MULTIVERSION void backward_unit(const Unit<double>& u) { backward_unit_impl(u); }

// RoI indices grouped by image, in their original order within an image.
struct RoisByImage {
  std::vector<int64_t> ids, begin;
  template <typename T>
  RoisByImage(const T* rois, int64_t k, int64_t images) : ids(k), begin(images + 1, 0) {
    for (int64_t n = 0; n < k; ++n) ++begin[static_cast<int64_t>(rois[5 * n]) + 1];
    for (int64_t i = 0; i < images; ++i) begin[i + 1] += begin[i];
    std::vector<int64_t> next(begin.begin(), begin.end() - 1);
    for (int64_t n = 0; n < k; ++n) ids[next[static_cast<int64_t>(rois[5 * n])]++] = n;
  }
};

// Runs kernel over every (image, channel block) unit in parallel, each thread with its own buffer.
template <typename T, typename Prepare, typename Kernel>
void run_units(int64_t images, int64_t channels, int64_t hw, int num_threads, Prepare prepare, Kernel kernel) {
  const int64_t blocks = (channels + kBlock - 1) / kBlock;
  parallel_for(0, images * blocks, 1, num_threads, [&](int64_t u0, int64_t u1) {
    std::vector<T> buffer(hw * kBlock);
    for (int64_t unit = u0; unit < u1; ++unit) {
      Unit<T> u = prepare(unit / blocks, (unit % blocks) * kBlock);
      u.buffer = buffer.data();
      kernel(u);
    }
  });
}

}  // namespace

template <typename T>
void roi_align_forward_blocked(const T* x, const MapShape& shape, const T* rois, int64_t k, const RoIAlignParams& p,
                               T* out, int num_threads) {
  const int64_t images = shape.n, channels = shape.c, height = shape.h, width = shape.w;
  const RoisByImage groups(rois, k, images);
  run_units<T>(images, channels, height * width, num_threads, [&](int64_t image, int64_t c0) {
    Unit<T> u{};
    u.p = &p;
    u.rois = rois;
    u.ids = groups.ids.data() + groups.begin[image];
    u.count = groups.begin[image + 1] - groups.begin[image];
    u.channels = channels;
    u.c0 = c0;
    u.cb = std::min(kBlock, channels - c0);
    u.height = height;
    u.width = width;
    u.planes = x + (image * channels + c0) * height * width;
    u.out = out;
    return u;
  }, [](const Unit<T>& u) {
    if (u.count > 0) forward_unit(u);
  });
}

template <typename T>
void roi_align_backward_blocked(const T* grad, const T* rois, int64_t k, const RoIAlignParams& p, const MapShape& shape,
                                T* gi, int num_threads) {
  const int64_t images = shape.n, channels = shape.c, height = shape.h, width = shape.w;
  const RoisByImage groups(rois, k, images);
  run_units<T>(images, channels, height * width, num_threads, [&](int64_t image, int64_t c0) {
    Unit<T> u{};
    u.p = &p;
    u.rois = rois;
    u.ids = groups.ids.data() + groups.begin[image];
    u.count = groups.begin[image + 1] - groups.begin[image];
    u.channels = channels;
    u.c0 = c0;
    u.cb = std::min(kBlock, channels - c0);
    u.height = height;
    u.width = width;
    u.out = gi + (image * channels + c0) * height * width;
    u.grad = grad;  // contiguous [k, C, PH, PW]
    u.sw = 1;
    u.sh = p.pooled_width;
    u.sc = p.pooled_height * p.pooled_width;
    u.sn = channels * u.sc;
    return u;
  }, [](const Unit<T>& u) {
    if (u.count > 0) {
      backward_unit(u);
    } else {  // no RoI in this image: its gradient is zero
      std::fill(u.out, u.out + u.cb * u.height * u.width, static_cast<T>(0));
    }
  });
}

template void roi_align_forward_blocked<float>(const float*, const MapShape&, const float*, int64_t,
                                               const RoIAlignParams&, float*, int);
template void roi_align_forward_blocked<double>(const double*, const MapShape&, const double*, int64_t,
                                                const RoIAlignParams&, double*, int);
template void roi_align_backward_blocked<float>(const float*, const float*, int64_t, const RoIAlignParams&,
                                                const MapShape&, float*, int);
template void roi_align_backward_blocked<double>(const double*, const double*, int64_t, const RoIAlignParams&,
                                                 const MapShape&, double*, int);

}  // namespace mro
