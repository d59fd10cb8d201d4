/// A point in figure coordinates (pixels, y pointing down).
public struct Point: Equatable, Sendable {
  /// Horizontal coordinate.
  public var x: Double
  /// Vertical coordinate, growing downwards.
  public var y: Double

  /// The point `(x, y)`.
  public init(x: Double, y: Double) {
    self.x = x
    self.y = y
  }
}

/// An axis-aligned rectangle in figure coordinates (pixels, y pointing down).
public struct Rect: Equatable, Sendable {
  /// Left edge.
  public var x: Double
  /// Top edge.
  public var y: Double
  /// Width, non-negative.
  public var width: Double
  /// Height, non-negative.
  public var height: Double

  /// The rectangle with top-left corner `(x, y)` and the given size.
  public init(x: Double, y: Double, width: Double, height: Double) {
    self.x = x
    self.y = y
    self.width = width
    self.height = height
  }

  /// The right edge.
  public var maxX: Double { x + width }
  /// The bottom edge.
  public var maxY: Double { y + height }
  /// The centre.
  public var center: Point { Point(x: x + width / 2, y: y + height / 2) }

  /// Whether the two rectangles share interior points (touching edges do not count).
  public func intersects(_ other: Rect) -> Bool {
    x < other.maxX && other.x < maxX && y < other.maxY && other.y < maxY
  }

  /// Whether `other` lies inside this rectangle (edges included).
  public func contains(_ other: Rect) -> Bool {
    other.x >= x && other.maxX <= maxX && other.y >= y && other.maxY <= maxY
  }

  /// The rectangle shrunk by `amount` on every side (grown for a negative amount).
  public func insetBy(_ amount: Double) -> Rect {
    Rect(x: x + amount, y: y + amount, width: max(0, width - 2 * amount), height: max(0, height - 2 * amount))
  }
}
