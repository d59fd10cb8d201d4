/// Approximate text extents, so that layouts leave room for labels without a font engine.
///
/// Figures name DejaVu Sans first and Verdana second (both wide, with nearly equal metrics), and
/// the widths here are DejaVu Sans advance widths; characters not in the table count as one em.
/// Bold text is taken 12% wider.
enum TextMetrics {
  /// The font stack written on every figure.
  static let fontFamily = "DejaVu Sans, Verdana, sans-serif"
  /// Height above the baseline, in ems.
  static let ascent = 0.76
  /// Depth below the baseline, in ems.
  static let descent = 0.24

  /// The advance width of `text` at `size` pixels.
  static func width(of text: String, size: Double, bold: Bool = false) -> Double {
    let ems = text.unicodeScalars.reduce(0.0) { $0 + advance(of: $1) }
    return ems * size * (bold ? 1.12 : 1)
  }

  /// The box that `text` occupies when drawn at `origin` (the anchor point on the baseline).
  static func bounds(of text: String, at origin: Point, size: Double, anchor: TextAnchor, bold: Bool = false) -> Rect {
    let width = width(of: text, size: size, bold: bold)
    let left = switch anchor {
    case .start: origin.x
    case .middle: origin.x - width / 2
    case .end: origin.x - width
    }
    return Rect(x: left, y: origin.y - ascent * size, width: width, height: (ascent + descent) * size)
  }

  /// The advance of one character, in ems: DejaVu Sans's advance widths (from its `hmtx`
  /// table), with 2% to spare.
  static func advance(of scalar: Unicode.Scalar) -> Double {
    let value = scalar.value
    let ems: Double
    if (32..<127).contains(value) {
      ems = asciiAdvances[Int(value - 32)]
    } else if (0x2080...0x2089).contains(value) {
      ems = 0.401  // subscript digits
    } else {
      switch scalar {
      case "τ", "π": ems = 0.602
      case "×", "≈", "→", "−", "∞": ems = 0.838
      case "½": ems = 0.969
      case "–": ems = 0.5
      case "·": ems = 0.318
      default: ems = 1.0
      }
    }
    return ems * 1.02
  }

  /// DejaVu Sans advance widths of the printable ASCII characters, from the space (32) to `~`
  /// (126), in ems.
  private static let asciiAdvances: [Double] = [
    0.318, 0.401, 0.46, 0.838, 0.636, 0.95, 0.78, 0.275, 0.39, 0.39, 0.5, 0.838,
    0.318, 0.361, 0.318, 0.337, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636,
    0.636, 0.636, 0.337, 0.337, 0.838, 0.838, 0.838, 0.531, 1.0, 0.684, 0.686, 0.698,
    0.77, 0.632, 0.575, 0.775, 0.752, 0.295, 0.295, 0.656, 0.557, 0.863, 0.748, 0.787,
    0.603, 0.787, 0.695, 0.635, 0.611, 0.732, 0.684, 0.989, 0.685, 0.611, 0.685, 0.39,
    0.337, 0.39, 0.838, 0.5, 0.5, 0.613, 0.635, 0.55, 0.635, 0.615, 0.352, 0.635,
    0.634, 0.278, 0.278, 0.579, 0.278, 0.974, 0.634, 0.612, 0.635, 0.635, 0.411, 0.521,
    0.392, 0.634, 0.592, 0.818, 0.592, 0.592, 0.525, 0.636, 0.337, 0.636, 0.838,
  ]
}

/// Where a text's anchor point lies along its line, as SVG's `text-anchor` says.
enum TextAnchor: String {
  /// The text starts at the anchor.
  case start
  /// The text is centred on the anchor.
  case middle
  /// The text ends at the anchor.
  case end
}
