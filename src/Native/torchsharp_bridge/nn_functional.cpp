// torch.nn.functional: convolutions, linear, normalisation, pooling, resampling, activations,
// padding and the loss functions.
#include "bridge.h"

using bridge::tensor;

namespace {
at::IntArrayRef pair(const int64_t* values) { return at::IntArrayRef(values, 2); }

// torch.InterpolationMode as numbered by TorchSharp.
enum InterpolationMode : int32_t { kNearest = 0, kLinear, kBilinear, kBicubic, kTrilinear, kArea, kNearestExact };
}  // namespace

// ---- convolution and linear -------------------------------------------------------------------

NATIVE_API TensorHandle tsb_conv2d(TensorHandle input, TensorHandle weight, TensorHandle bias, const int64_t* stride,
                                   const int64_t* padding, const int64_t* dilation, int64_t groups) {
  TSB_TENSOR(at::conv2d(tensor(input), tensor(weight), bridge::optional_tensor(bias), pair(stride), pair(padding),
                        pair(dilation), groups));
}

// padding_kind: 0 = "valid", 1 = "same".
NATIVE_API TensorHandle tsb_conv2d_padding_mode(TensorHandle input, TensorHandle weight, TensorHandle bias,
                                                const int64_t* stride, int32_t padding_kind, const int64_t* dilation,
                                                int64_t groups) {
  TSB_TENSOR(at::conv2d(tensor(input), tensor(weight), bridge::optional_tensor(bias), pair(stride),
                        c10::string_view(padding_kind == 1 ? "same" : "valid"), pair(dilation), groups));
}

NATIVE_API TensorHandle tsb_conv_transpose2d(TensorHandle input, TensorHandle weight, TensorHandle bias,
                                             const int64_t* stride, const int64_t* padding,
                                             const int64_t* output_padding, const int64_t* dilation, int64_t groups) {
  TSB_TENSOR(at::conv_transpose2d(tensor(input), tensor(weight), bridge::optional_tensor(bias), pair(stride),
                                  pair(padding), pair(output_padding), groups, pair(dilation)));
}

NATIVE_API TensorHandle tsb_linear(TensorHandle input, TensorHandle weight, TensorHandle bias) {
  TSB_TENSOR(at::linear(tensor(input), tensor(weight), bridge::optional_tensor(bias)));
}

// ---- normalisation ---------------------------------------------------------------------------

NATIVE_API TensorHandle tsb_batch_norm(TensorHandle input, TensorHandle running_mean, TensorHandle running_var,
                                       TensorHandle weight, TensorHandle bias, bool training, double momentum,
                                       double eps) {
  TSB_TENSOR(at::batch_norm(tensor(input), bridge::optional_tensor(weight), bridge::optional_tensor(bias),
                            bridge::optional_tensor(running_mean), bridge::optional_tensor(running_var), training,
                            momentum, eps, /*cudnn_enabled=*/true));
}

NATIVE_API TensorHandle tsb_group_norm(TensorHandle input, int64_t groups, TensorHandle weight, TensorHandle bias,
                                       double eps) {
  TSB_TENSOR(at::group_norm(tensor(input), groups, bridge::optional_tensor(weight), bridge::optional_tensor(bias), eps));
}

NATIVE_API TensorHandle tsb_layer_norm(TensorHandle input, const int64_t* shape, int32_t n, TensorHandle weight,
                                       TensorHandle bias, double eps) {
  TSB_TENSOR(at::layer_norm(tensor(input), bridge::int_list(shape, n), bridge::optional_tensor(weight),
                            bridge::optional_tensor(bias), eps));
}

// ---- pooling -------------------------------------------------------------------------------------

NATIVE_API TensorHandle tsb_max_pool2d(TensorHandle input, const int64_t* kernel, const int64_t* stride,
                                       const int64_t* padding, const int64_t* dilation, bool ceil_mode) {
  TSB_TENSOR(at::max_pool2d(tensor(input), pair(kernel), pair(stride), pair(padding), pair(dilation), ceil_mode));
}

NATIVE_API TensorHandle tsb_avg_pool2d(TensorHandle input, const int64_t* kernel, const int64_t* stride,
                                       const int64_t* padding, bool ceil_mode, bool count_include_pad,
                                       bool has_divisor, int64_t divisor) {
  TSB_TENSOR(at::avg_pool2d(tensor(input), pair(kernel), pair(stride), pair(padding), ceil_mode, count_include_pad,
                            has_divisor ? c10::optional<int64_t>(divisor) : c10::nullopt));
}

NATIVE_API TensorHandle tsb_adaptive_avg_pool2d(TensorHandle input, const int64_t* output_size) {
  TSB_TENSOR(at::adaptive_avg_pool2d(tensor(input), pair(output_size)));
}

// ---- resampling ---------------------------------------------------------------------------

// Follows torch.nn.functional.interpolate: either size or scale factors; with recompute_scale_factor
// the output size is derived from the scales and the scales are not passed on to the kernel.
NATIVE_API TensorHandle tsb_interpolate(TensorHandle input, const int64_t* size, int32_t nsize, const double* scales,
                                        int32_t nscales, int32_t mode, int8_t align_corners /* -1 = not given */,
                                        bool recompute_scale_factor, bool antialias) {
  TSB_TENSOR(([&]() -> at::Tensor {
    const auto& x = tensor(input);
    const int64_t spatial = x.dim() - 2;
    TORCH_CHECK(spatial >= 1 && spatial <= 3, "interpolate expects a 3-D, 4-D or 5-D input, got ", x.dim(), "-D");
    TORCH_CHECK((nsize > 0) != (nscales > 0), "interpolate: give exactly one of size and scale_factor");
    TORCH_CHECK(nsize <= 0 || nsize == spatial || nsize == 1, "interpolate: size must have ", spatial, " elements");
    TORCH_CHECK(nscales <= 0 || nscales == spatial || nscales == 1, "interpolate: scale_factor must have ", spatial,
                " elements");
    const bool linear_family = mode == kLinear || mode == kBilinear || mode == kBicubic || mode == kTrilinear;
    TORCH_CHECK(align_corners < 0 || linear_family,
                "align_corners can only be set with the linear, bilinear, bicubic or trilinear modes");
    const bool corners = align_corners > 0;

    std::vector<int64_t> out_size;
    std::vector<double> scale_factors;
    if (nsize > 0) {
      for (int64_t d = 0; d < spatial; ++d) out_size.push_back(size[nsize == 1 ? 0 : d]);
    } else {
      for (int64_t d = 0; d < spatial; ++d) scale_factors.push_back(scales[nscales == 1 ? 0 : d]);
      if (recompute_scale_factor || mode == kArea) {
        for (int64_t d = 0; d < spatial; ++d)
          out_size.push_back(static_cast<int64_t>(std::floor(static_cast<double>(x.size(d + 2)) * scale_factors[d])));
        scale_factors.clear();
      }
    }
    at::OptionalIntArrayRef osize = out_size.empty() ? at::OptionalIntArrayRef() : at::OptionalIntArrayRef(out_size);
    c10::optional<at::ArrayRef<double>> sf =
        scale_factors.empty() ? c10::nullopt : c10::optional<at::ArrayRef<double>>(scale_factors);

    TORCH_CHECK(!antialias || (spatial == 2 && (mode == kBilinear || mode == kBicubic)),
                "antialias is only supported with 4-D input and bilinear or bicubic mode");
    switch (mode) {
      case kNearest:
        if (spatial == 1) return at::upsample_nearest1d(x, osize, sf);
        if (spatial == 2) return at::upsample_nearest2d(x, osize, sf);
        return at::upsample_nearest3d(x, osize, sf);
      case kNearestExact:
        if (spatial == 1) return at::_upsample_nearest_exact1d(x, osize, sf);
        if (spatial == 2) return at::_upsample_nearest_exact2d(x, osize, sf);
        return at::_upsample_nearest_exact3d(x, osize, sf);
      case kLinear:
        TORCH_CHECK(spatial == 1, "linear interpolation expects a 3-D input");
        return at::upsample_linear1d(x, osize, corners, sf);
      case kBilinear:
        TORCH_CHECK(spatial == 2, "bilinear interpolation expects a 4-D input");
        return antialias ? at::_upsample_bilinear2d_aa(x, osize, corners, sf) : at::upsample_bilinear2d(x, osize, corners, sf);
      case kBicubic:
        TORCH_CHECK(spatial == 2, "bicubic interpolation expects a 4-D input");
        return antialias ? at::_upsample_bicubic2d_aa(x, osize, corners, sf) : at::upsample_bicubic2d(x, osize, corners, sf);
      case kTrilinear:
        TORCH_CHECK(spatial == 3, "trilinear interpolation expects a 5-D input");
        return at::upsample_trilinear3d(x, osize, corners, sf);
      case kArea:
        if (spatial == 1) return at::adaptive_avg_pool1d(x, out_size);
        if (spatial == 2) return at::adaptive_avg_pool2d(x, out_size);
        return at::adaptive_avg_pool3d(x, out_size);
      default:
        TORCH_CHECK(false, "unknown interpolation mode ", mode);
    }
  }()));
}

NATIVE_API TensorHandle tsb_grid_sample(TensorHandle input, TensorHandle grid, int64_t mode, int64_t padding_mode,
                                        bool align_corners) {
  TSB_TENSOR(at::grid_sampler(tensor(input), tensor(grid), mode, padding_mode, align_corners));
}

NATIVE_API TensorHandle tsb_pad(TensorHandle input, const int64_t* pad, int32_t n, const char* mode, double value) {
  TSB_TENSOR(at::pad(tensor(input), bridge::int_list(pad, n), c10::string_view(mode),
                     std::string(mode) == "constant" ? c10::optional<double>(value) : c10::nullopt));
}

// ---- activations -----------------------------------------------------------------------------------

NATIVE_API TensorHandle tsb_softmax(TensorHandle input, int64_t dim, int8_t dtype) {
  TSB_TENSOR(at::softmax(tensor(input), dim, bridge::optional_dtype(dtype)));
}
NATIVE_API TensorHandle tsb_log_softmax(TensorHandle input, int64_t dim, int8_t dtype) {
  TSB_TENSOR(at::log_softmax(tensor(input), dim, bridge::optional_dtype(dtype)));
}
NATIVE_API TensorHandle tsb_leaky_relu(TensorHandle input, ScalarArg slope) {
  TSB_TENSOR(at::leaky_relu(tensor(input), bridge::scalar(slope)));
}
NATIVE_API TensorHandle tsb_gelu(TensorHandle input) { TSB_TENSOR(at::gelu(tensor(input))); }
NATIVE_API TensorHandle tsb_silu(TensorHandle input) { TSB_TENSOR(at::silu(tensor(input))); }
NATIVE_API TensorHandle tsb_dropout(TensorHandle input, double p, bool training) {
  TSB_TENSOR(at::dropout(tensor(input), p, training));
}
NATIVE_API int tsb_dropout_(TensorHandle input, double p, bool training) {
  TSB_STATUS(auto& x = const_cast<at::Tensor&>(tensor(input)); at::dropout_(x, p, training));
}
NATIVE_API TensorHandle tsb_one_hot(TensorHandle input, int64_t num_classes) {
  TSB_TENSOR(at::one_hot(tensor(input), num_classes));
}

// ---- losses (reduction: 0 none, 1 mean, 2 sum, as at::Reduction) ------------------------------------------

NATIVE_API TensorHandle tsb_cross_entropy(TensorHandle input, TensorHandle target, TensorHandle weight,
                                          int64_t ignore_index, int64_t reduction, double label_smoothing) {
  TSB_TENSOR(at::cross_entropy_loss(tensor(input), tensor(target), bridge::optional_tensor(weight), reduction,
                                    ignore_index, label_smoothing));
}
NATIVE_API TensorHandle tsb_nll_loss(TensorHandle input, TensorHandle target, TensorHandle weight, int64_t reduction,
                                     int64_t ignore_index) {
  TSB_TENSOR(at::nll_loss_nd(tensor(input), tensor(target), bridge::optional_tensor(weight), reduction, ignore_index));
}
NATIVE_API TensorHandle tsb_binary_cross_entropy_with_logits(TensorHandle input, TensorHandle target,
                                                             TensorHandle weight, TensorHandle pos_weight,
                                                             int64_t reduction) {
  TSB_TENSOR(at::binary_cross_entropy_with_logits(tensor(input), tensor(target), bridge::optional_tensor(weight),
                                                  bridge::optional_tensor(pos_weight), reduction));
}
NATIVE_API TensorHandle tsb_binary_cross_entropy(TensorHandle input, TensorHandle target, TensorHandle weight,
                                                 int64_t reduction) {
  TSB_TENSOR(at::binary_cross_entropy(tensor(input), tensor(target), bridge::optional_tensor(weight), reduction));
}
NATIVE_API TensorHandle tsb_smooth_l1_loss(TensorHandle input, TensorHandle target, int64_t reduction, double beta) {
  TSB_TENSOR(at::smooth_l1_loss(tensor(input), tensor(target), reduction, beta));
}
NATIVE_API TensorHandle tsb_l1_loss(TensorHandle input, TensorHandle target, int64_t reduction) {
  TSB_TENSOR(at::l1_loss(tensor(input), tensor(target), reduction));
}
NATIVE_API TensorHandle tsb_mse_loss(TensorHandle input, TensorHandle target, int64_t reduction) {
  TSB_TENSOR(at::mse_loss(tensor(input), tensor(target), reduction));
}
