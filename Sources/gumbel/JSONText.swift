import Foundation
/// Minimal JSON output: numbers as Swift prints them (shortest round-trip form), non-finite
/// numbers as `null`.
enum JSONText {
  static func number<T: BinaryFloatingPoint & LosslessStringConvertible>(_ x: T) -> String {
    x.isFinite ? "\(x)" : "null"
  }
  static func number<T: BinaryInteger>(_ x: T) -> String { "\(x)" }

  static func array(_ items: [String]) -> String { "[" + items.joined(separator: ", ") + "]" }

  static func array<T: BinaryFloatingPoint & LosslessStringConvertible>(_ values: [T]) -> String {
    array(values.map { number($0) })
  }
  static func array<T: BinaryInteger>(_ values: [T]) -> String { array(values.map { number($0) }) }

  /// A JSON string: quotes, backslashes and control characters escaped (a path may hold any).
  static func string(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }

  /// An object from ordered key-value pairs whose values are already JSON text.
  static func object(_ pairs: KeyValuePairs<String, String>) -> String {
    object(Array(pairs))
  }

  /// An object from an array of ordered key-value pairs, for objects built up step by step.
  static func object(_ pairs: [(key: String, value: String)]) -> String {
    "{" + pairs.map { "\(string($0.key)): \($0.value)" }.joined(separator: ", ") + "}"
  }
}
