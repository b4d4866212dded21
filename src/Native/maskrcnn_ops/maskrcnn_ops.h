// Detection kernels of Microsoft.ML.MaskRcnn (libMaskRcnnOps.so): RoIAlign and non-maximum suppression over
// contiguous CPU buffers. No libtorch header, no libtorch library: the managed side (src/Microsoft.ML.MaskRcnn/Ops)
// checks the arguments, allocates every output as a TorchSharp tensor and passes data pointers and sizes. The C ABI
// over these functions is in api.cpp; this header is internal.
//
// Numerics follow torchvision 0.14's CPU kernels operation by operation (same formulas, same order of additions), so
// results agree with torchvision to the last bit or close to it.
#pragma once

#include <cstdint>

namespace mro {

// ---- non-maximum suppression (nms.cpp) ---------------------------------------------------------------

// Greedy NMS. boxes [n, 4] (x1, y1, x2, y2), scores [n]. Writes the indices of the kept boxes, by decreasing score, to
// keep[0 .. result) (keep has room for n) and returns their count. Ranking: decreasing score, equal scores by
// increasing index (as torchvision); NaN-scored boxes are dropped.
template <typename T>
int64_t nms(const T* boxes, const T* scores, int64_t n, double iou_threshold, int64_t* keep, int num_threads);

// NMS where a box can only suppress boxes of the same category. Same ranking and output order as nms.
template <typename T>
int64_t batched_nms(const T* boxes, const T* scores, const int64_t* categories, int64_t n, double iou_threshold,
                    int64_t* keep, int num_threads);

// ---- RoIAlign (roi_align.cpp) ---------------------------------------------------------------------------

struct RoIAlignParams {
  double spatial_scale;
  int64_t pooled_height;
  int64_t pooled_width;
  int64_t sampling_ratio;  // <= 0: adaptive, ceil(roi size / output size) samples per bin and axis
  bool aligned;            // true: shift boxes by -0.5 pixel (Detectron2's pixel model)
};

// Sizes of the feature maps [N, C, H, W].
struct MapShape {
  int64_t n, c, h, w;
};

// Work limits of one RoIAlign call, far above any real use (a box inside a map samples about one point per pixel):
// a box with huge coordinates or a huge sampling_ratio would otherwise run for hours or exhaust memory.
constexpr double kMaxAxisSamples = 1 << 22;          // pooled size x grid, per box and axis (the sample tables)
constexpr double kMaxSamples = 4294967296.0;         // 2^32: the sum over boxes of PH x PW x grid_h x grid_w

// Throws std::invalid_argument naming the argument when a size is negative, pooled sizes are not positive,
// spatial_scale is not positive and finite, or N*C*H*W, K*C*PH*PW or K*5 does not fit in int64. Reads no buffer: the
// C ABI calls it before it sizes the buffers it checks for null.
void check_roi_align_sizes(const MapShape& shape, int64_t k, const RoIAlignParams& p);

// check_roi_align_sizes, then throws std::invalid_argument when a box's batch index (rois[:, 0]) is not in [0, N) (such
// a box would read or write outside the feature maps) or when the call exceeds kMaxAxisSamples or kMaxSamples.
template <typename T>
void check_roi_align_arguments(const MapShape& shape, const T* rois, int64_t k, const RoIAlignParams& p);

// Forward: input [N, C, H, W], rois [k, 5] (batch index, x1, y1, x2, y2) -> out [k, C, pooled_height, pooled_width].
// Writes every element of out.
template <typename T>
void roi_align_forward(const T* input, const MapShape& shape, const T* rois, int64_t k, const RoIAlignParams& p,
                       T* out, int num_threads);

// Backward: the gradient with respect to the input, grad_input [N, C, H, W], given grad_output [k, C, pooled_height,
// pooled_width]. Writes every element of grad_input.
template <typename T>
void roi_align_backward(const T* grad_output, const T* rois, int64_t k, const RoIAlignParams& p, const MapShape& shape,
                        T* grad_input, int num_threads);

}  // namespace mro
