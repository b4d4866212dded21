// The kernels' own thread pool (parallel.cpp): a replacement for at::parallel_for that needs no libtorch.
//
// Workers are std::threads that sleep on a condition variable between jobs: no spinning, no OpenMP. (libtorch bundles
// its own libgomp; a second OpenMP runtime in the process would spin its idle threads against libtorch's on a
// machine with few cores.) The pool is created on first use, grows to the largest thread count asked for, and lives
// until the process ends.
#pragma once

#include <cstdint>
#include <utility>

namespace mro {

namespace detail {
using ChunkFn = void (*)(void* context, int64_t begin, int64_t end);
void parallel_for_impl(int64_t begin, int64_t end, int64_t grain, int num_threads, ChunkFn fn, void* context);
}  // namespace detail

// Calls f(b, e) on consecutive chunks covering [begin, end), like at::parallel_for: at most num_threads chunks of at
// least `grain` elements each (fewer when the range is small), the calling thread running one of them. Chunks run in
// parallel; the call returns when all are done and rethrows the first exception a chunk threw. Runs f(begin, end) on
// the calling thread when num_threads <= 1, when one chunk suffices, when called from inside a parallel_for, or when
// another thread's job occupies the pool (results must therefore never depend on the chunking).
template <class F>
void parallel_for(int64_t begin, int64_t end, int64_t grain, int num_threads, const F& f) {
  if (begin >= end) return;
  detail::parallel_for_impl(
      begin, end, grain, num_threads,
      [](void* context, int64_t b, int64_t e) { (*static_cast<const F*>(context))(b, e); },
      const_cast<void*>(static_cast<const void*>(&f)));
}

}  // namespace mro
