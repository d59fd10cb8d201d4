// The matrix product's C forms (MatrixProductKernels.inc): compiled here for AVX2 with fused
// multiply-add, and in AVX512Kernels.c for AVX-512F; gumbel_kernel_matrix_product runs the one
// gumbel_matrix_product_path_flag names. Both compute every element as the same fused
// multiply-add chain, so they give the same bits (MatrixProductKernels.inc says which).

#include "CGumbelKernels.h"
#include "AVX512Kernels.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__clang__)

#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wpsabi"
#define MP_LANES 8
#define MP_MR 6
#define MATRIX_PRODUCT(name) gumbel_avx2_mp_##name
#include "MatrixProductKernels.inc"
#undef MATRIX_PRODUCT
#undef MP_LANES
#undef MP_MR
#pragma clang diagnostic pop
#pragma clang attribute pop

void gumbel_kernel_matrix_product(
    int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, int a_transposed, const float *b, int64_t ldb,
    int b_transposed, float *c, int64_t ldc, const float *bias, int relu) {
  if (gumbel_matrix_product_path_flag == 2) {
    gumbel_avx512_mp_matrix_product(m, n, k, a, lda, a_transposed, b, ldb, b_transposed, c, ldc, bias, relu);
  } else {
    gumbel_avx2_mp_matrix_product(m, n, k, a, lda, a_transposed, b, ldb, b_transposed, c, ldc, bias, relu);
  }
}

#else

// Other processors: never enabled, and the kernel is never called.
void gumbel_kernel_matrix_product(
    int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, int a_transposed, const float *b, int64_t ldb,
    int b_transposed, float *c, int64_t ldc, const float *bias, int relu) { abort(); }

#endif
