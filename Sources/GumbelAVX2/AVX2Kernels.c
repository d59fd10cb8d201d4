// The AVX2 forms of the Swift kernels that dominate sampling time: Threefry-2x32 counters
// (`RandomBits.fillLinear` in GumbelRandom), the Gumbel transform of random words
// (`Float.standardGumbelSamples`), the exponential of non-positive floats
// (`VectorMath.expOfNonPositive`, in GumbelKernels), and the row steps of the softmax and its
// pullback (`Float`'s `TensorFloatingPoint` requirements, in GumbelTensor). The
// Swift code documents the algorithms and their references (Salmon et al. 2011 for Threefry;
// Moshier's Cephes `logf` and `expf` for the polynomials); this file repeats their operations
// lane by lane, in the same order and with the same constants (written as their IEEE 754 bits),
// so every result has the same bits as the Swift kernel's. A change to a Swift kernel's
// operations must be made here too: the tests that compare the two (the AVX2 suites and
// KernelChoiceTests) fail until it is.

#include "GumbelAVX2.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__clang__)

#include <cpuid.h>

// No fused multiply-adds: the Swift kernels round every product.
#pragma clang fp contract(off)

typedef uint32_t u32x8 __attribute__((vector_size(32)));
typedef int32_t i32x8 __attribute__((vector_size(32)));
typedef float f32x8 __attribute__((vector_size(32)));
// For loads and stores at addresses that are only 4-byte aligned.
typedef uint32_t unaligned_u32x8 __attribute__((vector_size(32), aligned(4)));

static int avx2_supported(void) {
  unsigned eax, ebx, ecx, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
  const unsigned osxsave = 1u << 27, avx = 1u << 28;
  if ((ecx & osxsave) == 0 || (ecx & avx) == 0) return 0;
  // The operating system saves the vector registers' upper halves (XCR0 bits 1 and 2).
  unsigned xcr0_low, xcr0_high;
  __asm__("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
  if ((xcr0_low & 6u) != 6u) return 0;
  if (__get_cpuid_max(0, NULL) < 7) return 0;
  __cpuid_count(7, 0, eax, ebx, ecx, edx);
  return (ebx & (1u << 5)) != 0;
}

int gumbel_avx2_enabled_flag = 0;

// Sets the flag once, before `main` (and before any Swift code can read it).
__attribute__((constructor)) static void gumbel_avx2_detect(void) {
  const char *disable = getenv("GUMBEL_DISABLE_AVX2");
  gumbel_avx2_enabled_flag = (disable == NULL || disable[0] == '\0') && avx2_supported();
}

#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)

static inline u32x8 splat_u32(uint32_t x) { return (u32x8){x, x, x, x, x, x, x, x}; }
static inline f32x8 splat_f32(float x) { return (f32x8){x, x, x, x, x, x, x, x}; }
static inline float float_bits(uint32_t bits) {
  float x;
  memcpy(&x, &bits, sizeof x);
  return x;
}
static inline f32x8 splat_bits(uint32_t bits) { return splat_f32(float_bits(bits)); }
static inline f32x8 load8(const float *p) {
  f32x8 x;
  memcpy(&x, p, sizeof x);
  return x;
}
static inline void store8(float *p, f32x8 x) { memcpy(p, &x, sizeof x); }
// `count` (at most 8) floats in the first lanes, `padding` in the others: a last group.
static inline f32x8 load_partial(const float *p, int64_t count, float padding) {
  f32x8 x = splat_f32(padding);
  memcpy(&x, p, (size_t)count * sizeof(float));
  return x;
}
// The first `count` (at most 8) lanes of x.
static inline void store_partial(float *p, int64_t count, f32x8 x) {
  memcpy(p, &x, (size_t)count * sizeof(float));
}
// 0, 1, ..., 7: each lane's offset in a group of eight.
static inline u32x8 lane_indices(void) { return (u32x8){0, 1, 2, 3, 4, 5, 6, 7}; }

// ---- Threefry-2x32, 20 rounds, on four vectors of eight counters at once ----

#define ROUND(a, b, r) \
  do { a += b; b = ((b << (r)) | (b >> (32 - (r)))) ^ a; } while (0)
#define FOUR_ROUNDS(a, b, r0, r1, r2, r3) \
  do { ROUND(a, b, r0); ROUND(a, b, r1); ROUND(a, b, r2); ROUND(a, b, r3); } while (0)
#define INJECT(a, b, k0, k1, step) \
  do { a += k0; b += k1 + splat_u32(step); } while (0)

// The four independent chains are written one after another in each step, so the processor
// overlaps them (one chain's rounds wait on each other).
#define HASH_STEP(rounds_macro, ...)                                                     \
  do { rounds_macro(a0, b0, __VA_ARGS__); rounds_macro(a1, b1, __VA_ARGS__);             \
       rounds_macro(a2, b2, __VA_ARGS__); rounds_macro(a3, b3, __VA_ARGS__); } while (0)

static inline void hash4(u32x8 ks0, u32x8 ks1, u32x8 ks2, u32x8 *x0, u32x8 *x1) {
  u32x8 a0 = x0[0] + ks0, a1 = x0[1] + ks0, a2 = x0[2] + ks0, a3 = x0[3] + ks0;
  u32x8 b0 = x1[0] + ks1, b1 = x1[1] + ks1, b2 = x1[2] + ks1, b3 = x1[3] + ks1;
  HASH_STEP(FOUR_ROUNDS, 13, 15, 26, 6); HASH_STEP(INJECT, ks1, ks2, 1);
  HASH_STEP(FOUR_ROUNDS, 17, 29, 16, 24); HASH_STEP(INJECT, ks2, ks0, 2);
  HASH_STEP(FOUR_ROUNDS, 13, 15, 26, 6); HASH_STEP(INJECT, ks0, ks1, 3);
  HASH_STEP(FOUR_ROUNDS, 17, 29, 16, 24); HASH_STEP(INJECT, ks1, ks2, 4);
  HASH_STEP(FOUR_ROUNDS, 13, 15, 26, 6); HASH_STEP(INJECT, ks2, ks0, 5);
  x0[0] = a0; x0[1] = a1; x0[2] = a2; x0[3] = a3;
  x1[0] = b0; x1[1] = b1; x1[2] = b2; x1[3] = b3;
}

void gumbel_avx2_threefry_words(
    uint32_t key0, uint32_t key1, int64_t start, int64_t end, int64_t first0, int64_t first1,
    int first_counts_up, int output, uint32_t *out) {
  const u32x8 ks0 = splat_u32(key0), ks1 = splat_u32(key1);
  const u32x8 ks2 = splat_u32(key0 ^ key1 ^ 0x1BD11BDAu);
  const u32x8 iota = lane_indices();
  for (int64_t j = start; j < end; j += 32) {
    u32x8 x0[4], x1[4];
    for (int v = 0; v < 4; v++) {
      const int64_t lane0 = j + 8 * v;
      x0[v] = first_counts_up ? splat_u32((uint32_t)(lane0 + first0)) + iota : splat_u32((uint32_t)first0);
      x1[v] = splat_u32((uint32_t)(lane0 + first1)) + iota;
    }
    hash4(ks0, ks1, ks2, x0, x1);
    u32x8 words[4];
    for (int v = 0; v < 4; v++) words[v] = output == 0 ? x0[v] ^ x1[v] : output == 1 ? x0[v] : x1[v];
    uint32_t *to = out + (j - start);
    if (end - j >= 32) {
      for (int v = 0; v < 4; v++) *(unaligned_u32x8 *)(to + 8 * v) = words[v];
    } else {
      // Word by word: a variable-length copy would become a call to memcpy, which the compiler
      // then also uses for the full groups.
      for (int64_t w = 0; w < end - j; w++) to[w] = words[w / 8][w % 8];
    }
  }
}

// ---- The Gumbel transform: -log(-log(u)) ----

// log(x) for positive normal x, as `VectorMath.logOfPositiveNormal`.
static inline f32x8 log_of_positive_normal(f32x8 x) {
  const u32x8 shifted = (u32x8)x + splat_u32(0x3F800000u - 0x3F3504F3u);
  const i32x8 e = (i32x8)(shifted >> 23) - (i32x8)splat_u32(0x7F);
  const f32x8 m = (f32x8)((shifted & splat_u32(0x007FFFFFu)) + splat_u32(0x3F3504F3u));
  const f32x8 f = m - splat_f32(1);
  const f32x8 z = f * f;
  f32x8 p = f * splat_bits(0x3d9021bb) - splat_bits(0x3debd1b8);
  p = p * f + splat_bits(0x3def251a);
  p = p * f - splat_bits(0x3dfe5d4f);
  p = p * f + splat_bits(0x3e11e9bf);
  p = p * f - splat_bits(0x3e2aae50);
  p = p * f + splat_bits(0x3e4cceac);
  p = p * f - splat_bits(0x3e7ffffc);
  p = p * f + splat_bits(0x3eaaaaaa);
  const f32x8 magic = splat_bits(0x4b400000);  // 1.5 * 2^23
  const f32x8 fe = (f32x8)((u32x8)e + (u32x8)magic) - magic;
  f32x8 y = f * z * p;
  y += fe * splat_bits(0xb95e8083);  // -2.12194440e-4
  y -= z * splat_f32(0.5f);
  return f + y + fe * splat_bits(0x3f318000);  // 0.693359375
}

static inline f32x8 minus_log(f32x8 x) { return splat_f32(0) - log_of_positive_normal(x); }

static inline f32x8 uniform_above_zero(u32x8 words) {
  const f32x8 unit = (f32x8)((words >> 9) | splat_u32(0x3F800000u));
  return unit - splat_f32(1) + splat_bits(0x00800000);  // + the least normal float
}

// Replaces the 32 floats at p by -log of each (of its uniform float, if `words`: the floats are
// then random words, read as their bits), plus addend's floats if given, as four independent
// chains.
__attribute__((always_inline)) static inline void minus_log_of_32(float *p, int words, const float *addend) {
  f32x8 x[4];
  for (int v = 0; v < 4; v++) x[v] = words ? uniform_above_zero((u32x8)load8(p + 8 * v)) : load8(p + 8 * v);
  f32x8 y[4] = {minus_log(x[0]), minus_log(x[1]), minus_log(x[2]), minus_log(x[3])};
  if (addend) {
    for (int v = 0; v < 4; v++) y[v] += load8(addend + 8 * v);
  }
  for (int v = 0; v < 4; v++) store8(p + 8 * v, y[v]);
}

void gumbel_avx2_standard_gumbel_in_place(float *data, int64_t count, const float *addend) {
  // Thirty-two at a time, and one logarithm per pass over the block (as the Swift kernel): each
  // is a chain of dependent steps, and a short loop lets the processor overlap its iterations.
  const int64_t wide_end = count / 32 * 32;
  for (int64_t i = 0; i < wide_end; i += 32) minus_log_of_32(data + i, 1, NULL);
  if (addend) {
    for (int64_t i = 0; i < wide_end; i += 32) minus_log_of_32(data + i, 0, addend + i);
  } else {
    for (int64_t i = 0; i < wide_end; i += 32) minus_log_of_32(data + i, 0, NULL);
  }
  for (int64_t i = wide_end; i < count; i += 8) {
    // Eight at a time; a last partial group is padded with zero bits (those of 0.0f).
    const int64_t n = count - i < 8 ? count - i : 8;
    const u32x8 w = (u32x8)load_partial(data + i, n, 0);
    f32x8 g = minus_log(minus_log(uniform_above_zero(w)));
    if (addend) g += load_partial(addend + i, n, 0);
    store_partial(data + i, n, g);
  }
}

// ---- exp of non-positive floats ----

// All ones where the sign bit of x is set, as `VectorMath.signMask`.
static inline u32x8 sign_mask(f32x8 x) { return (u32x8)((i32x8)x >> 31); }
static inline f32x8 select_where(f32x8 chosen, u32x8 mask, f32x8 otherwise) {
  return (f32x8)(((u32x8)chosen & mask) | ((u32x8)otherwise & ~mask));
}

// `VectorMath.expOfNonPositive`.
static inline f32x8 exp_of_non_positive(f32x8 x) {
  const f32x8 low = splat_f32(-104);
  const f32x8 clamped = select_where(low, sign_mask(x - low), x);
  const f32x8 magic = splat_bits(0x4b400000);
  const f32x8 shifted = clamped * splat_bits(0x3fb8aa3b) + magic;  // * log2(e)
  const f32x8 n = shifted - magic;
  const i32x8 ni = (i32x8)((u32x8)shifted - (u32x8)magic);
  const f32x8 r = clamped - n * splat_bits(0x3f318000) - n * splat_bits(0xb95e8083);
  const f32x8 r2 = r * r;
  f32x8 p = splat_bits(0x39506967);
  p = p * r + splat_bits(0x3ab743ce);
  p = p * r + splat_bits(0x3c088908);
  p = p * r + splat_bits(0x3d2aa9c1);
  p = p * r + splat_bits(0x3e2aaaaa);
  p = p * r + splat_bits(0x3f000000);
  const f32x8 er = p * r2 + r + splat_f32(1);
  const i32x8 half = ni >> 1;
  const i32x8 bias = (i32x8)splat_u32(127);
  const f32x8 scale_a = (f32x8)((u32x8)(half + bias) << 23);
  const f32x8 scale_b = (f32x8)((u32x8)(ni - half + bias) << 23);
  const f32x8 result = er * scale_a * scale_b;
  // NaN lanes (magnitude bits above infinity's) keep x.
  const i32x8 magnitude = (i32x8)((u32x8)x & splat_u32(0x7FFFFFFFu));
  const u32x8 nan = (u32x8)(((i32x8)splat_u32(0x7F800000u) - magnitude) >> 31);
  return select_where(x, nan, result);
}

// exp of the count floats at from, written to to (which may be from).
static void exp_of_non_positive_block(const float *from, float *to, int64_t count) {
  int64_t i = 0;
  for (; i + 16 <= count; i += 16) {
    const f32x8 x0 = exp_of_non_positive(load8(from + i)), x1 = exp_of_non_positive(load8(from + i + 8));
    store8(to + i, x0);
    store8(to + i + 8, x1);
  }
  for (; i < count; i += 8) {
    // A last partial group is padded with -infinity.
    const int64_t n = count - i < 8 ? count - i : 8;
    store_partial(to + i, n, exp_of_non_positive(load_partial(from + i, n, -__builtin_inff())));
  }
}

void gumbel_avx2_exp_of_non_positive_in_place(float *data, int64_t count) {
  exp_of_non_positive_block(data, data, count);
}

// ---- Softmax rows and their pullback ----
// The sum of the lanes: the halves, then their halves, then the pair (`VectorMath.sum`).
static inline float lane_sum(f32x8 x) {
  const float quarter[4] = {x[0] + x[4], x[1] + x[5], x[2] + x[6], x[3] + x[7]};
  const float pair[2] = {quarter[0] + quarter[2], quarter[1] + quarter[3]};
  return pair[0] + pair[1];
}

// All ones in the lanes of `bits` (each below 2^31) that are 0 (`VectorMath.zeroBitsMask`).
static inline u32x8 zero_bits_mask(u32x8 bits) { return (u32x8)((i32x8)(bits - splat_u32(1)) >> 31); }

// All ones in the lanes that hold an infinity or NaN (`VectorMath.nonFiniteMask`).
static inline u32x8 non_finite_mask(f32x8 x) {
  return zero_bits_mask(((u32x8)x & splat_u32(0x7F800000u)) ^ splat_u32(0x7F800000u));
}

typedef long long i64x4 __attribute__((vector_size(32)));
static inline int all_zero(u32x8 x) { return __builtin_ia32_ptestz256((i64x4)x, (i64x4)x); }
static inline u32x8 select_u32(u32x8 chosen, u32x8 mask, u32x8 otherwise) { return (chosen & mask) | (otherwise & ~mask); }

// The larger of a and b, lane by lane, as `VectorMath.maximum` chooses it (b where a - b is
// negative).
static inline f32x8 larger_of(f32x8 a, f32x8 b) { return select_where(b, sign_mask(a - b), a); }
static inline u32x8 smaller_of(u32x8 a, u32x8 b) { return select_u32(a, (u32x8)(a < b), b); }

// The largest of eight finite lanes, in every lane: the halves, their halves, then the pair.
static inline f32x8 lane_maximum(f32x8 x) {
  x = larger_of(x, __builtin_shufflevector(x, x, 4, 5, 6, 7, 0, 1, 2, 3));
  x = larger_of(x, __builtin_shufflevector(x, x, 2, 3, 0, 1, 6, 7, 4, 5));
  return larger_of(x, __builtin_shufflevector(x, x, 1, 0, 3, 2, 5, 4, 7, 6));
}

// The least of eight lanes.
static inline int64_t lane_minimum(u32x8 x) {
  x = smaller_of(x, __builtin_shufflevector(x, x, 4, 5, 6, 7, 0, 1, 2, 3));
  x = smaller_of(x, __builtin_shufflevector(x, x, 2, 3, 0, 1, 6, 7, 4, 5));
  return smaller_of(x, __builtin_shufflevector(x, x, 1, 0, 3, 2, 5, 4, 7, 6))[0];
}

static inline void update_maximum(f32x8 *best, u32x8 *at, f32x8 x, int64_t i) {
  const u32x8 larger = sign_mask(*best - x) & ~(u32x8)(*best == x);
  *best = select_where(x, larger, *best);
  *at = ((splat_u32((uint32_t)i) + lane_indices()) & larger) | (*at & ~larger);
}

int64_t gumbel_avx2_index_of_maximum(const float *x, int64_t n) {
  f32x8 best0 = load8(x), best1 = load8(x + 8);
  u32x8 at0 = lane_indices(), at1 = lane_indices() + splat_u32(8);
  int64_t i = 16;
  for (; i + 16 <= n; i += 16) {
    update_maximum(&best0, &at0, load8(x + i), i);
    update_maximum(&best1, &at1, load8(x + i + 8), i + 8);
  }
  if (i + 8 <= n) {
    update_maximum(&best0, &at0, load8(x + i), i);
    i += 8;
  }
  if (i < n) update_maximum(&best1, &at1, load_partial(x + i, n - i, -__builtin_inff()), i);
  // `VectorMath.maximum(best0, best1)`, then the lanes one by one as `Swift.max` takes them.
  const f32x8 both = larger_of(best0, best1);
  if (all_zero(non_finite_mask(both))) {
    // Every lane finite (the usual case): the largest value does not depend on the order in
    // which the lanes are taken (only the sign of a zero could, which `==` ignores), so it is
    // found by halving; then the least position among the lanes that hold it.
    const f32x8 m = lane_maximum(both);
    const u32x8 none = splat_u32(UINT32_MAX);
    const u32x8 first0 = select_u32(at0, (u32x8)(best0 == m), none);
    const u32x8 first1 = select_u32(at1, (u32x8)(best1 == m), none);
    return lane_minimum(smaller_of(first0, first1));
  }
  float m = both[0];
  for (int lane = 1; lane < 8; lane++) m = both[lane] >= m ? both[lane] : m;
  if (!__builtin_isfinite(m)) return -1;
  int64_t first = n;
  for (int lane = 0; lane < 8; lane++) {
    if (best0[lane] == m && (int64_t)at0[lane] < first) first = at0[lane];
    if (best1[lane] == m && (int64_t)at1[lane] < first) first = at1[lane];
  }
  return first;
}

// The index of the first largest of the n floats at x (`Float.indexOfMaximum`): the vector
// search, or one by one (as `scalarIndexOfMaximum`, for rows under 16 and rows whose largest
// element is infinite or NaN; NaN is never larger).
static int64_t index_of_maximum_of_row(const float *x, int64_t n) {
  if (n >= 16) {
    const int64_t index = gumbel_avx2_index_of_maximum(x, n);
    if (index >= 0) return index;
  }
  float m = x[0];
  int64_t best = 0;
  for (int64_t j = 1; j < n; j++) {
    if (x[j] > m) {
      m = x[j];
      best = j;
    }
  }
  return best;
}

void gumbel_avx2_index_of_maximum_rows(const float *x, int64_t rows, int64_t k, int32_t *argmax) {
  for (int64_t r = 0; r < rows; r++) argmax[r] = (int32_t)index_of_maximum_of_row(x + r * k, k);
}

void gumbel_avx2_shift_and_scale(const float *x, float *z, int64_t n, float m, float t) {
  const f32x8 mv = splat_f32(m), tv = splat_f32(t);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) store8(z + i, (load8(x + i) - mv) / tv);
  for (; i < n; i++) z[i] = (x[i] - m) / t;
}

float gumbel_avx2_sum_in_lane_order(const float *x, int64_t n) {
  f32x8 sums = splat_f32(0);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) sums += load8(x + i);
  float total = lane_sum(sums);
  for (; i < n; i++) total += x[i];
  return total;
}

void gumbel_avx2_divide_by_sum(float *row, int64_t n) {
  const float total = gumbel_avx2_sum_in_lane_order(row, n);
  const f32x8 tv = splat_f32(total);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) store8(row + i, load8(row + i) / tv);
  for (; i < n; i++) row[i] /= total;
}

// The softmax steps of `Tensor.softmaxRowsInPlace` for rows (rows of k) of logits x: each
// row's argmax (read from known_argmax if given, else searched for and written to
// found_argmax if that is given) and z = (x - max) / t, written to z; exp over the whole block
// at once, from z to y; each row's sum and the division. z and y may be x.
static void softmax_rows(
    const float *x, float *z, float *y, int64_t rows, int64_t k, float t, const int32_t *known_argmax,
    int32_t *found_argmax) {
  for (int64_t r = 0; r < rows; r++) {
    const int64_t best = known_argmax ? known_argmax[r] : index_of_maximum_of_row(x + r * k, k);
    gumbel_avx2_shift_and_scale(x + r * k, z + r * k, k, x[r * k + best], t);
    if (found_argmax) found_argmax[r] = (int32_t)best;
  }
  exp_of_non_positive_block(z, y, rows * k);
  for (int64_t r = 0; r < rows; r++) gumbel_avx2_divide_by_sum(y + r * k, k);
}

void gumbel_avx2_softmax_rows_in_place(float *x, int64_t rows, int64_t k, float t, int32_t *argmax) {
  softmax_rows(x, x, x, rows, k, t, NULL, argmax);
}

// `Float.softmaxPullbackRow`, with the row's tempered shifted logits z = (x - m) / t read from
// z if given (the same values), else computed from x.
static inline float softmax_pullback_row(
    const float *y, const float *x, const float *z, const float *v, int64_t k, float m, float t, float *dx) {
  const int64_t full = k - k % 8;
  f32x8 dots = splat_f32(0);
  for (int64_t i = 0; i < full; i += 8) dots += load8(v + i) * load8(y + i);
  float dot = lane_sum(dots);
  for (int64_t j = full; j < k; j++) dot += v[j] * y[j];
  const f32x8 dotv = splat_f32(dot), tv = splat_f32(t), mv = splat_f32(m);
  f32x8 terms = splat_f32(0);
  for (int64_t i = 0; i < full; i += 8) {
    const f32x8 dz = load8(y + i) * (load8(v + i) - dotv);
    const f32x8 zi = z ? load8(z + i) : (load8(x + i) - mv) / tv;
    store8(dx + i, dz / tv);
    // Lanes with dz = 0 or an infinite z (masked categories) add nothing.
    const u32x8 skipped = zero_bits_mask((u32x8)dz & splat_u32(0x7FFFFFFFu)) | non_finite_mask(zi);
    terms += (f32x8)((u32x8)(dz * zi) & ~skipped);
  }
  float sum = lane_sum(terms);
  for (int64_t j = full; j < k; j++) {
    const float dz = y[j] * (v[j] - dot);
    dx[j] = dz / t;
    if (dz == 0) continue;
    const float zj = z ? z[j] : (x[j] - m) / t;
    if (__builtin_isfinite(zj)) sum += dz * zj;
  }
  return -sum / t;
}

float gumbel_avx2_softmax_pullback_row(
    const float *y, const float *x, const float *v, int64_t k, float m, float t, float *dx) {
  return softmax_pullback_row(y, x, NULL, v, k, m, t, dx);
}

float gumbel_avx2_softmax_pullback_rows(
    const float *x, const float *y, const float *v, const int32_t *argmax, int64_t rows, int64_t k, float t,
    float *scratch, float *dx) {
  // Without y, the soft sample is recomputed into dx as `Tensor.softmaxRows(of:into:...)`
  // computes it, keeping z in scratch for the pullback.
  if (y == NULL) softmax_rows(x, scratch, dx, rows, k, t, argmax, NULL);
  const float *sample = y ? y : dx;
  const float *z = y ? NULL : scratch;
  float block_sum = 0;
  for (int64_t r = 0; r < rows; r++) {
    const int64_t o = r * k;
    block_sum += softmax_pullback_row(sample + o, x + o, z ? z + o : NULL, v + o, k, x[o + argmax[r]], t, dx + o);
  }
  return block_sum;
}

#pragma clang attribute pop

#else

// Other processors: never enabled, and the kernels are never called.
int gumbel_avx2_enabled_flag = 0;
void gumbel_avx2_threefry_words(
    uint32_t key0, uint32_t key1, int64_t start, int64_t end, int64_t first0, int64_t first1,
    int first_counts_up, int output, uint32_t *out) { abort(); }
void gumbel_avx2_standard_gumbel_in_place(float *data, int64_t count, const float *addend) { abort(); }
void gumbel_avx2_exp_of_non_positive_in_place(float *data, int64_t count) { abort(); }
int64_t gumbel_avx2_index_of_maximum(const float *x, int64_t n) { abort(); }
void gumbel_avx2_index_of_maximum_rows(const float *x, int64_t rows, int64_t k, int32_t *argmax) { abort(); }
void gumbel_avx2_softmax_rows_in_place(float *x, int64_t rows, int64_t k, float t, int32_t *argmax) { abort(); }
void gumbel_avx2_shift_and_scale(const float *x, float *z, int64_t n, float m, float t) { abort(); }
float gumbel_avx2_sum_in_lane_order(const float *x, int64_t n) { abort(); }
void gumbel_avx2_divide_by_sum(float *row, int64_t n) { abort(); }
float gumbel_avx2_softmax_pullback_row(
    const float *y, const float *x, const float *v, int64_t k, float m, float t, float *dx) { abort(); }
float gumbel_avx2_softmax_pullback_rows(
    const float *x, const float *y, const float *v, const int32_t *argmax, int64_t rows, int64_t k, float t,
    float *scratch, float *dx) { abort(); }

#endif
