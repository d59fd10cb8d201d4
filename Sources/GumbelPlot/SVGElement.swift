/// One element of an SVG (or any XML) document: a name, ordered attributes, and either text or
/// child elements.
///
/// Attributes keep the order in which they were given, and numbers are written by
/// `SVGNumber.format(_:)` (at most two decimals), so the same figure always serialises to the
/// same bytes.
///
///     let box = SVGElement("rect", ["x": 10, "y": 20.125, "width": 5, "fill": "#0072b2"])
///     box.rendered()    // <rect x="10" y="20.13" width="5" fill="#0072b2"/>
public struct SVGElement: Equatable, Sendable {
  /// The tag name, such as `rect`.
  public var name: String
  /// The attributes, in the order they are written.
  public var attributes: [SVGAttribute]
  /// Character content (escaped on output); an element has text or children, not both.
  public var text: String?
  /// The child elements.
  public var children: [SVGElement]

  /// An element from a literal list of attributes, whose values may be strings or numbers.
  public init(_ name: String, _ attributes: KeyValuePairs<String, any SVGAttributeValue> = [:],
              text: String? = nil, children: [SVGElement] = []) {
    self.name = name
    self.attributes = attributes.map { SVGAttribute(name: $0.key, value: $0.value.svgAttributeText) }
    self.text = text
    self.children = children
  }

  /// The value of the attribute `name`, if present.
  public subscript(attribute name: String) -> String? {
    get { attributes.first { $0.name == name }?.value }
    set {
      if let index = attributes.firstIndex(where: { $0.name == name }) {
        if let newValue { attributes[index].value = newValue } else { attributes.remove(at: index) }
      } else if let newValue {
        attributes.append(SVGAttribute(name: name, value: newValue))
      }
    }
  }

  /// A copy with one more attribute (or the attribute replaced).
  public func with(_ name: String, _ value: any SVGAttributeValue) -> SVGElement {
    var copy = self
    copy[attribute: name] = value.svgAttributeText
    return copy
  }

  /// The element and its descendants as XML, one element per line, indented by two spaces per
  /// level.
  public func rendered(indent: Int = 0) -> String {
    var lines: [String] = []
    append(to: &lines, depth: indent)
    return lines.joined(separator: "\n")
  }

  private func append(to lines: inout [String], depth: Int) {
    let pad = String(repeating: "  ", count: depth)
    let open = ([name] + attributes.map { "\($0.name)=\"\(XMLText.escaped($0.value))\"" }).joined(separator: " ")
    if let text {
      lines.append("\(pad)<\(open)>\(XMLText.escaped(text))</\(name)>")
    } else if children.isEmpty {
      lines.append("\(pad)<\(open)/>")
    } else {
      lines.append("\(pad)<\(open)>")
      for child in children { child.append(to: &lines, depth: depth + 1) }
      lines.append("\(pad)</\(name)>")
    }
  }

  /// Every element of this tree, depth first, this one first.
  public var descendantsAndSelf: [SVGElement] {
    [self] + children.flatMap(\.descendantsAndSelf)
  }
}

/// A named attribute value, already converted to text.
public struct SVGAttribute: Equatable, Sendable {
  /// The attribute name, such as `fill`.
  public var name: String
  /// The unescaped value.
  public var value: String
}

/// A value that can be written as an SVG attribute: text as it is, numbers rounded by
/// `SVGNumber.format(_:)`.
public protocol SVGAttributeValue {
  /// The value as attribute text (unescaped).
  var svgAttributeText: String { get }
}

extension String: SVGAttributeValue {
  /// The string itself.
  public var svgAttributeText: String { self }
}

extension Double: SVGAttributeValue {
  /// The number with at most two decimals.
  public var svgAttributeText: String { SVGNumber.format(self) }
}

extension Int: SVGAttributeValue {
  /// The integer in decimal.
  public var svgAttributeText: String { String(self) }
}

/// Escaping of character data and attribute values for XML, SVG and HTML.
public enum XMLText {
  /// `text` with `&`, `<`, `>`, `"` and `'` replaced by entities.
  public static func escaped(_ text: String) -> String {
    var result = ""
    result.reserveCapacity(text.utf8.count)
    for character in text {
      switch character {
      case "&": result += "&amp;"
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "\"": result += "&quot;"
      case "'": result += "&#39;"
      default: result.append(character)
      }
    }
    return result
  }
}
