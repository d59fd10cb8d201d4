/// The probability simplex of three categories drawn as an equilateral triangle: category 0 at
/// the bottom-left corner, category 1 at the bottom-right, category 2 at the top. A point
/// `(y0, y1, y2)` of the simplex is drawn at `y0 A + y1 B + y2 C` (barycentric coordinates).
struct SimplexTriangle {
  /// The corners of categories 0, 1 and 2.
  let corners: [Point]

  /// The height of an equilateral triangle of side 1.
  static let unitHeight = 0.866_025_403_784_438_6

  /// The triangle with side `side` whose bottom-left corner is `origin`.
  init(bottomLeft origin: Point, side: Double) {
    corners = [origin, Point(x: origin.x + side, y: origin.y),
               Point(x: origin.x + side / 2, y: origin.y - side * Self.unitHeight)]
  }

  /// The length of a side.
  var side: Double { corners[1].x - corners[0].x }

  /// Where the simplex point `y` (three coordinates summing to 1) is drawn.
  func point(_ y: [Double]) -> Point {
    Point(x: y[0] * corners[0].x + y[1] * corners[1].x + y[2] * corners[2].x,
          y: y[0] * corners[0].y + y[1] * corners[1].y + y[2] * corners[2].y)
  }

  /// The barycentric coordinates of a point of the unit triangle `(0, 0), (1, 0),
  /// (1/2, sqrt(3)/2)` (with `v` pointing up): negative outside the triangle.
  static func barycentric(u: Double, v: Double) -> [Double] {
    let y2 = v / unitHeight
    let y1 = u - y2 / 2
    return [1 - y1 - y2, y1, y2]
  }
}
