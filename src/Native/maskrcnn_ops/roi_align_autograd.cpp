// RoIAlign as a node of libtorch's autograd graph, so that backward() called from .NET (through the
// TorchSharp binding's engine call) reaches roi_align_backward.
#include <ATen/core/grad_mode.h>
#include <torch/csrc/autograd/custom_function.h>

#include "maskrcnn_ops.h"

namespace mro {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

class RoIAlignFunction : public torch::autograd::Function<RoIAlignFunction> {
 public:
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& input, const at::Tensor& rois,
                            double spatial_scale, int64_t pooled_height, int64_t pooled_width, int64_t sampling_ratio,
                            bool aligned) {
    ctx->saved_data["spatial_scale"] = spatial_scale;
    ctx->saved_data["pooled_height"] = pooled_height;
    ctx->saved_data["pooled_width"] = pooled_width;
    ctx->saved_data["sampling_ratio"] = sampling_ratio;
    ctx->saved_data["aligned"] = aligned;
    ctx->saved_data["input_sizes"] = input.sizes().vec();
    ctx->save_for_backward({rois});
    return roi_align_forward(input, rois, {spatial_scale, pooled_height, pooled_width, sampling_ratio, aligned});
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    const at::Tensor& grad = grad_outputs[0];
    // The backward kernel is not itself differentiable: refuse rather than return wrong second derivatives.
    TORCH_CHECK(!(at::GradMode::is_enabled() && grad.requires_grad()),
                "roi_align: double backward (create_graph=true) is not supported");
    const at::Tensor rois = ctx->get_saved_variables()[0];
    const RoIAlignParams p{ctx->saved_data["spatial_scale"].toDouble(), ctx->saved_data["pooled_height"].toInt(),
                           ctx->saved_data["pooled_width"].toInt(), ctx->saved_data["sampling_ratio"].toInt(),
                           ctx->saved_data["aligned"].toBool()};
    const std::vector<int64_t> sizes = ctx->saved_data["input_sizes"].toIntVector();
    at::Tensor grad_input = roi_align_backward(grad, rois, p, sizes);
    // One entry per forward argument: only input is differentiable.
    return {grad_input, at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

}  // namespace

at::Tensor roi_align_autograd(const at::Tensor& input, const at::Tensor& rois, const RoIAlignParams& p) {
  // Validate before recording anything, so that errors name the argument and leave no graph behind.
  check_roi_align_arguments(input, rois, p);
  return RoIAlignFunction::apply(input, rois, p.spatial_scale, p.pooled_height, p.pooled_width, p.sampling_ratio,
                                 p.aligned);
}

}  // namespace mro
