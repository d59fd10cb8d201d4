#ifndef GUMBEL_AVX512_KERNELS_H
#define GUMBEL_AVX512_KERNELS_H

#include <stdint.h>

#include "CGumbelKernels.h"

// The element-by-element kernels (ElementwiseKernels.inc) compiled for AVX-512F: sixteen lanes
// per instruction, the same bits as the AVX2 and Swift kernels. The AVX2 entry points
// (CGumbelKernels.h) call them when gumbel_avx512_enabled_flag is set; Swift code never calls them
// directly.

void gumbel_avx512_threefry_words(
    uint32_t key0, uint32_t key1, int64_t start, int64_t end, int64_t first0, int64_t first1,
    int first_counts_up, int output, uint32_t *out);
void gumbel_avx512_standard_gumbel_in_place(float *data, int64_t count, const float *addend);
void gumbel_avx512_exp_of_non_positive(const float *from, float *to, int64_t count);
int gumbel_avx512_all_finite(const float *x, int64_t count);
void gumbel_avx512_sigmoid_cross_entropy(const float *x, const float *labels, int64_t count, float *out);
void gumbel_avx512_adam_step(
    float *p, float *m, float *v, const float *g, int64_t count, float rate, float b1, float b2, float eps,
    float correction1, float correction2);

// The matrix product (MatrixProductKernels.inc) in sixteen-lane vectors: gumbel_kernel_matrix_product's
// AVX-512F form.
void gumbel_avx512_mp_matrix_product(
    int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, int a_transposed, const float *b, int64_t ldb,
    int b_transposed, float *c, int64_t ldc, const float *bias, int relu);

#endif
