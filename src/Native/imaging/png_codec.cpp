// PNG decoding and encoding through libpng.
//
// libpng reports errors by longjmp. Each setjmp below sits in a function whose state after the
// jump lives behind a pointer to a job object owned by the caller (never in locals changed after
// setjmp), and no C++ object with a destructor is created between setjmp and a libpng call, so
// the jump skips no destructor. The caller turns a failed job into an ImagingError.
#include <png.h>

#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "imaging_internal.h"

namespace imaging {
namespace {

struct PngJob {
  std::jmp_buf jump;
  char message[256] = {0};
  png_structp png = nullptr;
  png_infop info = nullptr;
  bool writing = false;
  // Reading.
  ByteSource* source = nullptr;
  // Writing: a file, or a growing malloc'ed buffer.
  std::FILE* file = nullptr;
  uint8_t* buffer = nullptr;
  size_t buffer_length = 0;
  size_t buffer_capacity = 0;
  // Decoding scratch (only when libpng's output must still be converted).
  std::vector<uint8_t> scratch;
  std::vector<png_bytep> rows;

  ~PngJob() {
    if (png != nullptr) {
      if (writing) png_destroy_write_struct(&png, info != nullptr ? &info : nullptr);
      else png_destroy_read_struct(&png, info != nullptr ? &info : nullptr, nullptr);
    }
    std::free(buffer);
  }
};

void on_error(png_structp png, png_const_charp message) {
  auto* job = static_cast<PngJob*>(png_get_error_ptr(png));
  std::snprintf(job->message, sizeof job->message, "%s", message != nullptr ? message : "libpng error");
  std::longjmp(job->jump, 1);
}

void on_warning(png_structp, png_const_charp) {
  // Warnings (bad ancillary chunks, for example) do not make an image unusable.
}

void on_read(png_structp png, png_bytep data, png_size_t length) {
  auto* job = static_cast<PngJob*>(png_get_io_ptr(png));
  if (job->source->read(data, length) != length) png_error(png, "unexpected end of data (the file is truncated)");
}

void on_write(png_structp png, png_bytep data, png_size_t length) {
  auto* job = static_cast<PngJob*>(png_get_io_ptr(png));
  if (job->file != nullptr) {
    if (std::fwrite(data, 1, length, job->file) != length) png_error(png, "cannot write the file (disk full?)");
    return;
  }
  if (job->buffer_length + length > job->buffer_capacity) {
    size_t capacity = job->buffer_capacity < 4096 ? 4096 : job->buffer_capacity;
    while (capacity < job->buffer_length + length) capacity *= 2;
    void* grown = std::realloc(job->buffer, capacity);
    if (grown == nullptr) png_error(png, "out of memory");
    job->buffer = static_cast<uint8_t*>(grown);
    job->buffer_capacity = capacity;
  }
  std::memcpy(job->buffer + job->buffer_length, data, length);
  job->buffer_length += length;
}

void on_flush(png_structp png) {
  auto* job = static_cast<PngJob*>(png_get_io_ptr(png));
  if (job->file != nullptr) std::fflush(job->file);
}

// Sets libpng's transformations so that its rows come as close as it can to the requested
// layout. Returns true when the rows still need convert_row (colour -> gray, 8 -> 16 bits).
bool set_transformations(png_structp png, png_infop info, const img_info& out, int32_t mode) {
  const int color_type = png_get_color_type(png, info);
  const int bit_depth = png_get_bit_depth(png, info);
  const bool palette = color_type == PNG_COLOR_TYPE_PALETTE;
  const bool color = palette || (color_type & PNG_COLOR_MASK_COLOR) != 0;
  const bool trns = png_get_valid(png, info, PNG_INFO_tRNS) != 0;
  const bool alpha = (color_type & PNG_COLOR_MASK_ALPHA) != 0 || (trns && mode != IMG_MODE_UNCHANGED);
  bool convert = false;
  if (mode == IMG_MODE_UNCHANGED) {
    // One byte per sample, values kept: palette indices and low-bit ids stay what they are.
    if (bit_depth < 8) png_set_packing(png);
  } else {
    // Palette -> RGB, gray below 8 bits -> 8 bits (scaled), tRNS -> alpha.
    png_set_expand(png);
    if (mode == IMG_MODE_GRAY) {
      if (alpha) png_set_strip_alpha(png);
      convert = color;
    } else {
      if (!color) png_set_gray_to_rgb(png);
      if (mode == IMG_MODE_RGB && alpha) png_set_strip_alpha(png);
      if (mode == IMG_MODE_RGBA && !alpha) png_set_add_alpha(png, 0xFFFF, PNG_FILLER_AFTER);
    }
  }
  if (bit_depth == 16 && out.bit_depth == 8) png_set_strip_16(png);  // high byte, as PIL
  if (bit_depth == 16 && out.bit_depth == 16) png_set_swap(png);      // host (little-endian) order
  if (bit_depth < 16 && out.bit_depth == 16) convert = true;
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  const int channels = png_get_channels(png, info);
  const int depth = png_get_bit_depth(png, info) == 16 ? 16 : 8;
  return convert || channels != out.channels || depth != out.bit_depth;
}

// Reads the header into *result and, when job's request asks for it, the pixels.
// Returns false after a libpng error (message in job->message).
bool run_decode(PngJob* job, const DecodeRequest* request, img_info* result) {
  if (setjmp(job->jump)) return false;
  job->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, job, on_error, on_warning);
  if (job->png == nullptr) fail(IMG_ERROR_CORRUPT, "cannot create a PNG reader");
  job->info = png_create_info_struct(job->png);
  if (job->info == nullptr) fail(IMG_ERROR_CORRUPT, "cannot create a PNG reader");
  png_set_read_fn(job->png, job, on_read);
  // Our own pixel limit decides what is too large, with a clearer message than libpng's.
  png_set_user_limits(job->png, PNG_UINT_31_MAX, PNG_UINT_31_MAX);
  png_read_info(job->png, job->info);

  const int color_type = png_get_color_type(job->png, job->info);
  result->width = static_cast<int32_t>(png_get_image_width(job->png, job->info));
  result->height = static_cast<int32_t>(png_get_image_height(job->png, job->info));
  result->stored_bit_depth = png_get_bit_depth(job->png, job->info);
  result->is_palette = color_type == PNG_COLOR_TYPE_PALETTE ? 1 : 0;
  result->stored_channels = result->is_palette ? 1 : png_get_channels(job->png, job->info);
  describe_output(result, request->mode, request->depth);
  if (request->out == nullptr) return true;
  check_pixel_limit(*result, request->max_pixels);
  check_output_buffer(*result, *request);

  const bool convert = set_transformations(job->png, job->info, *result, request->mode);
  const size_t height = static_cast<size_t>(result->height);
  const size_t out_row = static_cast<size_t>(result->byte_size) / (height == 0 ? 1 : height);
  const size_t png_row = png_get_rowbytes(job->png, job->info);
  job->rows.resize(height);
  if (convert) {
    job->scratch.resize(png_row * height);
    for (size_t y = 0; y < height; ++y) job->rows[y] = job->scratch.data() + y * png_row;
  } else {
    if (png_row != out_row) fail(IMG_ERROR_CORRUPT, "internal error: unexpected PNG row size");
    for (size_t y = 0; y < height; ++y) job->rows[y] = request->out + y * out_row;
  }
  png_read_image(job->png, job->rows.data());
  if (convert) {
    const int channels = png_get_channels(job->png, job->info);
    const int depth = png_get_bit_depth(job->png, job->info) == 16 ? 16 : 8;
    for (size_t y = 0; y < height; ++y)
      convert_row(job->rows[y], channels, depth, request->out + y * out_row, result->channels, result->bit_depth,
                  result->width);
  }
  // The trailing chunks (png_read_end) are not read: a missing IEND does not spoil the pixels.
  return true;
}

bool run_encode(PngJob* job, const uint8_t* pixels, int32_t width, int32_t height, int32_t channels,
                int32_t bit_depth, int32_t compression_level) {
  if (setjmp(job->jump)) return false;
  job->png = png_create_write_struct(PNG_LIBPNG_VER_STRING, job, on_error, on_warning);
  if (job->png == nullptr) fail(IMG_ERROR_CORRUPT, "cannot create a PNG writer");
  job->info = png_create_info_struct(job->png);
  if (job->info == nullptr) fail(IMG_ERROR_CORRUPT, "cannot create a PNG writer");
  png_set_write_fn(job->png, job, on_write, on_flush);
  static const int color_types[] = {PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_COLOR_TYPE_RGB,
                                    PNG_COLOR_TYPE_RGB_ALPHA};
  png_set_IHDR(job->png, job->info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height), bit_depth,
               color_types[channels - 1], PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (compression_level >= 0) png_set_compression_level(job->png, compression_level);
  png_write_info(job->png, job->info);
  if (bit_depth == 16) png_set_swap(job->png);  // our samples are little-endian, PNG's big-endian
  const size_t row = static_cast<size_t>(width) * channels * (bit_depth / 8);
  for (int32_t y = 0; y < height; ++y)
    png_write_row(job->png, const_cast<png_bytep>(pixels + static_cast<size_t>(y) * row));
  png_write_end(job->png, job->info);
  return true;
}

}  // namespace

void png_decode(ByteSource& source, const DecodeRequest& request, img_info* info) {
  PngJob job;
  job.source = &source;
  if (!run_decode(&job, &request, info)) fail(IMG_ERROR_CORRUPT, std::string("invalid PNG data: ") + job.message);
}

void png_encode(const char* path, const uint8_t* pixels, int32_t width, int32_t height, int32_t channels,
                int32_t bit_depth, int32_t compression_level, uint8_t** out_data, int64_t* out_length) {
  if (pixels == nullptr) fail(IMG_ERROR_CORRUPT, "the pixel buffer is null");
  if (width <= 0 || height <= 0) fail(IMG_ERROR_CORRUPT, "the image size must be positive");
  if (channels < 1 || channels > 4) fail(IMG_ERROR_CORRUPT, "PNG images have 1 to 4 channels");
  if (bit_depth != 8 && bit_depth != 16) fail(IMG_ERROR_CORRUPT, "PNG encoding takes 8- or 16-bit samples");
  if (compression_level < -1 || compression_level > 9) fail(IMG_ERROR_CORRUPT, "the compression level is -1 or 0 to 9");
  PngJob job;
  job.writing = true;
  if (path != nullptr) {
    job.file = std::fopen(path, "wb");
    if (job.file == nullptr) fail(IMG_ERROR_NOT_FOUND, std::string("cannot create the file: ") + std::strerror(errno));
  }
  bool ok = run_encode(&job, pixels, width, height, channels, bit_depth, compression_level);
  if (job.file != nullptr) {
    ok = std::fclose(job.file) == 0 && ok;
    job.file = nullptr;
    if (!ok) std::remove(path);  // no half-written image left behind
  }
  if (!ok) fail(IMG_ERROR_CORRUPT, std::string("cannot encode the PNG: ") + (job.message[0] ? job.message : "write failed"));
  if (path == nullptr) {
    *out_data = job.buffer;
    *out_length = static_cast<int64_t>(job.buffer_length);
    job.buffer = nullptr;
  }
}

}  // namespace imaging
