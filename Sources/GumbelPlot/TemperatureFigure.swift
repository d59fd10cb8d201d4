import GumbelDistributions
import GumbelRandom
import GumbelTensor

/// Gumbel-softmax samples at several temperatures, after Figure 1 of Jang, Gu and Poole,
/// "Categorical Reparameterization with Gumbel-Softmax" (ICLR 2017).
///
/// One column for the categorical distribution and one per temperature. The top row shows the
/// expected value of each coordinate of the relaxed sample, estimated by the mean of
/// ``sampleCount`` samples, with the categorical probabilities marked for comparison; the
/// bottom row shows a few individual samples as grouped bars. Every column uses the same Gumbel
/// noise, so a sample can be followed from one temperature to the next, and the categorical
/// column shows the one-hot vector that the same noise selects (the Gumbel-max trick): at low
/// temperature the relaxed sample approaches it, at high temperature it flattens towards the
/// uniform point `(1/K, ..., 1/K)`.
///
///     let figure = try TemperatureFigure(probabilities: [0.2, 0.2, 0.2, 0.2, 0.2],
///                                        temperatures: [0.1, 0.5, 1, 10], key: PRNGKey(seed: 0))
///     try figure.write(to: "temperatures.svg")
public struct TemperatureFigure: Figure, Sendable {
  /// The logits of the categorical distribution.
  public let logits: [Double]
  /// `softmax(logits)`.
  public let probabilities: [Double]
  /// The temperatures, one column each, in the order given.
  public let temperatures: [Double]
  /// How many samples each mean is taken over.
  public let sampleCount: Int
  /// `means[t][k]`: the mean of coordinate `k` of the relaxed samples at `temperatures[t]`.
  public let means: [[Double]]
  /// `examples[t][s]`: relaxed sample `s` at `temperatures[t]`.
  public let examples: [[[Double]]]
  /// `categoricalExamples[s]`: the one-hot vector that the noise of sample `s` selects.
  public let categoricalExamples: [[Double]]

  /// The largest accepted ``sampleCount``.
  public static let maxSampleCount = 1_000_000
  /// The most individual samples drawn per panel.
  public static let maxExampleCount = 6

  /// Draws the samples: the means from one key split off `key`, the examples from the other.
  ///
  /// - Throws: ``PlotError`` for invalid logits or temperatures, or counts out of range.
  public init(logits: [Double], temperatures: [Double], sampleCount: Int = 1000, exampleCount: Int = 3,
              key: PRNGKey) throws(PlotError) {
    let logits = try FigureInput.checked(logits: logits)
    let temperatures = try FigureInput.checked(temperatures: temperatures)
    try FigureInput.check("sample count", sampleCount, in: 1...Self.maxSampleCount)
    try FigureInput.check("example count", exampleCount, in: 1...Self.maxExampleCount)
    let distributions = try FigureInput.distributions(logits: logits, temperatures: temperatures)
    let keys = key.split(into: 2)
    self.logits = logits
    self.probabilities = distributions[0].probabilities.scalars
    self.temperatures = temperatures
    self.sampleCount = sampleCount
    self.means = distributions.map { SampleStatistics.columnMeans($0.sample(using: keys[0], count: sampleCount)) }
    self.examples = distributions.map { $0.sample(using: keys[1], count: exampleCount).rows }
    self.categoricalExamples = distributions[0].hardSample(using: keys[1], count: exampleCount).rows
  }

  /// The same figure from class probabilities (a probability of 0 masks its category).
  public init(probabilities: [Double], temperatures: [Double], sampleCount: Int = 1000, exampleCount: Int = 3,
              key: PRNGKey) throws(PlotError) {
    try self.init(logits: FigureInput.logits(fromProbabilities: probabilities), temperatures: temperatures,
                  sampleCount: sampleCount, exampleCount: exampleCount, key: key)
  }

  /// The number of categories.
  public var categoryCount: Int { probabilities.count }

  /// The figure: a header with the legend, then two rows of panels.
  public func document() -> SVGDocument {
    let k = categoryCount
    let columns = temperatures.count + 1
    let cellWidth = max(150, (k <= 12 ? 24 : 16) * Double(k) + 24)
    let topMax = LinearScale.niceUpperBound((means.flatMap { $0 } + probabilities).max() ?? 1, count: 4)
    let topTicks = AxisTick.numeric(LinearScale(domain: 0...topMax, range: (0, 1)).ticks(count: 4))
    let bottomTicks = AxisTick.numeric([0, 0.5, 1])
    let categoryTicks = CategoryAxis.ticks(count: k, width: cellWidth)

    let header = FigureHeader(title: Self.title, subtitles: subtitles, legend: legend)
    let leftExtent = max(Axis.extent(.left, ticks: topTicks, title: "expectation"),
                         Axis.extent(.left, ticks: bottomTicks, title: "samples"))
    var grid = GridLayout(left: FigureHeader.margin + leftExtent, top: 0, columns: columns, rows: 2,
                          cellWidth: cellWidth, cellHeight: 140, columnGap: 24,
                          rowGap: Axis.extent(.bottom, ticks: categoryTicks, title: nil) + 24)
    let (width, shift) = header.width(forContentWidth: grid.right + FigureHeader.margin)
    grid.left += shift
    grid.top = FigureHeader.margin + header.height(width: width) + 10 + Panel.headerHeight(title: true, subtitle: false)
    let height = grid.bottom + Axis.extent(.bottom, ticks: categoryTicks, title: "category") + FigureHeader.margin

    var content = header.elements(width: width, top: FigureHeader.margin)
    for column in 0..<columns {
      let name = column == 0 ? "categorical" : "tau=\(SVGNumber.label(temperatures[column - 1]))"
      var top = Panel(name: "expectation \(name)", frame: grid.frame(row: 0, column: column),
                      xDomain: -0.5...(Double(k) - 0.5), yDomain: 0...topMax)
      top.title = column == 0 ? "Categorical" : "τ = \(SVGNumber.label(temperatures[column - 1]))"
      top.yTicks = topTicks
      top.yTitle = "expectation"
      drawExpectations(column: column, on: &top)
      var bottom = Panel(name: "samples \(name)", frame: grid.frame(row: 1, column: column),
                         xDomain: -0.5...(Double(k) - 0.5), yDomain: 0...1)
      bottom.yTicks = bottomTicks
      bottom.yTitle = "samples"
      bottom.xTitle = "category"
      drawExamples(column: column, on: &bottom)
      for var panel in [top, bottom] {
        panel.xTicks = categoryTicks
        // Only the first column labels the shared y axes.
        panel.showsYLabels = column == 0
        if column > 0 { panel.yTitle = nil }
        content.append(panel.element())
      }
    }
    return SVGDocument(width: width, height: height, title: Self.title, summary: summary, content: content)
  }

  private static let title = "Gumbel-softmax samples at different temperatures"

  /// The top row: the expectation of each coordinate (exact for the categorical column, the
  /// sample mean otherwise), with the class probabilities marked.
  private func drawExpectations(column: Int, on panel: inout Panel) {
    let values = column == 0 ? probabilities : means[column - 1]
    for (category, value) in values.enumerated() {
      panel.addBar(center: Double(category), width: 0.7, value: value,
                   fill: column == 0 ? Palette.categorical : Palette.blue)
    }
    for (category, p) in probabilities.enumerated() {
      panel.addLevelMarker(center: Double(category), width: 0.86, value: p, color: Palette.black,
                           className: "probability-marker")
    }
  }

  /// The bottom row: the individual samples as grouped bars (one-hot in the categorical column).
  private func drawExamples(column: Int, on panel: inout Panel) {
    let rows = column == 0 ? categoricalExamples : examples[column - 1]
    let width = 0.8 / Double(max(rows.count, 1))
    for (index, sample) in rows.enumerated() {
      for (category, value) in sample.enumerated() {
        let center = Double(category) - 0.4 + width * (Double(index) + 0.5)
        panel.addBar(center: center, width: width, value: value, fill: Self.exampleColor(index))
      }
    }
  }

  /// The colour of individual sample `index` (the palette after blue, which the means use).
  static func exampleColor(_ index: Int) -> Color { Palette.series(index + 1) }

  /// Two rows: the marks of the top row of panels, then the samples of the bottom row.
  private var legend: Legend {
    let top = [
      Legend.Entry(label: "class probability", swatch: .rule(Palette.black)),
      Legend.Entry(label: "categorical expectation", swatch: .box(Palette.categorical)),
      Legend.Entry(label: "mean of \(sampleCount) relaxed samples", swatch: .box(Palette.blue)),
    ]
    let bottom = (0..<(examples.first?.count ?? 0)).map { index in
      Legend.Entry(label: "sample \(index + 1)", swatch: .box(Self.exampleColor(index)))
    }
    return Legend(groups: [top, bottom])
  }

  private var subtitles: [String] {
    let noise = "the same Gumbel noise in every column"
    let counts = "\(categoryCount) categories; \(noise)"
    guard let p = FigureHeader.probabilityList(probabilities) else { return [counts] }
    return ["\(p); \(noise)", counts, p]
  }

  private var summary: String {
    let list = temperatures.map { SVGNumber.label($0) }.joined(separator: ", ")
    return "Bar charts of Gumbel-softmax samples over \(categoryCount) categories at temperatures \(list). "
      + "Top row: the mean of \(sampleCount) relaxed samples per category, with the categorical probabilities marked. "
      + "Bottom row: \(examples.first?.count ?? 0) individual samples, drawn with the same Gumbel noise in every column."
  }
}

/// Ticks for an axis of categories `0..<count`: one per category, labelled as often as the
/// labels fit.
enum CategoryAxis {
  /// The ticks for `count` categories across `width` pixels.
  static func ticks(count: Int, width: Double) -> [AxisTick] {
    let slot = width / Double(max(count, 1))
    let widest = TextMetrics.width(of: String(max(count - 1, 0)), size: FontSize.tick) + 6
    let every = max(1, Int((widest / slot).rounded(.up)))
    return (0..<count).map { AxisTick(value: Double($0), label: $0 % every == 0 ? String($0) : nil) }
  }
}
