/// One plot area of a figure: a frame with an x and a y scale, grid lines, axes, a title, and
/// the marks drawn in data coordinates.
///
/// A panel draws its axes along its bottom and left edges and its title above its frame; it
/// reports how much room these need (``headerHeight``, ``Axis/extent``) so that a figure can
/// place panels without overlaps.
struct Panel {
  /// A name for the panel, written as its `data-panel` attribute.
  var name: String
  /// The plot area, in figure coordinates.
  var frame: Rect
  /// Horizontal data coordinates.
  var x: LinearScale
  /// Vertical data coordinates (upwards).
  var y: LinearScale
  /// The title above the frame.
  var title: String?
  /// A second, smaller line under the title.
  var subtitle: String?
  /// Ticks of the bottom axis.
  var xTicks: [AxisTick] = []
  /// Ticks of the left axis.
  var yTicks: [AxisTick] = []
  /// The bottom axis title.
  var xTitle: String?
  /// The left axis title.
  var yTitle: String?
  /// Whether the bottom axis has tick labels.
  var showsXLabels = true
  /// Whether the left axis has tick labels.
  var showsYLabels = true
  /// Whether light horizontal grid lines mark the y ticks.
  var showsGrid = true
  /// The data marks, in drawing order.
  private(set) var marks: [SVGElement] = []

  /// A panel mapping `xDomain` and `yDomain` onto `frame`.
  init(name: String, frame: Rect, xDomain: ClosedRange<Double>, yDomain: ClosedRange<Double>) {
    self.name = name
    self.frame = frame
    self.x = LinearScale(domain: xDomain, range: (frame.x, frame.maxX))
    self.y = LinearScale(domain: yDomain, range: (frame.maxY, frame.y))
  }

  static let titleGap = 8.0
  static let titleLineGap = 3.0

  /// The room above a frame that a title (and a subtitle) need.
  static func headerHeight(title: Bool, subtitle: Bool) -> Double {
    guard title || subtitle else { return 0 }
    let titleHeight = title ? FontSize.panelTitle : 0
    let subtitleHeight = subtitle ? FontSize.panelSubtitle + (title ? titleLineGap : 0) : 0
    return titleGap + titleHeight + subtitleHeight
  }

  /// Adds a mark.
  mutating func add(_ mark: SVGElement) { marks.append(mark) }

  /// Adds a vertical bar centred on `center` with data width `width`, from `base` to `value`.
  /// Bars less than 0.01 pixel high, invisible and written as height 0, are left out.
  mutating func addBar(center: Double, width: Double, base: Double = 0, value: Double, fill: Color,
                       className: String = "bar") {
    let left = x(center - width / 2), right = x(center + width / 2)
    let top = y.clamped(max(base, value)), bottom = y.clamped(min(base, value))
    guard bottom - top >= 0.01 else { return }
    marks.append(Shapes.rect(Rect(x: left, y: top, width: right - left, height: bottom - top), fill: fill, className: className))
  }

  /// Adds a short horizontal marker across `center ± width / 2` at height `value`.
  mutating func addLevelMarker(center: Double, width: Double, value: Double, color: Color,
                               lineWidth: Double = 2.5, className: String) {
    let y = self.y.clamped(value)
    marks.append(Shapes.line(from: Point(x: x(center - width / 2), y: y), to: Point(x: x(center + width / 2), y: y),
                             stroke: color, width: lineWidth, className: className))
  }

  /// The bottom axis.
  var xAxis: Axis {
    Axis(edge: .bottom, scale: x, ticks: xTicks, title: xTitle, position: frame.maxY, showsLabels: showsXLabels)
  }

  /// The left axis.
  var yAxis: Axis {
    Axis(edge: .left, scale: y, ticks: yTicks, title: yTitle, position: frame.x, showsLabels: showsYLabels)
  }

  /// The panel as a group: grid, marks, axes, then the title on top.
  func element() -> SVGElement {
    var children: [SVGElement] = []
    if showsGrid {
      let lines = yTicks.map { tick in
        Shapes.line(from: Point(x: frame.x, y: y(tick.value)), to: Point(x: frame.maxX, y: y(tick.value)), stroke: Palette.grid)
      }
      children.append(Shapes.group("grid", lines))
    }
    children.append(Shapes.group("marks", marks))
    children.append(xAxis.element())
    children.append(yAxis.element())
    var top = frame.y - Self.titleGap
    if let subtitle {
      let baseline = top - TextMetrics.descent * FontSize.panelSubtitle
      children.append(Shapes.text(subtitle, at: Point(x: frame.center.x, y: baseline), size: FontSize.panelSubtitle,
                                  anchor: .middle, color: Palette.mutedInk, className: "panel-subtitle"))
      top -= FontSize.panelSubtitle + Self.titleLineGap
    }
    if let title {
      let baseline = top - TextMetrics.descent * FontSize.panelTitle
      children.append(Shapes.text(title, at: Point(x: frame.center.x, y: baseline), size: FontSize.panelTitle,
                                  anchor: .middle, bold: true, className: "panel-title"))
    }
    return Shapes.group("panel", children, extra: ["data-panel": name])
  }
}
