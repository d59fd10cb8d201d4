extension SVGElement {
  /// The element and its descendants on one line, without indentation: the compact form of the
  /// training figures, whose image grids hold thousands of small rectangles.
  public func renderedInline() -> String {
    let open = ([name] + attributes.map { "\($0.name)=\"\(XMLText.escaped($0.value))\"" }).joined(separator: " ")
    if let text { return "<\(open)>\(XMLText.escaped(text))</\(name)>" }
    if children.isEmpty { return "<\(open)/>" }
    return "<\(open)>" + children.map { $0.renderedInline() }.joined() + "</\(name)>"
  }

  /// The element with each child on a line of its own (in ``renderedInline()`` form), and a
  /// final newline: the file layout of the training figures.
  public func renderedOneChildPerLine() -> String {
    let open = ([name] + attributes.map { "\($0.name)=\"\(XMLText.escaped($0.value))\"" }).joined(separator: " ")
    return "<\(open)>\n" + children.map { $0.renderedInline() + "\n" }.joined() + "</\(name)>\n"
  }
}
