// The machine's peak single-precision rate with fused multiply-adds: each thread runs 12
// independent chains of 8-lane (AVX2) or 16-lane (AVX-512F) FMAs, enough to cover the
// instruction's latency on current x86-64 cores, and reports GFLOP/s (2 per lane and FMA).
// Built and run by roofline.py: clang -O2 -pthread peak_flops.c -o peak_flops.
//
//   peak_flops THREADS [avx2|avx512]

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef float f8 __attribute__((ext_vector_type(8)));
typedef float f16 __attribute__((ext_vector_type(16)));

static const long iterations = 200000000 / 12;

// `CHAINS(name, vector type, instruction set)`: the 12 chains in one vector type, compiled for its target.
#define CHAINS(name, vector, isa)                                                 \
  __attribute__((target(isa))) static float name   (float seed) {                \
    vector a[12], x = (vector)(0.999f), y = (vector)(seed * 1e-3f);              \
    for (int i = 0; i < 12; i++) a[i] = (vector)(seed + i);                      \
    for (long n = 0; n < iterations; n++) {                                      \
      _Pragma("clang loop unroll(full)")                                         \
      for (int i = 0; i < 12; i++) a[i] = __builtin_elementwise_fma(a[i], x, y); \
    }                                                                            \
    float s = 0;                                                                 \
    for (int i = 0; i < 12; i++) s += a[i][0];                                   \
    return s;                                                                    \
  }

CHAINS(chains8, f8, "avx2,fma")
CHAINS(chains16, f16, "avx2,fma,avx512f")

static int wide = 0;
static void *run(void *argument) {
  float *result = argument;
  *result = wide ? chains16(*result) : chains8(*result);
  return NULL;
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  wide = argc > 2 && strcmp(argv[2], "avx512") == 0;
  if (threads < 1 || threads > 64) return 2;
  pthread_t ids[64];
  float seeds[64];
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int t = 0; t < threads; t++) {
    seeds[t] = 1.0f + t;
    pthread_create(&ids[t], NULL, run, &seeds[t]);
  }
  for (int t = 0; t < threads; t++) pthread_join(ids[t], NULL);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
  double flops = 2.0 * (wide ? 16 : 8) * 12.0 * (double)iterations * threads;
  float check = 0;
  for (int t = 0; t < threads; t++) check += seeds[t];
  printf("{\"threads\": %d, \"lanes\": %d, \"gflops\": %.2f, \"check\": %g}\n", threads, wide ? 16 : 8, flops / seconds / 1e9, check);
  return 0;
}
