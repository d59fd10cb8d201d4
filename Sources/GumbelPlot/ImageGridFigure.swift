import Foundation

/// A grid of grey-scale images (values in [0, 1], 1 drawn black), `columns` per row, each pixel
/// `scale` units wide, with optional row captions on the left, drawn from the images it is
/// given. Intensities are drawn in 16 grey levels; runs of equal grey along a row become one
/// `<rect>`, and white pixels none, which keeps the file small.
public struct ImageGridFigure: Sendable {
  public var title: String
  /// The images, row-major, `imageRows * imageColumns` values each.
  public var images: [[Float]]
  public var imageRows: Int
  public var imageColumns: Int
  /// Images per row of the grid.
  public var columns: Int
  /// Units per pixel.
  public var scale: Double
  /// A caption per row of the grid (fewer leave the last rows without one).
  public var captions: [String]

  /// - Precondition: every image has `imageRows * imageColumns` values.
  public init(title: String, images: [[Float]], imageRows: Int = 28, imageColumns: Int = 28, columns: Int, scale: Double = 3,
              captions: [String] = []) {
    for image in images {
      precondition(image.count == imageRows * imageColumns, "an image of \(image.count) pixels is not \(imageRows)x\(imageColumns)")
    }
    self.title = title
    self.images = images
    self.imageRows = imageRows
    self.imageColumns = imageColumns
    self.columns = columns
    self.scale = scale
    self.captions = captions
  }

  /// Pairs of rows: `columns` of `top` over the same columns of `bottom`, captioned
  /// `captions.top` and `captions.bottom`, for images and what a model made of them (such as
  /// reconstructions); a last short pair is filled with blank images.
  public init(title: String, pairing top: [[Float]], with bottom: [[Float]], captions: (top: String, bottom: String),
              imageRows: Int = 28, imageColumns: Int = 28, columns: Int) {
    precondition(top.count == bottom.count, "\(top.count) images paired with \(bottom.count)")
    let blank = [Float](repeating: 0, count: imageRows * imageColumns)
    var grid = [[Float]](), rowCaptions = [String]()
    for start in stride(from: 0, to: top.count, by: columns) {
      let end = min(start + columns, top.count)
      grid += top[start..<end] + Array(repeating: blank, count: columns - (end - start))
      grid += bottom[start..<end] + Array(repeating: blank, count: columns - (end - start))
      rowCaptions += [captions.top, captions.bottom]
    }
    self.init(title: title, images: grid, imageRows: imageRows, imageColumns: imageColumns, columns: columns, captions: rowCaptions)
  }

  /// The `<svg>` element.
  public var root: SVGElement {
    let f = TrainingFigureStyle.number
    let gap = 4.0, captionWidth = captions.isEmpty ? 0.0 : 90.0, top = 30.0
    let cell = (w: Double(imageColumns) * scale, h: Double(imageRows) * scale)
    let gridRows = (images.count + columns - 1) / max(columns, 1)
    let width = captionWidth + Double(columns) * (cell.w + gap) + gap
    let height = top + Double(gridRows) * (cell.h + gap) + gap
    var content = [TrainingFigureStyle.background,
                   TrainingFigureStyle.text(title, x: width / 2, y: 20, size: 14, anchor: "middle", weight: "bold")]
    for r in 0..<gridRows where r < captions.count {
      content.append(TrainingFigureStyle.text(captions[r], x: 6, y: top + gap + Double(r) * (cell.h + gap) + cell.h / 2 + 4, size: 12,
                                              anchor: "start"))
    }
    for (index, image) in images.enumerated() {
      let x0 = captionWidth + gap + Double(index % columns) * (cell.w + gap)
      let y0 = top + gap + Double(index / columns) * (cell.h + gap)
      var pixels = [SVGElement("rect", ["width": f(cell.w), "height": f(cell.h), "fill": "white", "stroke": "#ccc", "stroke-width": "0.5"])]
      for row in 0..<imageRows {
        var column = 0
        while column < imageColumns {
          let level = Self.grey(image[row * imageColumns + column])
          var end = column + 1
          while end < imageColumns && Self.grey(image[row * imageColumns + end]) == level { end += 1 }
          if level < 255 {
            pixels.append(SVGElement("rect", ["x": f(Double(column) * scale), "y": f(Double(row) * scale),
                                              "width": f(Double(end - column) * scale), "height": f(scale),
                                              "fill": "#" + String(format: "%02x%02x%02x", level, level, level)]))
          }
          column = end
        }
      }
      content.append(SVGElement("g", ["transform": "translate(\(f(x0)) \(f(y0)))"], children: pixels))
    }
    return TrainingFigureStyle.svg(width: width, height: height, content: content)
  }

  /// The SVG file's text.
  public func svg() -> String { root.renderedOneChildPerLine() }

  /// Writes the SVG file at `path`, replacing any file there (atomically).
  public func write(to path: String) throws(PlotError) { try FigureOutput.write(svg(), to: path) }

  /// The grey level (0 black, 255 white) of an intensity in [0, 1], in 16 steps.
  static func grey(_ value: Float) -> Int {
    let v = value.isFinite ? min(max(value, 0), 1) : 0
    let step = Int((v * 15).rounded())
    return 255 - step * 17
  }
}
