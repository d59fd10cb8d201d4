import Foundation

/// A line chart of training curves (such as a loss per step and per epoch) with axes, ticks, a
/// legend and a title, drawn from the curves it is given. Self-contained SVG, no fonts or
/// scripts beyond SVG's own.
///
/// Non-finite points are skipped; the y range covers the finite points between the 1st
/// percentile and the maximum after the first tenth of each series, so an early spike does not
/// flatten the rest.
///
///     let chart = LineChartFigure(title: "Loss", xLabel: "epoch", yLabel: "nats",
///                                 series: [.init(name: "train", points: [(1, 3.2), (2, 2.9)], color: "#1f77b4")])
///     try chart.write(to: "loss.svg")
public struct LineChartFigure: Sendable {
  /// One line of a chart.
  public struct Series: Sendable {
    public var name: String
    public var points: [(x: Double, y: Double)]
    /// A CSS colour, such as `#1f77b4`.
    public var color: String

    public init(name: String, points: [(x: Double, y: Double)], color: String) {
      self.name = name
      self.points = points
      self.color = color
    }
  }

  public var title: String
  public var xLabel: String
  public var yLabel: String
  public var series: [Series]
  public var width: Double
  public var height: Double

  public init(title: String, xLabel: String, yLabel: String, series: [Series], width: Double = 720, height: Double = 420) {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.series = series
    self.width = width
    self.height = height
  }

  /// The `<svg>` element.
  public var root: SVGElement {
    let left = 70.0, right = 20.0, top = 40.0, bottom = 50.0
    let plotWidth = width - left - right, plotHeight = height - top - bottom
    let all = series.flatMap { $0.points }.filter { $0.x.isFinite && $0.y.isFinite }
    let xs = all.map(\.x)
    let settled = series.flatMap { s in s.points.dropFirst(s.points.count / 10) }.map(\.y).filter(\.isFinite).sorted()
    let xMin = xs.min() ?? 0, xMax = max(xs.max() ?? 1, (xs.min() ?? 0) + 1e-9)
    var yMin = settled.isEmpty ? 0 : settled[settled.count / 100]
    var yMax = settled.last ?? 1
    if yMax - yMin < 1e-9 { yMin -= 1; yMax += 1 }
    let pad = (yMax - yMin) * 0.05
    yMin -= pad; yMax += pad
    func px(_ x: Double) -> Double { left + (x - xMin) / (xMax - xMin) * plotWidth }
    func py(_ y: Double) -> Double { top + (1 - (min(max(y, yMin), yMax) - yMin) / (yMax - yMin)) * plotHeight }
    let f = TrainingFigureStyle.number

    var content = [TrainingFigureStyle.background,
                   TrainingFigureStyle.text(title, x: width / 2, y: 24, size: 16, anchor: "middle", weight: "bold")]
    // Grid, ticks and axis labels.
    for tick in Self.ticks(yMin, yMax) {
      let y = py(tick)
      content.append(SVGElement("line", ["x1": f(left), "y1": f(y), "x2": f(left + plotWidth), "y2": f(y), "stroke": "#e5e5e5"]))
      content.append(TrainingFigureStyle.text(Self.label(tick), x: left - 6, y: y + 4, size: 11, anchor: "end"))
    }
    for tick in Self.ticks(xMin, xMax) {
      let x = px(tick)
      content.append(SVGElement("line", ["x1": f(x), "y1": f(top), "x2": f(x), "y2": f(top + plotHeight), "stroke": "#f0f0f0"]))
      content.append(TrainingFigureStyle.text(Self.label(tick), x: x, y: top + plotHeight + 16, size: 11, anchor: "middle"))
    }
    content.append(SVGElement("rect", ["x": f(left), "y": f(top), "width": f(plotWidth), "height": f(plotHeight), "fill": "none",
                                       "stroke": "#333"]))
    content.append(TrainingFigureStyle.text(xLabel, x: left + plotWidth / 2, y: height - 10, size: 12, anchor: "middle"))
    let middle = f(top + plotHeight / 2)
    content.append(SVGElement("text", ["x": "16", "y": middle, "font-family": "sans-serif", "font-size": "12", "text-anchor": "middle",
                                       "transform": "rotate(-90 16 \(middle))"], text: yLabel))
    for (i, s) in series.enumerated() {
      let points = s.points.filter { $0.x.isFinite && $0.y.isFinite }
      if points.count == 1 {
        content.append(SVGElement("circle", ["cx": f(px(points[0].x)), "cy": f(py(points[0].y)), "r": "3", "fill": s.color]))
      } else {
        let path = points.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
        content.append(SVGElement("polyline", ["fill": "none", "stroke": s.color, "stroke-width": "1.5", "points": path]))
      }
      let ly = top + 14 + Double(i) * 18
      content.append(SVGElement("line", ["x1": f(left + plotWidth - 170), "y1": f(ly - 4), "x2": f(left + plotWidth - 150),
                                         "y2": f(ly - 4), "stroke": s.color, "stroke-width": "2"]))
      content.append(TrainingFigureStyle.text(s.name, x: left + plotWidth - 144, y: ly, size: 12, anchor: "start"))
    }
    return TrainingFigureStyle.svg(width: width, height: height, content: content)
  }

  /// The SVG file's text.
  public func svg() -> String { root.renderedOneChildPerLine() }

  /// Writes the SVG file at `path`, replacing any file there (atomically).
  public func write(to path: String) throws(PlotError) { try FigureOutput.write(svg(), to: path) }

  /// A tick label: an integer when it is one, else two decimals (one from 10 up).
  static func label(_ x: Double) -> String {
    if x == x.rounded() && abs(x) < 1e6 { return String(Int(x)) }
    return String(format: abs(x) < 10 ? "%.2f" : "%.1f", x)
  }

  /// About five round tick values covering [low, high]: steps of 1, 2 or 5 times a power of ten.
  static func ticks(_ low: Double, _ high: Double) -> [Double] {
    let span = high - low
    guard span > 0, span.isFinite else { return [low] }
    let raw = span / 5
    let magnitude = pow(10, (log10(raw)).rounded(.down))
    let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
    var out = [Double]()
    var t = (low / step).rounded(.up) * step
    while t <= high + step * 1e-9 {
      out.append(t)
      t += step
    }
    return out
  }
}

/// What the training figures share: a root with crisp edges, a white background, sans-serif
/// text, and numbers with one decimal.
enum TrainingFigureStyle {
  /// `value` with one decimal (`%.1f`), as the training figures write coordinates.
  static func number(_ value: Double) -> String { String(format: "%.1f", value) }

  static let background = SVGElement("rect", ["width": "100%", "height": "100%", "fill": "white"])

  static func svg(width: Double, height: Double, content: [SVGElement]) -> SVGElement {
    SVGElement("svg", ["xmlns": "http://www.w3.org/2000/svg", "width": number(width), "height": number(height),
                       "viewBox": "0 0 \(number(width)) \(number(height))", "shape-rendering": "crispEdges"], children: content)
  }

  static func text(_ s: String, x: Double, y: Double, size: Int, anchor: String, weight: String = "normal") -> SVGElement {
    SVGElement("text", ["x": number(x), "y": number(y), "font-family": "sans-serif", "font-size": String(size), "font-weight": weight,
                        "text-anchor": anchor], text: s)
  }
}
