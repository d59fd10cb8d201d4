import RealModule

/// A floating-point type that the samplers produce: `Float` (from 32 random bits) and
/// `Double` (from 64, as JAX does with `jax_enable_x64`).
public protocol RandomFloatingPoint: BinaryFloatingPoint, Real, Sendable {
  /// The raw word that one sample of this type consumes.
  associatedtype RandomWord: FixedWidthInteger & UnsignedInteger & Sendable

  /// Random words for `count` samples from `key`.
  static func randomWords(key: PRNGKey, count: Int) -> [RandomWord]

  /// A float in [0, 1) from a random word, as JAX's `_uniform` does: the top `significandBitCount`
  /// bits become the significand of a float in [1, 2), from which 1 is subtracted.
  static func unitInterval(fromRandomWord word: RandomWord) -> Self
}

extension Float: RandomFloatingPoint {
  @inlinable
  public static func randomWords(key: PRNGKey, count: Int) -> [UInt32] {
    RandomBits.words32(key: key, count: count)
  }

  @inlinable @inline(__always)
  public static func unitInterval(fromRandomWord word: UInt32) -> Float {
    Float(bitPattern: (word >> 9) | 0x3F80_0000) - 1
  }
}

extension Double: RandomFloatingPoint {
  @inlinable
  public static func randomWords(key: PRNGKey, count: Int) -> [UInt64] {
    RandomBits.words64(key: key, count: count)
  }

  @inlinable @inline(__always)
  public static func unitInterval(fromRandomWord word: UInt64) -> Double {
    Double(bitPattern: (word >> 12) | 0x3FF0_0000_0000_0000) - 1
  }
}
