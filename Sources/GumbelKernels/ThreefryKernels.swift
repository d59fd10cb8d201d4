import CGumbelKernels

/// Threefry-2x32: the counter-based hash behind every random word, and the kernels that hash
/// a range of counters.
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
extension Kernels {
  /// The key-schedule parity constant of Threefry (Skein's C240).
  @inlinable package static var threefryParity: UInt32 { 0x1BD1_1BDA }

  /// Hashes one counter with one key.
  @inlinable
  package static func threefryHash(key: (UInt32, UInt32), counter: (UInt32, UInt32)) -> (UInt32, UInt32) {
    var x0 = SIMD8<UInt32>(repeating: counter.0)
    var x1 = SIMD8<UInt32>(repeating: counter.1)
    threefryHash(key: key, &x0, &x1)
    return (x0[0], x1[0])
  }

  /// Hashes a vector of counters at once, lane by lane: lane `i` of the counter is
  /// `(x0[i], x1[i])`, and is replaced by its hash. Straight-line code on whole vectors, always
  /// inlined so that it is compiled for the caller's concrete `SIMD8` or `SIMD16`.
  @inlinable @inline(__always)
  package static func threefryHash<V: ThreefryLanes>(key: (UInt32, UInt32), _ x0: inout V, _ x1: inout V) {
    let ks0 = V(repeating: key.0)
    let ks1 = V(repeating: key.1)
    let ks2 = V(repeating: key.0 ^ key.1 ^ threefryParity)
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

  /// Which 32-bit word a block gives: the xor of its two outputs (the partitionable scheme), or
  /// one of them (the original scheme).
  @usableFromInline
  package enum ThreefryOutput: Int32, Sendable {
    case xor = 0, first = 1, second = 2
  }

  /// For each `j` in `range`, hashes the counter `(j + first.0, j + first.1)` if
  /// `firstCountsUp`, else `(first.0, j + first.1)` (modulo 2^32), and writes the chosen output
  /// to `out[j - range.lowerBound]`: ``threefryWordsInC(key:range:first:firstCountsUp:output:into:)``
  /// when ``KernelPath/runsC(count:)``, else
  /// ``threefryWordsInSwift(key:range:first:firstCountsUp:output:into:)``.
  @inlinable @inline(__always)
  package static func threefryWords(
    key: (UInt32, UInt32), range: Range<Int>, first: (Int, Int), firstCountsUp: Bool, output: ThreefryOutput,
    into out: UnsafeMutablePointer<UInt32>
  ) {
    if KernelPath.runsC(count: range.count) {
      threefryWordsInC(key: key, range: range, first: first, firstCountsUp: firstCountsUp, output: output, into: out)
      return
    }
    threefryWordsInSwift(key: key, range: range, first: first, firstCountsUp: firstCountsUp, output: output, into: out)
  }

  /// Sixteen counters at a time, then the rest eight at a time (a last partial group is
  /// padded). Sixteen lanes are two or four vector registers per word, independent chains of
  /// rounds side by side that keep the processor busy where one chain would wait on each step:
  /// faster than eight lanes with SSE and with AVX2 alike.
  @inlinable @inline(__always)
  package static func threefryWordsInSwift(
    key: (UInt32, UInt32), range: Range<Int>, first: (Int, Int), firstCountsUp: Bool, output: ThreefryOutput,
    into out: UnsafeMutablePointer<UInt32>
  ) {
    let wideEnd = range.lowerBound + range.count / 16 * 16
    threefryWords(
      key: key, range: range.lowerBound..<wideEnd, into: out, first: first, firstCountsUp: firstCountsUp,
      output: output, lanes: SIMD16<UInt32>.self)
    threefryWords(
      key: key, range: wideEnd..<range.upperBound, into: out + (wideEnd - range.lowerBound), first: first,
      firstCountsUp: firstCountsUp, output: output, lanes: SIMD8<UInt32>.self)
  }

  /// ``threefryWordsInSwift(key:range:first:firstCountsUp:output:into:)`` with `V.scalarCount`
  /// counters per step.
  @inlinable @inline(__always)
  static func threefryWords<V: ThreefryLanes>(
    key: (UInt32, UInt32), range: Range<Int>, into out: UnsafeMutablePointer<UInt32>,
    first: (Int, Int), firstCountsUp: Bool, output: ThreefryOutput, lanes _: V.Type
  ) {
    var iota = V()
    for lane in iota.indices { iota[lane] = UInt32(lane) }
    let raw = UnsafeMutableRawPointer(out)
    var j = range.lowerBound
    while j < range.upperBound {
      let lanes = min(V.scalarCount, range.upperBound - j)
      var x0 = V.wrappingSum(V(repeating: UInt32(truncatingIfNeeded: (firstCountsUp ? j : 0) + first.0)), firstCountsUp ? iota : V())
      var x1 = V.wrappingSum(V(repeating: UInt32(truncatingIfNeeded: j + first.1)), iota)
      threefryHash(key: key, &x0, &x1)
      let words: V
      switch output {
      case .xor: words = x0 ^ x1
      case .first: words = x0
      case .second: words = x1
      }
      let offset = 4 * (j - range.lowerBound)
      if lanes == V.scalarCount {
        raw.storeBytes(of: words, toByteOffset: offset, as: V.self)
      } else {
        for lane in 0..<lanes { raw.storeBytes(of: words[lane], toByteOffset: offset + 4 * lane, as: UInt32.self) }
      }
      j += lanes
    }
  }

  /// The C form of ``threefryWordsInSwift(key:range:first:firstCountsUp:output:into:)`` (AVX-512
  /// where ``KernelPath/usesAVX512``).
  ///
  /// - Precondition: ``KernelPath/usesC``.
  @usableFromInline
  package static func threefryWordsInC(
    key: (UInt32, UInt32), range: Range<Int>, first: (Int, Int), firstCountsUp: Bool, output: ThreefryOutput,
    into out: UnsafeMutablePointer<UInt32>
  ) {
    gumbel_kernel_threefry_words(
      key.0, key.1, Int64(range.lowerBound), Int64(range.upperBound), Int64(first.0), Int64(first.1),
      firstCountsUp ? 1 : 0, output.rawValue, out)
  }

  /// For each `j` in `range`, writes `combine(hash(counter(j)))` to `out[j - range.lowerBound]`,
  /// hashing eight counters at a time: the 64-bit words, which have no C form.
  @inlinable @inline(__always)
  package static func threefryWords<Word>(
    key: (UInt32, UInt32), range: Range<Int>, into out: UnsafeMutablePointer<Word>,
    counter: (Int) -> (UInt32, UInt32),
    combine: (UInt32, UInt32) -> Word
  ) {
    typealias Lanes = SIMD8<UInt32>
    var j = range.lowerBound
    var o = out
    while j + Lanes.scalarCount <= range.upperBound {
      var x0 = Lanes(), x1 = Lanes()
      for lane in 0..<Lanes.scalarCount {
        (x0[lane], x1[lane]) = counter(j + lane)
      }
      threefryHash(key: key, &x0, &x1)
      for lane in 0..<Lanes.scalarCount {
        (o + lane).initialize(to: combine(x0[lane], x1[lane]))
      }
      j += Lanes.scalarCount
      o += Lanes.scalarCount
    }
    while j < range.upperBound {
      let (y0, y1) = threefryHash(key: key, counter: counter(j))
      o.initialize(to: combine(y0, y1))
      j += 1
      o += 1
    }
  }
}

/// The vectors of counters ``Kernels/threefryHash(key:_:_:)`` takes: `SIMD8<UInt32>` and
/// `SIMD16<UInt32>`. The round is a requirement, so each width runs its own concrete vector
/// operations: the same code through `SIMD`'s generic operators is compiled lane by lane
/// (the compiler turns each lane's shifts into a scalar rotation).
@usableFromInline
package protocol ThreefryLanes: SIMD where Scalar == UInt32 {
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
  package static func round(_ a: inout Self, _ b: inout Self, rotation r: UInt32) {
    a &+= b; b = ((b &<< r) &+ (b &>> (32 - r))) ^ a
  }

  @inlinable @inline(__always)
  package static func wrappingSum(_ a: Self, _ b: Self) -> Self { a &+ b }
}

extension SIMD16: ThreefryLanes where Scalar == UInt32 {
  @inlinable @inline(__always)
  package static func round(_ a: inout Self, _ b: inout Self, rotation r: UInt32) {
    a &+= b; b = ((b &<< r) &+ (b &>> (32 - r))) ^ a
  }

  @inlinable @inline(__always)
  package static func wrappingSum(_ a: Self, _ b: Self) -> Self { a &+ b }
}
