// RoIAlign entry points: argument checks, and the choice between the two kernels (same results):
//   - planar (roi_align_planar.cpp): no set-up, for few RoIs on a large map (inference on a few detections);
//   - blocked (roi_align_blocked.cpp): one pass over the map to interleave 16 channels at a time, then
//     vectorised taps; for many RoIs (training, the 1,000 proposals of the box head).
#include <limits>

#include "roi_align_sampling.h"

namespace mro {
namespace {

// The blocked kernel pays about one pass over the map per channel; it wins once the RoIs read more taps
// per channel than about half the map's pixels (measured on the benchmark shapes, see docs/benchmarks.md).
template <typename T>
bool use_blocked(at::IntArrayRef sizes, const T* rois, int64_t k, const RoIAlignParams& p) {
  if (sizes[1] < 8) return false;
  double taps = 0;
  for (int64_t n = 0; n < k; ++n) {
    const detail::Roi<T> roi = detail::make_roi(rois + 5 * n, p);
    taps += 4.0 * static_cast<double>(p.pooled_height * p.pooled_width * roi.grid_h * roi.grid_w);
  }
  return taps >= 0.5 * static_cast<double>(sizes[0] * sizes[2] * sizes[3]);
}

}  // namespace

void check_roi_align_arguments(const at::Tensor& input, const at::Tensor& rois, const RoIAlignParams& p) {
  TORCH_CHECK(input.device().is_cpu(), "roi_align: input must be a CPU tensor");
  TORCH_CHECK(rois.device().is_cpu(), "roi_align: boxes must be a CPU tensor");
  TORCH_CHECK(input.dim() == 4, "roi_align: input must have shape [N, C, H, W], got ", input.sizes());
  TORCH_CHECK(input.scalar_type() == at::kFloat || input.scalar_type() == at::kDouble,
              "roi_align: input must be float32 or float64, got ", input.scalar_type());
  TORCH_CHECK(rois.dim() == 2 && rois.size(1) == 5,
              "roi_align: boxes must have shape [K, 5] (batch index, x1, y1, x2, y2), got ", rois.sizes());
  TORCH_CHECK(rois.scalar_type() == input.scalar_type(), "roi_align: boxes must have the dtype of input (",
              input.scalar_type(), "), got ", rois.scalar_type());
  TORCH_CHECK(p.pooled_height > 0 && p.pooled_width > 0, "roi_align: output_size must be positive, got (",
              p.pooled_height, ", ", p.pooled_width, ")");
  TORCH_CHECK(std::isfinite(p.spatial_scale) && p.spatial_scale > 0,
              "roi_align: spatial_scale must be positive and finite, got ", p.spatial_scale);
  TORCH_CHECK(input.size(2) * input.size(3) < std::numeric_limits<int32_t>::max(),
              "roi_align: input planes larger than 2^31 elements are not supported");
  // A batch index outside the input would read foreign memory: check them all.
  if (rois.size(0) > 0) {
    auto batch = rois.select(1, 0);
    auto bad = (batch < 0).logical_or(batch >= input.size(0)).logical_or(batch.isnan());
    TORCH_CHECK(!bad.any().item<bool>(), "roi_align: boxes[:, 0] (batch index) must lie in [0, ", input.size(0) - 1,
                "]");
  }
}

at::Tensor roi_align_forward(const at::Tensor& input_in, const at::Tensor& rois_in, const RoIAlignParams& p) {
  check_roi_align_arguments(input_in, rois_in, p);
  const int64_t k = rois_in.size(0);
  const auto shape = std::vector<int64_t>{k, input_in.size(1), p.pooled_height, p.pooled_width};
  if (k == 0 || input_in.numel() == 0) return at::zeros(shape, input_in.options());
  at::Tensor out = at::empty(shape, input_in.options());  // both kernels write every element
  const at::Tensor rois = rois_in.contiguous();
  const at::Tensor input = input_in.contiguous();
  AT_DISPATCH_FLOATING_TYPES(input.scalar_type(), "roi_align_forward", [&] {
    const scalar_t* r = rois.data_ptr<scalar_t>();
    if (use_blocked(input.sizes(), r, k, p))
      roi_align_forward_blocked<scalar_t>(input, r, k, p, out.data_ptr<scalar_t>());
    else
      roi_align_forward_planar<scalar_t>(input, r, k, p, out.data_ptr<scalar_t>());
  });
  return out;
}

at::Tensor roi_align_backward(const at::Tensor& grad, const at::Tensor& rois_in, const RoIAlignParams& p,
                              at::IntArrayRef sizes) {
  TORCH_CHECK(sizes.size() == 4, "roi_align_backward: input sizes must have 4 elements");
  TORCH_CHECK(grad.dim() == 4 && grad.size(0) == rois_in.size(0) && grad.size(1) == sizes[1] &&
                  grad.size(2) == p.pooled_height && grad.size(3) == p.pooled_width,
              "roi_align_backward: grad_output must have shape [", rois_in.size(0), ", ", sizes[1], ", ",
              p.pooled_height, ", ", p.pooled_width, "], got ", grad.sizes());
  const int64_t k = rois_in.size(0);
  if (grad.numel() == 0 || k == 0) return at::zeros(sizes, grad.options());
  const at::Tensor rois = rois_in.contiguous();
  at::Tensor result;
  AT_DISPATCH_FLOATING_TYPES(grad.scalar_type(), "roi_align_backward", [&] {
    const scalar_t* r = rois.data_ptr<scalar_t>();
    if (use_blocked(sizes, r, k, p)) {
      result = at::empty(sizes, grad.options());  // every element written
      roi_align_backward_blocked<scalar_t>(grad, r, k, p, result);
    } else {
      result = at::zeros(sizes, grad.options());
      roi_align_backward_planar<scalar_t>(grad, r, k, p, result);
    }
  });
  return result;
}

}  // namespace mro
