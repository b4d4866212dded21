// JPEG decoding through libjpeg-turbo (the same library and default settings PIL uses, so
// pixels match PIL's exactly: islow IDCT, fancy upsampling).
//
// libjpeg reports fatal errors by calling error_exit, which longjmps here; the same rules as
// in png_codec.cpp keep that jump from skipping any destructor.
#include <cstddef>
#include <cstdio>

#include <jpeglib.h>
#include <jerror.h>

#include <csetjmp>
#include <cstring>
#include <string>
#include <vector>

#include "imaging_internal.h"

namespace imaging {
namespace {

struct JpegJob {
  jpeg_decompress_struct cinfo;
  jpeg_error_mgr error;
  jpeg_source_mgr source_manager;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX] = {0};
  bool created = false;
  ByteSource* source = nullptr;
  uint8_t chunk[64 * 1024];
  std::vector<uint8_t> row;  // decoded row still to be converted

  ~JpegJob() {
    if (created) jpeg_destroy_decompress(&cinfo);
  }
};

JpegJob* job_of(j_common_ptr cinfo) { return static_cast<JpegJob*>(cinfo->client_data); }

void on_error_exit(j_common_ptr cinfo) {
  JpegJob* job = job_of(cinfo);
  (*cinfo->err->format_message)(cinfo, job->message);
  std::longjmp(job->jump, 1);
}

void on_message(j_common_ptr, int) {
  // Warnings about recoverable corrupt data are ignored, as PIL does; a premature end of the
  // data is an error (see fill_input_buffer).
}

void init_source(j_decompress_ptr) {}

boolean fill_input_buffer(j_decompress_ptr cinfo) {
  JpegJob* job = job_of(reinterpret_cast<j_common_ptr>(cinfo));
  const uint8_t* chunk = nullptr;
  size_t n = job->source->next_chunk(&chunk, job->chunk, sizeof job->chunk);
  if (n == 0) ERREXIT(cinfo, JERR_INPUT_EOF);  // truncated: refuse instead of padding with gray
  cinfo->src->next_input_byte = chunk;
  cinfo->src->bytes_in_buffer = n;
  return TRUE;
}

void skip_input_data(j_decompress_ptr cinfo, long count) {
  if (count <= 0) return;
  while (static_cast<size_t>(count) > cinfo->src->bytes_in_buffer) {
    count -= static_cast<long>(cinfo->src->bytes_in_buffer);
    fill_input_buffer(cinfo);
  }
  cinfo->src->next_input_byte += count;
  cinfo->src->bytes_in_buffer -= static_cast<size_t>(count);
}

void term_source(j_decompress_ptr) {}

bool run_decode(JpegJob* job, const DecodeRequest* request, img_info* result) {
  job->cinfo.err = jpeg_std_error(&job->error);
  job->error.error_exit = on_error_exit;
  job->error.emit_message = on_message;
  job->cinfo.client_data = job;
  if (setjmp(job->jump)) return false;
  jpeg_create_decompress(&job->cinfo);
  job->created = true;
  job->source_manager.init_source = init_source;
  job->source_manager.fill_input_buffer = fill_input_buffer;
  job->source_manager.skip_input_data = skip_input_data;
  job->source_manager.resync_to_restart = jpeg_resync_to_restart;
  job->source_manager.term_source = term_source;
  job->source_manager.bytes_in_buffer = 0;
  job->source_manager.next_input_byte = nullptr;
  job->cinfo.src = &job->source_manager;
  jpeg_read_header(&job->cinfo, TRUE);

  const J_COLOR_SPACE stored = job->cinfo.jpeg_color_space;
  result->width = static_cast<int32_t>(job->cinfo.image_width);
  result->height = static_cast<int32_t>(job->cinfo.image_height);
  result->stored_bit_depth = 8;
  result->is_palette = 0;
  result->stored_channels = stored == JCS_GRAYSCALE ? 1 : job->cinfo.num_components;
  if (stored == JCS_CMYK || stored == JCS_YCCK)
    fail(IMG_ERROR_UNSUPPORTED, "CMYK JPEG images are not supported; convert them to RGB");
  describe_output(result, request->mode, request->depth);
  if (request->out == nullptr) return true;
  check_pixel_limit(*result, request->max_pixels);
  check_output_buffer(*result, *request);

  // Let libjpeg produce the requested channels where it can (gray, RGB, RGBA), else RGB and convert.
  const bool gray_file = stored == JCS_GRAYSCALE;
  switch (result->channels) {
    case 1: job->cinfo.out_color_space = gray_file ? JCS_GRAYSCALE : JCS_RGB; break;
    case 3: job->cinfo.out_color_space = JCS_RGB; break;
#ifdef JCS_ALPHA_EXTENSIONS
    case 4: job->cinfo.out_color_space = JCS_EXT_RGBA; break;
#endif
    default: job->cinfo.out_color_space = JCS_RGB; break;
  }
  jpeg_start_decompress(&job->cinfo);
  const int produced = job->cinfo.output_components;
  const bool convert = produced != result->channels || result->bit_depth != 8;
  const size_t out_row = static_cast<size_t>(result->width) * result->channels * (result->bit_depth / 8);
  if (convert) job->row.resize(static_cast<size_t>(result->width) * produced);
  while (job->cinfo.output_scanline < job->cinfo.output_height) {
    uint8_t* destination = request->out + static_cast<size_t>(job->cinfo.output_scanline) * out_row;
    JSAMPROW row = convert ? job->row.data() : destination;
    jpeg_read_scanlines(&job->cinfo, &row, 1);
    if (convert) convert_row(job->row.data(), produced, 8, destination, result->channels, result->bit_depth, result->width);
  }
  // jpeg_finish_decompress is not called: data after the last scanline (or a missing EOI) does not matter.
  return true;
}

}  // namespace

void jpeg_decode(ByteSource& source, const DecodeRequest& request, img_info* info) {
  JpegJob job;
  job.source = &source;
  if (!run_decode(&job, &request, info)) fail(IMG_ERROR_CORRUPT, std::string("invalid JPEG data: ") + job.message);
}

}  // namespace imaging
