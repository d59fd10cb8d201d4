import GumbelKernels
import RealModule

/// A floating-point type that the samplers produce: `Float` (from 32 random bits) and
/// `Double` (from 64, as JAX does with `jax_enable_x64`).
public protocol RandomFloatingPoint: BinaryFloatingPoint, Real, Sendable {
  /// The raw word that one sample of this type consumes: `UInt32` or `UInt64`.
  associatedtype RandomWord: FixedWidthInteger & UnsignedInteger & Sendable

  /// The standard Gumbel sample that one random word gives: `-log(-log(u))` with
  /// `u = max(tiny, unitInterval(word) * (1 - tiny) + tiny)`, as `jax.random.gumbel` computes it.
  static func standardGumbel(fromRandomWord word: RandomWord) -> Self

  /// A float in [0, 1) from a random word, as JAX's `_uniform` does: the top `significandBitCount`
  /// bits become the significand of a float in [1, 2), from which 1 is subtracted.
  static func unitInterval(fromRandomWord word: RandomWord) -> Self
}

extension Float: RandomFloatingPoint {
  @inlinable @inline(__always)
  public static func unitInterval(fromRandomWord word: UInt32) -> Float {
    Float(bitPattern: (word >> 9) | 0x3F80_0000) - 1
  }

  /// The vectorised form of the generic sampler (`Kernels.standardGumbel(fromRandomWords:)`),
  /// with the same values.
  @inlinable @inline(__always)
  public static func standardGumbel(fromRandomWord word: UInt32) -> Float {
    (Kernels.standardGumbel(fromRandomWords: SIMD8(repeating: word)) as SIMD8<Float>)[0]
  }
}

extension Double: RandomFloatingPoint {
  @inlinable @inline(__always)
  public static func unitInterval(fromRandomWord word: UInt64) -> Double {
    Double(bitPattern: (word >> 12) | 0x3FF0_0000_0000_0000) - 1
  }
}

extension RandomFloatingPoint {
  /// Random words for `count` samples from `key`.
  @inlinable
  public static func randomWords(key: PRNGKey, count: Int) -> [RandomWord] {
    [RandomWord](unsafeUninitializedCapacity: count) { out, initialized in
      randomWords(key: key, count: count, range: 0..<count, into: out.baseAddress!)
      initialized = count
    }
  }

  /// Words `range` of the random words for `count` samples from `key`, written to
  /// `out[0..<range.count]`: 32-bit words for a `UInt32` ``RandomWord``, 64-bit words for a
  /// `UInt64` one (the word type is compared with both, a constant once specialised).
  ///
  /// - Precondition: `RandomWord` is `UInt32` or `UInt64`.
  @inlinable @inline(__always)
  package static func randomWords(key: PRNGKey, count: Int, range: Range<Int>, into out: UnsafeMutablePointer<RandomWord>) {
    if RandomWord.self == UInt32.self {
      RandomBits.words32(key: key, count: count, range: range, into: out.kernelCast(to: UInt32.self))
    } else if RandomWord.self == UInt64.self {
      RandomBits.words64(key: key, count: count, range: range, into: out.kernelCast(to: UInt64.self))
    } else {
      preconditionFailure("random words are UInt32 or UInt64, not \(RandomWord.self)")
    }
  }
}
