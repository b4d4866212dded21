// libFuzzer harness: img_encode_png_memory and img_free, checked by a round trip through img_decode_memory.
//
// The input chooses width, height (zero, negative, INT32 extremes), channels and bit depth (documented and arbitrary),
// the compression level (-1..9 and arbitrary) and the pixels. Oracle, besides the sanitizers: invalid arguments are
// refused; a valid image encodes, and decoding it (stored mode and depth) gives back the same pixels.
#include <cstring>
#include <vector>

#include "fuzz_common.h"
#include "imaging_api.h"

namespace {

const char* const kNames[] = {"img_encode_png_memory"};
fuzz::CallCounter calls(kNames, 1);

constexpr int64_t kMaxBytes = 1 << 18;

int32_t dim(FuzzedDataProvider& fdp) {
  switch (fdp.ConsumeIntegralInRange<int>(0, 9)) {
    case 0: return 0;
    case 1: return -fdp.ConsumeIntegralInRange<int32_t>(1, 5);
    case 2: return fdp.ConsumeIntegral<int32_t>();
    case 3: return fdp.ConsumeIntegralInRange<int32_t>(1, 3000);
    default: return fdp.ConsumeIntegralInRange<int32_t>(1, 48);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider fdp(data, size);
  calls.hit(0);
  const int32_t w = dim(fdp), h = dim(fdp);
  const int32_t channels = fdp.ConsumeIntegralInRange<int>(0, 9) == 0 ? fdp.ConsumeIntegral<int32_t>()
                                                                       : fdp.ConsumeIntegralInRange<int32_t>(1, 4);
  const int32_t depth = fdp.ConsumeIntegralInRange<int>(0, 9) == 0 ? fdp.ConsumeIntegral<int32_t>()
                                                                    : (fdp.ConsumeBool() ? 16 : 8);
  const int32_t level = fdp.ConsumeIntegralInRange<int>(0, 9) == 0 ? fdp.ConsumeIntegral<int32_t>()
                                                                    : fdp.ConsumeIntegralInRange<int32_t>(-1, 9);
  const bool valid = w > 0 && h > 0 && channels >= 1 && channels <= 4 && (depth == 8 || depth == 16) && level >= -1 &&
                     level <= 9;
  const __int128 bytes = fuzz::product({w, h, channels, depth / 8});
  if (valid && bytes > kMaxBytes) return 0;  // legitimate, but too slow
  std::vector<uint8_t> pixels(valid ? static_cast<size_t>(bytes) : 8);
  const std::vector<uint8_t> pattern = fdp.ConsumeRemainingBytes<uint8_t>();
  for (size_t i = 0; i < pixels.size(); ++i)
    pixels[i] = pattern.empty() ? static_cast<uint8_t>(i) : static_cast<uint8_t>(pattern[i % pattern.size()] + i / pattern.size());

  uint8_t* png = nullptr;
  int64_t length = -1;
  const int32_t status = img_encode_png_memory(pixels.data(), w, h, channels, depth, level, &png, &length);
  if (!valid) {
    if (status == IMG_OK) fuzz::broken("img_encode_png_memory accepted invalid arguments");
    if (png != nullptr) fuzz::broken("img_encode_png_memory returned a buffer with an error");
    return 0;
  }
  if (status != IMG_OK || png == nullptr || length <= 0) fuzz::broken("img_encode_png_memory refused a valid image");
  std::vector<uint8_t> back(pixels.size());
  img_info info{};
  const int32_t decoded = img_decode_memory(png, length, IMG_MODE_UNCHANGED, IMG_DEPTH_STORED, 0, back.data(),
                                            static_cast<int64_t>(back.size()), &info);
  img_free(png);
  if (decoded != IMG_OK || info.width != w || info.height != h || info.channels != channels ||
      info.bit_depth != depth || back != pixels)
    fuzz::broken("a PNG encoded by img_encode_png_memory does not decode to the same pixels");
  return 0;
}
