import Foundation
import GumbelDistributions
import GumbelEstimators
import GumbelRandom

/// The bias and the variance of each gradient estimator against the temperature: a drawing of
/// an ``EstimatorSweep`` (measured by ``EstimatorLab`` on the objective `f(z) = (V . z - T)^2`
/// against its exact gradient).
///
/// Two panels on log-log axes: the bias, `|| mean - exact ||` over ``sampleCount``
/// single-sample estimates, and the total variance, the sum over categories of the variance of
/// the single-sample estimates. One line with markers per estimator; REINFORCE and the plain
/// straight-through estimator do not use the temperature, so they are horizontal dashed lines;
/// ReinMax is drawn only at temperatures of at least 1, where it is defined. Every point uses
/// the same key, so the curves differ by the temperature and the estimator alone.
///
/// The bias is measured from a finite sample, so it includes Monte Carlo noise of about
/// `sqrt(variance / sampleCount)`: REINFORCE and RLOO are unbiased, and their measured bias is that noise.
///
///     let problem = try EstimatorLab.Problem(logits: [0, 0, 0, 0, 0])
///     let sweep = try EstimatorSweep(problem: problem, temperatures: [0.1, 0.2, 0.5, 1, 2, 5],
///                                    sampleCount: 2000, key: PRNGKey(seed: 0))
///     try EstimatorFigure(sweep).write(to: "estimators.svg")
///
/// (`GumbelExperiments` adds an initialiser that checks the inputs and measures.)
public struct EstimatorFigure: Figure, Sendable {
  /// One measured point of an estimator.
  public typealias Measurement = EstimatorSweep.Measurement
  /// The measurements of one estimator, by increasing temperature.
  public typealias Series = EstimatorSweep.Series

  /// What is drawn.
  public let sweep: EstimatorSweep
  /// `softmax(logits)`.
  public let probabilities: [Double]

  /// The figure of `sweep`.
  public init(_ sweep: EstimatorSweep) {
    self.sweep = sweep
    probabilities = Self.softmax(sweep.problem.logits)
  }

  /// The logits of the categorical distribution.
  public var logits: [Double] { sweep.problem.logits }
  /// The values `V` of the objective.
  public var values: [Double] { sweep.problem.values }
  /// The target `T` of the objective.
  public var target: Double { sweep.problem.target }
  /// The exact gradient `d/d logits E[f(z)]`.
  public var exactGradient: [Double] { sweep.problem.exactGradient }
  /// The temperatures, increasing and without repeats.
  public var temperatures: [Double] { sweep.temperatures }
  /// How many single-sample estimates each point is measured from.
  public var sampleCount: Int { sweep.sampleCount }
  /// The conditional draws of the Gumbel-Rao estimator.
  public var conditionalSamples: Int { sweep.conditionalSamples }
  /// One series per estimator (ReinMax only when some temperature is at least 1).
  public var series: [Series] { sweep.series }

  /// The largest sample count the figure is measured from (a bound on the work).
  public static let maxSampleCount = 100_000
  /// The largest conditional sample count.
  public static let maxConditionalSamples = 100

  /// The series of `kind`, if it was measured.
  public func series(_ kind: EstimatorKind) -> Series? { sweep.series(kind) }

  // MARK: Drawing

  /// The two quantities, one panel each.
  enum Quantity: CaseIterable {
    case bias, variance

    var title: String { self == .bias ? "Bias" : "Variance" }
    var axisTitle: String { self == .bias ? "bias" : "total variance" }
    func value(_ measurement: Measurement) -> Double { self == .bias ? measurement.bias : measurement.variance }
  }

  static let title = "Gradient estimators: bias and variance against the temperature"
  static let cellWidth = 330.0
  static let cellHeight = 240.0

  /// The figure: a header, the bias and variance panels side by side, and the legend on the right.
  public func document() -> SVGDocument {
    let header = FigureHeader(title: Self.title, subtitles: subtitles, legend: Legend(entries: []))
    let xScale = LogScale(domain: xDomain, range: (0, Self.cellWidth))
    let xTicks = xScale.axisTicks(at: temperatures, edge: .bottom)
    let xTitle = "temperature τ"
    let yScales = Quantity.allCases.map { LogScale(domain: yDomain($0), range: (Self.cellHeight, 0)) }
    let yTicks = yScales.map { $0.axisTicks(at: $0.ticks(), edge: .left) }
    let yExtents = zip(Quantity.allCases, yTicks).map { Axis.extent(.left, ticks: $1, title: $0.axisTitle) }

    let legendWidth = self.legendWidth
    var grid = GridLayout(left: FigureHeader.margin + yExtents[0], top: 0, columns: 2, rows: 1,
                          cellWidth: Self.cellWidth, cellHeight: Self.cellHeight, columnGap: yExtents[1] + 28, rowGap: 0)
    let contentWidth = grid.right + Self.legendGap + legendWidth + FigureHeader.margin
    let (width, shift) = header.width(forContentWidth: contentWidth)
    grid.left += shift
    grid.top = FigureHeader.margin + header.height(width: width) + 10 + Panel.headerHeight(title: true, subtitle: true)
    let height = max(grid.bottom + Axis.extent(.bottom, ticks: xTicks, title: xTitle),
                     grid.top + legendHeight) + FigureHeader.margin

    var content = header.elements(width: width, top: FigureHeader.margin)
    for (index, quantity) in Quantity.allCases.enumerated() {
      let frame = grid.frame(row: 0, column: index)
      let x = LogScale(domain: xDomain, range: (frame.x, frame.maxX))
      let y = LogScale(domain: yScales[index].domain, range: (frame.maxY, frame.y))
      var panel = Panel(name: quantity == .bias ? "bias" : "variance", frame: frame, xDomain: x.exponents.domain,
                        yDomain: y.exponents.domain)
      panel.title = quantity.title
      panel.subtitle = quantity == .bias ? "‖mean − exact‖ of \(sampleCount) estimates" : "sum over categories, one estimate"
      panel.xTicks = xTicks
      panel.yTicks = yTicks[index]
      panel.xTitle = xTitle
      panel.yTitle = quantity.axisTitle
      for series in series { panel.add(element(of: series, quantity: quantity, x: x, y: y, frame: frame)) }
      content.append(panel.element())
    }
    content.append(legend(left: grid.right + Self.legendGap, top: grid.top))
    return SVGDocument(width: width, height: height, title: Self.title, summary: summary, content: content)
  }

  /// The temperature axis: the temperatures with a margin of 5% of the span (at least a
  /// twentieth of a decade) on each side; a single temperature `t` gets `t / 2 ... 2 t`.
  var xDomain: ClosedRange<Double> {
    let low = temperatures.first ?? 1, high = temperatures.last ?? 1
    guard high > low else { return (low / 2)...(high * 2) }
    let pad = Foundation.pow(10, 0.05 * max(Foundation.log10(high / low), 1))
    return (low / pad)...(high * pad)
  }

  /// The nice domain holding every positive value of `quantity`.
  func yDomain(_ quantity: Quantity) -> ClosedRange<Double> {
    LogScale.niceDomain(covering: series.flatMap { $0.measurements.map(quantity.value) })
  }

  /// One estimator's marks in one panel: a dashed horizontal line, or a line through its
  /// points with a marker at each. Values that are not positive and finite are left out (a
  /// log axis has no place for them), breaking the line.
  private func element(of series: Series, quantity: Quantity, x: LogScale, y: LogScale, frame: Rect) -> SVGElement {
    let color = Self.color(series.kind)
    var children: [SVGElement] = []
    if series.isTemperatureFree {
      if let value = series.measurements.first.map(quantity.value), value > 0, value.isFinite {
        children.append(Shapes.line(from: Point(x: frame.x, y: y(value)), to: Point(x: frame.maxX, y: y(value)), stroke: color,
                                    width: 2, dash: Self.dash(series.kind), className: "series-line reference-line"))
      }
    } else {
      var runs: [[Point]] = [[]]
      for measurement in series.measurements {
        let value = quantity.value(measurement)
        guard value > 0, value.isFinite, let temperature = measurement.temperature else {
          runs.append([])
          continue
        }
        runs[runs.count - 1].append(Point(x: x(temperature), y: y(value)))
      }
      for run in runs where run.count >= 2 {
        let points = run.map { "\(SVGNumber.format($0.x)),\(SVGNumber.format($0.y))" }.joined(separator: " ")
        children.append(SVGElement("polyline", ["points": points, "fill": "none", "stroke": color.hex, "stroke-width": 2,
                                                "stroke-linejoin": "round", "class": "series-line"]))
      }
      var hollow: [Bool] = []
      for measurement in series.measurements where quantity.value(measurement) > 0 && quantity.value(measurement).isFinite {
        hollow.append(quantity == .bias && measurement.biasIsWithinNoise)
      }
      children += zip(runs.flatMap { $0 }, hollow).map { Self.marker(series.kind, at: $0, hollow: $1) }
    }
    return Shapes.group("series", children, extra: ["data-estimator": series.kind.rawValue])
  }

  // MARK: Style

  /// The colour of an estimator (Okabe and Ito's palette).
  static func color(_ kind: EstimatorKind) -> Color {
    switch kind {
    case .reinforce: return Palette.vermillion
    case .st: return Palette.reddishPurple
    case .gs: return Palette.blue
    case .stGS: return Palette.orange
    case .gumbelRao: return Palette.bluishGreen
    case .reinmax: return Palette.skyBlue
    case .gst: return Palette.black
    case .gstP: return Palette.yellow
    case .rloo: return Palette.mutedInk
    case .disarm: return Palette.ink  // bits only: never in this (categorical) figure
    }
  }

  /// The dash pattern of the temperature-free estimators.
  static func dash(_ kind: EstimatorKind) -> String {
    switch kind {
    case .reinforce: "7 4"
    case .rloo: "7 2 2 2"
    default: "2 3"
    }
  }

  /// A marker of the estimator's shape (circle, square, triangle, diamond) centred on `point`,
  /// so that the series differ by more than their colour; a hollow one (white inside) marks a
  /// bias within the noise.
  static func marker(_ kind: EstimatorKind, at point: Point, hollow: Bool = false) -> SVGElement {
    let white = Color(hex: 0xFFFFFF), r = 4.2
    let (fill, stroke, strokeWidth) = hollow ? (white, color(kind), 1.6) : (color(kind), white, 0.8)
    let className = hollow ? "series-marker hollow" : "series-marker"
    switch kind {
    case .stGS:
      return Shapes.rect(Rect(x: point.x - r * 0.85, y: point.y - r * 0.85, width: r * 1.7, height: r * 1.7), fill: fill,
                         stroke: stroke, strokeWidth: strokeWidth, className: className)
    case .gumbelRao:
      let corners = [Point(x: point.x, y: point.y - r * 1.15), Point(x: point.x + r, y: point.y + r * 0.65),
                     Point(x: point.x - r, y: point.y + r * 0.65)]
      return Shapes.polygon(corners, fill: fill, stroke: stroke, strokeWidth: strokeWidth, className: className)
    case .reinmax:
      let corners = [Point(x: point.x, y: point.y - r * 1.2), Point(x: point.x + r, y: point.y),
                     Point(x: point.x, y: point.y + r * 1.2), Point(x: point.x - r, y: point.y)]
      return Shapes.polygon(corners, fill: fill, stroke: stroke, strokeWidth: strokeWidth, className: className)
    default:
      return Shapes.circle(center: point, radius: r * 0.9, fill: fill, stroke: stroke, strokeWidth: strokeWidth,
                           className: className)
    }
  }

  /// The estimator's name in the legend.
  func label(_ kind: EstimatorKind) -> String {
    switch kind {
    case .reinforce: return "REINFORCE (no τ)"
    case .st: return "straight-through (no τ)"
    case .gs: return "Gumbel-softmax"
    case .stGS: return "ST Gumbel-softmax"
    case .gumbelRao: return "Gumbel-Rao, \(conditionalSamples) draws"
    case .reinmax: return "ReinMax (τ ≥ \(SVGNumber.label(EstimatorKind.reinmax.minimumTemperature)))"
    case .gst: return "gapped ST (gap 1)"
    case .gstP: return "gapped ST (gap of p)"
    case .rloo: return "RLOO, 4 draws (no τ)"
    case .disarm: return "DisARM (bits)"
    }
  }

  static let legendGap = 28.0
  static let legendSwatchWidth = 26.0

  private var legendEntries: [(kind: EstimatorKind, label: String)] { series.map { ($0.kind, label($0.kind)) } }

  /// The note under the legend, on how to read the bias.
  static let note = "Measured biases include Monte Carlo noise of about √(variance/N); hollow markers lie within "
    + "two standard errors of 0. REINFORCE and RLOO are unbiased."
  static let noteGap = 10.0
  static let noteLineHeight = FontSize.panelSubtitle + 3

  /// The width of the legend column: its widest entry, and at least 190 pixels for the note.
  private var legendWidth: Double {
    let entries = legendEntries.map { Self.legendSwatchWidth + Legend.swatchGap + TextMetrics.width(of: $0.label, size: FontSize.legend) }
    return max(190, entries.max() ?? 0)
  }

  /// The note in lines that fit the legend column.
  private var noteLines: [String] { Self.wrapped(Self.note, width: legendWidth, size: FontSize.panelSubtitle) }

  /// The height of the legend with its note.
  private var legendHeight: Double {
    Double(legendEntries.count) * Legend.rowHeight + Self.noteGap + Double(noteLines.count) * Self.noteLineHeight
  }

  /// `text` broken at spaces into lines no wider than `width` (a longer word gets a line alone).
  static func wrapped(_ text: String, width: Double, size: Double) -> [String] {
    var lines: [String] = []
    var current = ""
    for word in text.split(separator: " ") {
      let candidate = current.isEmpty ? String(word) : current + " " + word
      if !current.isEmpty, TextMetrics.width(of: candidate, size: size) > width {
        lines.append(current)
        current = String(word)
      } else {
        current = candidate
      }
    }
    if !current.isEmpty { lines.append(current) }
    return lines
  }

  /// The legend, one estimator per row: a swatch of its line (and marker) and its name.
  private func legend(left: Double, top: Double) -> SVGElement {
    var children: [SVGElement] = []
    for (index, entry) in legendEntries.enumerated() {
      let middle = top + (Double(index) + 0.5) * Legend.rowHeight
      let color = Self.color(entry.kind)
      var swatch = [Shapes.line(from: Point(x: left, y: middle), to: Point(x: left + Self.legendSwatchWidth, y: middle), stroke: color,
                                width: 2, dash: entry.kind.usesTemperature ? nil : Self.dash(entry.kind))]
      if entry.kind.usesTemperature {
        swatch.append(Self.marker(entry.kind, at: Point(x: left + Self.legendSwatchWidth / 2, y: middle)))
      }
      children.append(Shapes.group("swatch", swatch, extra: ["data-estimator": entry.kind.rawValue]))
      let baseline = middle + (TextMetrics.ascent - TextMetrics.descent) / 2 * FontSize.legend
      children.append(Shapes.text(entry.label, at: Point(x: left + Self.legendSwatchWidth + Legend.swatchGap, y: baseline),
                                  size: FontSize.legend, className: "legend-label"))
    }
    var baseline = top + Double(legendEntries.count) * Legend.rowHeight + Self.noteGap + TextMetrics.ascent * FontSize.panelSubtitle
    for line in noteLines {
      children.append(Shapes.text(line, at: Point(x: left, y: baseline), size: FontSize.panelSubtitle, color: Palette.mutedInk,
                                  className: "legend-note"))
      baseline += Self.noteLineHeight
    }
    return Shapes.group("legend", children)
  }

  // MARK: Text

  /// The objective in words: the squared index for the default values and target 0.
  var objective: String {
    if values == (0..<values.count).map(Double.init), target == 0 { return "f(z) = (index of z)²" }
    let v = values.count <= 8 ? ", V = (" + values.map { SVGNumber.label($0) }.joined(separator: ", ") + ")" : ""
    return "f(z) = (V·z − T)²\(v), T = \(SVGNumber.label(target))"
  }

  private var subtitles: [String] {
    let estimates = "\(sampleCount) single-sample estimates per point"
    guard let p = FigureHeader.probabilityList(probabilities) else { return ["\(objective); \(estimates)", objective] }
    return ["\(objective), \(p); \(estimates)", "\(objective); \(estimates)", objective]
  }

  private var summary: String {
    let list = temperatures.map { SVGNumber.label($0) }.joined(separator: ", ")
    let lines = series.map { series in
      let points = series.measurements.map { m in
        let at = m.temperature.map { "at τ = \(SVGNumber.label($0)): " } ?? ""
        return "\(at)bias \(SVGNumber.label(m.bias)), variance \(SVGNumber.label(m.variance))"
      }
      return "\(label(series.kind)): " + points.joined(separator: "; ")
    }
    return "Bias and total variance of gradient estimators of \(objective) over \(probabilities.count) categories, "
      + "at temperatures \(list), each from \(sampleCount) single-sample estimates, on logarithmic axes. "
      + lines.joined(separator: ". ") + "."
  }

  private static func softmax(_ logits: [Double]) -> [Double] {
    let m = logits.max() ?? 0
    let e = logits.map { $0 == -.infinity ? 0 : Foundation.exp($0 - m) }
    let total = e.reduce(0, +)
    return e.map { $0 / total }
  }
}

extension LogScale {
  /// Ticks at `values` for a panel axis (whose scale is ``exponents``), labelled where the labels
  /// keep clear of each other: powers of ten first, then the other values in order; the rest
  /// stay bare ticks.
  func axisTicks(at values: [Double], edge: Axis.Edge) -> [AxisTick] {
    let labels = Self.labels(for: values)
    // Each label's extent along the axis: its width on a bottom axis, its height on a left one.
    let extents = zip(values, labels).map { value, label in
      let half = edge == .bottom ? TextMetrics.width(of: label, size: FontSize.tick) / 2 : FontSize.tick / 2
      let position = self(value)
      return (position - half)...(position + half)
    }
    let isPowerOfTen = values.map { abs(Foundation.log10($0) - Foundation.log10($0).rounded()) < 1e-9 }
    let order = values.indices.filter { isPowerOfTen[$0] } + values.indices.filter { !isPowerOfTen[$0] }
    var labelled: [Int] = []
    for index in order {
      let extent = extents[index]
      let clear = labelled.allSatisfy { other in
        extent.lowerBound >= extents[other].upperBound + 4 || extent.upperBound + 4 <= extents[other].lowerBound
      }
      if clear { labelled.append(index) }
    }
    return values.indices.map { index in
      AxisTick(value: Foundation.log10(values[index]), label: labelled.contains(index) ? labels[index] : nil)
    }
  }
}
