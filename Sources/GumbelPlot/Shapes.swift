/// Constructors for the SVG elements that figures draw, with the house style applied: crisp
/// one-pixel lines, the palette's colours, and text in the figure's font stack.
enum Shapes {
  /// A filled rectangle, optionally outlined.
  static func rect(_ frame: Rect, fill: Color?, stroke: Color? = nil, strokeWidth: Double = 1,
                   className: String? = nil) -> SVGElement {
    var element = SVGElement("rect", ["x": frame.x, "y": frame.y, "width": frame.width, "height": frame.height])
    if let className { element[attribute: "class"] = className }
    element[attribute: "fill"] = fill?.hex ?? "none"
    if let stroke {
      element[attribute: "stroke"] = stroke.hex
      element[attribute: "stroke-width"] = SVGNumber.format(strokeWidth)
    }
    return element
  }

  /// A straight line.
  static func line(from start: Point, to end: Point, stroke: Color, width: Double = 1,
                   dash: String? = nil, className: String? = nil) -> SVGElement {
    var element = SVGElement("line", ["x1": start.x, "y1": start.y, "x2": end.x, "y2": end.y,
                                      "stroke": stroke.hex, "stroke-width": width])
    if let dash { element[attribute: "stroke-dasharray"] = dash }
    if let className { element[attribute: "class"] = className }
    return element
  }

  /// A circle (a scatter point).
  static func circle(center: Point, radius: Double, fill: Color, stroke: Color? = nil,
                     strokeWidth: Double = 0.6, className: String? = nil) -> SVGElement {
    var element = SVGElement("circle", ["cx": center.x, "cy": center.y, "r": radius, "fill": fill.hex])
    if let stroke {
      element[attribute: "stroke"] = stroke.hex
      element[attribute: "stroke-width"] = SVGNumber.format(strokeWidth)
    }
    if let className { element[attribute: "class"] = className }
    return element
  }

  /// A closed polygon.
  static func polygon(_ points: [Point], fill: Color?, stroke: Color? = nil, strokeWidth: Double = 1,
                      className: String? = nil) -> SVGElement {
    let list = points.map { "\(SVGNumber.format($0.x)),\(SVGNumber.format($0.y))" }.joined(separator: " ")
    var element = SVGElement("polygon", ["points": list, "fill": fill?.hex ?? "none"])
    if let stroke {
      element[attribute: "stroke"] = stroke.hex
      element[attribute: "stroke-width"] = SVGNumber.format(strokeWidth)
      element[attribute: "stroke-linejoin"] = "round"
    }
    if let className { element[attribute: "class"] = className }
    return element
  }

  /// A line of text whose anchor point on the baseline is `origin`; `rotated` turns it a
  /// quarter turn anticlockwise about that point (for vertical axis titles).
  static func text(_ string: String, at origin: Point, size: Double, anchor: TextAnchor = .start,
                   bold: Bool = false, color: Color = Palette.ink, rotated: Bool = false,
                   className: String? = nil) -> SVGElement {
    var element = SVGElement("text", ["x": origin.x, "y": origin.y, "font-size": size], text: string)
    if anchor != .start { element[attribute: "text-anchor"] = anchor.rawValue }
    if bold { element[attribute: "font-weight"] = "bold" }
    element[attribute: "fill"] = color.hex
    if rotated {
      element[attribute: "transform"] = "rotate(-90 \(SVGNumber.format(origin.x)) \(SVGNumber.format(origin.y)))"
    }
    if let className { element[attribute: "class"] = className }
    return element
  }

  /// A group of elements, labelled by a class (which tests and style sheets select on).
  static func group(_ className: String, _ children: [SVGElement], extra: KeyValuePairs<String, any SVGAttributeValue> = [:]) -> SVGElement {
    var element = SVGElement("g", extra, children: children)
    element.attributes.insert(SVGAttribute(name: "class", value: className), at: 0)
    return element
  }
}

/// Font sizes, in pixels, shared by all figures.
enum FontSize {
  /// The figure title.
  static let title = 17.0
  /// The line under the title.
  static let subtitle = 12.5
  /// A panel's title.
  static let panelTitle = 14.0
  /// A panel's second title line.
  static let panelSubtitle = 11.5
  /// Axis titles.
  static let axisTitle = 12.5
  /// Tick labels.
  static let tick = 11.0
  /// Legend labels.
  static let legend = 12.0
}
