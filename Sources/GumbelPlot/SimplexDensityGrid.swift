import GumbelDistributions
import GumbelTensor

/// A density of three categories evaluated on a grid of square cells covering the triangle of
/// the 2-simplex, for drawing as a heat map.
///
/// The grid lies over the unit triangle `(0, 0), (1, 0), (1/2, sqrt(3)/2)` with ``rows`` rows
/// from the top; each cell is evaluated at its centre, pulled inside the simplex by a fraction
/// of a cell so that cells cut by an edge get a finite value (the figure clips them to the
/// triangle). Cells entirely outside are `nil`.
public struct SimplexDensityGrid: Equatable, Sendable {
  /// The number of rows (the resolution along the height).
  public let rows: Int
  /// The number of columns.
  public let columns: Int
  /// The log-density per cell, row-major from the top-left; `nil` outside the triangle.
  public let logDensity: [Double?]

  /// The side of a cell, in units of the triangle's side.
  public var cellSize: Double { SimplexTriangle.unitHeight / Double(rows) }

  /// Evaluates `distribution.logDensity(of:)` (three categories) at every cell that meets the
  /// triangle.
  init(distribution: GumbelSoftmax<Double>, rows: Int) {
    let cell = SimplexTriangle.unitHeight / Double(rows)
    let columns = Int((1 / cell).rounded(.up))
    let inset = cell / 8
    var points: [Double] = []
    var indices: [Int] = []
    for row in 0..<rows {
      for column in 0..<columns {
        let u = (Double(column) + 0.5) * cell
        let v = SimplexTriangle.unitHeight - (Double(row) + 0.5) * cell
        let y = SimplexTriangle.barycentric(u: u, v: v)
        // The cell meets the triangle if its centre is within half a diagonal of it.
        guard y.allSatisfy({ $0 >= -cell * 0.75 }) else { continue }
        let pulled = y.map { max($0, inset) }
        let sum = pulled.reduce(0, +)
        points += pulled.map { $0 / sum }
        indices.append(row * columns + column)
      }
    }
    let values = distribution.logDensity(of: Tensor(shape: [indices.count, 3], scalars: points)).scalars
    var grid = [Double?](repeating: nil, count: rows * columns)
    for (index, value) in zip(indices, values) where value.isFinite { grid[index] = value }
    self.rows = rows
    self.columns = columns
    self.logDensity = grid
  }

  /// A robust colour range: the `lower` and `upper` quantiles of the finite values.
  func colorRange(lower: Double = 0.01, upper: Double = 0.995) -> ClosedRange<Double> {
    let sorted = logDensity.compactMap { $0 }.sorted()
    guard !sorted.isEmpty else { return 0...1 }
    let low = SampleStatistics.quantile(sorted: sorted, lower)
    let high = SampleStatistics.quantile(sorted: sorted, upper)
    return high > low ? low...high : (low - 0.5)...(low + 0.5)
  }
}
