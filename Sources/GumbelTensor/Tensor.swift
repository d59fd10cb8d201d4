import GumbelKernels

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
  /// The elements, or, for a large tensor made by an operation that knows a pattern of its
  /// elements (all equal, one-hot rows, or a product with one-hot rows), the pattern with the
  /// elements or a way to make them when first read. Later operations use a pattern to skip
  /// work (``ElementPattern``); it never changes a result, and two tensors with the same shape
  /// and elements are equal whatever their patterns.
  @usableFromInline let storage: TensorStorage<Scalar>

  /// The elements, row-major (the last dimension varies fastest).
  @inlinable
  public var scalars: [Scalar] {
    @inline(__always) get {
      switch storage {
      case .elements(let scalars): scalars
      case .patterned(let patterned): patterned.scalars
      }
    }
  }

  /// A tensor with the given shape and row-major elements.
  ///
  /// - Precondition: `scalars.count` is the product of `shape`.
  @inlinable
  public init(shape: [Int], scalars: [Scalar]) {
    precondition(shape.allSatisfy { $0 >= 0 } && shape.reduce(1, *) == scalars.count,
                 "\(scalars.count) scalars do not fill shape \(shape)")
    self.init(shape: shape, storage: .elements(scalars))
  }

  /// A tensor with the given shape and row-major elements, which follow `pattern`; the pattern
  /// is kept for tensors of at least ``patternMinimum`` elements.
  ///
  /// - Precondition: `scalars.count` is the product of `shape`; the elements follow
  ///   `pattern` (checked in debug builds).
  @inlinable
  package init(shape: [Int], scalars: [Scalar], pattern: ElementPattern<Scalar>) {
    precondition(shape.allSatisfy { $0 >= 0 } && shape.reduce(1, *) == scalars.count,
                 "\(scalars.count) scalars do not fill shape \(shape)")
    assert(pattern.describes(scalars, columns: shape.last ?? 1), "the elements do not follow \(pattern)")
    let keepsPattern = scalars.count >= Self.patternMinimum
    self.init(
      shape: shape,
      storage: keepsPattern ? .patterned(PatternedElements(pattern: pattern, elements: scalars)) : .elements(scalars))
  }

  /// A tensor of the given shape whose elements are `pattern`'s (`.uniform`, or `.oneHot` and
  /// `.oneHotTimes` with one index per row), made only when first read: operations that use
  /// the pattern never make them. Tensors under ``patternMinimum`` elements are made at once,
  /// without the pattern.
  ///
  /// - Precondition: `pattern` fits the shape (``ElementPattern/fits(count:columns:)``): it is
  ///   not `.none`, and a one-hot pattern has one index in `0..<shape.last` per row.
  @inlinable
  package init(shape: [Int], deferring pattern: ElementPattern<Scalar>) {
    precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in shape \(shape)")
    let count = shape.reduce(1, *), columns = shape.last ?? 1
    precondition(pattern.fits(count: count, columns: columns), "\(pattern) does not fit shape \(shape)")
    if count < Self.patternMinimum {
      self.init(shape: shape, scalars: pattern.elements(count: count, columns: columns))
    } else {
      self.init(shape: shape, storage: .patterned(PatternedElements(pattern: pattern, count: count, columns: columns)))
    }
  }

  /// The stored properties, unchecked.
  @inlinable
  init(shape: [Int], storage: TensorStorage<Scalar>) {
    self.shape = shape
    self.storage = storage
  }

  /// The fewest elements for which a tensor keeps a pattern of its elements (and may defer
  /// them): below this, a pass over the elements costs less than the object that holds it.
  @inlinable static var patternMinimum: Int { 1 << 12 }

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
    let count = shape.reduce(1, *)
    if count < Self.patternMinimum {
      self.init(shape: shape, scalars: [Scalar](filling: count, with: value))
    } else {
      self.init(shape: shape, deferring: .uniform(value))
    }
  }

  /// The number of dimensions.
  @inlinable public var rank: Int { shape.count }
  /// The number of elements.
  @inlinable public var scalarCount: Int {
    switch storage {
    case .elements(let scalars): scalars.count
    case .patterned(let patterned): patterned.count
    }
  }
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

extension Tensor {
  /// Calls `body` with the elements, mutable, and keeps what it writes. The elements are
  /// taken out of the tensor first, so when this tensor holds the only reference to them they
  /// are changed in place (no copy); otherwise the copy-on-write copies them once. A patterned
  /// tensor's elements are made first and the pattern dropped.
  @inlinable
  package mutating func withUnsafeMutableScalars<Result>(
    _ body: (UnsafeMutableBufferPointer<Scalar>) throws -> Result
  ) rethrows -> Result {
    var elements = scalars
    self = Tensor(shape: shape, storage: .elements([]))
    defer { self = Tensor(shape: shape, storage: .elements(elements)) }
    return try elements.withUnsafeMutableBufferPointer { try body($0) }
  }
}
