#ifndef GUMBEL_AVX2_H
#define GUMBEL_AVX2_H

#include <stdint.h>

// Kernels compiled for AVX2 and chosen at run time, for the default (SSE2) build of x86-64:
// Swift code is compiled for one instruction set, while these C functions carry their own
// (`__attribute__((target("avx2")))`). Each computes exactly what the Swift kernel of the same
// name computes, lane by lane with the same operations in the same order, so results do not
// depend on which one runs.

#ifdef __cplusplus
extern "C" {
#endif

/// 1 if the processor and the operating system support AVX2 and the environment variable
/// GUMBEL_DISABLE_AVX2 is unset or empty; 0 otherwise (always 0 off x86-64).
int gumbel_avx2_is_enabled(void);

/// For each j in [start, end): hashes with Threefry-2x32 (key0, key1) the counter
/// (j + first0, j + first1) if first_counts_up, else (first0, j + first1), modulo 2^32, and
/// writes to out[j - start] the xor of the two outputs (output 0), the first (1) or the
/// second (2).
void gumbel_avx2_threefry_words(
    uint32_t key0, uint32_t key1, int64_t start, int64_t end, int64_t first0, int64_t first1,
    int first_counts_up, int output, uint32_t *out);

/// Replaces each of the count random words at data, read as bits, by the standard Gumbel
/// sample -log(-log(u)) with u = unitInterval(word), raised to the least normal float where
/// it is 0.
void gumbel_avx2_standard_gumbel_in_place(float *data, int64_t count);

/// Replaces each of the count floats at data, each at most 0 or NaN, by exp of it.
void gumbel_avx2_exp_of_non_positive_in_place(float *data, int64_t count);

#ifdef __cplusplus
}
#endif

#endif
