/// Panel frames on a regular grid: equal columns and rows separated by fixed gaps.
struct GridLayout {
  /// The left edge of the first column.
  var left: Double
  /// The top edge of the first row.
  var top: Double
  /// The number of columns.
  var columns: Int
  /// The number of rows.
  var rows: Int
  /// The width of each frame.
  var cellWidth: Double
  /// The height of each frame.
  var cellHeight: Double
  /// Space between neighbouring columns.
  var columnGap: Double
  /// Space between neighbouring rows.
  var rowGap: Double

  /// The frame at a row and column.
  func frame(row: Int, column: Int) -> Rect {
    Rect(x: left + Double(column) * (cellWidth + columnGap), y: top + Double(row) * (cellHeight + rowGap),
         width: cellWidth, height: cellHeight)
  }

  /// The right edge of the last column.
  var right: Double { left + Double(columns) * cellWidth + Double(max(0, columns - 1)) * columnGap }
  /// The bottom edge of the last row.
  var bottom: Double { top + Double(rows) * cellHeight + Double(max(0, rows - 1)) * rowGap }
}

/// The title block at the top of a figure: a bold title, a muted subtitle, and a legend.
struct FigureHeader {
  /// The title.
  var title: String
  /// The line under the title; the first candidate that fits the width is used.
  var subtitles: [String]
  /// The legend under the subtitle.
  var legend: Legend

  static let margin = 16.0
  static let lineGap = 6.0

  /// The narrowest figure that fits the title and the widest legend entry.
  var minimumWidth: Double {
    let title = TextMetrics.width(of: self.title, size: FontSize.title, bold: true)
    let entry = legend.entries.map(Legend.width(of:)).max() ?? 0
    return max(title, entry) + 2 * Self.margin
  }

  /// The width of a figure whose panels need `contentWidth` pixels with margins, and the shift
  /// that centres them when the header needs more.
  func width(forContentWidth contentWidth: Double) -> (width: Double, shift: Double) {
    let width = max(contentWidth, minimumWidth)
    return (width, (width - contentWidth) / 2)
  }

  /// `p = (0.2, 0.3, 0.5)` for up to eight probabilities (two significant digits), else `nil`.
  static func probabilityList(_ probabilities: [Double]) -> String? {
    guard probabilities.count <= 8 else { return nil }
    return "p = (" + probabilities.map { SVGNumber.label($0, significantDigits: 2) }.joined(separator: ", ") + ")"
  }

  /// The header's height when it spans `width` pixels.
  func height(width: Double) -> Double {
    FontSize.title + Self.lineGap + (subtitle(width: width) == nil ? 0 : FontSize.subtitle + Self.lineGap)
      + legend.height(maxWidth: width - 2 * Self.margin)
  }

  /// The subtitle candidate that fits in `width`, if any.
  func subtitle(width: Double) -> String? {
    subtitles.first { TextMetrics.width(of: $0, size: FontSize.subtitle) <= width - 2 * Self.margin }
  }

  /// The header elements for a figure of the given width, starting at `top`.
  func elements(width: Double, top: Double) -> [SVGElement] {
    var y = top + TextMetrics.ascent * FontSize.title
    var elements = [Shapes.text(title, at: Point(x: width / 2, y: y), size: FontSize.title, anchor: .middle, bold: true,
                                className: "figure-title")]
    y += TextMetrics.descent * FontSize.title + Self.lineGap
    if let subtitle = subtitle(width: width) {
      y += TextMetrics.ascent * FontSize.subtitle
      elements.append(Shapes.text(subtitle, at: Point(x: width / 2, y: y), size: FontSize.subtitle, anchor: .middle,
                                  color: Palette.mutedInk, className: "figure-subtitle"))
      y += TextMetrics.descent * FontSize.subtitle + Self.lineGap
    }
    elements.append(legend.element(centerX: width / 2, top: y, maxWidth: width - 2 * Self.margin))
    return elements
  }
}
