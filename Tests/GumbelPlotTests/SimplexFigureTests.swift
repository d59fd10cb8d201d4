import Foundation
import GumbelDistributions
import GumbelRandom
import GumbelTensor
import Testing
@testable import GumbelPlot

/// The Concrete density on the 2-simplex: the grid, the SVG structure, and refused inputs.
@Suite struct SimplexFigureTests {
  static let probabilities = [0.2, 0.3, 0.5]

  @Test func densityGridIntegratesToOne() throws {
    // The density is with respect to (y1, y2), whose area element is 2/sqrt(3) = 1/unitHeight
    // times the drawing's; summing exp(log-density) over cells whose centre is inside gives about 1.
    let distribution = try GumbelSoftmax<Double>(probabilities: Tensor(Self.probabilities), temperature: 2)
    let grid = SimplexDensityGrid(distribution: distribution, rows: 200)
    var total = 0.0
    for row in 0..<grid.rows {
      for column in 0..<grid.columns {
        let u = (Double(column) + 0.5) * grid.cellSize
        let v = SimplexTriangle.unitHeight - (Double(row) + 0.5) * grid.cellSize
        guard SimplexTriangle.barycentric(u: u, v: v).allSatisfy({ $0 >= 0 }) else { continue }
        total += exp(try #require(grid.logDensity[row * grid.columns + column])) * grid.cellSize * grid.cellSize
          / SimplexTriangle.unitHeight
      }
    }
    #expect(abs(total - 1) < 0.01, "integral \(total)")
  }

  @Test func gridValuesAreTheLibrarysLogDensity() throws {
    let distribution = try GumbelSoftmax<Double>(probabilities: Tensor(Self.probabilities), temperature: 0.5)
    let grid = SimplexDensityGrid(distribution: distribution, rows: 30)
    // The centre cell of the middle row lies inside; its value is the density at its centre.
    let row = 20, column = grid.columns / 2
    let y = SimplexTriangle.barycentric(u: (Double(column) + 0.5) * grid.cellSize,
                                        v: SimplexTriangle.unitHeight - (Double(row) + 0.5) * grid.cellSize)
    let expected = distribution.logDensity(of: Tensor(y)).scalars[0]
    #expect(abs(try #require(grid.logDensity[row * grid.columns + column]) - expected) < 1e-9)
    #expect(grid.logDensity[0] == nil)  // the top-left corner cell is outside the triangle
  }

  @Test func svgHasOnePanelPerTemperatureWithHeatMapPointsAndCorners() throws {
    let figure = try SimplexFigure(probabilities: Self.probabilities, temperatures: [0.2, 1, 5], sampleCount: 40,
                                   resolution: 30, key: PRNGKey(seed: 0))
    let svg = try ParsedSVG(figure.svg())
    let panels = svg.panels
    #expect(panels.count == 3)
    var clipIDs: [String] = []
    for panel in panels {
      #expect(svg.elements(named: "circle", in: svg.elements(classed: "samples", in: panel)[0]).count == 40)
      let bands = svg.elements(classed: "band", in: panel)
      #expect(bands.count >= 4 && bands.count <= figure.levels)
      #expect(svg.elements(classed: "corner-label", in: panel).compactMap(\.stringValue) == ["category 0", "category 1", "category 2"])
      #expect(svg.elements(classed: "corner-probability", in: panel).compactMap(\.stringValue) == ["p = 0.2", "p = 0.3", "p = 0.5"])
      #expect(svg.elements(classed: "colorbar", in: panel).count == 1)
      #expect(svg.elements(classed: "simplex-outline", in: panel).count == 1)
      let clip = try #require(svg.elements(named: "clipPath", in: panel).first)
      clipIDs.append(try #require(ParsedSVG.attribute(clip, "id")))
      #expect(ParsedSVG.attribute(svg.elements(classed: "heatmap", in: panel)[0], "clip-path") == "url(#\(clipIDs.last!))")
    }
    #expect(Set(clipIDs).count == 3)
    #expect(svg.elements(classed: "panel-title").compactMap(\.stringValue) == ["τ = 0.2", "τ = 1", "τ = 5"])
  }

  @Test func samplesFollowTheTemperature() throws {
    let figure = try SimplexFigure(probabilities: Self.probabilities, temperatures: [0.05, 20], sampleCount: 200,
                                   resolution: 10, key: PRNGKey(seed: 2))
    // Cold: most samples are within 0.05 of a corner (the rest lie along the edges, where two
    // perturbed logits nearly tie). Hot: every sample is within 0.1 of the centre.
    #expect(figure.samples[0].filter { ($0.max() ?? 0) > 0.95 }.count >= 150)
    #expect(figure.samples[1].allSatisfy { $0.allSatisfy { abs($0 - 1.0 / 3) < 0.1 } })
  }

  @Test func refusesAnythingButThreeUnmaskedCategories() {
    let key = PRNGKey(seed: 0)
    #expect(throws: PlotError.categoryCount(figure: "simplex", required: "exactly 3", actual: 2)) {
      try SimplexFigure(probabilities: [0.5, 0.5], temperatures: [1], key: key)
    }
    #expect(throws: PlotError.categoryCount(figure: "simplex", required: "exactly 3", actual: 4)) {
      try SimplexFigure(logits: [0, 0, 0, 0], temperatures: [1], key: key)
    }
    #expect(throws: PlotError.self) { try SimplexFigure(logits: [0, -.infinity, 0], temperatures: [1], key: key) }
    #expect(throws: PlotError.noTemperatures) { try SimplexFigure(logits: [0, 0, 0], temperatures: [], key: key) }
  }

  @Test func idPrefixKeepsIDsUniqueOnAPage() throws {
    var figure = try SimplexFigure(logits: [0, 0, 0], temperatures: [1], sampleCount: 1, resolution: 8, key: PRNGKey(seed: 0))
    figure.idPrefix = "second"
    #expect(figure.svg().contains("id=\"second-clip-0\""))
  }
}
