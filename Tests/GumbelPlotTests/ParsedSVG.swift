import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import GumbelPlot

/// An SVG (or XHTML) document parsed as XML, with helpers to find elements by name and class
/// and to measure where its text lies.
struct ParsedSVG {
  /// The root element.
  let root: XMLElement

  /// Parses `text`; throws unless it is well-formed XML.
  init(_ text: String) throws {
    let document = try XMLDocument(xmlString: text, options: [])
    root = try #require(document.rootElement())
  }

  /// The root of a parsed element (for an `<svg>` inside an HTML page).
  init(root: XMLElement) { self.root = root }

  /// A numeric attribute of the root, such as `width`.
  func number(_ name: String) -> Double { Self.number(root, name) }

  /// Every element below `element` (itself included), depth first.
  static func descendants(of element: XMLElement) -> [XMLElement] {
    [element] + (element.children ?? []).compactMap { $0 as? XMLElement }.flatMap { descendants(of: $0) }
  }

  /// Elements named `name` (local name, ignoring namespaces) below `element`, or below the root.
  func elements(named name: String, in element: XMLElement? = nil) -> [XMLElement] {
    Self.descendants(of: element ?? root).filter { ($0.localName ?? $0.name) == name }
  }

  /// Elements whose class list contains `className`.
  func elements(classed className: String, in element: XMLElement? = nil) -> [XMLElement] {
    Self.descendants(of: element ?? root).filter { Self.classes($0).contains(className) }
  }

  /// The panels (`<g class="panel">`), in document order.
  var panels: [XMLElement] { elements(classed: "panel") }

  /// The value of attribute `name` of `element`. (Searches the attribute list: on Linux,
  /// `attribute(forName:)` finds nothing in an element of a default namespace, such as SVG's.)
  static func attribute(_ element: XMLElement, _ name: String) -> String? {
    element.attributes?.first { $0.name == name }?.stringValue
  }

  /// A numeric attribute, 0 if absent.
  static func number(_ element: XMLElement, _ name: String) -> Double {
    attribute(element, name).flatMap(Double.init) ?? 0
  }

  /// The class list of an element.
  static func classes(_ element: XMLElement) -> [String] {
    (attribute(element, "class") ?? "").split(separator: " ").map(String.init)
  }

  /// A rectangle's frame.
  static func frame(ofRect element: XMLElement) -> Rect {
    Rect(x: number(element, "x"), y: number(element, "y"), width: number(element, "width"), height: number(element, "height"))
  }

  /// The box a `<text>` element occupies, from its position, size, anchor and weight, with the
  /// same metrics the layout uses; rotated text (`rotate(-90 x y)`) gets a tall box.
  static func bounds(ofText element: XMLElement) -> Rect {
    let text = element.stringValue ?? ""
    let origin = Point(x: number(element, "x"), y: number(element, "y"))
    let size = number(element, "font-size")
    let anchor = TextAnchor(rawValue: attribute(element, "text-anchor") ?? "start") ?? .start
    let bold = attribute(element, "font-weight") == "bold"
    let flat = TextMetrics.bounds(of: text, at: origin, size: size, anchor: anchor, bold: bold)
    guard attribute(element, "transform")?.hasPrefix("rotate(-90") == true else { return flat }
    // A quarter turn anticlockwise about the origin: the text runs upwards, its top to the left.
    return Rect(x: origin.x - TextMetrics.ascent * size, y: origin.y - (flat.maxX - origin.x),
                width: flat.height, height: flat.width)
  }

  /// The box spanned by the lines, rectangles, polygons and circles below `element` (its
  /// drawing without the text).
  func geometryBounds(of element: XMLElement) -> Rect {
    var xs: [Double] = [], ys: [Double] = []
    for node in Self.descendants(of: element) {
      switch node.localName ?? node.name ?? "" {
      case "line":
        xs += [Self.number(node, "x1"), Self.number(node, "x2")]
        ys += [Self.number(node, "y1"), Self.number(node, "y2")]
      case "rect":
        let frame = Self.frame(ofRect: node)
        xs += [frame.x, frame.maxX]
        ys += [frame.y, frame.maxY]
      case "circle":
        let (x, y, r) = (Self.number(node, "cx"), Self.number(node, "cy"), Self.number(node, "r"))
        xs += [x - r, x + r]
        ys += [y - r, y + r]
      case "polygon":
        for pair in (Self.attribute(node, "points") ?? "").split(separator: " ") {
          let values = pair.split(separator: ",").compactMap { Double($0) }
          xs.append(values[0])
          ys.append(values[1])
        }
      default:
        continue
      }
    }
    guard let minX = xs.min(), let maxX = xs.max(), let minY = ys.min(), let maxY = ys.max() else {
      return Rect(x: 0, y: 0, width: 0, height: 0)
    }
    return Rect(x: minX, y: minY, width: maxX - minX, height: maxY - minY)
  }

  /// Every text box of the document, with its text.
  var textBoxes: [(text: String, box: Rect)] {
    elements(named: "text").map { ($0.stringValue ?? "", Self.bounds(ofText: $0)) }
  }

  /// The text of every `<text>` element.
  var texts: [String] { elements(named: "text").map { $0.stringValue ?? "" } }
}
