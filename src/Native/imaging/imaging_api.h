// C ABI of libMaskRcnnImaging: PNG and JPEG decoding, PNG encoding and image resizing through
// libpng and libjpeg-turbo. No libtorch. Mirrored by src/Microsoft.ML.MaskRcnn/Imaging/ImagingNative.cs.
//
// Conventions
//   - Every function returns IMG_OK (0) or a negative IMG_ERROR_* status. After a failure
//     img_last_error() returns a message for the calling thread (without the path: the caller
//     knows it). Nothing throws or aborts across this boundary.
//   - Strings are NUL-terminated UTF-8. Pixel buffers are interleaved, row-major, tightly
//     packed (H x W x C samples); 16-bit samples are in host (little-endian) order.
//   - Decoding is two calls so that pixels go straight into a buffer the caller owns:
//     img_probe_* reads only the header and reports the size a decode in a given mode and
//     depth will produce; img_decode_* then fills a buffer of exactly that size.
//   - All functions are reentrant and may be called from several threads at once.
#pragma once

#include <stdint.h>

#if defined(__GNUC__)
#define IMG_API __attribute__((visibility("default")))
#else
#define IMG_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define IMG_ABI_VERSION 1

// Status codes.
#define IMG_OK 0
#define IMG_ERROR_CORRUPT (-1)      // corrupt or truncated data, or an invalid argument
#define IMG_ERROR_NOT_FOUND (-2)    // the file cannot be opened
#define IMG_ERROR_UNSUPPORTED (-3)  // neither PNG nor JPEG, or a variant we do not decode (CMYK JPEG)
#define IMG_ERROR_TOO_LARGE (-4)    // width x height exceeds the caller's pixel limit

// File formats.
#define IMG_FORMAT_PNG 1
#define IMG_FORMAT_JPEG 2

// Decode modes: the channel layout of the output.
//   UNCHANGED: samples as stored. Gray 1 channel, gray+alpha 2, RGB 3, RGBA 4; palette images
//              give their palette indices (1 channel, as PIL's mode "P"); gray or palette samples
//              of 1, 2 or 4 bits are unpacked to one byte each WITHOUT scaling, so instance-id
//              masks keep their ids. Transparency chunks (tRNS) are ignored.
//   GRAY:      1 channel. Colour is converted with PIL's luminance L = (19595 R + 38470 G +
//              7471 B + 32768) >> 16; alpha is dropped; low-bit gray is scaled to 8 bits.
//   RGB:       3 channels. Gray is replicated, palettes are expanded, alpha is dropped.
//   RGBA:      4 channels. Missing alpha is opaque; tRNS becomes alpha.
#define IMG_MODE_UNCHANGED 0
#define IMG_MODE_GRAY 1
#define IMG_MODE_RGB 3
#define IMG_MODE_RGBA 4

// Output depth: IMG_DEPTH_STORED keeps 16-bit PNG samples 16-bit and gives 8 bits otherwise;
// 8 takes the high byte of 16-bit samples (as PIL does); 16 widens 8-bit samples by v * 257.
#define IMG_DEPTH_STORED 0

// Resize interpolation (both follow torch.nn.functional.interpolate, align_corners=False):
//   NEAREST:  src = min(floor(dst * (float)(in / out)), in - 1), computed in float as PyTorch.
//   BILINEAR: src = max((dst + 0.5) * in / out - 0.5, 0), two-tap linear weights per axis,
//             computed in double (PyTorch's float64 result, rounded once: float32 outputs may
//             differ from PyTorch's float32 arithmetic by a few ulps); integer outputs are
//             rounded half up and clamped.
#define IMG_INTERP_NEAREST 0
#define IMG_INTERP_BILINEAR 1

// Sample types of img_resize buffers.
#define IMG_SAMPLE_U8 0
#define IMG_SAMPLE_U16 1
#define IMG_SAMPLE_F32 2

typedef struct img_info {
  int32_t format;            // IMG_FORMAT_*
  int32_t width;
  int32_t height;
  int32_t stored_channels;   // channels in the file (palette: 1)
  int32_t stored_bit_depth;  // bits per stored sample: 1, 2, 4, 8 or 16
  int32_t is_palette;        // 1 for palette (indexed-colour) PNGs
  int32_t channels;          // channels a decode with the requested mode produces
  int32_t bit_depth;         // 8 or 16: bits per sample a decode with the requested depth produces
  int64_t byte_size;         // width * height * channels * bit_depth / 8
} img_info;

// The message of the calling thread's last failure ("" if none).
IMG_API const char* img_last_error(void);

// IMG_ABI_VERSION of the library; the managed side checks it once.
IMG_API int32_t img_abi_version(void);

// Reads only the header of a PNG or JPEG file or buffer. mode: IMG_MODE_*, depth: 0, 8 or 16.
IMG_API int32_t img_probe_file(const char* path, int32_t mode, int32_t depth, img_info* info);
IMG_API int32_t img_probe_memory(const uint8_t* data, int64_t length, int32_t mode, int32_t depth, img_info* info);

// Decodes into out (out_size bytes, which must equal the probed byte_size). Refuses, before any
// pixel is decoded, an image of more than max_pixels pixels (max_pixels <= 0: no limit).
// info (may be null) receives the same description as a probe.
IMG_API int32_t img_decode_file(const char* path, int32_t mode, int32_t depth, int64_t max_pixels,
                        uint8_t* out, int64_t out_size, img_info* info);
IMG_API int32_t img_decode_memory(const uint8_t* data, int64_t length, int32_t mode, int32_t depth, int64_t max_pixels,
                          uint8_t* out, int64_t out_size, img_info* info);

// Encodes interleaved pixels (channels 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA; bit_depth 8 or 16)
// as PNG. compression_level: 0 (none) to 9 (smallest), -1 for zlib's default.
IMG_API int32_t img_encode_png_file(const char* path, const uint8_t* pixels, int32_t width, int32_t height,
                            int32_t channels, int32_t bit_depth, int32_t compression_level);
// The same into a buffer allocated by the library: free *out_data with img_free.
IMG_API int32_t img_encode_png_memory(const uint8_t* pixels, int32_t width, int32_t height, int32_t channels,
                              int32_t bit_depth, int32_t compression_level, uint8_t** out_data, int64_t* out_length);
IMG_API void img_free(void* data);

// Resizes an interleaved H x W x C image of IMG_SAMPLE_* samples into dst (dst_h x dst_w x C).
IMG_API int32_t img_resize(const void* src, int32_t src_width, int32_t src_height, int32_t channels, int32_t sample_type,
                   void* dst, int32_t dst_width, int32_t dst_height, int32_t interpolation);

#ifdef __cplusplus
}
#endif
