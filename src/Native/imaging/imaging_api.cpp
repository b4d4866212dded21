// Exported entry points of libMaskRcnnImaging: format sniffing, probing, decoding dispatch and the shared byte source
// (pixel conversion: pixel_convert.cpp). Every entry point runs inside native_guard.
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "imaging_internal.h"
#include "native_guard.h"

namespace imaging {

ByteSource ByteSource::memory(const uint8_t* data, int64_t length) {
  if (data == nullptr && length != 0) fail(IMG_ERROR_CORRUPT, "the data pointer is null");
  if (length < 0) fail(IMG_ERROR_CORRUPT, "the data length is negative");
  return ByteSource(nullptr, data, static_cast<size_t>(length));
}

ByteSource ByteSource::file(const char* path) {
  if (path == nullptr) fail(IMG_ERROR_CORRUPT, "the path is null");
  std::FILE* f = std::fopen(path, "rb");
  if (f == nullptr) {
    int error = errno;
    fail(IMG_ERROR_NOT_FOUND, error == ENOENT ? std::string("the file does not exist")
                                              : std::string("cannot open the file: ") + std::strerror(error));
  }
  return ByteSource(f, nullptr, 0);
}

ByteSource::ByteSource(ByteSource&& other) noexcept
    : file_(other.file_), data_(other.data_), length_(other.length_), position_(other.position_) {
  other.file_ = nullptr;
}

ByteSource::~ByteSource() {
  if (file_ != nullptr) std::fclose(file_);
}

size_t ByteSource::read(void* out, size_t length) noexcept {
  if (file_ != nullptr) return std::fread(out, 1, length, file_);
  size_t n = length_ - position_ < length ? length_ - position_ : length;
  if (n > 0) std::memcpy(out, data_ + position_, n);
  position_ += n;
  return n;
}

size_t ByteSource::next_chunk(const uint8_t** chunk, uint8_t* scratch, size_t capacity) noexcept {
  if (file_ != nullptr) {
    *chunk = scratch;
    return std::fread(scratch, 1, capacity, file_);
  }
  *chunk = data_ + position_;
  size_t n = length_ - position_;
  position_ = length_;
  return n;
}

size_t ByteSource::peek(uint8_t* out, size_t length) noexcept {
  if (file_ == nullptr) {
    size_t n = length_ < length ? length_ : length;
    if (n > 0) std::memcpy(out, data_, n);
    return n;
  }
  size_t n = std::fread(out, 1, length, file_);
  std::rewind(file_);
  return n;
}

void describe_output(img_info* info, int32_t mode, int32_t depth) {
  switch (mode) {
    case IMG_MODE_UNCHANGED: info->channels = info->stored_channels; break;
    case IMG_MODE_GRAY: info->channels = 1; break;
    case IMG_MODE_RGB: info->channels = 3; break;
    case IMG_MODE_RGBA: info->channels = 4; break;
    default: fail(IMG_ERROR_CORRUPT, "invalid decode mode " + std::to_string(mode));
  }
  if (depth == IMG_DEPTH_STORED) info->bit_depth = info->stored_bit_depth == 16 ? 16 : 8;
  else if (depth == 8 || depth == 16) info->bit_depth = depth;
  else fail(IMG_ERROR_CORRUPT, "invalid output depth " + std::to_string(depth) + " (0, 8 or 16)");
  info->byte_size = static_cast<int64_t>(info->width) * info->height * info->channels * (info->bit_depth / 8);
}

void check_pixel_limit(const img_info& info, int64_t max_pixels) {
  int64_t pixels = static_cast<int64_t>(info.width) * info.height;
  if (max_pixels > 0 && pixels > max_pixels)
    fail(IMG_ERROR_TOO_LARGE, "the image declares " + std::to_string(info.width) + " x " + std::to_string(info.height) +
                                  " = " + std::to_string(pixels) + " pixels, more than the limit of " +
                                  std::to_string(max_pixels) + " (a decompression bomb?)");
}

void check_output_buffer(const img_info& info, const DecodeRequest& request) {
  if (request.out_size != info.byte_size)
    fail(IMG_ERROR_CORRUPT, "the output buffer has " + std::to_string(request.out_size) + " bytes but the image needs " +
                                std::to_string(info.byte_size) + " (did the file change since it was probed?)");
}

namespace {

// Recognises PNG and JPEG by signature and names a few other formats in the error.
int32_t sniff_format(ByteSource& source) {
  uint8_t head[12] = {0};
  size_t n = source.peek(head, sizeof head);
  static const uint8_t png_signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  if (n == 0) fail(IMG_ERROR_CORRUPT, "the file is empty");
  if (std::memcmp(head, png_signature, n < 8 ? n : 8) == 0) {
    if (n < 8) fail(IMG_ERROR_CORRUPT, "the PNG signature is truncated");
    return IMG_FORMAT_PNG;
  }
  if (n >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF) return IMG_FORMAT_JPEG;
  const char* other = nullptr;
  if (n >= 6 && (std::memcmp(head, "GIF87a", 6) == 0 || std::memcmp(head, "GIF89a", 6) == 0)) other = "GIF";
  else if (n >= 2 && head[0] == 'B' && head[1] == 'M') other = "BMP";
  else if (n >= 12 && std::memcmp(head, "RIFF", 4) == 0 && std::memcmp(head + 8, "WEBP", 4) == 0) other = "WebP";
  else if (n >= 4 && (std::memcmp(head, "II*\0", 4) == 0 || std::memcmp(head, "MM\0*", 4) == 0)) other = "TIFF";
  fail(IMG_ERROR_UNSUPPORTED, other ? std::string("unsupported image format (") + other + "); PNG and JPEG are supported"
                                    : std::string("not a PNG or JPEG image (unknown signature)"));
}

void decode(ByteSource& source, const DecodeRequest& request, img_info* info) {
  img_info local{};
  img_info* target = info != nullptr ? info : &local;
  *target = img_info{};
  int32_t format = sniff_format(source);
  target->format = format;
  if (format == IMG_FORMAT_PNG) png_decode(source, request, target);
  else jpeg_decode(source, request, target);
}

// Runs body inside native_guard and returns IMG_OK or the IMG_ERROR_* status of the failure.
template <class Body>
int32_t guarded(Body&& body) noexcept {
  int32_t status = IMG_ERROR_CORRUPT;
  int rc = native_guard::run([&] {
    try {
      body();
    } catch (const ImagingError& e) {
      status = e.status();
      throw;
    }
  });
  return rc == 0 ? IMG_OK : status;
}

}  // namespace
}  // namespace imaging

using imaging::ByteSource;
using imaging::DecodeRequest;

NATIVE_API const char* img_last_error(void) { return native_guard::last_error_storage().c_str(); }

NATIVE_API int32_t img_abi_version(void) { return IMG_ABI_VERSION; }

NATIVE_API int32_t img_probe_file(const char* path, int32_t mode, int32_t depth, img_info* info) {
  return imaging::guarded([&] {
    if (info == nullptr) imaging::fail(IMG_ERROR_CORRUPT, "info is null");
    ByteSource source = ByteSource::file(path);
    imaging::decode(source, DecodeRequest{mode, depth, 0, nullptr, 0}, info);
  });
}

NATIVE_API int32_t img_probe_memory(const uint8_t* data, int64_t length, int32_t mode, int32_t depth, img_info* info) {
  return imaging::guarded([&] {
    if (info == nullptr) imaging::fail(IMG_ERROR_CORRUPT, "info is null");
    ByteSource source = ByteSource::memory(data, length);
    imaging::decode(source, DecodeRequest{mode, depth, 0, nullptr, 0}, info);
  });
}

NATIVE_API int32_t img_decode_file(const char* path, int32_t mode, int32_t depth, int64_t max_pixels, uint8_t* out,
                                   int64_t out_size, img_info* info) {
  return imaging::guarded([&] {
    if (out == nullptr) imaging::fail(IMG_ERROR_CORRUPT, "the output buffer is null");
    ByteSource source = ByteSource::file(path);
    imaging::decode(source, DecodeRequest{mode, depth, max_pixels, out, out_size}, info);
  });
}

NATIVE_API int32_t img_decode_memory(const uint8_t* data, int64_t length, int32_t mode, int32_t depth,
                                     int64_t max_pixels, uint8_t* out, int64_t out_size, img_info* info) {
  return imaging::guarded([&] {
    if (out == nullptr) imaging::fail(IMG_ERROR_CORRUPT, "the output buffer is null");
    ByteSource source = ByteSource::memory(data, length);
    imaging::decode(source, DecodeRequest{mode, depth, max_pixels, out, out_size}, info);
  });
}

NATIVE_API int32_t img_encode_png_file(const char* path, const uint8_t* pixels, int32_t width, int32_t height,
                                       int32_t channels, int32_t bit_depth, int32_t compression_level) {
  return imaging::guarded([&] {
    if (path == nullptr) imaging::fail(IMG_ERROR_CORRUPT, "the path is null");
    imaging::png_encode(path, pixels, width, height, channels, bit_depth, compression_level, nullptr, nullptr);
  });
}

NATIVE_API int32_t img_encode_png_memory(const uint8_t* pixels, int32_t width, int32_t height, int32_t channels,
                                         int32_t bit_depth, int32_t compression_level, uint8_t** out_data,
                                         int64_t* out_length) {
  return imaging::guarded([&] {
    if (out_data == nullptr || out_length == nullptr) imaging::fail(IMG_ERROR_CORRUPT, "the output pointers are null");
    *out_data = nullptr;
    *out_length = 0;
    imaging::png_encode(nullptr, pixels, width, height, channels, bit_depth, compression_level, out_data, out_length);
  });
}

NATIVE_API void img_free(void* data) { std::free(data); }

NATIVE_API int32_t img_resize(const void* src, int32_t src_width, int32_t src_height, int32_t channels,
                              int32_t sample_type, void* dst, int32_t dst_width, int32_t dst_height,
                              int32_t interpolation) {
  return imaging::guarded([&] {
    imaging::resize(src, src_width, src_height, channels, sample_type, dst, dst_width, dst_height, interpolation);
  });
}
