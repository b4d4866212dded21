// Detection kernels of Microsoft.ML.MaskRcnn (libMaskRcnnOps.so): RoIAlign and non-maximum suppression
// over libtorch CPU tensors. The C ABI over these functions is in api.cpp; this header is internal.
//
// Numerics follow torchvision 0.14's CPU kernels operation by operation (same formulas, same order of
// additions), so float32 results agree with torchvision to the last bit or close to it.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>

namespace mro {

// ---- non-maximum suppression (nms.cpp) ---------------------------------------------------------------

// Greedy NMS: indices (int64) of the boxes kept, by decreasing score. boxes [N,4] (x1,y1,x2,y2), scores [N].
// Ranking: decreasing score, equal scores by increasing index (as torchvision); NaN-scored boxes are dropped.
at::Tensor nms(const at::Tensor& boxes, const at::Tensor& scores, double iou_threshold);

// NMS where a box can only suppress boxes with the same idxs value. Same ranking and output order as nms.
at::Tensor batched_nms(const at::Tensor& boxes, const at::Tensor& scores, const at::Tensor& idxs,
                       double iou_threshold);

// ---- RoIAlign (roi_align.cpp, roi_align_autograd.cpp) ---------------------------------------------------

struct RoIAlignParams {
  double spatial_scale;
  int64_t pooled_height;
  int64_t pooled_width;
  int64_t sampling_ratio;  // <= 0: adaptive, ceil(roi size / output size) samples per bin and axis
  bool aligned;            // true: shift boxes by -0.5 pixel (Detectron2's pixel model)
};

// Checks input [N,C,H,W] and rois [K,5] (batch index, x1, y1, x2, y2) of the same floating type.
void check_roi_align_arguments(const at::Tensor& input, const at::Tensor& rois, const RoIAlignParams& p);

// Forward kernel without autograd: [K, C, pooled_height, pooled_width].
at::Tensor roi_align_forward(const at::Tensor& input, const at::Tensor& rois, const RoIAlignParams& p);

// Gradient with respect to the input, [N, C, H, W], given the gradient of the output.
at::Tensor roi_align_backward(const at::Tensor& grad_output, const at::Tensor& rois, const RoIAlignParams& p,
                              at::IntArrayRef input_sizes);

// Forward recorded in libtorch's autograd graph: backward() on anything computed from the result reaches
// roi_align_backward. Gradients flow to input only (boxes are treated as constants, as in torchvision).
at::Tensor roi_align_autograd(const at::Tensor& input, const at::Tensor& rois, const RoIAlignParams& p);

}  // namespace mro
