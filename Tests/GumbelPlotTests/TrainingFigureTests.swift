import Testing
import GumbelPlot

/// The training figures: a line chart of curves and grids of grey-scale images, drawn from the
/// data they are given.
@Suite struct TrainingFigureTests {
  @Test func lineChartIsOneElementPerLine() {
    let chart = LineChartFigure(title: "loss <test>", xLabel: "epoch", yLabel: "nats",
                                series: [.init(name: "train", points: [(0, 3), (1, 2), (2, .nan), (3, 1)], color: "#000"),
                                         .init(name: "test", points: [(1, 2.5)], color: "#d62728")])
    let svg = chart.svg()
    let lines = svg.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.first?.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"720.0\" height=\"420.0\"") == true)
    #expect(lines[1] == "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>")
    #expect(svg.hasSuffix("</svg>\n"))
    #expect(svg.contains(">loss &lt;test&gt;</text>"))
    // The non-finite point is left out of the line; a single point is a dot.
    let polyline = try! #require(lines.first { $0.hasPrefix("<polyline") })
    let points = polyline.split(separator: "\"")[7].split(separator: " ")
    #expect(points.count == 3)
    #expect(lines.filter { $0.hasPrefix("<circle") && $0.contains("fill=\"#d62728\"") }.count == 1)
    // x from 0 to 3 over the plot's 630 units from x = 70: the first point at 70.0, the last at 700.0.
    #expect(points.first?.hasPrefix("70.0,") == true && points.last?.hasPrefix("700.0,") == true)
  }

  @Test func imageGridDrawsRunsOfGrey() {
    let black = [Float](repeating: 1, count: 16), white = [Float](repeating: 0, count: 16)
    let half = [Float](repeating: 0.5, count: 16)
    let grid = ImageGridFigure(title: "grid", images: [black, white, half], imageRows: 4, imageColumns: 4, columns: 2,
                               captions: ["row"])
    let svg = grid.svg()
    // A black image is four runs (one per row) of one rectangle each; a white one none; 0.5 is
    // grey level 255 - 8 * 17 = 119.
    #expect(svg.components(separatedBy: "fill=\"#000000\"").count - 1 == 4)
    #expect(svg.components(separatedBy: "fill=\"#777777\"").count - 1 == 4)
    #expect(svg.components(separatedBy: "<g transform=").count - 1 == 3)
    // Each image is one line: its frame and its runs.
    #expect(svg.split(separator: "\n").filter { $0.hasPrefix("<g ") && $0.hasSuffix("</g>") }.count == 3)
    // Width: a caption column of 90, 2 columns of 12 + 4 units and a gap of 4; height: a title
    // band of 30, 2 rows of 12 + 4 and a gap of 4.
    #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"126.0\" height=\"66.0\""))
  }

  @Test func pairedRowsArePaddedWithBlankImages() {
    let images = (0..<3).map { [Float](repeating: Float($0) / 2, count: 4) }
    let grid = ImageGridFigure(title: "pairs", pairing: images, with: images.reversed(), captions: ("image", "model"),
                               imageRows: 2, imageColumns: 2, columns: 2)
    #expect(grid.images.count == 8)
    #expect(grid.images[2] == images[2] && grid.images[4] == images[2] && grid.images[5] == [0, 0, 0, 0])
    #expect(grid.captions == ["image", "model", "image", "model"])
  }
}

/// The estimator dot plot: a dot per estimator, point and panel, where the numbers say.
@Suite struct GradientQualityFigureTests {
  @Test func oneDotPerMeasurementAndPanel() {
    let figure = GradientQualityFigure(title: "gradients", rows: ["a", "b"], points: [
      .init(name: "start", values: [.init(relativeBias: 0.1, biasNoise: 0.01, relativeStandardDeviation: 1, cosine: 0.5),
                                    .init(relativeBias: 10, biasNoise: 0.1, relativeStandardDeviation: 100, cosine: -0.5)]),
      .init(name: "end", values: [.init(relativeBias: 1, biasNoise: 0.01, relativeStandardDeviation: 1, cosine: 1), nil]),
    ])
    let lines = figure.svg().split(separator: "\n").map(String.init)
    func dots(_ color: String) -> [String] { lines.filter { $0.hasPrefix("<circle") && $0.contains("fill=\"\(color)\"") } }
    // Three measurements in three panels, and a legend dot per point.
    #expect(dots("#1f77b4").count == 2 * 3 + 1)
    #expect(dots("#d62728").count == 1 * 3 + 1)
    // Noise ticks: one per measurement, grey.
    #expect(lines.filter { $0.hasPrefix("<line") && $0.contains("stroke=\"#999\"") }.count == 3 + 1)
    // The cosine panel spans [-1, 1] when a cosine is negative: 0.5 sits at three quarters, -0.5
    // at one quarter of its 230 units from x = 90 + 2 * 260.
    func cx(_ line: String) -> Double { Double(line.split(separator: "\"")[1])! }
    let cosineDots = dots("#1f77b4").map(cx).filter { $0 > 610 }.sorted()
    #expect(cosineDots == [610 + 57.5, 610 + 172.5])
    #expect(lines.contains { $0.contains(">relative bias |mean - exact| / |exact|</text>") })
  }
}
