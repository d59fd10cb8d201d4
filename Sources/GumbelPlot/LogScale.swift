import Foundation

/// A logarithmic map from positive data values (the domain) to figure coordinates (the range),
/// with ticks at powers of ten, or at 1, 2 and 5 times powers of ten over short domains.
///
/// Equal ratios take equal distances: `10 -> 100` is as long as `0.01 -> 0.1`. Panels draw on a
/// ``LinearScale`` of `log10` values (``exponents``), so a log axis is a linear axis of exponents.
///
///     let x = LogScale(domain: 0.1...10, range: (0, 200))
///     x(1)            // 100
///     x.ticks()       // [0.1, 0.2, 0.5, 1, 2, 5, 10]
public struct LogScale: Equatable, Sendable {
  /// The data interval, positive.
  public var domain: ClosedRange<Double>
  /// The figure coordinate of `domain.lowerBound`.
  public var rangeStart: Double
  /// The figure coordinate of `domain.upperBound`.
  public var rangeEnd: Double

  /// A scale mapping `domain` onto `range.0 ... range.1` (which may decrease).
  ///
  /// - Precondition: the domain is positive and finite.
  public init(domain: ClosedRange<Double>, range: (Double, Double)) {
    precondition(domain.lowerBound > 0 && domain.upperBound.isFinite, "a log scale needs a positive finite domain, not \(domain)")
    self.domain = domain
    self.rangeStart = range.0
    self.rangeEnd = range.1
  }

  /// The same map on `log10` of the values: the scale a `Panel` draws with.
  public var exponents: LinearScale {
    LinearScale(domain: Foundation.log10(domain.lowerBound)...Foundation.log10(domain.upperBound), range: (rangeStart, rangeEnd))
  }

  /// The figure coordinate of `value` (not clamped; a degenerate domain maps to the middle).
  ///
  /// - Precondition: `value > 0`.
  public func callAsFunction(_ value: Double) -> Double {
    precondition(value > 0, "a log scale cannot place \(value)")
    return exponents(Foundation.log10(value))
  }

  /// Nice tick values inside the domain: every power of ten when the domain spans more than
  /// `decadesForOneTwoFive` decades (every second, third, ... one when there would be more than
  /// `maxCount`), otherwise 1, 2 and 5 times the powers of ten.
  public func ticks(maxCount: Int = 8, decadesForOneTwoFive: Double = 2.5) -> [Double] {
    let low = Foundation.log10(domain.lowerBound), high = Foundation.log10(domain.upperBound)
    let first = Int((low - 1e-9).rounded(.down)), last = Int((high + 1e-9).rounded(.up))
    let inside = { (value: Double) in value >= domain.lowerBound * (1 - 1e-9) && value <= domain.upperBound * (1 + 1e-9) }
    if high - low <= decadesForOneTwoFive {
      let values = (first...last).flatMap { power in [1.0, 2, 5].map { Self.clean($0 * Self.power(power)) } }.filter(inside)
      if values.count >= 2 { return values }
    }
    let powers = (first...last).filter { inside(Self.power($0)) }
    let every = max(1, Int((Double(powers.count) / Double(max(maxCount, 1))).rounded(.up)))
    return powers.filter { $0 % every == 0 }.map(Self.power)
  }

  /// The smallest domain of nice bounds that holds every positive finite number of `values`:
  /// whole decades when they span more than `decadesForOneTwoFive` decades, else 1, 2 or 5
  /// times a power of ten. A single value `v` gets `v / 2 ... v * 2` rounded out; no positive
  /// value at all gets `0.1...1`.
  public static func niceDomain(covering values: [Double], decadesForOneTwoFive: Double = 2.5) -> ClosedRange<Double> {
    let positive = values.filter { $0 > 0 && $0.isFinite }
    guard var low = positive.min(), var high = positive.max() else { return 0.1...1 }
    if high / low < 1.5 {
      low /= 2
      high *= 2
    }
    if Foundation.log10(high / low) > decadesForOneTwoFive {
      return power(Int(Foundation.log10(low).rounded(.down)))...power(Int(Foundation.log10(high).rounded(.up)))
    }
    return niceBelow(low)...niceAbove(high)
  }

  /// The largest of 1, 2 or 5 times a power of ten at or below `value > 0`.
  public static func niceBelow(_ value: Double) -> Double {
    let exponent = Int((Foundation.log10(value) + 1e-9).rounded(.down))
    let mantissa = value / power(exponent)
    let nice: Double = mantissa >= 5 - 1e-9 ? 5 : mantissa >= 2 - 1e-9 ? 2 : 1
    return clean(nice * power(exponent))
  }

  /// The smallest of 1, 2 or 5 times a power of ten at or above `value > 0`.
  public static func niceAbove(_ value: Double) -> Double {
    let exponent = Int((Foundation.log10(value) - 1e-9).rounded(.down))
    let mantissa = value / power(exponent)
    let nice: Double = mantissa <= 1 + 1e-9 ? 1 : mantissa <= 2 + 1e-9 ? 2 : mantissa <= 5 + 1e-9 ? 5 : 10
    return clean(nice * power(exponent))
  }

  /// Tick labels as plain numbers (`0.01`, `0.5`, `20`), and in scientific notation (`1e-4`,
  /// `1e6`) outside `0.001 ..< 1e6`.
  public static func labels(for ticks: [Double]) -> [String] {
    ticks.map { SVGNumber.label($0, significantDigits: 3) }
  }

  /// `10^exponent`, exact for the decimal powers.
  static func power(_ exponent: Int) -> Double {
    exponent >= 0 ? Foundation.pow(10, Double(exponent)) : 1 / Foundation.pow(10, Double(-exponent))
  }

  /// `value` with the noise of binary multiples of decimal powers removed, to 12 significant digits.
  private static func clean(_ value: Double) -> Double {
    Double(String(format: "%.12g", value)) ?? value
  }
}
