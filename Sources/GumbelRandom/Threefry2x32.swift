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

  /// Hashes a vector of counters at once, lane by lane: lane `i` of the counter is
  /// `(x0[i], x1[i])`, and is replaced by its hash. Straight-line code on whole vectors, always
  /// inlined so that it is compiled for the caller's concrete `SIMD8` or `SIMD16`.
  @inlinable @inline(__always)
  public static func hash<V: ThreefryLanes>(key: (UInt32, UInt32), _ x0: inout V, _ x1: inout V) {
    let ks0 = V(repeating: key.0)
    let ks1 = V(repeating: key.1)
    let ks2 = V(repeating: key.0 ^ key.1 ^ parity)
    var a = V.wrappingSum(x0, ks0), b = V.wrappingSum(x1, ks1)
    fourRounds(&a, &b, 13, 15, 26, 6); inject(&a, &b, ks1, ks2, 1)
    fourRounds(&a, &b, 17, 29, 16, 24); inject(&a, &b, ks2, ks0, 2)
    fourRounds(&a, &b, 13, 15, 26, 6); inject(&a, &b, ks0, ks1, 3)
    fourRounds(&a, &b, 17, 29, 16, 24); inject(&a, &b, ks1, ks2, 4)
    fourRounds(&a, &b, 13, 15, 26, 6); inject(&a, &b, ks2, ks0, 5)
    x0 = a
    x1 = b
  }

  /// Four rounds `a += b; b = rotl(b, r); b ^= a` with the rotations `r0...r3`.
  @inlinable @inline(__always)
  static func fourRounds<V: ThreefryLanes>(
    _ a: inout V, _ b: inout V, _ r0: UInt32, _ r1: UInt32, _ r2: UInt32, _ r3: UInt32
  ) {
    V.round(&a, &b, rotation: r0)
    V.round(&a, &b, rotation: r1)
    V.round(&a, &b, rotation: r2)
    V.round(&a, &b, rotation: r3)
  }

  /// The key injection after each group of four rounds: `a += k0; b += k1 + step`.
  @inlinable @inline(__always)
  static func inject<V: ThreefryLanes>(_ a: inout V, _ b: inout V, _ k0: V, _ k1: V, _ step: UInt32) {
    a = V.wrappingSum(a, k0)
    b = V.wrappingSum(b, V.wrappingSum(k1, V(repeating: step)))
  }
}

/// The vectors of counters ``Threefry2x32/hash(key:_:_:)`` takes: `SIMD8<UInt32>` and
/// `SIMD16<UInt32>`. The round is a requirement, so each width runs its own concrete vector
/// operations: the same code through `SIMD`'s generic operators is compiled lane by lane
/// (the compiler turns each lane's shifts into a scalar rotation).
public protocol ThreefryLanes: SIMD where Scalar == UInt32 {
  /// One round: `a = a &+ b`, then `b = rotl(b, r) ^ a`, for `0 < r < 32`.
  static func round(_ a: inout Self, _ b: inout Self, rotation r: UInt32)
  /// `a &+ b`, lane by lane.
  static func wrappingSum(_ a: Self, _ b: Self) -> Self
}

// The two rotated parts have no bits in common, so adding them equals or-ing them; written as
// an addition, the compiler keeps the rotation in vector registers (an or becomes one scalar
// rotation per lane).
extension SIMD8: ThreefryLanes where Scalar == UInt32 {
  @inlinable @inline(__always)
  public static func round(_ a: inout Self, _ b: inout Self, rotation r: UInt32) {
    a &+= b; b = ((b &<< r) &+ (b &>> (32 - r))) ^ a
  }

  @inlinable @inline(__always)
  public static func wrappingSum(_ a: Self, _ b: Self) -> Self { a &+ b }
}

extension SIMD16: ThreefryLanes where Scalar == UInt32 {
  @inlinable @inline(__always)
  public static func round(_ a: inout Self, _ b: inout Self, rotation r: UInt32) {
    a &+= b; b = ((b &<< r) &+ (b &>> (32 - r))) ^ a
  }

  @inlinable @inline(__always)
  public static func wrappingSum(_ a: Self, _ b: Self) -> Self { a &+ b }
}
