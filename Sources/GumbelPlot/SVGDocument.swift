/// A complete SVG image: its size, an accessible title and description, and its content on a
/// white background.
///
/// ``rendered(standalone:)`` writes a file for a browser, an editor or LaTeX (`standalone`), or
/// an `<svg>` element to inline in an HTML page.
public struct SVGDocument: Equatable, Sendable {
  /// Width in pixels (CSS pixels; 1 pixel is 0.75 pt in print).
  public var width: Double
  /// Height in pixels.
  public var height: Double
  /// The accessible title (`<title>`), which screen readers announce.
  public var title: String
  /// A longer accessible description (`<desc>`), or `nil`.
  public var summary: String?
  /// The drawing, over the background.
  public var content: [SVGElement]

  /// A document of the given size.
  public init(width: Double, height: Double, title: String, summary: String? = nil, content: [SVGElement]) {
    self.width = width
    self.height = height
    self.title = title
    self.summary = summary
    self.content = content
  }

  /// The root `<svg>` element.
  public var root: SVGElement {
    var children = [SVGElement("title", text: title)]
    if let summary { children.append(SVGElement("desc", text: summary)) }
    children.append(Shapes.rect(Rect(x: 0, y: 0, width: width, height: height), fill: Color(hex: 0xFFFFFF), className: "background"))
    children += content
    return SVGElement("svg", [
      "xmlns": "http://www.w3.org/2000/svg",
      "width": width, "height": height,
      "viewBox": "0 0 \(SVGNumber.format(width)) \(SVGNumber.format(height))",
      "font-family": TextMetrics.fontFamily,
      "role": "img",
    ], children: children)
  }

  /// The document as text: with an XML declaration and a final newline when `standalone`,
  /// or as a bare `<svg>` element for an HTML page.
  public func rendered(standalone: Bool = true) -> String {
    let body = root.rendered()
    return standalone ? "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + body + "\n" : body
  }
}
