import GumbelRandom
import Testing
@testable import GumbelPlot

/// Nothing overlaps: every label lies inside the canvas, clear of every other label and of the
/// data marks, for typical and awkward inputs (many categories, one or eight temperatures,
/// long numbers). Text boxes come from the same DejaVu Sans metrics the layout uses.
@Suite struct LayoutTests {
  /// A figure to check, by name.
  struct Case: CustomTestStringConvertible, Sendable {
    let name: String
    let make: @Sendable () throws -> any Figure
    var testDescription: String { name }
  }

  static let key = PRNGKey(seed: 0)
  static let uniformFive = [Double](repeating: 0.2, count: 5)
  static let cases: [Case] = [
    Case(name: "temperatures, notebook") {
      try TemperatureFigure(probabilities: uniformFive, temperatures: [0.1, 0.5, 1, 10], sampleCount: 200, key: key)
    },
    Case(name: "temperatures, 12 categories, one temperature, 6 samples") {
      try TemperatureFigure(logits: (0..<12).map { Double($0) / 4 }, temperatures: [0.333], sampleCount: 200,
                            exampleCount: 6, key: key)
    },
    Case(name: "temperatures, 2 categories, 8 temperatures") {
      try TemperatureFigure(probabilities: [0.123_456, 0.876_544], temperatures: [0.001, 0.01, 0.1, 0.5, 1, 2, 10, 1000],
                            sampleCount: 200, key: key)
    },
    Case(name: "temperatures, 40 categories") {
      try TemperatureFigure(logits: (0..<40).map { Double($0 % 7) }, temperatures: [0.5, 5], sampleCount: 100, key: key)
    },
    Case(name: "simplex, four temperatures") {
      try SimplexFigure(probabilities: [0.123, 0.456, 0.421], temperatures: [0.1, 0.5, 1, 10], sampleCount: 50,
                        resolution: 20, key: key)
    },
    Case(name: "simplex, one temperature") {
      try SimplexFigure(logits: [-100, 0, 100], temperatures: [0.05], sampleCount: 50, resolution: 20, key: key)
    },
    Case(name: "histogram, notebook") {
      try HistogramFigure(probabilities: uniformFive, temperatures: [0.1, 0.5, 1, 10], sampleCount: 500, key: key)
    },
    Case(name: "histogram, category 11, one temperature") {
      try HistogramFigure(logits: (0..<12).map(Double.init), category: 11, temperatures: [0.25], sampleCount: 500,
                          binCount: 50, key: key)
    },
  ]

  @Test(arguments: cases)
  func labelsStayInsideTheCanvasAndApart(_ testCase: Case) throws {
    let svg = try ParsedSVG(testCase.make().svg())
    let canvas = Rect(x: 0, y: 0, width: svg.number("width"), height: svg.number("height"))
    let boxes = svg.textBoxes
    #expect(!boxes.isEmpty)
    for (text, box) in boxes {
      #expect(canvas.contains(box), "'\(text)' at \(box) leaves the canvas \(canvas)")
    }
    for i in boxes.indices {
      for j in boxes.indices where j > i {
        #expect(!boxes[i].box.insetBy(0.5).intersects(boxes[j].box.insetBy(0.5)),
                "'\(boxes[i].text)' overlaps '\(boxes[j].text)'")
      }
    }
  }

  @Test(arguments: cases)
  func labelsStayClearOfTheMarks(_ testCase: Case) throws {
    let svg = try ParsedSVG(testCase.make().svg())
    var marks = (svg.elements(classed: "bar") + svg.elements(classed: "swatch").filter { ($0.localName ?? $0.name) == "rect" })
      .map(ParsedSVG.frame(ofRect:))
    marks += svg.elements(classed: "colorbar").flatMap { svg.elements(named: "rect", in: $0) }.map(ParsedSVG.frame(ofRect:))
    marks += svg.elements(classed: "simplex-outline").map { svg.geometryBounds(of: $0) }
    #expect(!marks.isEmpty)
    for (text, box) in svg.textBoxes {
      for mark in marks {
        #expect(!box.insetBy(0.5).intersects(mark), "'\(text)' at \(box) covers a mark at \(mark)")
      }
    }
  }

  @Test(arguments: cases)
  func panelsDoNotOverlap(_ testCase: Case) throws {
    let svg = try ParsedSVG(testCase.make().svg())
    let frames = svg.panels.map { svg.geometryBounds(of: $0) }
    #expect(!frames.isEmpty)
    for i in frames.indices {
      for j in frames.indices where j > i {
        #expect(!frames[i].intersects(frames[j]), "panels \(i) and \(j) overlap: \(frames[i]), \(frames[j])")
      }
    }
  }
}
