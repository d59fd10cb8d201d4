import GumbelDistributions
import GumbelRandom
import GumbelTensor

/// The Concrete (Gumbel-softmax) distribution of three categories on the 2-simplex: its exact
/// log-density as a heat map, one panel per temperature, with samples scattered on top.
///
/// The density comes from ``GumbelSoftmax/logDensity(of:)`` on a grid of cells (see
/// ``SimplexDensityGrid``); each panel has its own colour scale, from the 1% to the 99.5%
/// quantile of the log-density over the triangle (values beyond are drawn in the end colours),
/// in ``levels`` bands of the viridis map. The corners are the one-hot vectors, labelled with
/// their category and probability. Every panel uses the same Gumbel noise for its samples.
///
///     let figure = try SimplexFigure(probabilities: [0.2, 0.3, 0.5], temperatures: [0.5, 1, 2],
///                                    key: PRNGKey(seed: 0))
public struct SimplexFigure: Figure, Sendable {
  /// The logits of the three categories.
  public let logits: [Double]
  /// `softmax(logits)`.
  public let probabilities: [Double]
  /// The temperatures, one panel each.
  public let temperatures: [Double]
  /// `samples[t][s]`: sample `s` at `temperatures[t]`, a point of the simplex.
  public let samples: [[[Double]]]
  /// The log-density grid of each temperature.
  public let densities: [SimplexDensityGrid]
  /// The number of colour bands of the heat maps.
  public let levels: Int
  /// A prefix for the element ids (clip paths) of this figure, unique within an HTML page.
  public var idPrefix = "simplex"

  /// The largest accepted number of scattered samples per panel.
  public static let maxSampleCount = 5000

  /// Draws `sampleCount` samples per temperature and evaluates the density on `resolution`
  /// rows of cells.
  ///
  /// - Throws: ``PlotError`` unless there are exactly three categories, none masked, and the
  ///   temperatures and counts are valid.
  public init(logits: [Double], temperatures: [Double], sampleCount: Int = 200, resolution: Int = 80,
              levels: Int = 16, key: PRNGKey) throws(PlotError) {
    let logits = try FigureInput.checked(logits: logits)
    guard logits.count == 3 else { throw .categoryCount(figure: "simplex", required: "exactly 3", actual: logits.count) }
    guard logits.allSatisfy({ $0 > -.infinity }) else {
      throw .categoryCount(figure: "simplex", required: "3 unmasked (finite-logit)",
                           actual: logits.filter { $0 > -.infinity }.count)
    }
    let temperatures = try FigureInput.checked(temperatures: temperatures)
    try FigureInput.check("sample count", sampleCount, in: 0...Self.maxSampleCount)
    try FigureInput.check("resolution", resolution, in: 8...400)
    try FigureInput.check("colour levels", levels, in: 2...64)
    let distributions = try FigureInput.distributions(logits: logits, temperatures: temperatures)
    self.logits = logits
    self.probabilities = distributions[0].probabilities.scalars
    self.temperatures = temperatures
    self.levels = levels
    self.samples = distributions.map { $0.sample(using: key, count: sampleCount).rows }
    self.densities = distributions.map { SimplexDensityGrid(distribution: $0, rows: resolution) }
  }

  /// The same figure from class probabilities.
  public init(probabilities: [Double], temperatures: [Double], sampleCount: Int = 200, resolution: Int = 80,
              levels: Int = 16, key: PRNGKey) throws(PlotError) {
    try self.init(logits: FigureInput.logits(fromProbabilities: probabilities), temperatures: temperatures,
                  sampleCount: sampleCount, resolution: resolution, levels: levels, key: key)
  }

  static let side = 210.0
  static let colorBarHeight = 10.0

  /// The figure: a header with the legend, then one panel per temperature.
  public func document() -> SVGDocument {
    let labels = (0..<3).map { cornerLabel($0) }
    let labelWidth = labels.flatMap { [TextMetrics.width(of: $0.0, size: FontSize.legend),
                                       TextMetrics.width(of: $0.1, size: FontSize.panelSubtitle)] }.max() ?? 0
    let cellWidth = Self.side + labelWidth + 8
    let header = FigureHeader(title: "The Concrete density on the simplex", subtitles: subtitles, legend: legend)
    let columnGap = 18.0
    var grid = GridLayout(left: FigureHeader.margin, top: 0, columns: temperatures.count, rows: 1,
                          cellWidth: cellWidth, cellHeight: panelHeight, columnGap: columnGap, rowGap: 0)
    let (width, shift) = header.width(forContentWidth: grid.right + FigureHeader.margin)
    grid.left += shift
    grid.top = FigureHeader.margin + header.height(width: width) + 10
    let height = grid.bottom + FigureHeader.margin
    var content = header.elements(width: width, top: FigureHeader.margin)
    for index in temperatures.indices {
      content.append(panel(index, frame: grid.frame(row: 0, column: index)))
    }
    return SVGDocument(width: width, height: height, title: "The Concrete density on the simplex", summary: summary,
                       content: content)
  }

  // Vertical layout of a panel, from its top.
  private static let titleHeight = FontSize.panelTitle + 6
  private static let cornerLabelHeight = FontSize.legend + 2 + FontSize.panelSubtitle
  private static let labelGap = 6.0

  private var colorAxisExtent: Double {
    Axis.extent(.bottom, ticks: AxisTick.numeric([0, 1]), title: "log-density")
  }

  private var panelHeight: Double {
    Self.titleHeight + Self.cornerLabelHeight + Self.labelGap + Self.side * SimplexTriangle.unitHeight
      + Self.labelGap + Self.cornerLabelHeight + 14 + Self.colorBarHeight + colorAxisExtent
  }

  private func panel(_ index: Int, frame: Rect) -> SVGElement {
    let temperature = SVGNumber.label(temperatures[index])
    let triangleTop = frame.y + Self.titleHeight + Self.cornerLabelHeight + Self.labelGap
    let triangleBottom = triangleTop + Self.side * SimplexTriangle.unitHeight
    let triangle = SimplexTriangle(bottomLeft: Point(x: frame.center.x - Self.side / 2, y: triangleBottom), side: Self.side)
    let clipID = "\(idPrefix)-clip-\(index)"
    var children: [SVGElement] = []

    children.append(Shapes.text("τ = \(temperature)", at: Point(x: frame.center.x, y: frame.y + TextMetrics.ascent * FontSize.panelTitle),
                                size: FontSize.panelTitle, anchor: .middle, bold: true, className: "panel-title"))
    children.append(SVGElement("defs", children: [
      SVGElement("clipPath", ["id": clipID], children: [Shapes.polygon(triangle.corners, fill: nil)]),
    ]))
    let range = densities[index].colorRange()
    var heat = heatMap(densities[index], range: range, triangle: triangle)
    heat[attribute: "clip-path"] = "url(#\(clipID))"
    children.append(heat)
    children.append(Shapes.polygon(triangle.corners, fill: nil, stroke: Palette.ink, strokeWidth: 1.2, className: "simplex-outline"))
    // The points share their style through the group, which keeps the file small.
    let points = samples[index].map { sample in
      let point = triangle.point(sample)
      return SVGElement("circle", ["cx": point.x, "cy": point.y, "r": 2.3])
    }
    children.append(Shapes.group("samples", points, extra: ["fill": "#ffffff", "stroke": Palette.black.hex, "stroke-width": 0.7]))
    children.append(cornerLabels(triangle))
    children.append(colorBar(range: range, center: frame.center.x,
                             top: triangleBottom + Self.labelGap + Self.cornerLabelHeight + 14))
    return Shapes.group("panel", children, extra: ["data-panel": "simplex tau=\(temperature)"])
  }

  /// The heat map: one path per colour band, made of the runs of cells of that band along each
  /// row (far smaller than one rectangle per cell).
  private func heatMap(_ grid: SimplexDensityGrid, range: ClosedRange<Double>, triangle: SimplexTriangle) -> SVGElement {
    let colors = ColorMap.viridis.discrete(levels: levels)
    let cell = grid.cellSize * triangle.side
    let left = triangle.corners[0].x
    let top = triangle.corners[2].y
    var runs = [[String]](repeating: [], count: levels)
    for row in 0..<grid.rows {
      var column = 0
      while column < grid.columns {
        guard let value = grid.logDensity[row * grid.columns + column] else { column += 1; continue }
        let level = band(value, range: range)
        var end = column + 1
        while end < grid.columns, let next = grid.logDensity[row * grid.columns + end], band(next, range: range) == level { end += 1 }
        // Overlap the neighbours by half a pixel so that no seams show between bands.
        let x = SVGNumber.format(left + Double(column) * cell), y = SVGNumber.format(top + Double(row) * cell)
        let width = SVGNumber.format(Double(end - column) * cell + 0.5), height = SVGNumber.format(cell + 0.5)
        runs[level].append("M\(x) \(y)h\(width)v\(height)h-\(width)z")
        column = end
      }
    }
    let paths = runs.enumerated().filter { !$0.element.isEmpty }.map { level, cells in
      SVGElement("path", ["class": "band", "data-level": level, "fill": colors[level].hex, "d": cells.joined()])
    }
    return Shapes.group("heatmap", paths)
  }

  /// The colour band of a log-density value.
  private func band(_ value: Double, range: ClosedRange<Double>) -> Int {
    let t = (value - range.lowerBound) / (range.upperBound - range.lowerBound)
    return min(levels - 1, max(0, Int(t * Double(levels))))
  }

  /// "category k" and "p = ..." at each corner, outside the triangle.
  private func cornerLabels(_ triangle: SimplexTriangle) -> SVGElement {
    var children: [SVGElement] = []
    for corner in 0..<3 {
      let (name, probability) = cornerLabel(corner)
      let point = triangle.corners[corner]
      let nameBaseline: Double
      if corner == 2 {
        nameBaseline = point.y - Self.labelGap - FontSize.panelSubtitle - 2 - TextMetrics.descent * FontSize.legend
      } else {
        nameBaseline = point.y + Self.labelGap + TextMetrics.ascent * FontSize.legend
      }
      let probabilityBaseline = nameBaseline + TextMetrics.descent * FontSize.legend + 2 + TextMetrics.ascent * FontSize.panelSubtitle
      children.append(Shapes.text(name, at: Point(x: point.x, y: nameBaseline), size: FontSize.legend, anchor: .middle,
                                  bold: false, className: "corner-label"))
      children.append(Shapes.text(probability, at: Point(x: point.x, y: probabilityBaseline), size: FontSize.panelSubtitle,
                                  anchor: .middle, color: Palette.mutedInk, className: "corner-probability"))
    }
    return Shapes.group("corners", children)
  }

  private func cornerLabel(_ corner: Int) -> (String, String) {
    ("category \(corner)", "p = \(SVGNumber.label(probabilities[corner], significantDigits: 2))")
  }

  /// A horizontal colour bar of the bands, with a log-density axis under it.
  private func colorBar(range: ClosedRange<Double>, center: Double, top: Double) -> SVGElement {
    let width = Self.side * 0.8
    let left = center - width / 2
    let colors = ColorMap.viridis.discrete(levels: levels)
    let step = width / Double(levels)
    var children = colors.enumerated().map { index, color in
      Shapes.rect(Rect(x: left + Double(index) * step, y: top, width: step + 0.3, height: Self.colorBarHeight), fill: color)
    }
    children.append(Shapes.rect(Rect(x: left, y: top, width: width, height: Self.colorBarHeight), fill: nil,
                                stroke: Palette.frame, strokeWidth: 0.8))
    let scale = LinearScale(domain: range, range: (left, left + width))
    let ticks = scale.ticks(count: 4)
    let axis = Axis(edge: .bottom, scale: scale, ticks: AxisTick.numeric(ticks), title: "log-density",
                    position: top + Self.colorBarHeight)
    var axisElement = axis.element()
    axisElement.children.removeFirst()  // the bar's frame is the axis line
    children.append(axisElement)
    return Shapes.group("colorbar", children)
  }

  private var legend: Legend {
    Legend(entries: [
      Legend.Entry(label: "\(samples.first?.count ?? 0) samples per panel", swatch: .point(fill: Color(hex: 0xFFFFFF), stroke: Palette.black)),
      Legend.Entry(label: "exact log-density (low to high)", swatch: .colorMap(.viridis)),
    ])
  }

  private var subtitles: [String] {
    let p = FigureHeader.probabilityList(probabilities) ?? ""
    return ["\(p); the corners are the one-hot vectors; the same Gumbel noise in every panel",
            "\(p); the corners are the one-hot vectors", p]
  }

  private var summary: String {
    "Heat maps of the exact Concrete log-density of three categories on the 2-simplex, at temperatures "
      + temperatures.map { SVGNumber.label($0) }.joined(separator: ", ")
      + ", each with \(samples.first?.count ?? 0) samples drawn as white points."
  }
}
