// The AVX2 forms of the Swift kernels that dominate sampling and training time (GumbelKernels):
// Threefry-2x32 counters (`Kernels.threefryWords`, ThreefryKernels.swift), the Gumbel transform
// of random words (`Kernels.standardGumbel`, GumbelTransformKernels.swift), the exponential of
// non-positive floats (`Kernels.exponentiate`, `VectorMath.expOfNonPositive`), the row steps of
// the softmax and its pullback (ArgmaxKernels.swift, SumKernels.swift, SoftmaxKernels.swift,
// SoftmaxPullbackKernels.swift), the sigmoid cross-entropy (`Kernels.sigmoidCrossEntropy`,
// CrossEntropyKernels.swift) and Adam's step (`Kernels.adamStep`, OptimizerKernels.swift). The
// first three, the check that floats are finite (`Kernels.allFinite`), the cross-entropy and
// Adam's step work element by element: their code is in ElementwiseKernels.inc, compiled here
// for AVX2 and in AVX512Kernels.c for AVX-512F, and their entry points below run the AVX-512
// form on processors that have it (gumbel_avx512_enabled_flag). The Swift code documents the
// algorithms and their references (Salmon et al. 2011 for Threefry; Moshier's Cephes `logf` and
// `expf` for the polynomials; Kingma & Ba 2015 for Adam); this file repeats their operations
// lane by lane, in the same order and with the same constants (written as their IEEE 754 bits),
// so every result has the same bits as the Swift kernel's. A change to a Swift kernel's
// operations must be made here too: the tests that compare the two (the C-form suites of
// GumbelKernelsTests, and KernelChoiceTests) fail until it is. Guides/Kernels.md has the map.

#include "CGumbelKernels.h"
#include "AVX512Kernels.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__clang__)

#include <cpuid.h>

// No fused multiply-adds: the Swift kernels round every product.
#pragma clang fp contract(off)

typedef uint32_t u32x8 __attribute__((vector_size(32)));
typedef int32_t i32x8 __attribute__((vector_size(32)));
typedef float f32x8 __attribute__((vector_size(32)));

// What the processor and the operating system support: 2 for AVX-512F (and AVX2), 1 for AVX2
// alone, 0 for neither.
static int vector_extension_level(void) {
  unsigned eax, ebx, ecx, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
  const unsigned osxsave = 1u << 27, avx = 1u << 28;
  if ((ecx & osxsave) == 0 || (ecx & avx) == 0) return 0;
  // The operating system saves the vector registers' upper halves (XCR0 bits 1 and 2), and for
  // AVX-512 the mask registers and the upper 256 bits and upper 16 of the 32 vector registers
  // (bits 5, 6 and 7).
  unsigned xcr0_low, xcr0_high;
  __asm__("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
  if ((xcr0_low & 6u) != 6u) return 0;
  if (__get_cpuid_max(0, NULL) < 7) return 0;
  __cpuid_count(7, 0, eax, ebx, ecx, edx);
  if ((ebx & (1u << 5)) == 0) return 0;
  return (ebx & (1u << 16)) != 0 && (xcr0_low & 0xE0u) == 0xE0u ? 2 : 1;
}

static int is_set(const char *variable) {
  const char *value = getenv(variable);
  return value != NULL && value[0] != '\0';
}

int gumbel_avx2_enabled_flag = 0;
int gumbel_avx512_enabled_flag = 0;
int gumbel_matrix_product_path_flag = 0;

// Whether the processor has fused multiply-add (CPUID leaf 1, ECX bit 12): the matrix product's
// C forms need it beside AVX2.
static int has_fma(void) {
  unsigned eax, ebx, ecx, edx;
  return __get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & (1u << 12)) != 0;
}

// Sets the flags once, before `main` (and before any Swift code can read them).
__attribute__((constructor)) static void gumbel_avx2_detect(void) {
  const int level = vector_extension_level();
  gumbel_avx2_enabled_flag = level >= 1 && !is_set("GUMBEL_DISABLE_AVX2");
  gumbel_avx512_enabled_flag = gumbel_avx2_enabled_flag && level >= 2 && !is_set("GUMBEL_DISABLE_AVX512");
  gumbel_matrix_product_path_flag = gumbel_avx512_enabled_flag ? 2 : gumbel_avx2_enabled_flag && has_fma() ? 1 : 0;
}

#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)

static inline u32x8 splat_u32(uint32_t x) { return (u32x8){x, x, x, x, x, x, x, x}; }
static inline f32x8 splat_f32(float x) { return (f32x8){x, x, x, x, x, x, x, x}; }
static inline float float_bits(uint32_t bits) {
  float x;
  memcpy(&x, &bits, sizeof x);
  return x;
}
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
// 0, 1, ..., 7: each lane's offset in a group of eight.
static inline u32x8 lane_indices(void) { return (u32x8){0, 1, 2, 3, 4, 5, 6, 7}; }

// Sixteen-lane vectors, two AVX2 registers each. They never cross a call (every helper there is
// inlined), so the warning that passing them would change the ABI does not apply.
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wpsabi"
#define ELEMENTWISE(name) avx2_##name
#define ELEMENTWISE_LINKAGE static
#include "ElementwiseKernels.inc"
#undef ELEMENTWISE
#undef ELEMENTWISE_LINKAGE
#pragma clang diagnostic pop

void gumbel_kernel_threefry_words(
    uint32_t key0, uint32_t key1, int64_t start, int64_t end, int64_t first0, int64_t first1,
    int first_counts_up, int output, uint32_t *out) {
  if (gumbel_avx512_enabled_flag) {
    gumbel_avx512_threefry_words(key0, key1, start, end, first0, first1, first_counts_up, output, out);
  } else {
    avx2_threefry_words(key0, key1, start, end, first0, first1, first_counts_up, output, out);
  }
}

void gumbel_kernel_standard_gumbel_in_place(float *data, int64_t count, const float *addend) {
  if (gumbel_avx512_enabled_flag) {
    gumbel_avx512_standard_gumbel_in_place(data, count, addend);
  } else {
    avx2_standard_gumbel_in_place(data, count, addend);
  }
}

// exp of the count floats at from (each at most 0 or NaN), written to to (which may be from).
static void exp_of_non_positive_block(const float *from, float *to, int64_t count) {
  if (gumbel_avx512_enabled_flag) {
    gumbel_avx512_exp_of_non_positive(from, to, count);
  } else {
    avx2_exp_of_non_positive(from, to, count);
  }
}

void gumbel_kernel_exp_of_non_positive_in_place(float *data, int64_t count) {
  exp_of_non_positive_block(data, data, count);
}

int gumbel_kernel_all_finite(const float *x, int64_t count) {
  return gumbel_avx512_enabled_flag ? gumbel_avx512_all_finite(x, count) : avx2_all_finite(x, count);
}

void gumbel_kernel_sigmoid_cross_entropy(const float *x, const float *labels, int64_t count, float *out) {
  if (gumbel_avx512_enabled_flag) {
    gumbel_avx512_sigmoid_cross_entropy(x, labels, count, out);
  } else {
    avx2_sigmoid_cross_entropy(x, labels, count, out);
  }
}

void gumbel_kernel_adam_step(
    float *p, float *m, float *v, const float *g, int64_t count, float rate, float b1, float b2, float eps,
    float correction1, float correction2) {
  if (gumbel_avx512_enabled_flag) {
    gumbel_avx512_adam_step(p, m, v, g, count, rate, b1, b2, eps, correction1, correction2);
  } else {
    avx2_adam_step(p, m, v, g, count, rate, b1, b2, eps, correction1, correction2);
  }
}

// ---- Softmax rows and their pullback ----

// All ones where the sign bit of x is set, as `VectorMath.signMask`.
static inline u32x8 sign_mask(f32x8 x) { return (u32x8)((i32x8)x >> 31); }
static inline f32x8 select_where(f32x8 chosen, u32x8 mask, f32x8 otherwise) {
  return (f32x8)(((u32x8)chosen & mask) | ((u32x8)otherwise & ~mask));
}

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

int64_t gumbel_kernel_index_of_maximum(const float *x, int64_t n) {
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

// The index of the first largest of the n floats at x (`Kernels.indexOfMaximumInSwift`): the vector
// search, or one by one (as `scalarIndexOfMaximum`, for rows under 16 and rows whose largest
// element is infinite or NaN; NaN is never larger).
static int64_t index_of_maximum_of_row(const float *x, int64_t n) {
  if (n >= 16) {
    const int64_t index = gumbel_kernel_index_of_maximum(x, n);
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

void gumbel_kernel_index_of_maximum_rows(const float *x, int64_t rows, int64_t k, int32_t *argmax) {
  for (int64_t r = 0; r < rows; r++) argmax[r] = (int32_t)index_of_maximum_of_row(x + r * k, k);
}

// Division by a temperature t. When t is a power of two whose reciprocal is a normal float,
// x * (1 / t) and x / t are the correctly rounded values of the same real number, so they have
// the same bits for every x (zeros, infinities and NaNs included); the multiplication then
// replaces the division, which takes several times as long.
typedef struct {
  float t, reciprocal;
  int multiplies;
} divisor;

static inline divisor divisor_of(float t) {
  uint32_t bits;
  memcpy(&bits, &t, sizeof bits);
  const uint32_t exponent = (bits >> 23) & 0xFFu;
  // 2^(e - 127) with 1 <= e <= 253: its reciprocal 2^(127 - e) is normal too.
  const int multiplies = (bits & 0x007FFFFFu) == 0 && exponent >= 1 && exponent <= 253;
  const float reciprocal = float_bits((bits & 0x80000000u) | ((254u - exponent) << 23));
  return (divisor){t, multiplies ? reciprocal : 0, multiplies};
}

static inline float divide(float x, divisor d) { return d.multiplies ? x * d.reciprocal : x / d.t; }
static inline f32x8 divide8(f32x8 x, divisor d) {
  return d.multiplies ? x * splat_f32(d.reciprocal) : x / splat_f32(d.t);
}

static void shift_and_scale(const float *x, float *z, int64_t n, float m, divisor t) {
  const f32x8 mv = splat_f32(m);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) store8(z + i, divide8(load8(x + i) - mv, t));
  for (; i < n; i++) z[i] = divide(x[i] - m, t);
}

void gumbel_kernel_shift_and_scale(const float *x, float *z, int64_t n, float m, float t) {
  shift_and_scale(x, z, n, m, divisor_of(t));
}

float gumbel_kernel_sum_in_lane_order(const float *x, int64_t n) {
  f32x8 sums = splat_f32(0);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) sums += load8(x + i);
  float total = lane_sum(sums);
  for (; i < n; i++) total += x[i];
  return total;
}

void gumbel_kernel_divide_by_sum(float *row, int64_t n) {
  const float total = gumbel_kernel_sum_in_lane_order(row, n);
  const f32x8 tv = splat_f32(total);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) store8(row + i, load8(row + i) / tv);
  for (; i < n; i++) row[i] /= total;
}

// The softmax steps of `Kernels.softmaxRowsInPlace` for rows (rows of k) of logits x: each
// row's argmax (read from known_argmax if given, else searched for and written to
// found_argmax if that is given) and z = (x - max) / t, written to z; exp over the whole block
// at once, from z to y; each row's sum and the division. z and y may be x.
static void softmax_rows(
    const float *x, float *z, float *y, int64_t rows, int64_t k, float t, const int32_t *known_argmax,
    int32_t *found_argmax) {
  const divisor tv = divisor_of(t);
  for (int64_t r = 0; r < rows; r++) {
    const int64_t best = known_argmax ? known_argmax[r] : index_of_maximum_of_row(x + r * k, k);
    shift_and_scale(x + r * k, z + r * k, k, x[r * k + best], tv);
    if (found_argmax) found_argmax[r] = (int32_t)best;
  }
  exp_of_non_positive_block(z, y, rows * k);
  for (int64_t r = 0; r < rows; r++) gumbel_kernel_divide_by_sum(y + r * k, k);
}

void gumbel_kernel_softmax_rows_in_place(float *x, int64_t rows, int64_t k, float t, int32_t *argmax) {
  softmax_rows(x, x, x, rows, k, t, NULL, argmax);
}

// `Kernels.softmaxPullbackRow`, with the row's tempered shifted logits z = (x - m) / t read from
// z if given (the same values), else computed from x.
static inline float softmax_pullback_row(
    const float *y, const float *x, const float *z, const float *v, int64_t k, float m, divisor t, float *dx) {
  const int64_t full = k - k % 8;
  f32x8 dots = splat_f32(0);
  for (int64_t i = 0; i < full; i += 8) dots += load8(v + i) * load8(y + i);
  float dot = lane_sum(dots);
  for (int64_t j = full; j < k; j++) dot += v[j] * y[j];
  const f32x8 dotv = splat_f32(dot), mv = splat_f32(m);
  f32x8 terms = splat_f32(0);
  for (int64_t i = 0; i < full; i += 8) {
    const f32x8 dz = load8(y + i) * (load8(v + i) - dotv);
    const f32x8 zi = z ? load8(z + i) : divide8(load8(x + i) - mv, t);
    store8(dx + i, divide8(dz, t));
    // Lanes with dz = 0 or an infinite z (masked categories) add nothing.
    const u32x8 skipped = zero_bits_mask((u32x8)dz & splat_u32(0x7FFFFFFFu)) | non_finite_mask(zi);
    terms += (f32x8)((u32x8)(dz * zi) & ~skipped);
  }
  float sum = lane_sum(terms);
  for (int64_t j = full; j < k; j++) {
    const float dz = y[j] * (v[j] - dot);
    dx[j] = divide(dz, t);
    if (dz == 0) continue;
    const float zj = z ? z[j] : divide(x[j] - m, t);
    if (__builtin_isfinite(zj)) sum += dz * zj;
  }
  return divide(-sum, t);
}

float gumbel_kernel_softmax_pullback_row(
    const float *y, const float *x, const float *v, int64_t k, float m, float t, float *dx) {
  return softmax_pullback_row(y, x, NULL, v, k, m, divisor_of(t), dx);
}

float gumbel_kernel_softmax_pullback_rows(
    const float *x, const float *y, const float *v, const int32_t *argmax, int64_t rows, int64_t k, float t,
    float *scratch, float *dx) {
  // Without y, the soft sample is recomputed into dx as `Kernels.softmaxRows(of:into:...)`
  // computes it, keeping z in scratch for the pullback.
  if (y == NULL) softmax_rows(x, scratch, dx, rows, k, t, argmax, NULL);
  const float *sample = y ? y : dx;
  const float *z = y ? NULL : scratch;
  const divisor tv = divisor_of(t);
  float block_sum = 0;
  for (int64_t r = 0; r < rows; r++) {
    const int64_t o = r * k;
    block_sum += softmax_pullback_row(sample + o, x + o, z ? z + o : NULL, v + o, k, x[o + argmax[r]], tv, dx + o);
  }
  return block_sum;
}

#pragma clang attribute pop

#else

// Other processors: never enabled, and the kernels are never called.
int gumbel_avx2_enabled_flag = 0;
int gumbel_avx512_enabled_flag = 0;
int gumbel_matrix_product_path_flag = 0;
void gumbel_kernel_threefry_words(
    uint32_t key0, uint32_t key1, int64_t start, int64_t end, int64_t first0, int64_t first1,
    int first_counts_up, int output, uint32_t *out) { abort(); }
void gumbel_kernel_standard_gumbel_in_place(float *data, int64_t count, const float *addend) { abort(); }
void gumbel_kernel_exp_of_non_positive_in_place(float *data, int64_t count) { abort(); }
int gumbel_kernel_all_finite(const float *x, int64_t count) { abort(); }
void gumbel_kernel_sigmoid_cross_entropy(const float *x, const float *labels, int64_t count, float *out) { abort(); }
void gumbel_kernel_adam_step(
    float *p, float *m, float *v, const float *g, int64_t count, float rate, float b1, float b2, float eps,
    float correction1, float correction2) { abort(); }
int64_t gumbel_kernel_index_of_maximum(const float *x, int64_t n) { abort(); }
void gumbel_kernel_index_of_maximum_rows(const float *x, int64_t rows, int64_t k, int32_t *argmax) { abort(); }
void gumbel_kernel_softmax_rows_in_place(float *x, int64_t rows, int64_t k, float t, int32_t *argmax) { abort(); }
void gumbel_kernel_shift_and_scale(const float *x, float *z, int64_t n, float m, float t) { abort(); }
float gumbel_kernel_sum_in_lane_order(const float *x, int64_t n) { abort(); }
void gumbel_kernel_divide_by_sum(float *row, int64_t n) { abort(); }
float gumbel_kernel_softmax_pullback_row(
    const float *y, const float *x, const float *v, int64_t k, float m, float t, float *dx) { abort(); }
float gumbel_kernel_softmax_pullback_rows(
    const float *x, const float *y, const float *v, const int32_t *argmax, int64_t rows, int64_t k, float t,
    float *scratch, float *dx) { abort(); }

#endif
