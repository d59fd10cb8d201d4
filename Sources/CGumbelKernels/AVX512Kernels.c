// The element-by-element kernels compiled for AVX-512F (see AVX512Kernels.h): the same source
// as their AVX2 forms, ElementwiseKernels.inc, in sixteen-lane instructions; and the matrix
// product's AVX-512 form (MatrixProductKernels.inc).

#include "AVX512Kernels.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__clang__)

// No fused multiply-adds: the Swift kernels round every product.
#pragma clang fp contract(off)
#pragma clang attribute push(__attribute__((target("avx2,avx512f"))), apply_to = function)

// The entry points declared in AVX512Kernels.h, defined by the shared source itself.
#define ELEMENTWISE(name) gumbel_avx512_##name
#define ELEMENTWISE_LINKAGE
#include "ElementwiseKernels.inc"
#undef ELEMENTWISE
#undef ELEMENTWISE_LINKAGE

#pragma clang attribute pop

// The matrix product in sixteen-lane vectors and tiles of 12 x 32: the same fused multiply-add
// chains as its AVX2 form (MatrixProductKernels.c), so the same bits.
#pragma clang attribute push(__attribute__((target("avx2,fma,avx512f"))), apply_to = function)
#define MP_LANES 16
#define MP_MR 12
#define MATRIX_PRODUCT(name) gumbel_avx512_mp_##name
#include "MatrixProductKernels.inc"
#undef MATRIX_PRODUCT
#undef MP_LANES
#undef MP_MR
#pragma clang attribute pop

#else

// Other processors: never enabled, and the kernels are never called.
void gumbel_avx512_threefry_words(
    uint32_t key0, uint32_t key1, int64_t start, int64_t end, int64_t first0, int64_t first1,
    int first_counts_up, int output, uint32_t *out) { abort(); }
void gumbel_avx512_standard_gumbel_in_place(float *data, int64_t count, const float *addend) { abort(); }
void gumbel_avx512_exp_of_non_positive(const float *from, float *to, int64_t count) { abort(); }
int gumbel_avx512_all_finite(const float *x, int64_t count) { abort(); }
void gumbel_avx512_sigmoid_cross_entropy(const float *x, const float *labels, int64_t count, float *out) { abort(); }
void gumbel_avx512_adam_step(
    float *p, float *m, float *v, const float *g, int64_t count, float rate, float b1, float b2, float eps,
    float correction1, float correction2) { abort(); }
void gumbel_avx512_mp_matrix_product(
    int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, int a_transposed, const float *b, int64_t ldb,
    int b_transposed, float *c, int64_t ldc, const float *bias, int relu) { abort(); }

#endif
