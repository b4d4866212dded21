// Internals shared by the codec sources of libMaskRcnnImaging (not part of the ABI).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "imaging_api.h"

namespace imaging {

// A failure with an IMG_ERROR_* status. native_guard records what(); the entry point returns status().
class ImagingError : public std::runtime_error {
 public:
  ImagingError(int32_t status, const std::string& message) : std::runtime_error(message), status_(status) {}
  int32_t status() const noexcept { return status_; }

 private:
  int32_t status_;
};

[[noreturn]] inline void fail(int32_t status, const std::string& message) { throw ImagingError(status, message); }

// Encoded bytes from an open file or from memory. Reading never throws: it reports how many
// bytes came, so that it can be called from libpng/libjpeg callbacks.
class ByteSource {
 public:
  static ByteSource memory(const uint8_t* data, int64_t length);
  // Opens path for reading; fails with IMG_ERROR_NOT_FOUND if it cannot be opened.
  static ByteSource file(const char* path);

  ByteSource(ByteSource&& other) noexcept;
  ByteSource(const ByteSource&) = delete;
  ByteSource& operator=(const ByteSource&) = delete;
  ByteSource& operator=(ByteSource&&) = delete;
  ~ByteSource();

  // Copies up to length bytes into out; returns the number copied (0 at the end or on error).
  size_t read(void* out, size_t length) noexcept;
  // The next chunk without copying where possible: memory sources return the rest of the buffer;
  // file sources fill scratch. Returns the chunk length (0 at the end).
  size_t next_chunk(const uint8_t** chunk, uint8_t* scratch, size_t capacity) noexcept;
  // Reads up to length bytes from the start and rewinds, to sniff the format.
  size_t peek(uint8_t* out, size_t length) noexcept;

 private:
  ByteSource(std::FILE* file, const uint8_t* data, size_t length) : file_(file), data_(data), length_(length) {}
  std::FILE* file_;
  const uint8_t* data_;
  size_t length_;
  size_t position_ = 0;
};

// What a decode must produce and where.
struct DecodeRequest {
  int32_t mode;
  int32_t depth;
  int64_t max_pixels;
  uint8_t* out;      // null for a probe
  int64_t out_size;
};

// Completes info's output fields (channels, bit_depth, byte_size) from its stored fields and the request.
void describe_output(img_info* info, int32_t mode, int32_t depth);

// Fails with IMG_ERROR_TOO_LARGE when width x height exceeds the limit (<= 0: none).
void check_pixel_limit(const img_info& info, int64_t max_pixels);

// Fails unless the caller's buffer has exactly the size the decode produces.
void check_output_buffer(const img_info& info, const DecodeRequest& request);

// Converts one row of width pixels from (in_channels, in_depth) to (out_channels, out_depth).
// Channel meaning: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA. Depth is changed first (16 -> 8 keeps
// the high byte, 8 -> 16 multiplies by 257), then channels (colour -> gray with PIL's luminance).
void convert_row(const uint8_t* in, int in_channels, int in_depth, uint8_t* out, int out_channels, int out_depth,
                 int width) noexcept;

// Codec entry points: fill info's stored fields; decode pixels unless request.out is null.
void png_decode(ByteSource& source, const DecodeRequest& request, img_info* info);
void jpeg_decode(ByteSource& source, const DecodeRequest& request, img_info* info);

// PNG encoding to a file (path) or to a malloc'ed buffer (*out_data, *out_length).
void png_encode(const char* path, const uint8_t* pixels, int32_t width, int32_t height, int32_t channels,
                int32_t bit_depth, int32_t compression_level, uint8_t** out_data, int64_t* out_length);

void resize(const void* src, int32_t src_width, int32_t src_height, int32_t channels, int32_t sample_type, void* dst,
            int32_t dst_width, int32_t dst_height, int32_t interpolation);

}  // namespace imaging
