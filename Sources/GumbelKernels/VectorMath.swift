/// `exp` of eight `Float`s at once and `log` of eight or sixteen, for the hot loops of sampling.
///
/// Both follow the Cephes library's single-precision algorithms (S. L. Moshier, "Methods and
/// Programs for Mathematical Functions", 1989; `expf.c` and `logf.c`): reduce the argument by
/// a power of two, then evaluate a short polynomial. Both are within 2 units in the last place
/// of the correctly rounded result over their whole domain (measured against `Double` in
/// `VectorMathTests`), branch-free, and written with Swift's portable `SIMD8` and `SIMD16`,
/// which the compiler maps to the vector registers of the target.
@usableFromInline
package enum VectorMath {
  @usableFromInline package typealias Lanes = SIMD8<Float>

  /// `e^x` lane by lane: `x = n ln 2 + r` with `|r| <= ln 2 / 2`, then
  /// `e^r = 1 + r + r^2 P(r)` (degree-5 `P`) and the exponent `n` added to the bits.
  ///
  /// Exactly 0 for `x < -103.97` (including `-infinity`, so masked categories stay exactly 0),
  /// `+infinity` above `88.72`; subnormal results for `x` between those bounds are scaled in
  /// two steps so they are not flushed to zero. NaN gives NaN.
  @inlinable @inline(__always)
  package static func exp(_ x: Lanes) -> Lanes {
    // x clamped to [-104, 89]: below -104 the result rounds to 0 (e^-104 is under half the
    // smallest subnormal), above 89 it overflows to infinity; NaN is restored at the end.
    let high = Lanes(repeating: 89)
    let raised = raisedToExpLowerBound(x)
    let result = expOfClamped(select(high, where: signMask(high - raised), otherwise: raised))
    // Above 88.72 the exact value overflows; the polynomial might round just below it, so
    // those lanes are set to infinity explicitly.
    let overflow = signMask(Lanes(repeating: 88.722_84) - x)
    let withInfinity = select(Lanes(repeating: .infinity), where: overflow, otherwise: result)
    return select(x, where: notANumberMask(x), otherwise: withInfinity)
  }

  /// ``exp(_:)`` of lanes that are at most 0 or NaN, such as the shifted logits
  /// `(x - max x) / temperature` of a softmax: the same values, without the steps for
  /// overflow, which cannot happen there.
  @inlinable @inline(__always)
  package static func expOfNonPositive(_ x: Lanes) -> Lanes {
    select(x, where: notANumberMask(x), otherwise: expOfClamped(raisedToExpLowerBound(x)))
  }

  /// `x`, or -104 where it is lower (including `-infinity`).
  @inlinable @inline(__always)
  static func raisedToExpLowerBound(_ x: Lanes) -> Lanes {
    let low = Lanes(repeating: -104)
    return select(low, where: signMask(x - low), otherwise: x)
  }

  /// The steps of ``exp(_:)`` for `x` in `[-104, 89]`.
  @inlinable @inline(__always)
  static func expOfClamped(_ clamped: Lanes) -> Lanes {
    let log2e: Float = 1.442_695_04
    let ln2High: Float = 0.693_359_375
    let ln2Low: Float = -2.121_944_4e-4
    let roundingMagic: Float = 12_582_912  // 1.5 * 2^23, whose unit in the last place is 1
    // Round to the nearest integer by adding and subtracting 1.5 * 2^23 (the sum has no
    // fraction bits); the sum's low bits then hold the integer, read without a conversion.
    let shifted = clamped * log2e + roundingMagic
    let n = shifted - roundingMagic
    let ni = unsafeBitCast(shifted.bitPattern &- roundingMagic.bitPattern, to: SIMD8<Int32>.self)
    let r = clamped - n * ln2High - n * ln2Low
    let r2 = r * r
    var p: Lanes = Lanes(repeating: 1.987_569_15e-4)
    p = p * r + 1.398_199_950_7e-3
    p = p * r + 8.333_451_907_3e-3
    p = p * r + 4.166_579_589_4e-2
    p = p * r + 1.666_666_545_9e-1
    p = p * r + 5.000_000_120_1e-1
    let er = p * r2 + r + 1
    // 2^n as two factors 2^(n/2) and 2^(n - n/2), each a normal float for n in [-150, 128].
    // Inputs from -104 to -103.97 give 0 (their n is -150 and r < 0, so the product is under
    // half the smallest subnormal).
    let half = ni &>> 1
    let scaleA = Lanes(bitPattern: unsafeBitCast((half &+ 127) &<< 23, to: SIMD8<UInt32>.self))
    let scaleB = Lanes(bitPattern: unsafeBitCast((ni &- half &+ 127) &<< 23, to: SIMD8<UInt32>.self))
    return er * scaleA * scaleB
  }

  /// The larger of `a` and `b` lane by lane, for lanes without NaN.
  @inlinable @inline(__always)
  package static func maximum(_ a: Lanes, _ b: Lanes) -> Lanes {
    select(b, where: signMask(a - b), otherwise: a)
  }

  /// The natural logarithm lane by lane, for positive normal `x`: `x = m 2^e` with
  /// `m` in `[sqrt(1/2), sqrt(2))`, then `log(1 + f) = f - f^2/2 + f^3 P(f)` (degree-8 `P`)
  /// for `f = m - 1`, plus `e ln 2`. `f` is exact, so `log(x)` is accurate relative to itself
  /// near `x = 1` too.
  ///
  /// Generic over the lane count so that a loop can take sixteen lanes at a time: the
  /// polynomial is a chain of dependent steps, and two vectors' chains side by side keep the
  /// processor busy where one would wait. Every lane gets the same operations in the same
  /// order whatever the width.
  ///
  /// - Precondition: every lane is a positive normal float (this is the range the Gumbel
  ///   sampler uses); other inputs give unspecified finite values.
  @inlinable @inline(__always)
  package static func logOfPositiveNormal<V: FloatLanes>(_ x: V) -> V {
    // Adding the bits of 1 minus those of sqrt(1/2) carries into the exponent exactly when the
    // significand is at least sqrt(1/2)'s: m in [sqrt(1/2), sqrt(2)) and its exponent e come
    // from integer steps alone (as in musl's logf); a select here would make the compiler
    // scalarise the polynomial below.
    let shifted = x.bitPattern &+ (0x3F80_0000 &- 0x3F35_04F3)
    let e = unsafeBitCast(shifted &>> 23, to: V.SignedBits.self) &- 0x7F
    let m = V(bitPattern: (shifted & 0x007F_FFFF) &+ 0x3F35_04F3)
    let f = m - 1
    let z = f * f
    var p = f * 7.037_683_629_2e-2 - 1.151_461_031_0e-1
    p = p * f + 1.167_699_874_0e-1
    p = p * f - 1.242_014_084_6e-1
    p = p * f + 1.424_932_278_7e-1
    p = p * f - 1.666_805_766_5e-1
    p = p * f + 2.000_071_476_5e-1
    p = p * f - 2.499_999_399_3e-1
    p = p * f + 3.333_333_117_4e-1
    // The exponent as a float, exactly: 1.5 * 2^23 + e, read from its bits, minus 1.5 * 2^23.
    let roundingMagic: Float = 12_582_912
    let fe = V(bitPattern: unsafeBitCast(e, to: V.Bits.self) &+ roundingMagic.bitPattern) - roundingMagic
    var y = f * z * p
    y += fe * -2.121_944_40e-4
    y -= z * 0.5
    return f + y + fe * 0.693_359_375
  }
}

extension VectorMath {
  /// `log(1 + u)` lane by lane for `u` in `[0, 1]` (NaN gives NaN), accurate relative to the
  /// result also where `u` is tiny.
  ///
  /// `w = 1 + u` rounds; `w - 1` is exact (Sterbenz), so `(w - 1) - u` is that rounding error
  /// and `log(1 + u) = log(w) + log(1 - ((w - 1) - u) / w) ~ log(w) - ((w - 1) - u) / w`, the
  /// first-order term being exact to well under an ulp of the result. This is the compensated
  /// `log1p` of D. Goldberg, "What every computer scientist should know about floating-point
  /// arithmetic" (ACM Computing Surveys 23, 1991), Theorem 4's idea of recovering the rounding
  /// of `1 + u`, written with a correction term instead of the quotient `u log(w) / (w - 1)`
  /// (no division by zero where `w = 1`: there the result is `u` exactly). `log(w)` is
  /// ``logOfPositiveNormal(_:)`` (`w` is in `[1, 2]`).
  @inlinable @inline(__always)
  package static func logOnePlus(unit u: Lanes) -> Lanes {
    let w = u + 1
    return logOfPositiveNormal(w) - ((w - 1) - u) / w
  }
}

// Lane selections written as integer arithmetic and bit operations. Swift's comparison
// operators on SIMD vectors return a `SIMDMask` that the compiler moves through general
// registers, and `pointwiseMin`/`pointwiseMax` are generic calls; both cost more than the
// polynomials they guard.
extension VectorMath {
  /// All ones in the lanes where `difference` has its sign bit set (where it is negative or
  /// -0), zeros elsewhere: with `difference = a - b`, the lanes where `a < b` (the difference
  /// of two different floats is never zero, and `-infinity - (-infinity)` is NaN, whose lanes
  /// are the caller's to handle).
  @inlinable @inline(__always)
  package static func signMask(_ difference: Lanes) -> SIMD8<UInt32> {
    unsafeBitCast(unsafeBitCast(difference, to: SIMD8<Int32>.self) &>> 31, to: SIMD8<UInt32>.self)
  }

  /// All ones in the lanes where `a == b` (so where both are zeros of any sign), zero elsewhere
  /// (and where either is NaN).
  @inlinable @inline(__always)
  package static func equalMask(_ a: Lanes, _ b: Lanes) -> SIMD8<UInt32> {
    SIMD8<UInt32>(repeating: 0).replacing(with: .max, where: a .== b)
  }

  /// All ones in the lanes that hold NaN: those whose magnitude bits exceed infinity's.
  @inlinable @inline(__always)
  package static func notANumberMask(_ x: Lanes) -> SIMD8<UInt32> {
    let magnitude = unsafeBitCast(x.bitPattern & 0x7FFF_FFFF, to: SIMD8<Int32>.self)
    return unsafeBitCast((Int32(0x7F80_0000) &- magnitude) &>> 31, to: SIMD8<UInt32>.self)
  }

  /// All ones in the lanes that hold an infinity or NaN (all exponent bits set).
  @inlinable @inline(__always)
  package static func nonFiniteMask(_ x: Lanes) -> SIMD8<UInt32> {
    zeroBitsMask((x.bitPattern & 0x7F80_0000) ^ 0x7F80_0000)
  }

  /// All ones in the lanes that hold +0 or -0.
  @inlinable @inline(__always)
  package static func zeroMask(_ x: Lanes) -> SIMD8<UInt32> {
    zeroBitsMask(x.bitPattern & 0x7FFF_FFFF)
  }

  /// All ones in the lanes of `bits` (each below 2^31) that are 0.
  @inlinable @inline(__always)
  static func zeroBitsMask(_ bits: SIMD8<UInt32>) -> SIMD8<UInt32> {
    unsafeBitCast(unsafeBitCast(bits &- 1, to: SIMD8<Int32>.self) &>> 31, to: SIMD8<UInt32>.self)
  }

  /// `chosen` in the lanes where `mask` is all ones, `otherwise` where it is zero.
  @inlinable @inline(__always)
  package static func select(_ chosen: Lanes, where mask: SIMD8<UInt32>, otherwise: Lanes) -> Lanes {
    Lanes(bitPattern: (chosen.bitPattern & mask) | (otherwise.bitPattern & ~mask))
  }

  /// The sum of the lanes, in a fixed order: the halves, then their halves, then the pair.
  @inlinable @inline(__always)
  package static func sum(_ x: Lanes) -> Float {
    let quarter = x.lowHalf + x.highHalf
    let pair = quarter.lowHalf + quarter.highHalf
    return pair[0] + pair[1]
  }

  /// The largest lane, for lanes without NaN.
  @inlinable @inline(__always)
  package static func maximum(of x: Lanes) -> Float {
    var m = x[0]
    for lane in 1..<Lanes.scalarCount { m = Swift.max(m, x[lane]) }
    return m
  }

  /// Eight floats from `source`.
  @inlinable @inline(__always)
  package static func load(_ source: UnsafePointer<Float>) -> Lanes {
    UnsafeRawPointer(source).loadUnaligned(as: Lanes.self)
  }

  /// Writes eight floats to `destination`.
  @inlinable @inline(__always)
  package static func store(_ x: Lanes, to destination: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(destination).storeBytes(of: x, as: Lanes.self)
  }

  /// `count` (at most 8) floats from `source` in the first lanes, `padding` in the others,
  /// through a copy on the stack: a vector filled lane by lane makes the compiler compute
  /// with it one lane at a time.
  @inlinable @inline(__always)
  package static func load(_ source: UnsafePointer<Float>, count: Int, padding: Float) -> Lanes {
    if count >= Lanes.scalarCount { return load(source) }
    return withUnsafeTemporaryAllocation(of: Lanes.self, capacity: 1) { group in
      let group = UnsafeMutableRawPointer(group.baseAddress!)
      group.storeBytes(of: Lanes(repeating: padding), as: Lanes.self)
      group.copyMemory(from: source, byteCount: 4 * count)
      return group.load(as: Lanes.self)
    }
  }

  /// Writes the first `count` (at most 8) lanes of `x` to `destination`, through a copy on the
  /// stack.
  @inlinable @inline(__always)
  package static func store(_ x: Lanes, to destination: UnsafeMutablePointer<Float>, count: Int) {
    if count >= Lanes.scalarCount { return store(x, to: destination) }
    withUnsafeTemporaryAllocation(of: Lanes.self, capacity: 1) { group in
      let group = UnsafeMutableRawPointer(group.baseAddress!)
      group.storeBytes(of: x, as: Lanes.self)
      UnsafeMutableRawPointer(destination).copyMemory(from: group, byteCount: 4 * count)
    }
  }
}

/// A vector of `Float` lanes that ``VectorMath`` can also read as its bits: `SIMD8<Float>`
/// (``VectorMath/Lanes``) and `SIMD16<Float>`.
@usableFromInline
package protocol FloatLanes: SIMD where Scalar == Float {
  /// The lanes' IEEE 754 bits, one `UInt32` per lane.
  associatedtype Bits: SIMD where Bits.Scalar == UInt32
  /// The same bits read as `Int32`.
  associatedtype SignedBits: SIMD where SignedBits.Scalar == Int32
}

extension FloatLanes {
  /// The lanes' IEEE 754 bits (a reinterpretation: both vectors have the same size).
  @inlinable @inline(__always)
  package var bitPattern: Bits { unsafeBitCast(self, to: Bits.self) }

  /// Floats from their IEEE 754 bits (a reinterpretation).
  @inlinable @inline(__always)
  package init(bitPattern bits: Bits) { self = unsafeBitCast(bits, to: Self.self) }
}

extension SIMD8: FloatLanes where Scalar == Float {
  @usableFromInline package typealias Bits = SIMD8<UInt32>
  @usableFromInline package typealias SignedBits = SIMD8<Int32>
}

extension SIMD16: FloatLanes where Scalar == Float {
  @usableFromInline package typealias Bits = SIMD16<UInt32>
  @usableFromInline package typealias SignedBits = SIMD16<Int32>
}
