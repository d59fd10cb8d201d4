import Testing
@testable import GumbelPlot

/// The renderer's parts: numbers, escaping, elements, scales, colours, legends, text metrics.
@Suite struct RendererTests {
  @Test func numbersAreRoundedShortAndStable() {
    #expect(SVGNumber.format(3) == "3")
    #expect(SVGNumber.format(2.5) == "2.5")
    #expect(SVGNumber.format(0.125) == "0.13")
    #expect(SVGNumber.format(-0.125) == "-0.13")
    #expect(SVGNumber.format(-0.001) == "0")
    #expect(SVGNumber.format(0.1 + 0.2) == "0.3")
    #expect(SVGNumber.format(1_234_567.891) == "1234567.89")
    #expect(SVGNumber.format(0.05, decimals: 1) == "0.1")
    #expect(SVGNumber.format(7.25, decimals: 0) == "7")
  }

  @Test func parameterLabelsKeepSignificantDigits() {
    #expect(SVGNumber.label(0.1) == "0.1")
    #expect(SVGNumber.label(10) == "10")
    #expect(SVGNumber.label(0.5) == "0.5")
    #expect(SVGNumber.label(1.0 / 3, significantDigits: 2) == "0.33")
    #expect(SVGNumber.label(0.001) == "0.001")
    #expect(SVGNumber.label(0.0001) == "1e-4")
    #expect(SVGNumber.label(2_000_000) == "2e6")
  }

  @Test func elementsSerialiseInOrderAndEscape() {
    let element = SVGElement("g", ["class": "panel"], children: [
      SVGElement("rect", ["x": 1.004, "y": 2, "fill": "#000000"]),
      SVGElement("text", ["x": 0.5], text: "p < 1 & \"q\""),
    ])
    #expect(element.rendered() == """
      <g class="panel">
        <rect x="1" y="2" fill="#000000"/>
        <text x="0.5">p &lt; 1 &amp; &quot;q&quot;</text>
      </g>
      """)
    #expect(element.with("class", "other")[attribute: "class"] == "other")
    #expect(XMLText.escaped("a'b>c") == "a&#39;b&gt;c")
  }

  @Test func documentsHaveADeclarationOnlyWhenStandalone() {
    let document = SVGDocument(width: 10, height: 20, title: "T", content: [])
    #expect(document.rendered().hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""))
    #expect(document.rendered(standalone: false).hasPrefix("<svg "))
    #expect(document.root[attribute: "viewBox"] == "0 0 10 20")
  }

  @Test func scalesMapAndTick() {
    let y = LinearScale(domain: 0...1, range: (200, 20))
    #expect(y(0) == 200 && y(1) == 20 && y(0.5) == 110)
    #expect(y.clamped(2) == 20)
    #expect(y.ticks() == [0, 0.2, 0.4, 0.6, 0.8, 1])
    #expect(LinearScale(domain: -4.3...2.2, range: (0, 1)).ticks(count: 4) == [-4, -2, 0, 2])
    #expect(LinearScale(domain: 0...0.3, range: (0, 1)).ticks(count: 4) == [0, 0.1, 0.2, 0.3])
    #expect(LinearScale.niceUpperBound(0.23, count: 5) == 0.25)
    #expect(LinearScale.niceUpperBound(0.8, count: 4) == 0.8)
    #expect(LinearScale.niceUpperBound(0.81, count: 4) == 1)
    #expect(LinearScale.labels(for: [0, 0.5, 1]) == ["0", "0.5", "1"])
    #expect(LinearScale.labels(for: [-100, -50, 0]) == ["\u{2212}100", "\u{2212}50", "0"])
  }

  @Test func paletteIsOkabeItoAndDistinct() {
    #expect(Palette.orange.hex == "#e69f00")
    #expect(Palette.blue.hex == "#0072b2")
    #expect(Set(Palette.series).count == Palette.series.count)
    #expect(Palette.series(Palette.series.count) == Palette.series(0))
  }

  @Test func viridisRunsFromDarkToLight() {
    #expect(ColorMap.viridis.color(at: 0).hex == "#440154")
    #expect(ColorMap.viridis.color(at: 1).hex == "#fde725")
    #expect(ColorMap.viridis.color(at: -3) == ColorMap.viridis.color(at: 0))
    let bands = ColorMap.viridis.discrete(levels: 16)
    #expect(bands.count == 16)
    // Perceptually ordered: the luminance rises with the value, so the map reads in grey scale.
    #expect(zip(bands, bands.dropFirst()).allSatisfy { $0.luminance < $1.luminance })
  }

  @Test func textMetricsFollowDejaVuSans() {
    // DejaVu Sans digits advance 0.636 em (with 2% to spare).
    #expect(abs(TextMetrics.width(of: "10", size: 10) - 2 * 6.36 * 1.02) < 1e-9)
    #expect(TextMetrics.width(of: "W", size: 10) > TextMetrics.width(of: "i", size: 10) * 3)
    let box = TextMetrics.bounds(of: "abc", at: Point(x: 100, y: 50), size: 10, anchor: .end)
    #expect(abs(box.maxX - 100) < 1e-9 && abs(box.y - 42.4) < 1e-9 && abs(box.maxY - 52.4) < 1e-9)
  }

  @Test func legendsWrapAndStartGroupsOnNewRows() {
    let entries = (1...6).map { Legend.Entry(label: "sample \($0)", swatch: .box(Palette.series($0))) }
    let legend = Legend(entries: entries)
    #expect(legend.rows(maxWidth: 2000).count == 1)
    let narrow = legend.rows(maxWidth: 200)
    #expect(narrow.count > 1 && narrow.flatMap { $0 }.count == 6)
    for row in narrow {
      let width = row.map(Legend.width(of:)).reduce(0, +) + Legend.entryGap * Double(row.count - 1)
      #expect(width <= 200)
    }
    let grouped = Legend(groups: [Array(entries.prefix(2)), Array(entries.suffix(4))])
    #expect(grouped.rows(maxWidth: 2000).map(\.count) == [2, 4])
  }

  @Test func simplexTriangleRoundTrips() {
    let triangle = SimplexTriangle(bottomLeft: Point(x: 10, y: 100), side: 80)
    #expect(triangle.point([1, 0, 0]) == Point(x: 10, y: 100))
    #expect(triangle.point([0, 1, 0]) == Point(x: 90, y: 100))
    let top = triangle.point([0, 0, 1])
    #expect(abs(top.x - 50) < 1e-9 && abs(top.y - (100 - 80 * SimplexTriangle.unitHeight)) < 1e-9)
    let y = SimplexTriangle.barycentric(u: 0.5, v: SimplexTriangle.unitHeight / 3)
    #expect(y.allSatisfy { abs($0 - 1.0 / 3) < 1e-12 })
  }
}
