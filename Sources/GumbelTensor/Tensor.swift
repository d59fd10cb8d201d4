/// A small dense array of floats, row-major, whose operations are differentiable with Swift's
/// native automatic differentiation.
///
/// A tensor of shape `[rows, categories]` is a batch of rows; most operations that need an
/// axis (``softmax(temperature:)``, ``logSumExp()``, ``argmax()``) work along the last one,
/// the categories. Every operation registers its own derivative, so the compiler never
/// differentiates a loop. A rank-0 tensor (shape `[]`) is a scalar; it broadcasts to any shape,
/// which is how ``zero`` works.
public struct Tensor<Scalar: TensorFloatingPoint>: Equatable, Sendable {
  /// The size of each dimension.
  public let shape: [Int]
  /// The elements, row-major (the last dimension varies fastest).
  public let scalars: [Scalar]

  /// A tensor with the given shape and row-major elements.
  ///
  /// - Precondition: `scalars.count` is the product of `shape`.
  @inlinable
  public init(shape: [Int], scalars: [Scalar]) {
    precondition(shape.allSatisfy { $0 >= 0 } && shape.reduce(1, *) == scalars.count,
                 "\(scalars.count) scalars do not fill shape \(shape)")
    self.shape = shape
    self.scalars = scalars
  }

  /// A rank-0 tensor holding one scalar.
  @inlinable
  public init(_ scalar: Scalar) { self.init(shape: [], scalars: [scalar]) }

  /// A vector.
  @inlinable
  public init(_ vector: [Scalar]) { self.init(shape: [vector.count], scalars: vector) }

  /// A matrix from its rows, which must all have the same length.
  public init(rows: [[Scalar]]) {
    let columns = rows.first?.count ?? 0
    precondition(rows.allSatisfy { $0.count == columns }, "rows have different lengths")
    self.init(shape: [rows.count, columns], scalars: rows.flatMap { $0 })
  }

  /// A tensor of the given shape with every element equal to `value`.
  @inlinable
  public init(repeating value: Scalar, shape: [Int]) {
    self.init(shape: shape, scalars: [Scalar](repeating: value, count: shape.reduce(1, *)))
  }

  /// The number of dimensions.
  @inlinable public var rank: Int { shape.count }
  /// The number of elements.
  @inlinable public var scalarCount: Int { scalars.count }
  /// The length of the last dimension (the categories), 1 for a scalar.
  @inlinable public var columnCount: Int { shape.last ?? 1 }
  /// The number of rows: the product of all dimensions but the last.
  @inlinable public var rowCount: Int { columnCount == 0 ? 0 : scalars.count / columnCount }

  /// The rows as arrays (for printing and tests).
  public var rows: [[Scalar]] {
    (0..<rowCount).map { r in Array(scalars[(r * columnCount)..<((r + 1) * columnCount)]) }
  }
}

extension Tensor: CustomStringConvertible {
  public var description: String {
    rank <= 1 ? "\(rank == 0 ? "\(scalars[0])" : "\(scalars)")" : "\(rows)"
  }
}
