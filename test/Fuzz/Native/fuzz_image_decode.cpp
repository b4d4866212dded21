// libFuzzer harness: img_probe_memory and img_decode_memory (libMaskRcnnImaging's C ABI) on PNG and JPEG bytes.
//
// The input's last bytes choose the entry point, mode (the four documented ones and arbitrary values), depth (0, 8, 16,
// arbitrary), max_pixels (none, negative, small, arbitrary) and whether the output buffer is given its exact size or a
// wrong one; the rest is the file. Oracle, besides the sanitizers: an invalid mode or depth is refused; a decode whose
// buffer size differs from the probed byte_size is refused; a decode over max_pixels is refused with
// IMG_ERROR_TOO_LARGE; a successful decode describes the image as the probe did.
#include <cstring>
#include <vector>

#include "fuzz_common.h"
#include "imaging_api.h"

namespace {

const char* const kNames[] = {"img_probe_memory", "img_decode_memory"};
fuzz::CallCounter calls(kNames, 2);

// A decode above this is legitimate but too slow for fuzzing: a 7.2-megapixel JPEG of 231 bytes took 1.3 s under the
// sanitizers on an idle core, and 12 s (a libFuzzer timeout) at nice 19 beside a benchmark, with a 64 MiB limit.
constexpr int64_t kMaxOutputBytes = 8 << 20;

bool same(const img_info& a, const img_info& b) {
  return a.format == b.format && a.width == b.width && a.height == b.height && a.stored_channels == b.stored_channels &&
         a.stored_bit_depth == b.stored_bit_depth && a.is_palette == b.is_palette && a.channels == b.channels &&
         a.bit_depth == b.bit_depth && a.byte_size == b.byte_size;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider fdp(data, size);
  const bool decode = calls.choose(fdp.ConsumeBool() ? 1 : 0) == 1;  // entry 1: probe, then decode
  static const int32_t kModes[] = {IMG_MODE_UNCHANGED, IMG_MODE_GRAY, IMG_MODE_RGB, IMG_MODE_RGBA};
  const int32_t mode = fdp.ConsumeIntegralInRange<int>(0, 9) == 0 ? fdp.ConsumeIntegral<int32_t>()
                                                                   : kModes[fdp.ConsumeIntegralInRange<int>(0, 3)];
  static const int32_t kDepths[] = {IMG_DEPTH_STORED, 8, 16};
  const int32_t depth = fdp.ConsumeIntegralInRange<int>(0, 9) == 0 ? fdp.ConsumeIntegral<int32_t>()
                                                                    : kDepths[fdp.ConsumeIntegralInRange<int>(0, 2)];
  int64_t max_pixels;
  switch (fdp.ConsumeIntegralInRange<int>(0, 5)) {
    case 0: max_pixels = fdp.ConsumeIntegral<int64_t>(); break;
    case 1: max_pixels = fdp.ConsumeIntegralInRange<int64_t>(1, 4096); break;
    case 2: max_pixels = -1; break;
    default: max_pixels = 0; break;
  }
  const int size_error = fdp.ConsumeIntegralInRange<int>(0, 15) == 0 ? fdp.ConsumeIntegralInRange<int>(-3, 3) : 0;
  const std::vector<uint8_t> file = fdp.ConsumeRemainingBytes<uint8_t>();
  const bool valid_request = (mode == 0 || mode == 1 || mode == 3 || mode == 4) && (depth == 0 || depth == 8 || depth == 16);

  img_info probe{};
  // A null data pointer with length 0 is allowed: an empty file, refused as corrupt. Every execution probes.
  calls.hit(0);
  const int32_t probed = img_probe_memory(file.empty() ? nullptr : file.data(), static_cast<int64_t>(file.size()), mode,
                                          depth, &probe);
  if (!decode) {
    if (probed == IMG_OK && !valid_request) fuzz::broken("probe accepted an invalid mode or depth");
    if (probed == IMG_OK && (probe.width <= 0 || probe.height <= 0 || probe.byte_size <= 0))
      fuzz::broken("probe described an empty image");
    return 0;
  }
  // Without a successful probe the caller has no size: give a small buffer, which must not be overrun.
  const bool sized = probed == IMG_OK && probe.byte_size <= kMaxOutputBytes;
  if (probed == IMG_OK && !sized && (max_pixels <= 0 || static_cast<int64_t>(probe.width) * probe.height <= max_pixels))
    return 0;  // legitimate, but too large for one fast execution
  const int64_t out_size = (sized ? probe.byte_size : 16) + size_error;
  if (out_size <= 0) return 0;
  std::vector<uint8_t> out(static_cast<size_t>(out_size));
  img_info info{};
  calls.hit(1);
  const int32_t status = img_decode_memory(file.empty() ? nullptr : file.data(), static_cast<int64_t>(file.size()), mode,
                                           depth, max_pixels, out.data(), out_size, &info);
  if (status != IMG_OK) return 0;
  if (!valid_request) fuzz::broken("decode accepted an invalid mode or depth");
  if (probed != IMG_OK || !same(info, probe)) fuzz::broken("decode succeeded where the probe failed, or disagrees");
  if (out_size != probe.byte_size) fuzz::broken("decode accepted a buffer of the wrong size");
  if (max_pixels > 0 && static_cast<int64_t>(info.width) * info.height > max_pixels)
    fuzz::broken("decode ignored max_pixels");
  return 0;
}
