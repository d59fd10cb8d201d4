#ifndef C_GUMBEL_KERNELS_H
#define C_GUMBEL_KERNELS_H

#include <stdint.h>

// The C forms of the kernels (gumbel_kernel_*), compiled for AVX2, the element-by-element ones
// also for AVX-512F (gumbel_avx512_*), and chosen at run time, for the default (SSE2) build of
// x86-64: Swift code is compiled for one instruction set, while these C functions carry their
// own (`__attribute__((target("avx2")))`). Each computes exactly what the Swift kernel of the
// same name computes, lane by lane with the same operations in the same order (the argmax
// search ends differently when every lane is finite, with the same answer), so results do not
// depend on which one runs.

#ifdef __cplusplus
extern "C" {
#endif

/// 1 if the processor and the operating system support AVX2 and the environment variable
/// GUMBEL_DISABLE_AVX2 is unset or empty; 0 otherwise (always 0 off x86-64). Set once, by a
/// constructor that runs before main; read it with gumbel_avx2_is_enabled (inline: one load on
/// the hot path, no call and no lazy initialisation).
extern int gumbel_avx2_enabled_flag;
static inline int gumbel_avx2_is_enabled(void) { return gumbel_avx2_enabled_flag; }

/// 1 if gumbel_avx2_enabled_flag is, the processor and the operating system support AVX-512F,
/// and the environment variable GUMBEL_DISABLE_AVX512 is unset or empty; 0 otherwise. Set by
/// the same constructor. The element-by-element kernels below (Threefry words, the Gumbel
/// transform, exp, the finiteness check) then run their AVX-512 form: sixteen lanes per instruction, the same bits.
extern int gumbel_avx512_enabled_flag;
static inline int gumbel_avx512_is_enabled(void) { return gumbel_avx512_enabled_flag; }

/// Which form of gumbel_kernel_matrix_product runs: 2 for AVX-512F (gumbel_avx512_enabled_flag
/// is set), 1 for AVX2 with fused multiply-add (gumbel_avx2_enabled_flag is set and the processor
/// has FMA), 0 for none (the Swift kernel runs). Set by the same constructor.
extern int gumbel_matrix_product_path_flag;
static inline int gumbel_matrix_product_path(void) { return gumbel_matrix_product_path_flag; }

/// For each j in [start, end): hashes with Threefry-2x32 (key0, key1) the counter
/// (j + first0, j + first1) if first_counts_up, else (first0, j + first1), modulo 2^32, and
/// writes to out[j - start] the xor of the two outputs (output 0), the first (1) or the
/// second (2).
void gumbel_kernel_threefry_words(
    uint32_t key0, uint32_t key1, int64_t start, int64_t end, int64_t first0, int64_t first1,
    int first_counts_up, int output, uint32_t *out);

/// Replaces each of the count random words at data, read as bits, by the standard Gumbel
/// sample -log(-log(u)) with u = unitInterval(word), raised to the least normal float where
/// it is 0, plus addend[i] if addend is not NULL.
void gumbel_kernel_standard_gumbel_in_place(float *data, int64_t count, const float *addend);

/// Replaces each of the count floats at data, each at most 0 or NaN, by exp of it.
void gumbel_kernel_exp_of_non_positive_in_place(float *data, int64_t count);

/// 1 if each of the count floats at x is finite (neither infinite nor NaN), else 0.
int gumbel_kernel_all_finite(const float *x, int64_t count);

/// The sigmoid cross-entropy of the count logits at x with the labels at labels, written to
/// out: `Kernels.sigmoidCrossEntropy` (CrossEntropyKernels.swift), softplus(x) - labels x with
/// softplus(x) = max(x, 0) + log(1 + e^-|x|), through the polynomials of exp and log above.
void gumbel_kernel_sigmoid_cross_entropy(const float *x, const float *labels, int64_t count, float *out);

/// Adam's step on count elements, in place: `Kernels.adamStep` (OptimizerKernels.swift), for
/// each i, m[i] = b1 m[i] + (1 - b1) g[i], v[i] = b2 v[i] + (1 - b2) g[i]^2, then
/// p[i] -= rate ((m[i] / correction1) / (sqrt(v[i] / correction2) + eps)).
void gumbel_kernel_adam_step(
    float *p, float *m, float *v, const float *g, int64_t count, float rate, float b1, float b2, float eps,
    float correction1, float correction2);

/// The index of the first largest of the n (at least 16) floats at x, or -1 if the largest is
/// infinite or NaN: `Kernels.indexOfMaximum`'s vector search.
int64_t gumbel_kernel_index_of_maximum(const float *x, int64_t n);

/// The index of the first largest element of each of the rows (rows of k >= 1) at x, as
/// `Kernels.indexOfMaximum` finds it, written to argmax.
void gumbel_kernel_index_of_maximum_rows(const float *x, int64_t rows, int64_t k, int32_t *argmax);

/// Replaces each of the rows (rows of k >= 1) at x by softmax(row / t), as
/// `Kernels.softmaxRowsInPlace` computes it, and writes each row's argmax to argmax if it is
/// not NULL.
void gumbel_kernel_softmax_rows_in_place(float *x, int64_t rows, int64_t k, float t, int32_t *argmax);

/// z[i] = (x[i] - m) / t for i < n (z may be x).
void gumbel_kernel_shift_and_scale(const float *x, float *z, int64_t n, float m, float t);

/// The sum of the n floats at x in `Kernels.sumInLaneOrder`'s order.
float gumbel_kernel_sum_in_lane_order(const float *x, int64_t n);

/// Divides each of the n floats at row by their sum in `Kernels.sumInLaneOrder`'s order.
void gumbel_kernel_divide_by_sum(float *row, int64_t n);

/// `Kernels.softmaxPullbackRow`: writes dx and returns the row's temperature gradient.
float gumbel_kernel_softmax_pullback_row(
    const float *y, const float *x, const float *v, int64_t k, float m, float t, float *dx);

/// The softmax's pullback for rows (rows of k) of logits x whose largest elements are at
/// argmax, for the upstream v: `Kernels.softmaxPullbackRows`. With y NULL, the softmax of each
/// row, softmax((x - max) / t), is first recomputed into dx (the tempered shifted logits kept
/// in scratch, rows * k floats); else y holds it. Writes dx and returns the sum, in row order,
/// of the rows' temperature gradients.
float gumbel_kernel_softmax_pullback_rows(
    const float *x, const float *y, const float *v, const int32_t *argmax, int64_t rows, int64_t k, float t,
    float *scratch, float *dx);

/// C = A B for A (m x k) and B (k x n), row-major, where A[i, p] is a[i * lda + p], or
/// a[p * lda + i] if a_transposed, and B[p, j] is b[p * ldb + j], or b[j * ldb + p] if
/// b_transposed: transposed operands are read in place. Each c[i * ldc + j] is overwritten with
/// the fused multiply-add chain `s = 0; for p in 0..<k: s = fma(A[i, p], B[p, j], s)`, then
/// `s + bias[j]` if bias is not NULL, then `s > 0 ? s : 0` if relu is non-zero: the same bits on
/// every path, for any blocking and any split of C, except that depth steps at which a whole
/// tile of A is zero are skipped (with B finite, only a zero result's sign can change). Packed
/// and register-blocked
/// (MatrixProductKernels.inc); one thread (callers split C between threads). Needs
/// gumbel_matrix_product_path() > 0.
void gumbel_kernel_matrix_product(
    int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, int a_transposed, const float *b, int64_t ldb,
    int b_transposed, float *c, int64_t ldc, const float *bias, int relu);

#ifdef __cplusplus
}
#endif

#endif
