// Shared helpers of the libFuzzer harnesses over the native C ABIs (test/Fuzz/Native).
//
// Each harness decodes its input with FuzzedDataProvider, calls one entry point (chosen by the input) and checks
// what the ABI promises: a status, never a crash, an out-of-bounds access (AddressSanitizer), undefined behaviour
// (UndefinedBehaviorSanitizer) or a hang (libFuzzer's -timeout). Calls per entry point are counted and printed at
// exit, so the campaign reports executions per entry point rather than per binary.
#pragma once

#include <fcntl.h>
#include <fuzzer/FuzzedDataProvider.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <limits>
#include <string>
#include <vector>

namespace fuzz {

// Counters of calls per entry point, printed as "FUZZ_CALLS name count" when the process exits normally. With
// FUZZ_CALLS_FILE set, the counters live in that file (mapped shared, little-endian uint64 per entry, names one per line
// in FILE.names), so that they survive the exits that skip destructors: libFuzzer's graceful stop (SIGUSR1), SIGINT, a
// crash.
//
// With FUZZ_ENTRY set to one of the names, every execution calls that entry point (choose() overrides the input's
// choice, which is still consumed so that saved inputs keep their meaning): a run can then be spent on the entry points
// that lag behind instead of on the harness's mix.
class CallCounter {
 public:
  CallCounter(const char* const* names, int count) : names_(names), count_(count), local_(count, 0) {
    counts_ = local_.data();
    if (const char* path = std::getenv("FUZZ_CALLS_FILE")) MapFile(path);
    if (const char* entry = std::getenv("FUZZ_ENTRY"); entry && *entry) Pin(entry);
  }
  ~CallCounter() {
    for (int i = 0; i < count_; ++i)
      std::fprintf(stderr, "FUZZ_CALLS %s %llu\n", names_[i], static_cast<unsigned long long>(counts_[i]));
  }
  void hit(int i) { ++counts_[i]; }
  // The entry point to call: the pinned one when FUZZ_ENTRY names one, else the input's.
  int choose(int drawn) const { return pinned_ >= 0 ? pinned_ : drawn; }

 private:
  void Pin(const std::string& entry) {
    for (int i = 0; i < count_; ++i)
      if (entry == names_[i]) pinned_ = i;
    if (pinned_ >= 0) return;
    std::fprintf(stderr, "FUZZ_ENTRY=%s is not an entry point of this harness; it has:", entry.c_str());
    for (int i = 0; i < count_; ++i) std::fprintf(stderr, " %s", names_[i]);
    std::fprintf(stderr, "\n");
    std::exit(2);
  }

  void MapFile(const char* path) {
    const size_t bytes = static_cast<size_t>(count_) * sizeof(uint64_t);
    const int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return;
    if (ftruncate(fd, static_cast<off_t>(bytes)) == 0) {
      void* mapped = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
      if (mapped != MAP_FAILED) counts_ = static_cast<uint64_t*>(mapped);
    }
    close(fd);
    if (FILE* list = std::fopen((std::string(path) + ".names").c_str(), "w")) {
      for (int i = 0; i < count_; ++i) std::fprintf(list, "%s\n", names_[i]);
      std::fclose(list);
    }
  }

  const char* const* names_;
  int count_;
  std::vector<uint64_t> local_;
  uint64_t* counts_;
  int pinned_ = -1;
};

// A contract the ABI broke: abort so that libFuzzer saves the input as a crash.
[[noreturn]] inline void broken(const char* what) {
  std::fprintf(stderr, "FUZZ_CONTRACT_BROKEN: %s\n", what);
  std::abort();
}

// A size argument: mostly small, sometimes zero, negative, huge or extreme, so that every branch of the argument
// checks is reached.
inline int64_t size_arg(FuzzedDataProvider& fdp, int64_t small_max) {
  switch (fdp.ConsumeIntegralInRange<int>(0, 15)) {
    case 0: return 0;
    case 1: return -fdp.ConsumeIntegralInRange<int64_t>(1, 1000);
    case 2: return fdp.ConsumeIntegral<int64_t>();  // anything, INT64_MIN and INT64_MAX included
    case 3: return int64_t{1} << fdp.ConsumeIntegralInRange<int>(16, 62);
    default: return fdp.ConsumeIntegralInRange<int64_t>(0, small_max);
  }
}

// A floating-point value: ordinary, or one of the special values that kernels tend to mishandle.
template <typename T>
T value_arg(FuzzedDataProvider& fdp, T ordinary_min, T ordinary_max) {
  switch (fdp.ConsumeIntegralInRange<int>(0, 15)) {
    case 0: return std::numeric_limits<T>::quiet_NaN();
    case 1: return std::numeric_limits<T>::infinity();
    case 2: return -std::numeric_limits<T>::infinity();
    case 3: return std::numeric_limits<T>::max();
    case 4: return std::numeric_limits<T>::lowest();
    case 5: return std::numeric_limits<T>::denorm_min();
    case 6: return static_cast<T>(fdp.ConsumeFloatingPoint<double>());  // any double, possibly out of T's range
    case 7: return static_cast<T>(-0.0);
    default: return fdp.ConsumeFloatingPointInRange<T>(ordinary_min, ordinary_max);
  }
}

// a * b * ... exactly (128 bits), so that the harness knows when the ABI must refuse a size it cannot represent.
inline __int128 product(std::initializer_list<int64_t> factors) {
  for (int64_t f : factors)
    if (f == 0) return 0;
  __int128 p = 1;
  for (int64_t f : factors) {
    p *= f;
    if (p > (static_cast<__int128>(1) << 63) || p < -(static_cast<__int128>(1) << 63)) return p;  // out of int64 already
  }
  return p;
}

constexpr __int128 kInt64Max = std::numeric_limits<int64_t>::max();

}  // namespace fuzz
