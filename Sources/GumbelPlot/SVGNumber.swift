/// Number formatting for figures: short, locale-independent, and stable, so that snapshot files
/// only change when a figure does.
public enum SVGNumber {
  /// `value` rounded to `decimals` places (half away from zero), without trailing zeros or a
  /// negative zero: `12.345 -> "12.35"`, `3.0 -> "3"`, `-0.001 -> "0"`.
  ///
  /// - Precondition: `value` is finite, and `decimals` is in `0...9`.
  public static func format(_ value: Double, decimals: Int = 2) -> String {
    precondition(value.isFinite, "cannot write the non-finite number \(value) into a figure")
    precondition((0...9).contains(decimals), "decimals must be in 0...9")
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
    guard scaled != 0 else { return "0" }
    precondition(scaled < 9e17, "the number \(value) is too large for a figure")
    let digits = UInt64(scaled)
    let unit = UInt64(scale)
    var text = String(digits / unit)
    var fraction = String(digits % unit)
    if digits % unit != 0 {
      fraction = String(repeating: "0", count: decimals - fraction.count) + fraction
      while fraction.hasSuffix("0") { fraction.removeLast() }
      text += "." + fraction
    }
    return value < 0 ? "-" + text : text
  }

  /// A label for a parameter value such as a temperature: up to `significantDigits`
  /// significant digits, without trailing zeros (`0.1`, `10`, `0.001`, `1.5e-05` for very small
  /// values is avoided by switching to scientific notation below 0.001).
  public static func label(_ value: Double, significantDigits: Int = 3) -> String {
    guard value.isFinite else { return value.isNaN ? "NaN" : (value < 0 ? "-∞" : "∞") }
    guard value != 0 else { return "0" }
    let magnitude = abs(value)
    if magnitude < 1e-3 || magnitude >= 1e6 {
      var exponent = 0
      var mantissa = magnitude
      while mantissa >= 10 { mantissa /= 10; exponent += 1 }
      while mantissa < 1 { mantissa *= 10; exponent -= 1 }
      let text = format(mantissa, decimals: max(0, significantDigits - 1)) + "e\(exponent)"
      return value < 0 ? "-" + text : text
    }
    var order = 0
    var probe = magnitude
    while probe >= 10 { probe /= 10; order += 1 }
    while probe < 1 { probe *= 10; order -= 1 }
    let decimals = min(9, max(0, significantDigits - 1 - order))
    return format(value, decimals: decimals)
  }
}
