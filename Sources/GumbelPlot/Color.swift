import Foundation

/// An opaque sRGB colour.
public struct Color: Equatable, Hashable, Sendable {
  /// Red, 0...255.
  public var red: UInt8
  /// Green, 0...255.
  public var green: UInt8
  /// Blue, 0...255.
  public var blue: UInt8

  /// The colour with the given channels.
  public init(red: UInt8, green: UInt8, blue: UInt8) {
    self.red = red
    self.green = green
    self.blue = blue
  }

  /// The colour `0xRRGGBB`.
  public init(hex: UInt32) {
    self.init(red: UInt8((hex >> 16) & 0xff), green: UInt8((hex >> 8) & 0xff), blue: UInt8(hex & 0xff))
  }

  /// `#rrggbb`, as SVG and CSS write it.
  public var hex: String {
    let digits = Array("0123456789abcdef")
    return "#" + [red, green, blue].map { "\(digits[Int($0 >> 4)])\(digits[Int($0 & 0xf)])" }.joined()
  }

  /// The colour a fraction `t` (0...1) of the way from `self` to `other`, channel by channel.
  public func mixed(with other: Color, _ t: Double) -> Color {
    func channel(_ a: UInt8, _ b: UInt8) -> UInt8 {
      UInt8((Double(a) + (Double(b) - Double(a)) * min(max(t, 0), 1)).rounded())
    }
    return Color(red: channel(red, other.red), green: channel(green, other.green), blue: channel(blue, other.blue))
  }

  /// Relative luminance (WCAG 2), 0 for black to 1 for white.
  public var luminance: Double {
    func linear(_ c: UInt8) -> Double {
      let s = Double(c) / 255
      return s <= 0.040_45 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4)
    }
    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
  }
}
