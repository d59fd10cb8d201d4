#ifndef GUMBEL_TARGET_INFO_H
#define GUMBEL_TARGET_INFO_H

/// The width in bits of the vector registers the code is compiled for, as the C compiler's
/// predefined macros tell it: 256 with AVX2 (for example `swift build -Xcc -mavx2`), 512 with
/// AVX-512, 128 otherwise (SSE2 on x86-64, NEON on ARM64). Swift has no conditional
/// compilation on target features, so the kernels read this constant; it is known at compile
/// time, and the branch that tests it is removed.
#if defined(__AVX512F__)
#define GUMBEL_VECTOR_REGISTER_BITS 512
#elif defined(__AVX2__)
#define GUMBEL_VECTOR_REGISTER_BITS 256
#else
#define GUMBEL_VECTOR_REGISTER_BITS 128
#endif

#endif
