import GumbelRandom
import Testing
@testable import GumbelPlot

/// Jang et al.'s Figure 1: its numbers and its SVG structure.
@Suite struct TemperatureFigureTests {
  static let probabilities = [0.1, 0.2, 0.3, 0.4]
  static let temperatures = [0.01, 0.5, 1, 10]

  static func figure(seed: Int = 0) throws -> TemperatureFigure {
    try TemperatureFigure(probabilities: probabilities, temperatures: temperatures, sampleCount: 1000, exampleCount: 3,
                          key: PRNGKey(seed: seed))
  }

  @Test func samplesLieOnTheSimplexAndMeansFollowTheTemperature() throws {
    let figure = try Self.figure()
    #expect(figure.means.count == 4 && figure.examples.count == 4)
    for row in figure.means + figure.examples.flatMap({ $0 }) + figure.categoricalExamples {
      #expect(row.count == 4 && abs(row.reduce(0, +) - 1) < 1e-9 && row.allSatisfy { $0 >= 0 })
    }
    // Near zero temperature the relaxed samples are one-hot: their mean estimates p
    // (1000 samples: standard error below 0.016).
    for (mean, p) in zip(figure.means[0], Self.probabilities) { #expect(abs(mean - p) < 0.05) }
    // At a high temperature every coordinate is near 1/K.
    #expect(figure.means[3].allSatisfy { abs($0 - 0.25) < 0.05 })
    // The same noise in every column: at low temperature each sample is the categorical draw.
    for (relaxed, hard) in zip(figure.examples[0], figure.categoricalExamples) {
      #expect(hard.filter { $0 == 1 }.count == 1 && hard.filter { $0 == 0 }.count == 3)
      #expect(relaxed.firstIndex(of: relaxed.max()!) == hard.firstIndex(of: 1))
    }
  }

  @Test func svgHasTwoRowsOfPanelsWithAxesBarsAndMarkers() throws {
    let figure = try Self.figure()
    let svg = try ParsedSVG(figure.svg())
    #expect(svg.number("width") > 0 && svg.number("height") > 0)
    let panels = svg.panels
    #expect(panels.count == 2 * (Self.temperatures.count + 1))
    let top = panels.filter { ParsedSVG.attribute($0, "data-panel")!.hasPrefix("expectation") }
    let bottom = panels.filter { ParsedSVG.attribute($0, "data-panel")!.hasPrefix("samples") }
    #expect(top.count == 5 && bottom.count == 5)
    for panel in panels {
      #expect(svg.elements(classed: "x-axis", in: panel).count == 1)
      #expect(svg.elements(classed: "y-axis", in: panel).count == 1)
      // One tick label per category on the x axis.
      let xLabels = svg.elements(classed: "tick-label", in: svg.elements(classed: "x-axis", in: panel)[0])
      #expect(xLabels.map { $0.stringValue ?? "" } == ["0", "1", "2", "3"])
    }
    for panel in top {
      #expect(svg.elements(classed: "bar", in: panel).count == 4)
      #expect(svg.elements(classed: "probability-marker", in: panel).count == 4)
    }
    // The categorical column shows three one-hot samples: one bar each.
    #expect(svg.elements(classed: "bar", in: bottom[0]).count == 3)
    // At tau = 10 no coordinate is near 0, so every sample has a bar per category.
    #expect(svg.elements(classed: "bar", in: bottom[4]).count == 3 * 4)
    for panel in bottom.dropFirst() { #expect(svg.elements(classed: "bar", in: panel).count <= 3 * 4) }
    // Only the first column writes y tick labels and the row titles.
    #expect(svg.elements(classed: "tick-label", in: svg.elements(classed: "y-axis", in: top[1])[0]).isEmpty)
    #expect(svg.elements(classed: "axis-title").compactMap(\.stringValue).filter { $0 == "expectation" || $0 == "samples" }.count == 2)
    #expect(svg.elements(classed: "panel-title").compactMap(\.stringValue) == ["Categorical", "τ = 0.01", "τ = 0.5", "τ = 1", "τ = 10"])
    let legend = svg.elements(classed: "legend-label").compactMap(\.stringValue)
    #expect(legend == ["class probability", "categorical expectation", "mean of 1000 relaxed samples", "sample 1", "sample 2", "sample 3"])
  }

  @Test func sameSeedSameBytesOtherSeedOtherBytes() throws {
    #expect(try Self.figure(seed: 3).svg() == Self.figure(seed: 3).svg())
    #expect(try Self.figure(seed: 3).svg() != Self.figure(seed: 4).svg())
  }

  @Test func badInputsThrow() {
    let key = PRNGKey(seed: 0)
    #expect(throws: PlotError.noTemperatures) { try TemperatureFigure(logits: [0, 1], temperatures: [], key: key) }
    #expect(throws: PlotError.invalidTemperature(0)) { try TemperatureFigure(logits: [0, 1], temperatures: [1, 0], key: key) }
    #expect(throws: PlotError.invalidTemperature(-2)) { try TemperatureFigure(logits: [0, 1], temperatures: [-2], key: key) }
    #expect(throws: PlotError.self) { try TemperatureFigure(logits: [0, 1], temperatures: [.nan], key: key) }
    #expect(throws: PlotError.tooManyTemperatures(count: 9, limit: 8)) {
      try TemperatureFigure(logits: [0, 1], temperatures: Array(repeating: 1, count: 9), key: key)
    }
    #expect(throws: PlotError.countOutOfRange(name: "sample count", value: 0, range: 1...TemperatureFigure.maxSampleCount)) {
      try TemperatureFigure(logits: [0, 1], temperatures: [1], sampleCount: 0, key: key)
    }
    #expect(throws: PlotError.self) { try TemperatureFigure(probabilities: [0.5, 0.6], temperatures: [1], key: key) }
    #expect(throws: PlotError.self) { try TemperatureFigure(logits: [-.infinity, -.infinity], temperatures: [1], key: key) }
  }

  @Test func maskedCategoriesGetNoBars() throws {
    let figure = try TemperatureFigure(logits: [0, -.infinity, 1], temperatures: [1], sampleCount: 100, key: PRNGKey(seed: 1))
    #expect(figure.probabilities[1] == 0 && figure.means[0][1] == 0)
    let svg = try ParsedSVG(figure.svg())
    let top = try #require(svg.panels.first { ParsedSVG.attribute($0, "data-panel") == "expectation tau=1" })
    #expect(svg.elements(classed: "bar", in: top).count == 2)
    #expect(svg.elements(classed: "probability-marker", in: top).count == 3)
  }
}
