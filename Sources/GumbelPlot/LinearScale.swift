import Foundation

/// A linear map from data values (the domain) to figure coordinates (the range), with "nice"
/// tick values: multiples of 1, 2 or 5 times a power of ten.
///
///     let y = LinearScale(domain: 0...1, range: (200, 20))   // y grows upwards
///     y(0.5)          // 110
///     y.ticks()       // [0, 0.2, 0.4, 0.6, 0.8, 1]
public struct LinearScale: Equatable, Sendable {
  /// The data interval.
  public var domain: ClosedRange<Double>
  /// The figure coordinate of `domain.lowerBound`.
  public var rangeStart: Double
  /// The figure coordinate of `domain.upperBound`.
  public var rangeEnd: Double

  /// A scale mapping `domain` onto `range.0 ... range.1` (which may decrease).
  public init(domain: ClosedRange<Double>, range: (Double, Double)) {
    self.domain = domain
    self.rangeStart = range.0
    self.rangeEnd = range.1
  }

  /// The figure coordinate of `value` (not clamped; a degenerate domain maps to the middle).
  public func callAsFunction(_ value: Double) -> Double {
    let span = domain.upperBound - domain.lowerBound
    guard span > 0 else { return (rangeStart + rangeEnd) / 2 }
    return rangeStart + (value - domain.lowerBound) / span * (rangeEnd - rangeStart)
  }

  /// The figure coordinate of `value` clamped to the domain.
  public func clamped(_ value: Double) -> Double {
    self(min(max(value, domain.lowerBound), domain.upperBound))
  }

  /// About `count` nice tick values inside the domain.
  public func ticks(count: Int = 5) -> [Double] {
    let step = Self.niceStep(span: domain.upperBound - domain.lowerBound, count: count)
    let first = (domain.lowerBound / step - 1e-9).rounded(.up)
    let last = (domain.upperBound / step + 1e-9).rounded(.down)
    guard first <= last else { return [] }
    return stride(from: first, through: last, by: 1).map { Self.clean($0 * step) }
  }

  /// The nice step (1, 2 or 5 times a power of ten) closest above `span / count`.
  public static func niceStep(span: Double, count: Int) -> Double {
    guard span > 0, span.isFinite, count > 0 else { return 1 }
    let raw = span / Double(count)
    let power = Foundation.pow(10, (Foundation.log10(raw)).rounded(.down))
    let mantissa = raw / power
    let nice: Double = mantissa <= 1 ? 1 : mantissa <= 2 ? 2 : mantissa <= 5 ? 5 : 10
    return nice * power
  }

  /// The smallest multiple of a nice step (for about `count` ticks from 0) at or above `value`,
  /// for axes that start at 0: `niceUpperBound(0.23) == 0.25` (in steps of 0.05).
  public static func niceUpperBound(_ value: Double, count: Int = 5) -> Double {
    guard value > 0, value.isFinite else { return 1 }
    let step = niceStep(span: value, count: count)
    return clean((value / step - 1e-9).rounded(.up) * step)
  }

  /// Tick labels rounded to the decimals that the step between the ticks needs (trailing zeros
  /// dropped: `0, 0.5, 1`), with a minus sign for negative values.
  public static func labels(for ticks: [Double]) -> [String] {
    guard ticks.count >= 2 else { return ticks.map { SVGNumber.label($0) } }
    let step = zip(ticks.dropFirst(), ticks).map { abs($0 - $1) }.filter { $0 > 0 }.min() ?? 1
    let decimals = min(9, max(0, Int((-Foundation.log10(step) - 1e-9).rounded(.up))))
    // A true minus sign (U+2212) rather than a hyphen, as typeset mathematics has it.
    return ticks.map { SVGNumber.format($0, decimals: decimals).replacingOccurrences(of: "-", with: "\u{2212}") }
  }

  /// `value` with the noise of binary multiples of decimal steps removed (`3 * 0.1`
  /// becomes `0.3`).
  private static func clean(_ value: Double) -> Double {
    (value * 1e9).rounded() / 1e9
  }
}
