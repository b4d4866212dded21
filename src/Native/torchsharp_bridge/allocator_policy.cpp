// glibc malloc policy for the process that loads the bridge.
//
// libtorch's CPU tensors come from malloc. glibc serves blocks above its mmap threshold (128 KiB until the first
// such block is freed, then adaptive) with fresh mmap calls, and returns the free top of the heap to the system past
// its trim threshold. A training step allocates and frees the same large activation and gradient buffers every
// time, so in a process where the adaptive threshold has not risen (ours, unlike a Python interpreter that freed
// large blocks while importing) each step pays the page faults of memory it has just given back: a small CNN step
// measured 13-21 ms this way against 9.5-11 ms with the thresholds below (docs/benchmarks.md, binding).
//
// Fixed thresholds: blocks up to 32 MiB (glibc's largest adaptive value) come from the heap, and up to 64 MiB of
// free heap top is kept for the next step (glibc's own adaptive rule keeps twice the mmap threshold). Peak memory
// is unchanged; memory freed after a peak stays with the process for reuse. An explicit MALLOC_MMAP_THRESHOLD_ or
// MALLOC_TRIM_THRESHOLD_ in the environment, or TORCHSHARP_BRIDGE_MALLOC_DEFAULTS=1, leaves glibc's policy alone.

#include <cstdlib>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace {

bool environment_names(const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr && value[0] != '\0';
}

struct AllocatorPolicy {
    AllocatorPolicy() {
#if defined(__GLIBC__)
        if (environment_names("MALLOC_MMAP_THRESHOLD_") || environment_names("MALLOC_TRIM_THRESHOLD_") ||
            environment_names("TORCHSHARP_BRIDGE_MALLOC_DEFAULTS"))
            return;
        constexpr int mmap_threshold = 32 * 1024 * 1024;
        mallopt(M_MMAP_THRESHOLD, mmap_threshold);
        mallopt(M_TRIM_THRESHOLD, 2 * mmap_threshold);
#endif
    }
};

// Runs when the library is loaded, before any tensor exists. mallopt reports failure by its return value only.
const AllocatorPolicy policy;

}  // namespace
