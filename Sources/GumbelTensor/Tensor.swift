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
  /// The elements, or `nil` for a tensor whose elements ``deferred`` makes from its pattern
  /// when they are first read.
  @usableFromInline let storedScalars: [Scalar]?
  /// The elements of a tensor made from its pattern alone, made once, when first read.
  @usableFromInline let deferred: DeferredScalars<Scalar>?
  /// What the operation that made this tensor knows about its elements beyond their values
  /// (all equal, or one-hot rows), which lets later operations skip work; ``ElementPattern``.
  /// It never changes a result, and two tensors with the same shape and elements are equal
  /// whatever their patterns.
  @usableFromInline let pattern: ElementPattern<Scalar>

  /// The elements, row-major (the last dimension varies fastest).
  @inlinable
  public var scalars: [Scalar] { storedScalars ?? deferred!.scalars }

  /// A tensor with the given shape and row-major elements.
  ///
  /// - Precondition: `scalars.count` is the product of `shape`.
  @inlinable
  public init(shape: [Int], scalars: [Scalar]) {
    self.init(shape: shape, scalars: scalars, pattern: .none)
  }

  /// A tensor with the given shape and row-major elements, which follow `pattern`.
  ///
  /// - Precondition: `scalars.count` is the product of `shape`; the elements follow
  ///   `pattern` (checked in debug builds).
  @inlinable
  package init(shape: [Int], scalars: [Scalar], pattern: ElementPattern<Scalar>) {
    precondition(shape.allSatisfy { $0 >= 0 } && shape.reduce(1, *) == scalars.count,
                 "\(scalars.count) scalars do not fill shape \(shape)")
    assert(pattern.describes(scalars, columns: shape.last ?? 1), "the elements do not follow \(pattern)")
    self.init(shape: shape, storedScalars: scalars, deferred: nil, pattern: pattern)
  }

  /// A tensor of the given shape whose elements are `pattern`'s (`.uniform` or `.oneHot`, with
  /// one index per row), made only when first read: operations that use the pattern never make
  /// them. Small tensors are made at once.
  ///
  /// - Precondition: `pattern` is not `.none`, and a one-hot pattern has one index in
  ///   `0..<shape.last` per row.
  @inlinable
  package init(shape: [Int], deferring pattern: ElementPattern<Scalar>) {
    precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in shape \(shape)")
    let count = shape.reduce(1, *), columns = shape.last ?? 1
    if count < Self.deferredMinimum {
      self.init(shape: shape, scalars: pattern.elements(count: count, columns: columns), pattern: pattern)
    } else {
      self.init(
        shape: shape, storedScalars: nil, deferred: DeferredScalars(pattern: pattern, count: count, columns: columns),
        pattern: pattern)
    }
  }

  /// The stored properties, unchecked.
  @inlinable
  init(shape: [Int], storedScalars: [Scalar]?, deferred: DeferredScalars<Scalar>?, pattern: ElementPattern<Scalar>) {
    self.shape = shape
    self.storedScalars = storedScalars
    self.deferred = deferred
    self.pattern = pattern
  }

  /// The fewest elements for which ``init(shape:deferring:)`` defers them: below this, making
  /// them costs less than the object that would defer them.
  @inlinable static var deferredMinimum: Int { 1 << 12 }

  @inlinable
  public static func == (lhs: Tensor, rhs: Tensor) -> Bool {
    lhs.shape == rhs.shape && lhs.scalars == rhs.scalars
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
    self.init(shape: shape, deferring: .uniform(value))
  }

  /// The number of dimensions.
  @inlinable public var rank: Int { shape.count }
  /// The number of elements.
  @inlinable public var scalarCount: Int { storedScalars?.count ?? deferred!.count }
  /// The length of the last dimension (the categories), 1 for a scalar.
  @inlinable public var columnCount: Int { shape.last ?? 1 }
  /// The number of rows: the product of all dimensions but the last.
  @inlinable public var rowCount: Int { columnCount == 0 ? 0 : scalarCount / columnCount }

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
