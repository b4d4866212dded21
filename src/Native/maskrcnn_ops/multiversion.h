// Hot loops are compiled for AVX-512, AVX2 and baseline x86-64; the loader picks the best the CPU has
// (GCC target_clones, an ifunc). The library itself still runs on any x86-64. Every clone is built with
// -ffp-contract=off (CMakeLists.txt): no fused multiply-add, so all clones give the same floats.
#pragma once

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define MRO_MULTIVERSION __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define MRO_MULTIVERSION
#endif
