// libFuzzer harness: mro_roi_align_forward_f32/f64 and mro_roi_align_backward_f32/f64 (libMaskRcnnOps's C ABI).
//
// The input chooses the entry point, the sizes (zero, negative, huge), spatial_scale (NaN, infinities, zero, negative,
// huge), sampling_ratio (any int64), aligned, num_threads and the boxes (NaN, infinite, huge and negative coordinates,
// batch indices in and out of range). Oracle, besides the sanitizers:
//   - arguments the ABI documents as invalid (negative sizes, pooled sizes <= 0, a bad spatial_scale, a size that does
//     not fit in int64, a batch index outside [0, N), a call over the work limits) must return an error status;
//   - valid calls must return MRO_OK.
// Buffers are the caller's: the harness sizes them exactly from the arguments it passes, and skips valid calls whose
// buffers or work would not fit one fast execution (legitimate but slow: not what a fuzzer should spend time on).
#include <algorithm>
#include <cstring>
#include <vector>

#include "fuzz_common.h"
#include "roi_align_sampling.h"  // the product's own sample geometry: to size each call's work

extern "C" {
int32_t mro_roi_align_forward_f32(const float*, int64_t, int64_t, int64_t, int64_t, const float*, int64_t, double,
                                  int64_t, int64_t, int64_t, bool, float*, int32_t);
int32_t mro_roi_align_forward_f64(const double*, int64_t, int64_t, int64_t, int64_t, const double*, int64_t, double,
                                  int64_t, int64_t, int64_t, bool, double*, int32_t);
int32_t mro_roi_align_backward_f32(const float*, const float*, int64_t, double, int64_t, int64_t, int64_t, bool, int64_t,
                                   int64_t, int64_t, int64_t, float*, int32_t);
int32_t mro_roi_align_backward_f64(const double*, const double*, int64_t, double, int64_t, int64_t, int64_t, bool,
                                   int64_t, int64_t, int64_t, int64_t, double*, int32_t);
}

namespace {

const char* const kNames[] = {"mro_roi_align_forward_f32", "mro_roi_align_forward_f64", "mro_roi_align_backward_f32",
                              "mro_roi_align_backward_f64"};
fuzz::CallCounter calls(kNames, 4);

constexpr int64_t kMaxElements = 1 << 16;  // per buffer, so that one execution stays in milliseconds
// Samples x channels + tables, per execution. 2^16 rather than 2^22: replaying the saved corpus with each bound reached
// the same coverage (cov 1066 against 1069 edges) in a sixth of the time, since large calls repeat the small ones' paths.
constexpr double kMaxWork = 1 << 16;

int32_t call(const float* in, const float* rois, float* out, int64_t n, int64_t c, int64_t h, int64_t w, int64_t k,
             const mro::RoIAlignParams& p, bool backward, int32_t threads) {
  return backward ? mro_roi_align_backward_f32(in, rois, k, p.spatial_scale, p.pooled_height, p.pooled_width,
                                               p.sampling_ratio, p.aligned, n, c, h, w, out, threads)
                  : mro_roi_align_forward_f32(in, n, c, h, w, rois, k, p.spatial_scale, p.pooled_height,
                                              p.pooled_width, p.sampling_ratio, p.aligned, out, threads);
}

int32_t call(const double* in, const double* rois, double* out, int64_t n, int64_t c, int64_t h, int64_t w, int64_t k,
             const mro::RoIAlignParams& p, bool backward, int32_t threads) {
  return backward ? mro_roi_align_backward_f64(in, rois, k, p.spatial_scale, p.pooled_height, p.pooled_width,
                                               p.sampling_ratio, p.aligned, n, c, h, w, out, threads)
                  : mro_roi_align_forward_f64(in, n, c, h, w, rois, k, p.spatial_scale, p.pooled_height,
                                              p.pooled_width, p.sampling_ratio, p.aligned, out, threads);
}

int64_t sampling_ratio_arg(FuzzedDataProvider& fdp) {
  switch (fdp.ConsumeIntegralInRange<int>(0, 7)) {
    case 0: return fdp.ConsumeIntegral<int64_t>();
    case 1: return fdp.ConsumeIntegralInRange<int64_t>(-100000, 100000);
    default: return fdp.ConsumeIntegralInRange<int64_t>(-2, 6);
  }
}

template <typename T>
void run(FuzzedDataProvider& fdp, bool backward) {
  const int64_t n = fuzz::size_arg(fdp, 3), c = fuzz::size_arg(fdp, 40), h = fuzz::size_arg(fdp, 40),
                w = fuzz::size_arg(fdp, 40), k = fuzz::size_arg(fdp, 12);
  mro::RoIAlignParams p;
  p.pooled_height = fuzz::size_arg(fdp, 9);
  p.pooled_width = fuzz::size_arg(fdp, 9);
  p.sampling_ratio = sampling_ratio_arg(fdp);
  p.aligned = fdp.ConsumeBool();
  p.spatial_scale = fuzz::value_arg<double>(fdp, -0.5, 2.0);
  const int32_t threads = fdp.ConsumeIntegralInRange<int32_t>(1, 4);

  const __int128 map = fuzz::product({n, c, h, w});
  const __int128 out = fuzz::product({k, c, p.pooled_height, p.pooled_width});
  bool invalid = n < 0 || c < 0 || h < 0 || w < 0 || k < 0 || p.pooled_height <= 0 || p.pooled_width <= 0 ||
                 !(std::isfinite(p.spatial_scale) && p.spatial_scale > 0) || map > fuzz::kInt64Max ||
                 out > fuzz::kInt64Max || fuzz::product({k, 5}) > fuzz::kInt64Max ||
                 fuzz::product({h, w}) >= std::numeric_limits<int32_t>::max();

  // Boxes: only when the harness can hold them; an invalid call with many boxes gets a one-row buffer, which the ABI
  // must not read past (it refuses the sizes before it looks at any box).
  const bool boxes_fit = k >= 0 && k <= 64;
  if (!boxes_fit && !invalid) return;
  std::vector<T> rois(boxes_fit ? std::max<int64_t>(5 * k, 5) : 5, static_cast<T>(0));
  for (int64_t r = 0; boxes_fit && r < k; ++r) {
    T* row = &rois[5 * r];
    row[0] = fdp.ConsumeIntegralInRange<int>(0, 7) == 0 ? fuzz::value_arg<T>(fdp, -2, 4)
                                                        : static_cast<T>(fdp.ConsumeIntegralInRange<int64_t>(-1, 3));
    for (int i = 1; i < 5; ++i) row[i] = fuzz::value_arg<T>(fdp, static_cast<T>(-20), static_cast<T>(60));
  }

  if (!invalid) {
    // The product's limits and the harness's budget, from the product's own geometry.
    double work = static_cast<double>(map), samples = 0;
    bool over_limit = false;
    for (int64_t r = 0; r < k; ++r) {
      const T b = rois[5 * r];
      if (!(b >= 0 && b < static_cast<T>(n))) {  // refused before its geometry is looked at
        invalid = true;
        break;
      }
      const mro::detail::Roi<T> roi = mro::detail::make_roi(&rois[5 * r], p);
      const double rows = static_cast<double>(p.pooled_height) * static_cast<double>(roi.grid_h);
      const double cols = static_cast<double>(p.pooled_width) * static_cast<double>(roi.grid_w);
      if (rows > mro::kMaxAxisSamples || cols > mro::kMaxAxisSamples) over_limit = true;
      samples += rows * cols;
      work += rows + cols + rows * cols * static_cast<double>(std::max<int64_t>(c, 1));
    }
    if (samples > mro::kMaxSamples) over_limit = true;
    invalid = invalid || over_limit;
    if (!invalid && (work > kMaxWork || map > kMaxElements || out > kMaxElements)) return;  // valid but too slow
  }

  // Exact buffers for a valid call; one-element buffers (never null) for an invalid one, which must be refused.
  const int64_t in_count = invalid ? 1 : static_cast<int64_t>(backward ? out : map);
  const int64_t out_count = invalid ? 1 : static_cast<int64_t>(backward ? map : out);
  std::vector<T> input(std::max<int64_t>(in_count, 1));
  for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<T>(static_cast<int64_t>(i * 7919 % 101) - 50);
  for (int i = 0; i < 4 && fdp.remaining_bytes() > 0; ++i)
    input[fdp.ConsumeIntegralInRange<size_t>(0, input.size() - 1)] = fuzz::value_arg<T>(fdp, -1e3, 1e3);
  std::vector<T> output(std::max<int64_t>(out_count, 1));

  const int32_t status = call(input.data(), rois.data(), output.data(), n, c, h, w, k, p, backward, threads);
  if (invalid && status == 0) fuzz::broken("roi_align accepted invalid arguments");
  if (!invalid && status != 0) fuzz::broken("roi_align refused valid arguments");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider fdp(data, size);
  const int entry = calls.choose(fdp.ConsumeIntegralInRange<int>(0, 3));
  calls.hit(entry);
  if (entry % 2 == 0)
    run<float>(fdp, entry >= 2);
  else
    run<double>(fdp, entry >= 2);
  return 0;
}
