import GumbelRandom
import Testing
@testable import GumbelPlot

/// Histograms of one relaxed coordinate: the numbers and the SVG structure.
@Suite struct HistogramFigureTests {
  static let probabilities = [0.2, 0.2, 0.2, 0.2, 0.2]

  @Test func massMovesToTheEndsAsTheTemperatureFalls() throws {
    let figure = try HistogramFigure(probabilities: [0.3, 0.7], category: 0, temperatures: [0.01, 1, 100],
                                     sampleCount: 2000, binCount: 10, key: PRNGKey(seed: 0))
    for fractions in figure.fractions { #expect(abs(fractions.reduce(0, +) - 1) < 1e-9) }
    // Cold: the coordinate is 0 or 1, and 1 with probability p (standard error about 0.01).
    #expect(figure.fractions[0][0] + figure.fractions[0][9] > 0.99)
    #expect(abs(figure.aboveHalf[0] - 0.3) < 0.04)
    // Hot: every sample is near 1/K = 1/2 (bins 4 and 5).
    #expect(figure.fractions[2][4] + figure.fractions[2][5] > 0.99)
  }

  @Test func svgHasACategoricalPanelAndOnePerTemperature() throws {
    let figure = try HistogramFigure(probabilities: Self.probabilities, category: 2, temperatures: [0.1, 1, 10],
                                     sampleCount: 1000, binCount: 12, key: PRNGKey(seed: 5))
    let svg = try ParsedSVG(figure.svg())
    let panels = svg.panels
    #expect(panels.count == 4)
    #expect(svg.elements(classed: "bar", in: panels[0]).count == 2)
    for (panel, fractions) in zip(panels.dropFirst(), figure.fractions) {
      #expect(svg.elements(classed: "bar", in: panel).count == fractions.filter { $0 > 0 }.count)
      #expect(svg.elements(classed: "x-axis", in: panel).count == 1 && svg.elements(classed: "y-axis", in: panel).count == 1)
    }
    #expect(svg.elements(classed: "panel-title").compactMap(\.stringValue) == ["Categorical", "τ = 0.1", "τ = 1", "τ = 10"])
    #expect(svg.elements(classed: "panel-subtitle").first?.stringValue == "P(y₂ = 1) = 0.2")
    #expect(svg.elements(classed: "axis-title").compactMap(\.stringValue).contains("value of y₂"))
  }

  @Test func deterministicForASeed() throws {
    func svg(_ seed: Int) throws -> String {
      try HistogramFigure(probabilities: Self.probabilities, temperatures: [0.5], sampleCount: 500, key: PRNGKey(seed: seed)).svg()
    }
    #expect(try svg(1) == svg(1))
    #expect(try svg(1) != svg(2))
  }

  @Test func badInputsThrow() {
    let key = PRNGKey(seed: 0)
    #expect(throws: PlotError.categoryOutOfRange(index: 5, categories: 5)) {
      try HistogramFigure(probabilities: Self.probabilities, category: 5, temperatures: [1], key: key)
    }
    #expect(throws: PlotError.countOutOfRange(name: "bin count", value: 1, range: 2...200)) {
      try HistogramFigure(probabilities: Self.probabilities, temperatures: [1], binCount: 1, key: key)
    }
    #expect(throws: PlotError.invalidTemperature(.infinity)) {
      try HistogramFigure(probabilities: Self.probabilities, temperatures: [.infinity], key: key)
    }
  }
}
