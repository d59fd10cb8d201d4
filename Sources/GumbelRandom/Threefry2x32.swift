/// The Threefry-2x32 block cipher with 20 rounds, used as a counter-based hash.
///
/// Threefry maps a 64-bit key and a 64-bit counter, each held as two 32-bit words, to 64
/// pseudo-random bits. Each of its five groups of four rounds applies, to the pair `(x0, x1)`,
///
///     x0 = x0 &+ x1;  x1 = rotl(x1, r);  x1 = x1 ^ x0
///
/// with rotation constants `r` from `[13, 15, 26, 6]` and `[17, 29, 16, 24]` in turn, and then
/// injects the key schedule `ks = [k0, k1, k0 ^ k1 ^ 0x1BD11BDA]`.
/// All arithmetic wraps modulo 2^32: the all-ones key and counter are valid inputs.
///
/// Reference: J. K. Salmon, M. A. Moraes, R. O. Dror, D. E. Shaw, "Parallel random numbers:
/// as easy as 1, 2, 3", SC 2011 (the Random123 library). This is the function behind
/// `jax.random`'s default PRNG (`threefry2x32_p` in JAX's `prng.py`).
public enum Threefry2x32 {
  /// The key-schedule parity constant of Threefry (Skein's C240).
  @usableFromInline static let parity: UInt32 = 0x1BD1_1BDA

  /// Hashes one counter with one key.
  @inlinable
  public static func hash(key: (UInt32, UInt32), counter: (UInt32, UInt32)) -> (UInt32, UInt32) {
    var x0 = SIMD8<UInt32>(repeating: counter.0)
    var x1 = SIMD8<UInt32>(repeating: counter.1)
    hash(key: key, &x0, &x1)
    return (x0[0], x1[0])
  }

  /// Hashes eight counters at once, lane by lane: lane `i` of the counter is `(x0[i], x1[i])`,
  /// and is replaced by its hash. Straight-line code on whole vectors of a concrete type (the
  /// compiler scalarises the same code written for a generic `SIMD` type).
  @inlinable @inline(__always)
  public static func hash(key: (UInt32, UInt32), _ x0: inout SIMD8<UInt32>, _ x1: inout SIMD8<UInt32>) {
    typealias V = SIMD8<UInt32>
    let ks0 = V(repeating: key.0)
    let ks1 = V(repeating: key.1)
    let ks2 = V(repeating: key.0 ^ key.1 ^ parity)
    var a = x0 &+ ks0, b = x1 &+ ks1
    fourRounds(&a, &b, 13, 15, 26, 6); a &+= ks1; b &+= ks2 &+ 1
    fourRounds(&a, &b, 17, 29, 16, 24); a &+= ks2; b &+= ks0 &+ 2
    fourRounds(&a, &b, 13, 15, 26, 6); a &+= ks0; b &+= ks1 &+ 3
    fourRounds(&a, &b, 17, 29, 16, 24); a &+= ks1; b &+= ks2 &+ 4
    fourRounds(&a, &b, 13, 15, 26, 6); a &+= ks2; b &+= ks0 &+ 5
    x0 = a
    x1 = b
  }

  /// Four rounds `a += b; b = rotl(b, r); b ^= a` with the rotations `r0...r3`.
  @inlinable @inline(__always)
  static func fourRounds(_ a: inout SIMD8<UInt32>, _ b: inout SIMD8<UInt32>, _ r0: UInt32, _ r1: UInt32, _ r2: UInt32, _ r3: UInt32) {
    a &+= b; b = rotateLeft(b, r0) ^ a
    a &+= b; b = rotateLeft(b, r1) ^ a
    a &+= b; b = rotateLeft(b, r2) ^ a
    a &+= b; b = rotateLeft(b, r3) ^ a
  }

  /// `x` rotated left by `r` bits in every lane, `0 < r < 32`. The two shifted parts have no
  /// bits in common, so adding them equals or-ing them; written as an addition, the compiler
  /// keeps the rotation in vector registers (an or becomes one scalar rotation per lane).
  @inlinable @inline(__always)
  static func rotateLeft(_ x: SIMD8<UInt32>, _ r: UInt32) -> SIMD8<UInt32> {
    (x &<< r) &+ (x &>> (32 - r))
  }
}
