import Foundation

/// How close each gradient estimator comes to an exact gradient, at one or more points of a
/// model's training: a dot plot with one row per estimator and three panels, the relative bias
/// and the relative standard deviation on log axes and the cosine similarity on a linear one.
/// Each point (such as "initialisation" and "after 10 epochs") has its colour; on the bias
/// panel, a grey tick marks each measurement's Monte Carlo noise, the relative bias an
/// unbiased estimator shows from its finite sample alone.
///
///     let figure = GradientQualityFigure(title: "VAE encoder gradient", rows: ["st-gs", "reinforce"], points: [
///       .init(name: "initialisation", values: [.init(relativeBias: 0.3, biasNoise: 0.01, relativeStandardDeviation: 0.5, cosine: 0.8),
///                                              .init(relativeBias: 0.05, biasNoise: 0.05, relativeStandardDeviation: 2, cosine: 0.3)])])
///     try figure.write(to: "vae-gradient.svg")
public struct GradientQualityFigure: Sendable {
  /// One estimator's numbers at one point.
  public struct Value: Equatable, Sendable {
    public var relativeBias: Double
    public var biasNoise: Double
    public var relativeStandardDeviation: Double
    public var cosine: Double

    public init(relativeBias: Double, biasNoise: Double, relativeStandardDeviation: Double, cosine: Double) {
      self.relativeBias = relativeBias
      self.biasNoise = biasNoise
      self.relativeStandardDeviation = relativeStandardDeviation
      self.cosine = cosine
    }
  }

  /// A point of training and every row's numbers there (`nil` where a row was not measured).
  public struct Point: Sendable {
    public var name: String
    public var values: [Value?]

    public init(name: String, values: [Value?]) {
      self.name = name
      self.values = values
    }
  }

  public var title: String
  /// The estimators' names, top to bottom.
  public var rows: [String]
  public var points: [Point]

  public init(title: String, rows: [String], points: [Point]) {
    self.title = title
    self.rows = rows
    self.points = points
  }

  static let colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"]
  static let (left, panelWidth, gap, top, rowHeight, bottom) = (90.0, 230.0, 30.0, 70.0, 24.0, 50.0)

  public var root: SVGElement {
    let f = TrainingFigureStyle.number
    let plotHeight = Double(max(rows.count, 1)) * Self.rowHeight
    let width = Self.left + 3 * Self.panelWidth + 2 * Self.gap + 20
    let height = Self.top + plotHeight + Self.bottom
    let values = points.flatMap { $0.values.compactMap { $0 } }
    let biasDomain = LogScale.niceDomain(covering: values.flatMap { [$0.relativeBias, $0.biasNoise] })
    let spreadDomain = LogScale.niceDomain(covering: values.map(\.relativeStandardDeviation))
    let lowestCosine = values.map(\.cosine).filter(\.isFinite).min() ?? 0
    let cosineDomain = (lowestCosine < 0 ? -1.0 : 0.0)...1.0

    var content = [TrainingFigureStyle.background,
                   TrainingFigureStyle.text(title, x: width / 2, y: 22, size: 15, anchor: "middle", weight: "bold")]
    // The legend: one coloured dot per point.
    var x = Self.left
    for (p, point) in points.enumerated() {
      content.append(SVGElement("circle", ["cx": f(x + 5), "cy": "41", "r": "4", "fill": Self.colors[p % Self.colors.count]]))
      content.append(TrainingFigureStyle.text(point.name, x: x + 14, y: 45, size: 12, anchor: "start"))
      x += 28 + Double(point.name.count) * 7
    }
    content.append(SVGElement("line", ["x1": f(x + 4), "y1": "37", "x2": f(x + 4), "y2": "45", "stroke": "#999", "stroke-width": "2"]))
    content.append(TrainingFigureStyle.text("Monte Carlo noise of the bias", x: x + 12, y: 45, size: 12, anchor: "start"))

    func rowY(_ row: Int) -> Double { Self.top + (Double(row) + 0.5) * Self.rowHeight }
    for (row, name) in rows.enumerated() {
      content.append(TrainingFigureStyle.text(name, x: Self.left - 8, y: rowY(row) + 4, size: 12, anchor: "end"))
    }
    let panels: [(title: String, position: (Double) -> Double, ticks: [(Double, String)], value: (Value) -> Double)] = [
      ("relative bias |mean - exact| / |exact|", LogScale(domain: biasDomain, range: (0, Self.panelWidth)).callAsFunction,
       Self.logTicks(biasDomain), \.relativeBias),
      ("relative standard deviation", LogScale(domain: spreadDomain, range: (0, Self.panelWidth)).callAsFunction,
       Self.logTicks(spreadDomain), \.relativeStandardDeviation),
      ("cosine to the exact gradient", LinearScale(domain: cosineDomain, range: (0, Self.panelWidth)).callAsFunction,
       LinearScale(domain: cosineDomain, range: (0, 1)).ticks(count: 4).map { ($0, LineChartFigure.label($0)) }, \.cosine),
    ]
    for (index, panel) in panels.enumerated() {
      let x0 = Self.left + Double(index) * (Self.panelWidth + Self.gap)
      func px(_ value: Double) -> Double { x0 + min(max(panel.position(value), 0), Self.panelWidth) }
      for (tick, label) in panel.ticks {
        content.append(SVGElement("line", ["x1": f(px(tick)), "y1": f(Self.top), "x2": f(px(tick)), "y2": f(Self.top + plotHeight),
                                           "stroke": "#e5e5e5"]))
        content.append(TrainingFigureStyle.text(label, x: px(tick), y: Self.top + plotHeight + 16, size: 11, anchor: "middle"))
      }
      for row in rows.indices {
        content.append(SVGElement("line", ["x1": f(x0), "y1": f(rowY(row)), "x2": f(x0 + Self.panelWidth), "y2": f(rowY(row)),
                                           "stroke": "#f3f3f3"]))
      }
      content.append(SVGElement("rect", ["x": f(x0), "y": f(Self.top), "width": f(Self.panelWidth), "height": f(plotHeight),
                                         "fill": "none", "stroke": "#333"]))
      content.append(TrainingFigureStyle.text(panel.title, x: x0 + Self.panelWidth / 2, y: Self.top + plotHeight + 36, size: 12,
                                              anchor: "middle"))
      for (p, point) in points.enumerated() {
        // Points after the first sit a little lower in the row, so that equal values stay visible.
        let offset = (Double(p) - Double(points.count - 1) / 2) * 6
        for (row, value) in point.values.enumerated() where row < rows.count {
          guard let value else { continue }
          let v = panel.value(value), y = rowY(row) + offset
          guard v.isFinite else { continue }
          if index == 0, value.biasNoise.isFinite, value.biasNoise > 0 {
            content.append(SVGElement("line", ["x1": f(px(value.biasNoise)), "y1": f(y - 5), "x2": f(px(value.biasNoise)), "y2": f(y + 5),
                                               "stroke": "#999", "stroke-width": "2"]))
          }
          content.append(SVGElement("circle", ["cx": f(px(v)), "cy": f(y), "r": "4", "fill": Self.colors[p % Self.colors.count]]))
        }
      }
    }
    return TrainingFigureStyle.svg(width: width, height: height, content: content)
  }

  /// The SVG file's text.
  public func svg() -> String { root.renderedOneChildPerLine() }

  /// Writes the SVG file at `path`, replacing any file there (atomically).
  public func write(to path: String) throws(PlotError) { try FigureOutput.write(svg(), to: path) }

  /// Powers of ten (and 2 and 5 times them over a short range) in `domain`, labelled.
  static func logTicks(_ domain: ClosedRange<Double>) -> [(Double, String)] {
    let scale = LogScale(domain: domain, range: (0, 1))
    let ticks = scale.ticks(maxCount: 6)
    return Array(zip(ticks, LogScale.labels(for: ticks)))
  }
}
