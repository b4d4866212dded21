// libFuzzer harness: img_resize (libMaskRcnnImaging's C ABI), every sample type and interpolation.
//
// The input chooses the sizes (zero, negative, INT32 extremes), channels, sample type and interpolation (documented and
// arbitrary values) and the pixels (for float samples NaN and infinities too). Oracle, besides the sanitizers:
// non-positive sizes or channels, unknown sample types or interpolations are refused; valid calls succeed; nearest
// and bilinear outputs of integer samples stay within the input's range.
#include <algorithm>
#include <cstring>
#include <vector>

#include "fuzz_common.h"
#include "imaging_api.h"

namespace {

const char* const kNames[] = {"img_resize"};
fuzz::CallCounter calls(kNames, 1);

constexpr int64_t kMaxSamples = 1 << 18;  // per buffer: one execution stays in milliseconds

int32_t dim(FuzzedDataProvider& fdp, int32_t small_max) {
  switch (fdp.ConsumeIntegralInRange<int>(0, 11)) {
    case 0: return 0;
    case 1: return -fdp.ConsumeIntegralInRange<int32_t>(1, 5);
    case 2: return fdp.ConsumeIntegral<int32_t>();
    case 3: return fdp.ConsumeIntegralInRange<int32_t>(1, 2000);  // long thin images
    default: return fdp.ConsumeIntegralInRange<int32_t>(1, small_max);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider fdp(data, size);
  calls.hit(0);
  const int32_t sw = dim(fdp, 40), sh = dim(fdp, 40), dw = dim(fdp, 40), dh = dim(fdp, 40);
  const int32_t channels = fdp.ConsumeIntegralInRange<int>(0, 9) == 0 ? fdp.ConsumeIntegral<int32_t>()
                                                                       : fdp.ConsumeIntegralInRange<int32_t>(1, 4);
  const int32_t type = fdp.ConsumeIntegralInRange<int>(0, 9) == 0 ? fdp.ConsumeIntegral<int32_t>()
                                                                   : fdp.ConsumeIntegralInRange<int32_t>(0, 2);
  const int32_t interp = fdp.ConsumeIntegralInRange<int>(0, 9) == 0 ? fdp.ConsumeIntegral<int32_t>()
                                                                     : fdp.ConsumeIntegralInRange<int32_t>(0, 1);
  const bool valid = sw > 0 && sh > 0 && dw > 0 && dh > 0 && channels > 0 && type >= 0 && type <= 2 &&
                     (interp == 0 || interp == 1);
  const __int128 src_samples = fuzz::product({sw, sh, channels}), dst_samples = fuzz::product({dw, dh, channels});
  if (valid && (src_samples > kMaxSamples || dst_samples > kMaxSamples)) return 0;  // legitimate, but too slow
  const size_t bytes = type == 2 ? 4 : type == 1 ? 2 : 1;
  // Exact buffers for a valid call, a few bytes (never null) for an invalid one, which must be refused untouched.
  std::vector<uint8_t> src(valid ? static_cast<size_t>(src_samples) * bytes : 8);
  std::vector<uint8_t> dst(valid ? static_cast<size_t>(dst_samples) * bytes : 8);
  // Pixels: the input's bytes repeated; float samples also get special values.
  const std::vector<uint8_t> pattern = fdp.ConsumeBytes<uint8_t>(256);
  for (size_t i = 0; i < src.size(); ++i) src[i] = pattern.empty() ? static_cast<uint8_t>(i * 31) : pattern[i % pattern.size()];
  if (type == 2 && valid) {
    float* f = reinterpret_cast<float*>(src.data());
    const size_t n = src.size() / 4;
    for (size_t i = 0; i < n; ++i)
      if (!std::isfinite(f[i]) || std::fabs(f[i]) > 1e30f) f[i] = static_cast<float>(i % 7);  // most ordinary
    for (int e = 0; e < 4 && fdp.remaining_bytes() > 0; ++e)
      f[fdp.ConsumeIntegralInRange<size_t>(0, n - 1)] = fuzz::value_arg<float>(fdp, -1e3f, 1e3f);
  }
  const int32_t status = img_resize(src.data(), sw, sh, channels, type, dst.data(), dw, dh, interp);
  if (!valid) {
    if (status == IMG_OK) fuzz::broken("img_resize accepted invalid arguments");
    return 0;
  }
  if (status != IMG_OK) fuzz::broken("img_resize refused valid arguments");
  if (type == 0) {  // interpolation never leaves the input's range
    const auto [lo, hi] = std::minmax_element(src.begin(), src.end());
    for (uint8_t v : dst)
      if (v < *lo || v > *hi) fuzz::broken("img_resize produced a sample outside the input's range");
  }
  return 0;
}
