import RealModule

/// A floating-point type that the samplers produce: `Float` (from 32 random bits) and
/// `Double` (from 64, as JAX does with `jax_enable_x64`).
public protocol RandomFloatingPoint: BinaryFloatingPoint, Real, Sendable {
  /// The raw word that one sample of this type consumes.
  associatedtype RandomWord: FixedWidthInteger & UnsignedInteger & Sendable

  /// Words `range` of the random words for `count` samples from `key`, written to
  /// `out[0..<range.count]`.
  static func randomWords(key: PRNGKey, count: Int, range: Range<Int>, into out: UnsafeMutablePointer<RandomWord>)

  /// The standard Gumbel sample that one random word gives (see ``standardGumbelSamples(key:count:range:into:)``).
  static func standardGumbel(fromRandomWord word: RandomWord) -> Self

  /// Samples `range` of the `count` standard Gumbel samples of `key`, written to
  /// `out[0..<range.count]`: equal, bit for bit, to the same elements of
  /// `key.gumbel(count: count)`.
  static func standardGumbelSamples(key: PRNGKey, count: Int, range: Range<Int>, into out: UnsafeMutablePointer<Self>)

  /// ``standardGumbelSamples(key:count:range:into:)`` plus `addend[i]` for each sample
  /// `out[i]`: the perturbed logits `logits + g` of a Gumbel-max draw, with the bits of the
  /// samples followed by the additions (`Float` adds them in the pass that makes the samples).
  static func standardGumbelSamples(
    key: PRNGKey, count: Int, range: Range<Int>, adding addend: UnsafePointer<Self>, into out: UnsafeMutablePointer<Self>)

  /// A float in [0, 1) from a random word, as JAX's `_uniform` does: the top `significandBitCount`
  /// bits become the significand of a float in [1, 2), from which 1 is subtracted.
  static func unitInterval(fromRandomWord word: RandomWord) -> Self
}

extension Float: RandomFloatingPoint {
  @inlinable
  public static func randomWords(key: PRNGKey, count: Int, range: Range<Int>, into out: UnsafeMutablePointer<UInt32>) {
    RandomBits.words32(key: key, count: count, range: range, into: out)
  }

  @inlinable @inline(__always)
  public static func unitInterval(fromRandomWord word: UInt32) -> Float {
    Float(bitPattern: (word >> 9) | 0x3F80_0000) - 1
  }
}

extension Double: RandomFloatingPoint {
  @inlinable
  public static func randomWords(key: PRNGKey, count: Int, range: Range<Int>, into out: UnsafeMutablePointer<UInt64>) {
    RandomBits.words64(key: key, count: count, range: range, into: out)
  }

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
}
