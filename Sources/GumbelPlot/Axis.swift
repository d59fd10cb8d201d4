/// A tick on an axis: a data value, and the label written next to it (none for an unlabelled
/// tick).
struct AxisTick: Equatable {
  /// The data value.
  var value: Double
  /// The label, or `nil` for a bare tick mark.
  var label: String?

  /// Ticks at `values`, labelled with a common number of decimals.
  static func numeric(_ values: [Double]) -> [AxisTick] {
    zip(values, LinearScale.labels(for: values)).map { AxisTick(value: $0, label: $1) }
  }
}

/// An axis along the bottom or the left edge of a panel: its line, tick marks, tick labels and
/// title, laid out so that labels sit clear of the panel and of each other.
struct Axis {
  /// Which edge of the panel the axis runs along.
  enum Edge { case bottom, left }

  /// The edge.
  var edge: Edge
  /// Maps data values to positions along the axis.
  var scale: LinearScale
  /// The ticks.
  var ticks: [AxisTick]
  /// The axis title, or `nil`.
  var title: String?
  /// The coordinate of the axis line across the axis (a y for the bottom, an x for the left).
  var position: Double
  /// Whether to write the tick labels (off for panels that share the axis of a neighbour).
  var showsLabels = true

  static let tickLength = 4.0
  static let labelGap = 3.0
  static let titleGap = 6.0

  /// The widest tick label, in pixels.
  var labelWidth: Double {
    ticks.compactMap(\.label).map { TextMetrics.width(of: $0, size: FontSize.tick) }.max() ?? 0
  }

  /// How far an axis with these ticks and title reaches out from its line, before it is placed.
  static func extent(_ edge: Edge, ticks: [AxisTick], title: String?) -> Double {
    Axis(edge: edge, scale: LinearScale(domain: 0...1, range: (0, 1)), ticks: ticks, title: title, position: 0).extent
  }

  /// How far the labels and the title reach out from the axis line, for layout.
  var extent: Double {
    let labels = showsLabels && ticks.contains { $0.label != nil }
    let labelDepth = labels ? (edge == .bottom ? FontSize.tick : labelWidth) + Self.labelGap : 0
    let titleDepth = title == nil ? 0 : Self.titleGap + FontSize.axisTitle
    return Self.tickLength + labelDepth + titleDepth
  }

  /// The axis line, ticks, labels and title.
  func element() -> SVGElement {
    var children: [SVGElement] = []
    let (start, end) = (scale.rangeStart, scale.rangeEnd)
    switch edge {
    case .bottom:
      children.append(Shapes.line(from: Point(x: start, y: position), to: Point(x: end, y: position), stroke: Palette.frame))
      for tick in ticks {
        let x = scale(tick.value)
        children.append(Shapes.line(from: Point(x: x, y: position), to: Point(x: x, y: position + Self.tickLength), stroke: Palette.frame))
        if showsLabels, let label = tick.label {
          let baseline = position + Self.tickLength + Self.labelGap + TextMetrics.ascent * FontSize.tick
          children.append(Shapes.text(label, at: Point(x: x, y: baseline), size: FontSize.tick, anchor: .middle, className: "tick-label"))
        }
      }
      if let title {
        let labels = showsLabels && ticks.contains { $0.label != nil }
        let top = position + Self.tickLength + (labels ? Self.labelGap + FontSize.tick : 0) + Self.titleGap
        let baseline = top + TextMetrics.ascent * FontSize.axisTitle
        children.append(Shapes.text(title, at: Point(x: (start + end) / 2, y: baseline), size: FontSize.axisTitle,
                                    anchor: .middle, className: "axis-title"))
      }
    case .left:
      children.append(Shapes.line(from: Point(x: position, y: start), to: Point(x: position, y: end), stroke: Palette.frame))
      for tick in ticks {
        let y = scale(tick.value)
        children.append(Shapes.line(from: Point(x: position - Self.tickLength, y: y), to: Point(x: position, y: y), stroke: Palette.frame))
        if showsLabels, let label = tick.label {
          let baseline = y + (TextMetrics.ascent - TextMetrics.descent) / 2 * FontSize.tick
          children.append(Shapes.text(label, at: Point(x: position - Self.tickLength - Self.labelGap, y: baseline),
                                      size: FontSize.tick, anchor: .end, className: "tick-label"))
        }
      }
      if let title {
        let labels = showsLabels && ticks.contains { $0.label != nil }
        let right = position - Self.tickLength - (labels ? Self.labelGap + labelWidth : 0) - Self.titleGap
        let baseline = right - TextMetrics.descent * FontSize.axisTitle
        children.append(Shapes.text(title, at: Point(x: baseline, y: (start + end) / 2), size: FontSize.axisTitle,
                                    anchor: .middle, rotated: true, className: "axis-title"))
      }
    }
    return Shapes.group(edge == .bottom ? "axis x-axis" : "axis y-axis", children)
  }
}
