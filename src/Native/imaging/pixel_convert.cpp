// Pixel-format conversion of decoded rows (channels and bit depth), shared by the PNG and JPEG codecs. Kept apart
// from the entry points because it is the one per-pixel loop of the decoders: the fuzz harnesses compile it without
// comparison tracing (test/Fuzz/Native/CMakeLists.txt), which otherwise takes most of a decode's time.
#include <cstring>

#include "imaging_internal.h"

namespace imaging {

namespace {

inline uint32_t load(const uint8_t* p, int depth, int index) {
  if (depth == 8) return p[index];
  uint16_t v;
  std::memcpy(&v, p + 2 * index, 2);
  return v;
}

inline void store(uint8_t* p, int depth, int index, uint32_t v) {
  if (depth == 8) {
    p[index] = static_cast<uint8_t>(v);
  } else {
    uint16_t w = static_cast<uint16_t>(v);
    std::memcpy(p + 2 * index, &w, 2);
  }
}

// PIL's ITU-R 601-2 luma in 16.16 fixed point (Image.convert("L")).
inline uint32_t luminance(uint32_t r, uint32_t g, uint32_t b) {
  return static_cast<uint32_t>((19595ull * r + 38470ull * g + 7471ull * b + 0x8000ull) >> 16);
}

}  // namespace

void convert_row(const uint8_t* in, int in_channels, int in_depth, uint8_t* out, int out_channels, int out_depth,
                 int width) noexcept {
  const uint32_t opaque = out_depth == 16 ? 0xFFFFu : 0xFFu;
  for (int x = 0; x < width; ++x) {
    uint32_t s[4] = {0, 0, 0, 0};
    for (int c = 0; c < in_channels; ++c) {
      uint32_t v = load(in, in_depth, x * in_channels + c);
      if (in_depth == 16 && out_depth == 8) v >>= 8;
      else if (in_depth == 8 && out_depth == 16) v *= 257u;
      s[c] = v;
    }
    const bool color = in_channels >= 3;
    const uint32_t r = s[0], g = color ? s[1] : s[0], b = color ? s[2] : s[0];
    const uint32_t a = in_channels == 2 ? s[1] : in_channels == 4 ? s[3] : opaque;
    const int o = x * out_channels;
    switch (out_channels) {
      case 1: store(out, out_depth, o, color ? luminance(r, g, b) : r); break;
      case 2:
        store(out, out_depth, o, color ? luminance(r, g, b) : r);
        store(out, out_depth, o + 1, a);
        break;
      case 3:
        store(out, out_depth, o, r);
        store(out, out_depth, o + 1, g);
        store(out, out_depth, o + 2, b);
        break;
      default:
        store(out, out_depth, o, r);
        store(out, out_depth, o + 1, g);
        store(out, out_depth, o + 2, b);
        store(out, out_depth, o + 3, a);
        break;
    }
  }
}

}  // namespace imaging
