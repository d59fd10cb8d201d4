import Foundation

/// Minimal SVG pictures of training: line charts of loss curves and grids of grey-scale images.
/// Self-contained text, no fonts or scripts beyond SVG's own.
public enum SVGFigure {
  /// One line of a chart.
  public struct Series: Sendable {
    public var name: String
    public var points: [(x: Double, y: Double)]
    public var color: String

    public init(name: String, points: [(x: Double, y: Double)], color: String) {
      self.name = name
      self.points = points
      self.color = color
    }
  }

  /// A line chart with axes, ticks, a legend and a title. Non-finite points are skipped; the
  /// y range covers the finite points between the 1st percentile and the maximum after the first
  /// tenth of each series, so an early spike does not flatten the rest.
  public static func lineChart(title: String, xLabel: String, yLabel: String, series: [Series],
                               width: Double = 720, height: Double = 420) -> String {
    let left = 70.0, right = 20.0, top = 40.0, bottom = 50.0
    let plotWidth = width - left - right, plotHeight = height - top - bottom
    let all = series.flatMap { $0.points }.filter { $0.x.isFinite && $0.y.isFinite }
    let xs = all.map(\.x)
    let settled = series.flatMap { s in s.points.dropFirst(s.points.count / 10) }.map(\.y).filter(\.isFinite).sorted()
    let xMin = xs.min() ?? 0, xMax = max(xs.max() ?? 1, (xs.min() ?? 0) + 1e-9)
    var yMin = settled.isEmpty ? 0 : settled[settled.count / 100]
    var yMax = settled.last ?? 1
    if yMax - yMin < 1e-9 { yMin -= 1; yMax += 1 }
    let pad = (yMax - yMin) * 0.05
    yMin -= pad; yMax += pad
    func px(_ x: Double) -> Double { left + (x - xMin) / (xMax - xMin) * plotWidth }
    func py(_ y: Double) -> Double { top + (1 - (min(max(y, yMin), yMax) - yMin) / (yMax - yMin)) * plotHeight }

    var svg = header(width: width, height: height)
    svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    svg += text(title, x: width / 2, y: 24, size: 16, anchor: "middle", weight: "bold")
    // Grid, ticks and axis labels.
    for tick in ticks(yMin, yMax) {
      let y = py(tick)
      svg += "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(y))\" stroke=\"#e5e5e5\"/>\n"
      svg += text(label(tick), x: left - 6, y: y + 4, size: 11, anchor: "end")
    }
    for tick in ticks(xMin, xMax) {
      let x = px(tick)
      svg += "<line x1=\"\(f(x))\" y1=\"\(f(top))\" x2=\"\(f(x))\" y2=\"\(f(top + plotHeight))\" stroke=\"#f0f0f0\"/>\n"
      svg += text(label(tick), x: x, y: top + plotHeight + 16, size: 11, anchor: "middle")
    }
    svg += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotWidth))\" height=\"\(f(plotHeight))\" fill=\"none\" stroke=\"#333\"/>\n"
    svg += text(xLabel, x: left + plotWidth / 2, y: height - 10, size: 12, anchor: "middle")
    svg += "<text x=\"16\" y=\"\(f(top + plotHeight / 2))\" font-family=\"sans-serif\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 16 \(f(top + plotHeight / 2)))\">\(escape(yLabel))</text>\n"
    for (i, s) in series.enumerated() {
      let points = s.points.filter { $0.x.isFinite && $0.y.isFinite }
      let path = points.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
      if points.count == 1 {
        svg += "<circle cx=\"\(f(px(points[0].x)))\" cy=\"\(f(py(points[0].y)))\" r=\"3\" fill=\"\(s.color)\"/>\n"
      } else {
        svg += "<polyline fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"1.5\" points=\"\(path)\"/>\n"
      }
      let ly = top + 14 + Double(i) * 18
      svg += "<line x1=\"\(f(left + plotWidth - 170))\" y1=\"\(f(ly - 4))\" x2=\"\(f(left + plotWidth - 150))\" y2=\"\(f(ly - 4))\" stroke=\"\(s.color)\" stroke-width=\"2\"/>\n"
      svg += text(s.name, x: left + plotWidth - 144, y: ly, size: 12, anchor: "start")
    }
    return svg + "</svg>\n"
  }

  /// A grid of grey-scale images (values in [0, 1], 1 drawn black), `columns` per row, each pixel
  /// `scale` units wide, with optional row captions on the left. Runs of equal grey along a row
  /// become one `<rect>`, and white pixels none, which keeps the file small.
  public static func imageGrid(title: String, images: [[Float]], imageRows: Int = 28, imageColumns: Int = 28,
                               columns: Int, scale: Double = 3, captions: [String] = []) -> String {
    let gap = 4.0, captionWidth = captions.isEmpty ? 0.0 : 90.0, top = 30.0
    let cell = (w: Double(imageColumns) * scale, h: Double(imageRows) * scale)
    let gridRows = (images.count + columns - 1) / max(columns, 1)
    let width = captionWidth + Double(columns) * (cell.w + gap) + gap
    let height = top + Double(gridRows) * (cell.h + gap) + gap
    var svg = header(width: width, height: height)
    svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    svg += text(title, x: width / 2, y: 20, size: 14, anchor: "middle", weight: "bold")
    for r in 0..<gridRows where r < captions.count {
      svg += text(captions[r], x: 6, y: top + gap + Double(r) * (cell.h + gap) + cell.h / 2 + 4, size: 12, anchor: "start")
    }
    for (index, image) in images.enumerated() {
      precondition(image.count == imageRows * imageColumns, "an image of \(image.count) pixels is not \(imageRows)x\(imageColumns)")
      let x0 = captionWidth + gap + Double(index % columns) * (cell.w + gap)
      let y0 = top + gap + Double(index / columns) * (cell.h + gap)
      svg += "<g transform=\"translate(\(f(x0)) \(f(y0)))\"><rect width=\"\(f(cell.w))\" height=\"\(f(cell.h))\" fill=\"white\" stroke=\"#ccc\" stroke-width=\"0.5\"/>"
      for row in 0..<imageRows {
        var column = 0
        while column < imageColumns {
          let level = grey(image[row * imageColumns + column])
          var end = column + 1
          while end < imageColumns && grey(image[row * imageColumns + end]) == level { end += 1 }
          if level < 255 {
            let hex = String(format: "%02x%02x%02x", level, level, level)
            svg += "<rect x=\"\(f(Double(column) * scale))\" y=\"\(f(Double(row) * scale))\" width=\"\(f(Double(end - column) * scale))\" height=\"\(f(scale))\" fill=\"#\(hex)\"/>"
          }
          column = end
        }
      }
      svg += "</g>\n"
    }
    return svg + "</svg>\n"
  }

  /// The grey level (0 black, 255 white) of an intensity in [0, 1], in 16 steps.
  static func grey(_ value: Float) -> Int {
    let v = value.isFinite ? min(max(value, 0), 1) : 0
    let step = Int((v * 15).rounded())
    return 255 - step * 17
  }

  static func header(width: Double, height: Double) -> String {
    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" viewBox=\"0 0 \(f(width)) \(f(height))\" shape-rendering=\"crispEdges\">\n"
  }

  static func text(_ s: String, x: Double, y: Double, size: Int, anchor: String, weight: String = "normal") -> String {
    "<text x=\"\(f(x))\" y=\"\(f(y))\" font-family=\"sans-serif\" font-size=\"\(size)\" font-weight=\"\(weight)\" text-anchor=\"\(anchor)\">\(escape(s))</text>\n"
  }

  static func escape(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
  }

  static func f(_ x: Double) -> String { String(format: "%.1f", x) }

  static func label(_ x: Double) -> String {
    if x == x.rounded() && abs(x) < 1e6 { return String(Int(x)) }
    return String(format: abs(x) < 10 ? "%.2f" : "%.1f", x)
  }

  /// About five round tick values covering [low, high].
  static func ticks(_ low: Double, _ high: Double) -> [Double] {
    let span = high - low
    guard span > 0, span.isFinite else { return [low] }
    let raw = span / 5
    let magnitude = pow(10, (log10(raw)).rounded(.down))
    let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
    var out = [Double]()
    var t = (low / step).rounded(.up) * step
    while t <= high + step * 1e-9 {
      out.append(t)
      t += step
    }
    return out
  }
}
