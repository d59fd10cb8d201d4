import GumbelKernels

/// The Threefry-2x32 block cipher with 20 rounds, used as a counter-based hash: the function
/// behind `jax.random`'s default PRNG (`threefry2x32_p` in JAX's `prng.py`).
///
/// Threefry maps a 64-bit key and a 64-bit counter, each held as two 32-bit words, to 64
/// pseudo-random bits, in five groups of four rounds `x0 = x0 &+ x1; x1 = rotl(x1, r) ^ x0`
/// with a key injection after each group. All arithmetic wraps modulo 2^32.
///
/// Reference: J. K. Salmon, M. A. Moraes, R. O. Dror, D. E. Shaw, "Parallel random numbers:
/// as easy as 1, 2, 3", SC 2011 (the Random123 library).
public enum Threefry2x32 {
  /// Hashes one counter with one key.
  @inlinable
  public static func hash(key: (UInt32, UInt32), counter: (UInt32, UInt32)) -> (UInt32, UInt32) {
    Kernels.threefryHash(key: key, counter: counter)
  }
}
