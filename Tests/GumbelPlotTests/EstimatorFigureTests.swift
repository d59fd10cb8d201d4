import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GumbelEstimators
import GumbelExperiments
import GumbelRandom
import Testing
@testable import GumbelPlot

/// The estimator figure: its numbers (the lab's, measured by `GumbelExperiments`' initialiser),
/// its SVG structure and its layout. Small sample counts keep it quick in debug builds.
@Suite struct EstimatorFigureTests {
  static let probabilities = [0.2, 0.2, 0.2, 0.2, 0.2]
  static let temperatures = [0.2, 1, 4]

  static func figure(seed: Int = 0, temperatures: [Double] = temperatures, samples: Int = 200) throws -> EstimatorFigure {
    try EstimatorFigure(probabilities: probabilities, temperatures: temperatures, sampleCount: samples,
                        conditionalSamples: 3, key: PRNGKey(seed: seed))
  }

  @Test func pointsAreTheLabsMeasurements() throws {
    let figure = try Self.figure()
    #expect(figure.series.map(\.kind) == EstimatorKind.allCases.filter(\.appliesToCategories))
    #expect(figure.exactGradient.count == 5 && abs(figure.exactGradient[4] - 2) < 1e-9)
    for series in figure.series {
      if !series.kind.usesTemperature {
        #expect(series.isTemperatureFree && series.measurements.count == 1 && series.measurements[0].temperature == nil)
      } else if series.kind == .reinmax {
        #expect(series.measurements.map(\.temperature) == [1, 4])
      } else {
        #expect(series.measurements.map(\.temperature) == Self.temperatures)
      }
    }
    // One point, recomputed by the lab itself.
    let problem = try EstimatorLab.Problem(logits: Self.probabilities.map { Foundation.log($0) })
    let statistics = try EstimatorLab.measure(problem, method: .sampling(.stGS), temperature: 1, samples: 200,
                                              key: PRNGKey(seed: 0), conditionalSamples: 3)
    let point = try #require(figure.series(.stGS)?.measurements[1])
    #expect(abs(point.bias - statistics.bias) < 1e-12)
    #expect(abs(point.variance - statistics.variance.reduce(0, +)) < 1e-9)
    #expect(abs(point.standardError - (point.variance / 200).squareRoot()) < 1e-12)
    // The temperature trade-off: the relaxed estimator's variance falls as the temperature rises.
    let gs = try #require(figure.series(.gs)).measurements.map(\.variance)
    #expect(gs[0] > 10 * gs[1] && gs[1] > 10 * gs[2])
    // REINFORCE is unbiased: its measured bias is noise.
    #expect(try #require(figure.series(.reinforce)).measurements[0].biasIsWithinNoise)
  }

  @Test func temperaturesAreSortedAndReinMaxNeedsOne() throws {
    let figure = try Self.figure(temperatures: [0.5, 0.1, 0.5], samples: 20)
    #expect(figure.temperatures == [0.1, 0.5])
    #expect(figure.series(.reinmax) == nil)
    #expect(figure.series.count == EstimatorKind.allCases.filter(\.appliesToCategories).count - 1)
    let svg = try ParsedSVG(figure.svg())
    #expect(!svg.elements(classed: "legend-label").compactMap(\.stringValue).contains { $0.hasPrefix("ReinMax") })
  }

  @Test func svgHasTwoLogLogPanelsWithALineOrReferenceLinePerEstimator() throws {
    let figure = try Self.figure()
    let svg = try ParsedSVG(figure.svg())
    let panels = svg.panels
    #expect(panels.compactMap { ParsedSVG.attribute($0, "data-panel") } == ["bias", "variance"])
    #expect(svg.elements(classed: "panel-title").compactMap(\.stringValue) == ["Bias", "Variance"])
    for panel in panels {
      let xLabels = svg.elements(classed: "tick-label", in: svg.elements(classed: "x-axis", in: panel)[0])
      #expect(xLabels.compactMap(\.stringValue) == ["0.2", "1", "4"])
      let series = svg.elements(classed: "series", in: panel)
      #expect(series.compactMap { ParsedSVG.attribute($0, "data-estimator") } == EstimatorKind.allCases.filter(\.appliesToCategories).map(\.rawValue))
      for group in series {
        let kind = try #require(EstimatorKind(rawValue: ParsedSVG.attribute(group, "data-estimator") ?? ""))
        let references = svg.elements(classed: "reference-line", in: group)
        let lines = svg.elements(named: "polyline", in: group)
        let markers = svg.elements(classed: "series-marker", in: group)
        if !kind.usesTemperature {
          // A dashed horizontal line across the whole panel, without markers.
          #expect(references.count == 1 && lines.isEmpty && markers.isEmpty)
          let line = references[0]
          #expect(ParsedSVG.attribute(line, "stroke-dasharray") != nil)
          #expect(ParsedSVG.number(line, "y1") == ParsedSVG.number(line, "y2"))
        } else {
          let count = kind == .reinmax ? 2 : 3
          #expect(references.isEmpty && lines.count == 1 && markers.count == count)
          let points = (ParsedSVG.attribute(lines[0], "points") ?? "").split(separator: " ")
          #expect(points.count == count)
          // Markers follow the temperature from left to right.
          let xs = points.compactMap { Double($0.split(separator: ",")[0]) }
          #expect(xs == xs.sorted() && Set(xs).count == xs.count)
        }
      }
    }
    // The y axes are logarithmic: their labels are nice values (1, 2 or 5 times a power of ten)
    // that grow upwards.
    for panel in panels {
      let labels = svg.elements(classed: "tick-label", in: svg.elements(classed: "y-axis", in: panel)[0])
      let values = labels.compactMap { $0.stringValue.flatMap(Double.init) }
      #expect(values.count >= 2 && values.count == labels.count)
      for value in values { #expect(LogScale.niceBelow(value) == value, "\(value)") }
      let heights = labels.map { ParsedSVG.number($0, "y") }
      #expect(heights == heights.sorted(by: >))
    }
    // Hollow markers (bias within the noise) only in the bias panel.
    #expect(svg.elements(classed: "hollow", in: panels[1]).isEmpty)
    let legend = svg.elements(classed: "legend-label").compactMap(\.stringValue)
    #expect(legend == ["REINFORCE (no τ)", "straight-through (no τ)", "Gumbel-softmax", "ST Gumbel-softmax",
                       "Gumbel-Rao, 3 draws", "ReinMax (τ ≥ 1)", "gapped ST (gap 1)", "gapped ST (gap of p)",
                       "RLOO, 4 draws (no τ)"])
    #expect(svg.elements(classed: "swatch").count == 9)
    #expect(!svg.elements(classed: "legend-note").isEmpty)
    let subtitle = svg.elements(classed: "figure-subtitle").first?.stringValue ?? ""
    #expect(subtitle.contains("f(z) = (index of z)²") && subtitle.contains("200 single-sample estimates"))
  }

  @Test func otherObjectivesAreNamedInTheSubtitle() throws {
    let figure = try EstimatorFigure(logits: [0, 1, -1], values: [1, -2, 0.5], target: 0.25, temperatures: [1],
                                     sampleCount: 20, conditionalSamples: 2, key: PRNGKey(seed: 1))
    #expect(figure.objective == "f(z) = (V·z − T)², V = (1, -2, 0.5), T = 0.25")
    #expect(try ParsedSVG(figure.svg()).panels.count == 2)
  }

  @Test func sameSeedSameBytesOtherSeedOtherBytes() throws {
    #expect(try Self.figure(seed: 3, samples: 50).svg() == Self.figure(seed: 3, samples: 50).svg())
    #expect(try Self.figure(seed: 3, samples: 50).svg() != Self.figure(seed: 4, samples: 50).svg())
  }

  @Test func badInputsThrow() {
    let key = PRNGKey(seed: 0)
    #expect(throws: PlotError.categoryCount(figure: "estimators", required: "at least 2", actual: 1)) {
      try EstimatorFigure(logits: [0], temperatures: [1], key: key)
    }
    #expect(throws: PlotError.noTemperatures) { try EstimatorFigure(logits: [0, 1], temperatures: [], key: key) }
    #expect(throws: PlotError.invalidTemperature(0)) { try EstimatorFigure(logits: [0, 1], temperatures: [1, 0], key: key) }
    #expect(throws: PlotError.countOutOfRange(name: "sample count", value: 0, range: 1...EstimatorFigure.maxSampleCount)) {
      try EstimatorFigure(logits: [0, 1], temperatures: [1], sampleCount: 0, key: key)
    }
    #expect(throws: PlotError.countOutOfRange(name: "conditional sample count", value: 0, range: 1...100)) {
      try EstimatorFigure(logits: [0, 1], temperatures: [1], conditionalSamples: 0, key: key)
    }
    #expect(throws: PlotError.self) { try EstimatorFigure(logits: [0, 1], values: [1, 2, 3], temperatures: [1], key: key) }
    #expect(throws: PlotError.self) { try EstimatorFigure(logits: [0, 1], target: .nan, temperatures: [1], key: key) }
    #expect(throws: PlotError.self) { try EstimatorFigure(probabilities: [0.5, 0.6], temperatures: [1], key: key) }
  }

  /// A constant objective has a zero gradient: estimates that come out exactly 0 have no
  /// place on a log axis and are left out (REINFORCE without a baseline still scatters).
  @Test func zeroValuesAreLeftOut() throws {
    let figure = try EstimatorFigure(logits: [0, 1], values: [3, 3], temperatures: [0.5, 2], sampleCount: 10,
                                     conditionalSamples: 2, key: PRNGKey(seed: 0))
    #expect(try #require(figure.series(.st)).measurements[0].variance == 0)
    let svg = try ParsedSVG(figure.svg())
    for (panel, quantity) in zip(svg.panels, [\EstimatorFigure.Measurement.bias, \.variance]) {
      let drawn = { (series: EstimatorFigure.Series) in series.measurements.filter { $0[keyPath: quantity] > 0 }.count }
      let markers = figure.series.filter { !$0.isTemperatureFree }.map(drawn).reduce(0, +)
      let references = figure.series.filter(\.isTemperatureFree).map(drawn).reduce(0, +)
      #expect(svg.elements(classed: "series-marker", in: panel).count == markers)
      #expect(svg.elements(classed: "reference-line", in: panel).count == references)
    }
  }

  // MARK: Layout

  static let layoutCases: [@Sendable () throws -> EstimatorFigure] = [
    { try figure(temperatures: [0.1, 0.2, 0.5, 1, 2, 5], samples: 50) },
    { try EstimatorFigure(logits: [-100, 0, 3, 1e-3], temperatures: [0.001, 0.0011, 0.01, 0.1, 1, 10, 100, 1000],
                          sampleCount: 10, conditionalSamples: 2, key: PRNGKey(seed: 2)) },
    { try EstimatorFigure(logits: (0..<12).map(Double.init), values: (0..<12).map { Double($0 * $0) }, target: 3.5,
                          temperatures: [3], sampleCount: 20, conditionalSamples: 2, key: PRNGKey(seed: 5)) },
  ]

  @Test(arguments: 0..<layoutCases.count)
  func labelsStayInsideTheCanvasApartAndOffThePlotAreas(_ index: Int) throws {
    let svg = try ParsedSVG(Self.layoutCases[index]().svg())
    let canvas = Rect(x: 0, y: 0, width: svg.number("width"), height: svg.number("height"))
    let boxes = svg.textBoxes
    for (text, box) in boxes { #expect(canvas.contains(box), "'\(text)' at \(box) leaves the canvas \(canvas)") }
    for i in boxes.indices {
      for j in boxes.indices where j > i {
        #expect(!boxes[i].box.insetBy(0.5).intersects(boxes[j].box.insetBy(0.5)), "'\(boxes[i].text)' overlaps '\(boxes[j].text)'")
      }
    }
    let frames = svg.panels.map(Self.plotArea(of:))
    #expect(frames.count == 2 && !frames[0].intersects(frames[1]))
    for (text, box) in boxes {
      for frame in frames { #expect(!box.insetBy(0.5).intersects(frame), "'\(text)' at \(box) covers a plot area \(frame)") }
    }
    // Every marker lies in its panel's plot area.
    for (panel, frame) in zip(svg.panels, frames) {
      for marker in svg.elements(classed: "series-marker", in: panel) {
        let bounds = svg.geometryBounds(of: marker)
        #expect(frame.insetBy(-6).contains(bounds), "a marker at \(bounds) outside \(frame)")
      }
    }
    // The legend lies right of the panels.
    let legend = svg.elements(classed: "legend").last.map { svg.geometryBounds(of: $0) }
    #expect((legend?.x ?? 0) > (frames.map(\.maxX).max() ?? .infinity))
  }

  /// A panel's plot area, from its axis lines.
  static func plotArea(of panel: XMLElement) -> Rect {
    let x = ParsedSVG.descendants(of: panel).first { ParsedSVG.classes($0).contains("x-axis") }!
    let y = ParsedSVG.descendants(of: panel).first { ParsedSVG.classes($0).contains("y-axis") }!
    let xLine = ParsedSVG.descendants(of: x).first { ($0.localName ?? $0.name) == "line" }!
    let yLine = ParsedSVG.descendants(of: y).first { ($0.localName ?? $0.name) == "line" }!
    let left = ParsedSVG.number(xLine, "x1"), right = ParsedSVG.number(xLine, "x2")
    let top = min(ParsedSVG.number(yLine, "y1"), ParsedSVG.number(yLine, "y2"))
    let bottom = ParsedSVG.number(xLine, "y1")
    return Rect(x: left, y: top, width: right - left, height: bottom - top)
  }
}

extension SnapshotTests {
  @Test func estimators() throws {
    let figure = try EstimatorFigure(probabilities: [0.1, 0.2, 0.3, 0.4], temperatures: [0.25, 1, 4], sampleCount: 100,
                                     conditionalSamples: 3, key: PRNGKey(seed: 0))
    try Self.check(figure.svg(), named: "estimators.svg")
  }
}
