/// A legend: swatches with labels, in rows that wrap to a maximum width and are centred.
struct Legend {
  /// How an entry's series looks.
  enum Swatch {
    /// A filled box, for bars.
    case box(Color)
    /// A short thick line, for level markers.
    case rule(Color)
    /// A circle, for scatter points.
    case point(fill: Color, stroke: Color)
    /// A strip of the colour map, for heat maps.
    case colorMap(ColorMap)

    /// The swatch's width in pixels.
    var width: Double {
      switch self {
      case .box, .rule: return 16
      case .point: return 10
      case .colorMap: return 30
      }
    }
  }

  /// One labelled swatch.
  struct Entry {
    /// The text after the swatch.
    var label: String
    /// The swatch.
    var swatch: Swatch
  }

  /// The entries in groups, in reading order; each group starts a new row.
  var groups: [[Entry]]

  /// A legend of one group.
  init(entries: [Entry]) { self.groups = [entries] }

  /// A legend whose groups start new rows (say, one group per row of panels).
  init(groups: [[Entry]]) { self.groups = groups }

  /// All entries, in reading order.
  var entries: [Entry] { groups.flatMap { $0 } }

  static let rowHeight = 20.0
  static let swatchGap = 6.0
  static let entryGap = 24.0

  /// The width of one entry.
  static func width(of entry: Entry) -> Double {
    entry.swatch.width + swatchGap + TextMetrics.width(of: entry.label, size: FontSize.legend)
  }

  /// The entries in rows no wider than `maxWidth` (an entry wider than that gets a row alone);
  /// each group starts a new row.
  func rows(maxWidth: Double) -> [[Entry]] {
    groups.flatMap { Self.rows(of: $0, maxWidth: maxWidth) }
  }

  private static func rows(of entries: [Entry], maxWidth: Double) -> [[Entry]] {
    var rows: [[Entry]] = []
    var current: [Entry] = []
    var width = 0.0
    for entry in entries {
      let added = (current.isEmpty ? 0 : entryGap) + Self.width(of: entry)
      if !current.isEmpty, width + added > maxWidth {
        rows.append(current)
        current = []
        width = 0
      }
      width += (current.isEmpty ? 0 : entryGap) + Self.width(of: entry)
      current.append(entry)
    }
    if !current.isEmpty { rows.append(current) }
    return rows
  }

  /// The height of the legend when wrapped to `maxWidth`.
  func height(maxWidth: Double) -> Double {
    Double(rows(maxWidth: maxWidth).count) * Self.rowHeight
  }

  /// The legend with its rows centred on `centerX`, the first row's top at `top`.
  func element(centerX: Double, top: Double, maxWidth: Double) -> SVGElement {
    var children: [SVGElement] = []
    for (index, row) in rows(maxWidth: maxWidth).enumerated() {
      let rowWidth = row.map(Self.width(of:)).reduce(0, +) + Self.entryGap * Double(row.count - 1)
      var x = centerX - rowWidth / 2
      let middle = top + Double(index) * Self.rowHeight + Self.rowHeight / 2
      for entry in row {
        children.append(Self.swatch(entry.swatch, left: x, middle: middle))
        let baseline = middle + (TextMetrics.ascent - TextMetrics.descent) / 2 * FontSize.legend
        children.append(Shapes.text(entry.label, at: Point(x: x + entry.swatch.width + Self.swatchGap, y: baseline),
                                    size: FontSize.legend, className: "legend-label"))
        x += Self.width(of: entry) + Self.entryGap
      }
    }
    return Shapes.group("legend", children)
  }

  private static func swatch(_ swatch: Swatch, left: Double, middle: Double) -> SVGElement {
    switch swatch {
    case .box(let color):
      return Shapes.rect(Rect(x: left, y: middle - 5, width: swatch.width, height: 10), fill: color, className: "swatch")
    case .rule(let color):
      return Shapes.line(from: Point(x: left, y: middle), to: Point(x: left + swatch.width, y: middle), stroke: color,
                         width: 2.5, className: "swatch")
    case .point(let fill, let stroke):
      return Shapes.circle(center: Point(x: left + swatch.width / 2, y: middle), radius: 3.5, fill: fill, stroke: stroke,
                           strokeWidth: 1, className: "swatch")
    case .colorMap(let map):
      let colors = map.discrete(levels: 6)
      let step = swatch.width / Double(colors.count)
      let boxes = colors.enumerated().map { index, color in
        Shapes.rect(Rect(x: left + Double(index) * step, y: middle - 5, width: step, height: 10), fill: color)
      }
      return Shapes.group("swatch", boxes)
    }
  }
}
