// libFuzzer harness: mro_nms_f32/f64 and mro_batched_nms_f32/f64 (libMaskRcnnOps's C ABI).
//
// The input chooses the entry point, the number of boxes (zero and negative included), coordinates and scores (NaN,
// infinities, huge, negative, ties), categories (any int64), the IoU threshold (NaN, infinities, negative, > 1) and
// num_threads 1..4. Oracle, besides the sanitizers: a negative count is refused; otherwise the call succeeds and the
// kept indices are distinct, in [0, n), never NaN-scored, and by non-increasing score.
#include <algorithm>
#include <vector>

#include "fuzz_common.h"

extern "C" {
int64_t mro_nms_f32(const float*, const float*, int64_t, double, int64_t*, int32_t);
int64_t mro_nms_f64(const double*, const double*, int64_t, double, int64_t*, int32_t);
int64_t mro_batched_nms_f32(const float*, const float*, const int64_t*, int64_t, double, int64_t*, int32_t);
int64_t mro_batched_nms_f64(const double*, const double*, const int64_t*, int64_t, double, int64_t*, int32_t);
}

namespace {

const char* const kNames[] = {"mro_nms_f32", "mro_nms_f64", "mro_batched_nms_f32", "mro_batched_nms_f64"};
fuzz::CallCounter calls(kNames, 4);

constexpr int64_t kMaxBoxes = 700;  // above one NMS block (256) and the parallel sweep threshold, still fast

int64_t call(const float* b, const float* s, const int64_t* idx, int64_t n, double t, int64_t* keep, int32_t threads,
             bool batched) {
  return batched ? mro_batched_nms_f32(b, s, idx, n, t, keep, threads) : mro_nms_f32(b, s, n, t, keep, threads);
}
int64_t call(const double* b, const double* s, const int64_t* idx, int64_t n, double t, int64_t* keep, int32_t threads,
             bool batched) {
  return batched ? mro_batched_nms_f64(b, s, idx, n, t, keep, threads) : mro_nms_f64(b, s, n, t, keep, threads);
}

template <typename T>
void run(FuzzedDataProvider& fdp, bool batched) {
  int64_t n;
  switch (fdp.ConsumeIntegralInRange<int>(0, 15)) {
    case 0: n = -fdp.ConsumeIntegralInRange<int64_t>(1, std::numeric_limits<int64_t>::max()); break;
    case 1: n = fdp.ConsumeIntegralInRange<int64_t>(0, kMaxBoxes); break;  // many boxes: the blocked, parallel path
    default: n = fdp.ConsumeIntegralInRange<int64_t>(0, 40); break;
  }
  const double threshold = fuzz::value_arg<double>(fdp, -0.2, 1.2);
  const int32_t threads = fdp.ConsumeIntegralInRange<int32_t>(1, 4);
  const int categories = fdp.ConsumeIntegralInRange<int>(1, 5);
  const size_t count = static_cast<size_t>(std::max<int64_t>(n, 1));
  std::vector<T> boxes(4 * count), scores(count);
  std::vector<int64_t> idx(count), keep(count, -1);
  // A few explicit boxes from the input, the rest a cheap deterministic pattern seeded by it (overlapping clusters).
  const uint32_t seed = fdp.ConsumeIntegral<uint32_t>();
  for (size_t i = 0; i < count; ++i) {
    const uint32_t r = (seed + static_cast<uint32_t>(i)) * 2654435761u;
    const T x = static_cast<T>(r % 97), y = static_cast<T>((r >> 8) % 89);
    boxes[4 * i] = x;
    boxes[4 * i + 1] = y;
    boxes[4 * i + 2] = x + static_cast<T>(1 + (r >> 16) % 30);
    boxes[4 * i + 3] = y + static_cast<T>(1 + (r >> 21) % 30);
    scores[i] = static_cast<T>((r >> 3) % 17) / 16;  // ties on purpose
    idx[i] = (r >> 11) % categories;
  }
  for (int e = 0; e < 64 && fdp.remaining_bytes() > 0; ++e) {
    const size_t i = fdp.ConsumeIntegralInRange<size_t>(0, count - 1);
    switch (fdp.ConsumeIntegralInRange<int>(0, 2)) {
      case 0: boxes[4 * i + fdp.ConsumeIntegralInRange<int>(0, 3)] = fuzz::value_arg<T>(fdp, -50, 150); break;
      case 1: scores[i] = fuzz::value_arg<T>(fdp, -1, 2); break;
      default: idx[i] = fdp.ConsumeIntegral<int64_t>(); break;
    }
  }

  const int64_t kept = call(boxes.data(), scores.data(), idx.data(), n, threshold, keep.data(), threads, batched);
  if (n < 0) {
    if (kept >= 0) fuzz::broken("nms accepted a negative number of boxes");
    return;
  }
  if (kept < 0 || kept > n) fuzz::broken("nms failed or kept more boxes than it was given");
  std::vector<uint8_t> seen(count, 0);
  for (int64_t j = 0; j < kept; ++j) {
    const int64_t i = keep[j];
    if (i < 0 || i >= n || seen[i]) fuzz::broken("nms kept an index out of range or twice");
    seen[i] = 1;
    if (std::isnan(scores[i])) fuzz::broken("nms kept a NaN-scored box");
    if (j > 0 && scores[keep[j - 1]] < scores[i]) fuzz::broken("nms kept boxes out of score order");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider fdp(data, size);
  const int entry = calls.choose(fdp.ConsumeIntegralInRange<int>(0, 3));
  calls.hit(entry);
  if (entry % 2 == 0)
    run<float>(fdp, entry >= 2);
  else
    run<double>(fdp, entry >= 2);
  return 0;
}
