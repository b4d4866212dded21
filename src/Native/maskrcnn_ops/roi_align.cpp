// RoIAlign forward and backward kernels (CPU, float32 and float64).
//
// Sampling follows torchvision 0.14's CPU kernel: the same sample coordinates, clamping rules, weights
// and order of additions, so results agree to rounding. Two layouts, chosen per call:
//   - planar (NCHW): per RoI a table of the four taps and weights of every sample, shared by all channels,
//     then one pass per channel plane. Best when the RoIs sample few points compared with the map size.
//   - channels-last (NHWC): the map is transposed once, then every tap is a contiguous run over channels,
//     which vectorises and reads whole cache lines. Best for many RoIs (training, mask head batches).
// Forward runs in parallel over RoIs (and channel blocks); backward runs in parallel over channel blocks,
// each thread owning its gradient planes, so no atomics and the same order of additions as torchvision.
#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "maskrcnn_ops.h"

namespace mro {
namespace {

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
  T count;                 // samples per bin, the divisor of the average
};

template <typename T>
int64_t grid_size(T roi_extent, int64_t pooled, int64_t sampling_ratio) {
  if (sampling_ratio > 0) return sampling_ratio;
  const T g = std::ceil(roi_extent / static_cast<T>(pooled));
  // NaN or empty RoIs sample nothing (and produce zeros), as torchvision's loops do.
  return g > 0 ? static_cast<int64_t>(std::min<T>(g, static_cast<T>(1 << 20))) : 0;
}

template <typename T>
Roi<T> make_roi(const T* r, const RoIAlignParams& p) {
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
void axis_samples(T start, T bin_size, int64_t bins, int64_t grid, int64_t size, std::vector<AxisSample<T>>& out) {
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
struct RoiSamples {
  Roi<T> roi;
  std::vector<AxisSample<T>> ys, xs;

  void compute(const T* r, const RoIAlignParams& p, int64_t height, int64_t width) {
    roi = make_roi(r, p);
    axis_samples(roi.start_h, roi.bin_h, p.pooled_height, roi.grid_h, height, ys);
    axis_samples(roi.start_w, roi.bin_w, p.pooled_width, roi.grid_w, width, xs);
  }

  // Taps of every sample, ordered by bin (ph, pw) then sample (iy, ix).
  void taps(const RoIAlignParams& p, int64_t width, std::vector<Tap<T>>& out) const {
    out.clear();
    out.reserve(p.pooled_height * p.pooled_width * roi.grid_h * roi.grid_w);
    for (int64_t ph = 0; ph < p.pooled_height; ++ph)
      for (int64_t pw = 0; pw < p.pooled_width; ++pw)
        for (int64_t iy = 0; iy < roi.grid_h; ++iy)
          for (int64_t ix = 0; ix < roi.grid_w; ++ix) out.push_back(tap(ys[ph * roi.grid_h + iy], xs[pw * roi.grid_w + ix], width));
  }

  static Tap<T> tap(const AxisSample<T>& y, const AxisSample<T>& x, int64_t width) {
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
};

// Channel blocks for parallel loops: about one per thread, at least 16 channels (one AVX-512 vector).
int64_t channel_grain(int64_t channels) {
  const int64_t threads = std::max<int64_t>(1, at::get_num_threads());
  return std::max<int64_t>(16, (channels + threads - 1) / threads);
}

// The channels-last layout pays one transposition of the map; it wins once the RoIs read more taps per
// channel than the map has pixels (measured on the benchmark shapes, see docs/benchmarks.md).
template <typename T>
bool use_channels_last(at::IntArrayRef sizes, bool stored_channels_last, const T* rois, int64_t k,
                       const RoIAlignParams& p) {
  if (sizes[1] < 16) return false;
  if (stored_channels_last) return true;
  double taps = 0;
  for (int64_t n = 0; n < k; ++n) {
    const Roi<T> roi = make_roi(rois + 5 * n, p);
    taps += 4.0 * static_cast<double>(p.pooled_height * p.pooled_width * roi.grid_h * roi.grid_w);
  }
  return taps >= 0.5 * static_cast<double>(sizes[0] * sizes[2] * sizes[3]);
}

// ---- forward -------------------------------------------------------------------------------------------

template <typename T>
void forward_planar(const at::Tensor& input, const T* rois, int64_t k, const RoIAlignParams& p, T* out) {
  const int64_t channels = input.size(1), height = input.size(2), width = input.size(3);
  const int64_t bins = p.pooled_height * p.pooled_width;
  const T* x = input.data_ptr<T>();
  const int64_t blocks = (channels + 63) / 64;  // RoI x channel-block tasks keep threads busy for small K
  at::parallel_for(0, k * blocks, 1, [&](int64_t t0, int64_t t1) {
    RoiSamples<T> s;
    std::vector<Tap<T>> taps;
    for (int64_t t = t0; t < t1; ++t) {
      const int64_t n = t / blocks, c0 = (t % blocks) * 64, c1 = std::min(channels, c0 + 64);
      s.compute(rois + 5 * n, p, height, width);
      s.taps(p, width, taps);
      const int64_t samples = s.roi.grid_h * s.roi.grid_w;
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
          o[b] = value / s.roi.count;
        }
      }
    }
  });
}

template <typename T>
void forward_channels_last(const at::Tensor& input, const T* rois, int64_t k, const RoIAlignParams& p, T* out) {
  const int64_t channels = input.size(1), height = input.size(2), width = input.size(3);
  const int64_t bins = p.pooled_height * p.pooled_width;
  const at::Tensor nhwc = input.permute({0, 2, 3, 1}).contiguous();
  const T* x = nhwc.data_ptr<T>();
  at::parallel_for(0, k, 1, [&](int64_t n0, int64_t n1) {
    RoiSamples<T> s;
    std::vector<T> acc(channels);
    for (int64_t n = n0; n < n1; ++n) {
      s.compute(rois + 5 * n, p, height, width);
      const T* image = x + s.roi.batch * height * width * channels;
      T* o = out + n * channels * bins;
      for (int64_t ph = 0; ph < p.pooled_height; ++ph) {
        for (int64_t pw = 0; pw < p.pooled_width; ++pw) {
          std::fill(acc.begin(), acc.end(), static_cast<T>(0));
          T* __restrict__ a = acc.data();
          for (int64_t iy = 0; iy < s.roi.grid_h; ++iy) {
            for (int64_t ix = 0; ix < s.roi.grid_w; ++ix) {
              const Tap<T> tp = RoiSamples<T>::tap(s.ys[ph * s.roi.grid_h + iy], s.xs[pw * s.roi.grid_w + ix], width);
              if (tp.pos[0] < 0) continue;
              const T *v1 = image + tp.pos[0] * channels, *v2 = image + tp.pos[1] * channels,
                      *v3 = image + tp.pos[2] * channels, *v4 = image + tp.pos[3] * channels;
              const T w1 = tp.w[0], w2 = tp.w[1], w3 = tp.w[2], w4 = tp.w[3];
              for (int64_t c = 0; c < channels; ++c) a[c] += w1 * v1[c] + w2 * v2[c] + w3 * v3[c] + w4 * v4[c];
            }
          }
          const int64_t b = ph * p.pooled_width + pw;
          for (int64_t c = 0; c < channels; ++c) o[c * bins + b] = a[c] / s.roi.count;
        }
      }
    }
  });
}

// ---- backward ------------------------------------------------------------------------------------------

template <typename T>
void backward_planar(const at::Tensor& grad, const T* rois, int64_t k, const RoIAlignParams& p, at::Tensor& gin) {
  const int64_t channels = gin.size(1), height = gin.size(2), width = gin.size(3);
  const T* g = grad.data_ptr<T>();
  const int64_t sn = grad.stride(0), sc = grad.stride(1), sh = grad.stride(2), sw = grad.stride(3);
  T* gi = gin.data_ptr<T>();
  at::parallel_for(0, channels, channel_grain(channels), [&](int64_t c0, int64_t c1) {
    RoiSamples<T> s;
    std::vector<Tap<T>> taps;
    for (int64_t n = 0; n < k; ++n) {
      s.compute(rois + 5 * n, p, height, width);
      s.taps(p, width, taps);
      const int64_t samples = s.roi.grid_h * s.roi.grid_w;
      const T count = static_cast<T>(samples);
      for (int64_t c = c0; c < c1; ++c) {
        T* plane = gi + (s.roi.batch * channels + c) * height * width;
        const Tap<T>* tp = taps.data();
        for (int64_t ph = 0; ph < p.pooled_height; ++ph) {
          for (int64_t pw = 0; pw < p.pooled_width; ++pw) {
            const T go = g[n * sn + c * sc + ph * sh + pw * sw];
            for (int64_t i = 0; i < samples; ++i, ++tp) {
              if (tp->pos[0] < 0) continue;
              plane[tp->pos[0]] += go * tp->w[0] / count;
              plane[tp->pos[1]] += go * tp->w[1] / count;
              plane[tp->pos[2]] += go * tp->w[2] / count;
              plane[tp->pos[3]] += go * tp->w[3] / count;
            }
          }
        }
      }
    }
  });
}

template <typename T>
at::Tensor backward_channels_last(const at::Tensor& grad, const T* rois, int64_t k, const RoIAlignParams& p,
                                  at::IntArrayRef sizes) {
  const int64_t batch = sizes[0], channels = sizes[1], height = sizes[2], width = sizes[3];
  at::Tensor nhwc = at::zeros({batch, height, width, channels}, grad.options());
  const T* g = grad.data_ptr<T>();
  const int64_t sn = grad.stride(0), sc = grad.stride(1), sh = grad.stride(2), sw = grad.stride(3);
  T* gi = nhwc.data_ptr<T>();
  at::parallel_for(0, channels, channel_grain(channels), [&](int64_t c0, int64_t c1) {
    const int64_t cb = c1 - c0;
    RoiSamples<T> s;
    std::vector<T> go(cb);
    for (int64_t n = 0; n < k; ++n) {
      s.compute(rois + 5 * n, p, height, width);
      const T count = static_cast<T>(s.roi.grid_h * s.roi.grid_w);
      T* image = gi + s.roi.batch * height * width * channels + c0;
      for (int64_t ph = 0; ph < p.pooled_height; ++ph) {
        for (int64_t pw = 0; pw < p.pooled_width; ++pw) {
          const T* src = g + n * sn + c0 * sc + ph * sh + pw * sw;
          for (int64_t c = 0; c < cb; ++c) go[c] = src[c * sc];
          for (int64_t iy = 0; iy < s.roi.grid_h; ++iy) {
            for (int64_t ix = 0; ix < s.roi.grid_w; ++ix) {
              const Tap<T> tp = RoiSamples<T>::tap(s.ys[ph * s.roi.grid_h + iy], s.xs[pw * s.roi.grid_w + ix], width);
              if (tp.pos[0] < 0) continue;
              const T w1 = tp.w[0], w2 = tp.w[1], w3 = tp.w[2], w4 = tp.w[3];
              T *d1 = image + tp.pos[0] * channels, *d2 = image + tp.pos[1] * channels,
                *d3 = image + tp.pos[2] * channels, *d4 = image + tp.pos[3] * channels;
              // Taps coincide on the last row or column; the sequential statements keep torchvision's order.
              for (int64_t c = 0; c < cb; ++c) {
                const T gc = go[c];
                d1[c] += gc * w1 / count;
                d2[c] += gc * w2 / count;
                d3[c] += gc * w3 / count;
                d4[c] += gc * w4 / count;
              }
            }
          }
        }
      }
    }
  });
  return nhwc.permute({0, 3, 1, 2}).contiguous();
}

}  // namespace

void check_roi_align_arguments(const at::Tensor& input, const at::Tensor& rois, const RoIAlignParams& p) {
  TORCH_CHECK(input.device().is_cpu(), "roi_align: input must be a CPU tensor");
  TORCH_CHECK(rois.device().is_cpu(), "roi_align: boxes must be a CPU tensor");
  TORCH_CHECK(input.dim() == 4, "roi_align: input must have shape [N, C, H, W], got ", input.sizes());
  TORCH_CHECK(input.scalar_type() == at::kFloat || input.scalar_type() == at::kDouble,
              "roi_align: input must be float32 or float64, got ", input.scalar_type());
  TORCH_CHECK(rois.dim() == 2 && rois.size(1) == 5,
              "roi_align: boxes must have shape [K, 5] (batch index, x1, y1, x2, y2), got ", rois.sizes());
  TORCH_CHECK(rois.scalar_type() == input.scalar_type(), "roi_align: boxes must have the dtype of input (",
              input.scalar_type(), "), got ", rois.scalar_type());
  TORCH_CHECK(p.pooled_height > 0 && p.pooled_width > 0, "roi_align: output_size must be positive, got (",
              p.pooled_height, ", ", p.pooled_width, ")");
  TORCH_CHECK(std::isfinite(p.spatial_scale) && p.spatial_scale > 0,
              "roi_align: spatial_scale must be positive and finite, got ", p.spatial_scale);
  TORCH_CHECK(input.size(2) * input.size(3) < std::numeric_limits<int32_t>::max(),
              "roi_align: input planes larger than 2^31 elements are not supported");
  // A batch index outside the input would read foreign memory: check them all.
  if (rois.size(0) > 0) {
    auto batch = rois.select(1, 0);
    auto bad = (batch < 0).logical_or(batch >= input.size(0)).logical_or(batch.isnan());
    TORCH_CHECK(!bad.any().item<bool>(), "roi_align: boxes[:, 0] (batch index) must lie in [0, ", input.size(0) - 1,
                "]");
  }
}

at::Tensor roi_align_forward(const at::Tensor& input_in, const at::Tensor& rois_in, const RoIAlignParams& p) {
  check_roi_align_arguments(input_in, rois_in, p);
  const int64_t k = rois_in.size(0);
  at::Tensor out = at::zeros({k, input_in.size(1), p.pooled_height, p.pooled_width}, input_in.options());
  if (out.numel() == 0 || input_in.numel() == 0) return out;
  const at::Tensor rois = rois_in.contiguous();
  AT_DISPATCH_FLOATING_TYPES(input_in.scalar_type(), "roi_align_forward", [&] {
    const scalar_t* r = rois.data_ptr<scalar_t>();
    const bool stored_channels_last =
        input_in.is_contiguous(at::MemoryFormat::ChannelsLast) && !input_in.is_contiguous();
    if (use_channels_last(input_in.sizes(), stored_channels_last, r, k, p))
      forward_channels_last<scalar_t>(input_in, r, k, p, out.data_ptr<scalar_t>());
    else
      forward_planar<scalar_t>(input_in.contiguous(), r, k, p, out.data_ptr<scalar_t>());
  });
  return out;
}

at::Tensor roi_align_backward(const at::Tensor& grad, const at::Tensor& rois_in, const RoIAlignParams& p,
                              at::IntArrayRef sizes) {
  TORCH_CHECK(sizes.size() == 4, "roi_align_backward: input sizes must have 4 elements");
  TORCH_CHECK(grad.dim() == 4 && grad.size(0) == rois_in.size(0) && grad.size(1) == sizes[1] &&
                  grad.size(2) == p.pooled_height && grad.size(3) == p.pooled_width,
              "roi_align_backward: grad_output must have shape [", rois_in.size(0), ", ", sizes[1], ", ",
              p.pooled_height, ", ", p.pooled_width, "], got ", grad.sizes());
  const int64_t k = rois_in.size(0);
  if (grad.numel() == 0 || k == 0) return at::zeros(sizes, grad.options());
  const at::Tensor rois = rois_in.contiguous();
  at::Tensor result;
  AT_DISPATCH_FLOATING_TYPES(grad.scalar_type(), "roi_align_backward", [&] {
    const scalar_t* r = rois.data_ptr<scalar_t>();
    if (use_channels_last(sizes, /*stored_channels_last=*/false, r, k, p)) {
      result = backward_channels_last<scalar_t>(grad, r, k, p, sizes);
    } else {
      result = at::zeros(sizes, grad.options());
      backward_planar<scalar_t>(grad, r, k, p, result);
    }
  });
  return result;
}

}  // namespace mro
