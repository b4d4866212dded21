// RoIAlign on NCHW planes: per RoI a table of the taps and weights of every sample, shared by all channels,
// then one pass per channel plane. No set-up cost, so it is the kernel for few RoIs on a large map.
#include <algorithm>

#include "parallel.h"
#include "roi_align_sampling.h"

namespace mro {

using detail::Divider;
using detail::RoiSamples;
using detail::Tap;

template <typename T>
void roi_align_forward_planar(const T* x, const MapShape& shape, const T* rois, int64_t k, const RoIAlignParams& p,
                              T* out, int num_threads) {
  const int64_t channels = shape.c, height = shape.h, width = shape.w;
  const int64_t bins = p.pooled_height * p.pooled_width;
  constexpr int64_t kChannels = 64;  // RoI x channel-block tasks keep every thread busy even for one RoI
  const int64_t blocks = (channels + kChannels - 1) / kChannels;
  parallel_for(0, k * blocks, 1, num_threads, [&](int64_t t0, int64_t t1) {
    RoiSamples<T> s;
    std::vector<Tap<T>> taps;
    for (int64_t t = t0; t < t1; ++t) {
      const int64_t n = t / blocks, c0 = (t % blocks) * kChannels, c1 = std::min(channels, c0 + kChannels);
      s.compute(rois + 5 * n, p, height, width);
      s.taps(p, width, taps);
      const int64_t samples = s.roi.grid_h * s.roi.grid_w;
      const Divider<T> average(s.roi.count);
      for (int64_t c = c0; c < c1; ++c) {
        const T* plane = x + (s.roi.batch * channels + c) * height * width;
        T* o = out + (n * channels + c) * bins;
        const Tap<T>* tp = taps.data();
        for (int64_t b = 0; b < bins; ++b) {
          T value = 0;
          for (int64_t i = 0; i < samples; ++i, ++tp) {
            if (tp->pos[0] < 0) continue;
            value += tp->w[0] * plane[tp->pos[0]] + tp->w[1] * plane[tp->pos[1]] + tp->w[2] * plane[tp->pos[2]] +
                     tp->w[3] * plane[tp->pos[3]];
          }
          o[b] = average(value);
        }
      }
    }
  });
}

// Parallel over channels: each thread owns its gradient planes (it zeroes them, then adds into them), so no atomics,
// and every gradient element receives its additions in torchvision's order (RoI, bin, sample, tap).
template <typename T>
void roi_align_backward_planar(const T* g, const T* rois, int64_t k, const RoIAlignParams& p, const MapShape& shape,
                               T* gi, int num_threads) {
  const int64_t images = shape.n, channels = shape.c, height = shape.h, width = shape.w;
  const int64_t plane_size = height * width;
  // grad_output is contiguous [k, C, PH, PW].
  const int64_t sw = 1, sh = p.pooled_width, sc = p.pooled_height * p.pooled_width, sn = channels * sc;
  const int64_t threads = std::max(1, num_threads);
  const int64_t grain = std::max<int64_t>(1, (channels + threads - 1) / threads);
  parallel_for(0, channels, grain, num_threads, [&](int64_t c0, int64_t c1) {
    for (int64_t image = 0; image < images; ++image) {
      T* first = gi + (image * channels + c0) * plane_size;
      std::fill(first, first + (c1 - c0) * plane_size, static_cast<T>(0));
    }
    RoiSamples<T> s;
    std::vector<Tap<T>> taps;
    for (int64_t n = 0; n < k; ++n) {
      s.compute(rois + 5 * n, p, height, width);
      s.taps(p, width, taps);
      const int64_t samples = s.roi.grid_h * s.roi.grid_w;
      const Divider<T> share(static_cast<T>(samples));
      for (int64_t c = c0; c < c1; ++c) {
        T* plane = gi + (s.roi.batch * channels + c) * plane_size;
        const Tap<T>* tp = taps.data();
        for (int64_t ph = 0; ph < p.pooled_height; ++ph) {
          for (int64_t pw = 0; pw < p.pooled_width; ++pw) {
            const T go = g[n * sn + c * sc + ph * sh + pw * sw];
            for (int64_t i = 0; i < samples; ++i, ++tp) {
              if (tp->pos[0] < 0) continue;
              plane[tp->pos[0]] += share(go * tp->w[0]);
              plane[tp->pos[1]] += share(go * tp->w[1]);
              plane[tp->pos[2]] += share(go * tp->w[2]);
              plane[tp->pos[3]] += share(go * tp->w[3]);
            }
          }
        }
      }
    }
  });
}

template void roi_align_forward_planar<float>(const float*, const MapShape&, const float*, int64_t,
                                              const RoIAlignParams&, float*, int);
template void roi_align_forward_planar<double>(const double*, const MapShape&, const double*, int64_t,
                                               const RoIAlignParams&, double*, int);
template void roi_align_backward_planar<float>(const float*, const float*, int64_t, const RoIAlignParams&,
                                               const MapShape&, float*, int);
template void roi_align_backward_planar<double>(const double*, const double*, int64_t, const RoIAlignParams&,
                                                const MapShape&, double*, int);

}  // namespace mro
