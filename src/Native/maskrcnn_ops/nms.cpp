// Greedy non-maximum suppression over boxes ranked by score.
//
// Same decisions as torchvision 0.14's CPU kernel: boxes are visited by decreasing score, equal scores by
// increasing index (a stable sort, which is what torchvision's kernel does, checked on random ties), a box is
// kept unless a kept box of higher rank overlaps it with IoU > threshold, and IoU is computed with the same
// float operations.
// Faster because (1) coordinates are gathered once in rank order, so the inner loop streams contiguous
// arrays without branches and vectorises; (2) boxes are processed in blocks: the greedy pass runs inside a
// block, then the block's kept boxes suppress all later boxes in parallel (the result is the sequential one,
// since every box is still tested against every kept box ranked before it).
// Over raw buffers: the caller (Ops/Nms.cs) has checked shapes and dtypes and allocated the output.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "maskrcnn_ops.h"
#include "multiversion.h"
#include "parallel.h"

namespace mro {
namespace {

constexpr int64_t kBlock = 256;           // boxes resolved sequentially before one parallel sweep
constexpr int64_t kParallelWork = 32768;  // box pairs below which a sweep stays on one thread
constexpr int64_t kGrain = 2048;          // boxes per parallel chunk

// Largest T whose comparison "iou > t" decides exactly as torchvision's "(double)iou > threshold".
template <typename T>
T strict_threshold(double threshold) {
  T t = static_cast<T>(threshold);
  if (static_cast<double>(t) > threshold) t = std::nextafter(t, -std::numeric_limits<T>::infinity());
  return t;
}

// Boxes in rank order, structure of arrays.
template <typename T>
struct RankedBoxes {
  std::vector<T> x1, y1, x2, y2, area;
  std::vector<int64_t> index;  // original index of each ranked box

  void reserve(size_t n) {
    for (auto* v : {&x1, &y1, &x2, &y2, &area}) v->reserve(n);
    index.reserve(n);
  }
  void push(const T* box, int64_t original) {
    x1.push_back(box[0]);
    y1.push_back(box[1]);
    x2.push_back(box[2]);
    y2.push_back(box[3]);
    area.push_back((box[2] - box[0]) * (box[3] - box[1]));
    index.push_back(original);
  }
  int64_t size() const { return static_cast<int64_t>(index.size()); }
};

// removed[j] |= IoU(box, box j) > t for j in [lo, hi). Branch-free so that it vectorises; compiled for
// AVX-512, AVX2 and baseline x86-64, chosen at load time (no FMA contraction: IoUs stay torchvision's).
template <typename T>
__attribute__((always_inline)) inline void suppress_impl(const T* x1, const T* y1, const T* x2, const T* y2,
                                                         const T* area, const T* box, int64_t lo, int64_t hi, T t,
                                                         uint8_t* removed) {
  const T ix1 = box[0], iy1 = box[1], ix2 = box[2], iy2 = box[3], iarea = box[4];
  for (int64_t j = lo; j < hi; ++j) {
    const T xx1 = std::max(ix1, x1[j]);
    const T yy1 = std::max(iy1, y1[j]);
    const T xx2 = std::min(ix2, x2[j]);
    const T yy2 = std::min(iy2, y2[j]);
    const T w = std::max(static_cast<T>(0), xx2 - xx1);
    const T h = std::max(static_cast<T>(0), yy2 - yy1);
    const T inter = w * h;
    const T iou = inter / (iarea + area[j] - inter);
    removed[j] |= static_cast<uint8_t>(iou > t);
  }
}

MRO_MULTIVERSION void suppress_range(const float* x1, const float* y1, const float* x2, const float* y2,
                                     const float* area, const float* box, int64_t lo, int64_t hi, float t,
                                     uint8_t* removed) {
  suppress_impl(x1, y1, x2, y2, area, box, lo, hi, t, removed);
}

MRO_MULTIVERSION void suppress_range(const double* x1, const double* y1, const double* x2, const double* y2,
                                     const double* area, const double* box, int64_t lo, int64_t hi, double t,
                                     uint8_t* removed) {
  suppress_impl(x1, y1, x2, y2, area, box, lo, hi, t, removed);
}

template <typename T>
void suppress(const RankedBoxes<T>& b, int64_t i, int64_t lo, int64_t hi, T t, uint8_t* removed) {
  const T box[5] = {b.x1[i], b.y1[i], b.x2[i], b.y2[i], b.area[i]};
  suppress_range(b.x1.data(), b.y1.data(), b.x2.data(), b.y2.data(), b.area.data(), box, lo, hi, t, removed);
}

// Greedy NMS over ranked boxes; sets keep[r] = 1 for each kept rank r. May run sweeps in parallel.
template <typename T>
void greedy(const RankedBoxes<T>& b, T t, uint8_t* keep, int num_threads) {
  const int64_t n = b.size();
  std::vector<uint8_t> removed(n, 0);
  std::vector<int64_t> kept_in_block;
  for (int64_t begin = 0; begin < n; begin += kBlock) {
    const int64_t end = std::min(n, begin + kBlock);
    kept_in_block.clear();
    for (int64_t i = begin; i < end; ++i) {
      if (removed[i]) continue;
      keep[i] = 1;
      kept_in_block.push_back(i);
      suppress(b, i, i + 1, end, t, removed.data());
    }
    if (end == n || kept_in_block.empty()) continue;
    auto sweep = [&](int64_t lo, int64_t hi) {
      for (int64_t i : kept_in_block) suppress(b, i, lo, hi, t, removed.data());
    };
    const int64_t work = (n - end) * static_cast<int64_t>(kept_in_block.size());
    if (num_threads > 1 && work >= kParallelWork)
      parallel_for(end, n, kGrain, num_threads, sweep);
    else
      sweep(end, n);
  }
}

// Rank order of the boxes with a non-NaN score: decreasing score, equal scores by increasing index (a stable sort,
// as libtorch's stable sort orders them; -0.0 and 0.0 are equal scores). NaN-scored boxes are left out.
template <typename T>
std::vector<int64_t> rank_order(const T* scores, int64_t n) {
  std::vector<int64_t> ranked;
  ranked.reserve(n);
  for (int64_t i = 0; i < n; ++i)
    if (!std::isnan(scores[i])) ranked.push_back(i);
  std::stable_sort(ranked.begin(), ranked.end(), [scores](int64_t a, int64_t b) { return scores[a] > scores[b]; });
  return ranked;
}

}  // namespace

template <typename T>
int64_t nms(const T* boxes, const T* scores, int64_t n, double iou_threshold, int64_t* keep_out, int num_threads) {
  const std::vector<int64_t> ranked = rank_order(scores, n);
  RankedBoxes<T> b;
  b.reserve(ranked.size());
  for (int64_t i : ranked) b.push(boxes + 4 * i, i);
  std::vector<uint8_t> keep(b.size(), 0);
  greedy(b, strict_threshold<T>(iou_threshold), keep.data(), num_threads);
  int64_t kept = 0;
  for (int64_t r = 0; r < b.size(); ++r)
    if (keep[r]) keep_out[kept++] = b.index[r];
  return kept;
}

template <typename T>
int64_t batched_nms(const T* boxes, const T* scores, const int64_t* category, int64_t n, double iou_threshold,
                    int64_t* keep_out, int num_threads) {
  const std::vector<int64_t> ranked = rank_order(scores, n);
  const int64_t m = static_cast<int64_t>(ranked.size());

  // Ranks grouped by category, each group in rank order (stable sort by category).
  std::vector<int64_t> by_category(m);
  std::iota(by_category.begin(), by_category.end(), 0);
  std::stable_sort(by_category.begin(), by_category.end(),
                   [&](int64_t a, int64_t c) { return category[ranked[a]] < category[ranked[c]]; });
  std::vector<int64_t> group_start;
  for (int64_t k = 0; k < m; ++k)
    if (k == 0 || category[ranked[by_category[k]]] != category[ranked[by_category[k - 1]]]) group_start.push_back(k);
  group_start.push_back(m);
  const int64_t groups = static_cast<int64_t>(group_start.size()) - 1;

  // Categories are independent: one greedy pass per category, categories in parallel. A single category
  // parallelises inside its pass instead.
  std::vector<uint8_t> keep_rank(m, 0);
  const T t = strict_threshold<T>(iou_threshold);
  auto run_groups = [&](int64_t g0, int64_t g1) {
    RankedBoxes<T> b;
    std::vector<uint8_t> keep;
    for (int64_t g = g0; g < g1; ++g) {
      const int64_t begin = group_start[g], end = group_start[g + 1];
      b = RankedBoxes<T>();
      b.reserve(end - begin);
      for (int64_t k = begin; k < end; ++k) b.push(boxes + 4 * ranked[by_category[k]], by_category[k]);
      keep.assign(b.size(), 0);
      greedy(b, t, keep.data(), groups == 1 ? num_threads : 1);
      for (int64_t r = 0; r < b.size(); ++r)
        if (keep[r]) keep_rank[b.index[r]] = 1;  // here index holds the global rank
    }
  };
  if (groups > 1)
    parallel_for(0, groups, 1, num_threads, run_groups);
  else
    run_groups(0, groups);

  // Kept boxes in global rank order. (Above 1000 boxes torchvision orders them differently; the caller re-sorts.)
  int64_t kept = 0;
  for (int64_t r = 0; r < m; ++r)
    if (keep_rank[r]) keep_out[kept++] = ranked[r];
  return kept;
}

template int64_t nms<float>(const float*, const float*, int64_t, double, int64_t*, int);
template int64_t nms<double>(const double*, const double*, int64_t, double, int64_t*, int);
template int64_t batched_nms<float>(const float*, const float*, const int64_t*, int64_t, double, int64_t*, int);
template int64_t batched_nms<double>(const double*, const double*, const int64_t*, int64_t, double, int64_t*, int);

}  // namespace mro
