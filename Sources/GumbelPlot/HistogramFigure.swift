import GumbelDistributions
import GumbelRandom
import GumbelTensor

/// Histograms of one coordinate `y_k` of Gumbel-softmax samples, one panel per temperature,
/// after a panel for the categorical distribution (where `y_k` is 0 or 1).
///
/// As the temperature falls, the mass of `y_k` moves to the ends of `[0, 1]`: to 1 with the
/// probability `p_k` of the category, to 0 otherwise; as it rises, it gathers around `1/K`.
/// Each panel's subtitle gives the fraction of samples above 1/2. Every panel uses the same
/// Gumbel noise.
///
///     let figure = try HistogramFigure(probabilities: [0.2, 0.2, 0.2, 0.2, 0.2], category: 0,
///                                      temperatures: [0.1, 0.5, 1, 10], key: PRNGKey(seed: 0))
public struct HistogramFigure: Figure, Sendable {
  /// The logits of the categorical distribution.
  public let logits: [Double]
  /// `softmax(logits)`.
  public let probabilities: [Double]
  /// The category `k` whose coordinate is shown.
  public let category: Int
  /// The temperatures, one panel each.
  public let temperatures: [Double]
  /// The number of samples per temperature.
  public let sampleCount: Int
  /// `fractions[t][b]`: the fraction of samples at `temperatures[t]` whose `y_k` falls in bin
  /// `b` of equal bins over `[0, 1]`.
  public let fractions: [[Double]]
  /// `aboveHalf[t]`: the fraction of samples with `y_k > 1/2`.
  public let aboveHalf: [Double]

  /// The largest accepted ``sampleCount``.
  public static let maxSampleCount = 1_000_000

  /// Draws `sampleCount` samples per temperature and bins coordinate `category` into
  /// `binCount` bins.
  ///
  /// - Throws: ``PlotError`` for invalid logits or temperatures, a category out of range, or
  ///   counts out of range.
  public init(logits: [Double], category: Int = 0, temperatures: [Double], sampleCount: Int = 5000,
              binCount: Int = 20, key: PRNGKey) throws(PlotError) {
    let logits = try FigureInput.checked(logits: logits)
    guard logits.indices.contains(category) else { throw .categoryOutOfRange(index: category, categories: logits.count) }
    guard logits.count >= 2 else { throw .categoryCount(figure: "histogram", required: "at least 2", actual: logits.count) }
    let temperatures = try FigureInput.checked(temperatures: temperatures)
    try FigureInput.check("sample count", sampleCount, in: 1...Self.maxSampleCount)
    try FigureInput.check("bin count", binCount, in: 2...200)
    let distributions = try FigureInput.distributions(logits: logits, temperatures: temperatures)
    let k = logits.count
    var fractions: [[Double]] = []
    var aboveHalf: [Double] = []
    for distribution in distributions {
      let scalars = distribution.sample(using: key, count: sampleCount).scalars
      let values = stride(from: category, to: scalars.count, by: k).map { scalars[$0] }
      fractions.append(SampleStatistics.histogram(values, bins: binCount).map { Double($0) / Double(sampleCount) })
      aboveHalf.append(Double(values.filter { $0 > 0.5 }.count) / Double(sampleCount))
    }
    self.logits = logits
    self.probabilities = distributions[0].probabilities.scalars
    self.category = category
    self.temperatures = temperatures
    self.sampleCount = sampleCount
    self.fractions = fractions
    self.aboveHalf = aboveHalf
  }

  /// The same figure from class probabilities.
  public init(probabilities: [Double], category: Int = 0, temperatures: [Double], sampleCount: Int = 5000,
              binCount: Int = 20, key: PRNGKey) throws(PlotError) {
    try self.init(logits: FigureInput.logits(fromProbabilities: probabilities), category: category,
                  temperatures: temperatures, sampleCount: sampleCount, binCount: binCount, key: key)
  }

  /// The number of bins.
  public var binCount: Int { fractions.first?.count ?? 0 }

  /// The figure: a header with the legend, then the categorical panel and one per temperature.
  public func document() -> SVGDocument {
    let columns = temperatures.count + 1
    let p = probabilities[category]
    let yMax = LinearScale.niceUpperBound(max(fractions.flatMap { $0 }.max() ?? 0, p, 1 - p), count: 4)
    let yTicks = AxisTick.numeric(LinearScale(domain: 0...yMax, range: (0, 1)).ticks(count: 4))
    let xTicks = AxisTick.numeric([0, 0.5, 1])
    let name = "y" + Self.subscripted(category)
    let xTitle = "value of \(name)"
    let header = FigureHeader(title: "Histograms of \(name), the relaxed coordinate of category \(category)",
                              subtitles: subtitles, legend: legend)
    let leftExtent = Axis.extent(.left, ticks: yTicks, title: "fraction of samples")
    let bottomExtent = Axis.extent(.bottom, ticks: xTicks, title: xTitle)
    var grid = GridLayout(left: FigureHeader.margin + leftExtent, top: 0, columns: columns, rows: 1,
                          cellWidth: 170, cellHeight: 150, columnGap: 26, rowGap: 0)
    let (width, shift) = header.width(forContentWidth: grid.right + FigureHeader.margin)
    grid.left += shift
    grid.top = FigureHeader.margin + header.height(width: width) + 10 + Panel.headerHeight(title: true, subtitle: true)
    let height = grid.bottom + bottomExtent + FigureHeader.margin

    var content = header.elements(width: width, top: FigureHeader.margin)
    let binWidth = 1 / Double(binCount)
    for column in 0..<columns {
      let isCategorical = column == 0
      let label = isCategorical ? "categorical" : "tau=\(SVGNumber.label(temperatures[column - 1]))"
      var panel = Panel(name: "histogram \(label)", frame: grid.frame(row: 0, column: column), xDomain: 0...1, yDomain: 0...yMax)
      panel.title = isCategorical ? "Categorical" : "τ = \(SVGNumber.label(temperatures[column - 1]))"
      panel.xTicks = xTicks
      panel.yTicks = yTicks
      panel.xTitle = xTitle
      panel.showsYLabels = column == 0
      panel.yTitle = column == 0 ? "fraction of samples" : nil
      if isCategorical {
        panel.subtitle = "P(\(name) = 1) = \(SVGNumber.label(p, significantDigits: 2))"
        panel.addBar(center: binWidth / 2, width: binWidth, value: 1 - p, fill: Palette.categorical)
        panel.addBar(center: 1 - binWidth / 2, width: binWidth, value: p, fill: Palette.categorical)
      } else {
        panel.subtitle = "P(\(name) > 0.5) = \(SVGNumber.format(aboveHalf[column - 1]))"
        for (bin, fraction) in fractions[column - 1].enumerated() {
          panel.addBar(center: (Double(bin) + 0.5) * binWidth, width: binWidth, value: fraction, fill: Palette.blue)
        }
      }
      content.append(panel.element())
    }
    return SVGDocument(width: width, height: height, title: "Histograms of \(name) at different temperatures",
                       summary: summary, content: content)
  }

  /// `k` in subscript digits, such as `₁₂`.
  static func subscripted(_ k: Int) -> String {
    String(String(k).unicodeScalars.map { scalar in
      Character(Unicode.Scalar(0x2080 + scalar.value - 0x30) ?? scalar)
    })
  }

  private var legend: Legend {
    Legend(entries: [
      Legend.Entry(label: "categorical (one-hot: 0 or 1)", swatch: .box(Palette.categorical)),
      Legend.Entry(label: "\(sampleCount) relaxed samples per temperature", swatch: .box(Palette.blue)),
    ])
  }

  private var subtitles: [String] {
    let bins = "\(binCount) bins over [0, 1]"
    let counts = "\(probabilities.count) categories; \(bins)"
    guard let p = FigureHeader.probabilityList(probabilities) else { return [counts, bins] }
    return ["\(p); \(bins); the same Gumbel noise in every panel", counts, bins]
  }

  private var summary: String {
    "Histograms of coordinate \(category) of \(sampleCount) Gumbel-softmax samples at temperatures "
      + temperatures.map { SVGNumber.label($0) }.joined(separator: ", ")
      + ", after the categorical distribution, where the coordinate is 1 with probability "
      + SVGNumber.label(probabilities[category], significantDigits: 2) + "."
  }
}
