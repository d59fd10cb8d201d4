import _Differentiation
import GumbelKernels

/// Element-wise arithmetic with broadcasting (see `broadcastShape`), and its derivatives.
extension Tensor {
  /// Adding the scalar 0 (``zero``, which automatic differentiation adds to every gradient it
  /// accumulates) returns the other operand without a pass over its elements. Each operator
  /// spells out its operation in the loop for large operands of one shape (see
  /// `sameShapeInParallel`).
  @inlinable
  public static func + (lhs: Tensor, rhs: Tensor) -> Tensor {
    if lhs.isScalarZero, rhs.rank > 0 { return rhs }
    if rhs.isScalarZero, lhs.rank > 0 { return lhs }
    return sameShapeInParallel(lhs, rhs) { a, b, out, n in for i in 0..<n { (out + i).initialize(to: a[i] + b[i]) } }
      ?? broadcasting(lhs, rhs, +)
  }

  /// Whether this is a rank-0 tensor holding 0.
  @inlinable
  var isScalarZero: Bool {
    @inline(__always) get { shape.isEmpty && scalarCount == 1 && scalars[0] == 0 }
  }

  @inlinable
  public static func - (lhs: Tensor, rhs: Tensor) -> Tensor {
    sameShapeInParallel(lhs, rhs) { a, b, out, n in for i in 0..<n { (out + i).initialize(to: a[i] - b[i]) } }
      ?? broadcasting(lhs, rhs, -)
  }

  /// A product of operands of one shape uses their `ElementPattern`s: a tensor of ones
  /// (`sum`'s pullback) returns the other operand, and a one-hot operand (a straight-through
  /// sample) is not read: the product's elements are made only if read
  /// (`ElementPattern.oneHotTimes(_:factor:)`), and its ``sum()`` reads one element per row.
  @inlinable
  public static func * (lhs: Tensor, rhs: Tensor) -> Tensor {
    if lhs.isPatterned || rhs.isPatterned, lhs.shape == rhs.shape {
      if lhs.isKnownOnes { return rhs }
      if rhs.isKnownOnes { return lhs }
      if let indices = lhs.knownOneHotIndices { return Tensor(shape: lhs.shape, deferring: .oneHotTimes(indices, factor: rhs.scalars)) }
      if let indices = rhs.knownOneHotIndices { return Tensor(shape: lhs.shape, deferring: .oneHotTimes(indices, factor: lhs.scalars)) }
    }
    return sameShapeInParallel(lhs, rhs) { a, b, out, n in for i in 0..<n { (out + i).initialize(to: a[i] * b[i]) } }
      ?? broadcasting(lhs, rhs, *)
  }

  @inlinable
  public static func / (lhs: Tensor, rhs: Tensor) -> Tensor {
    sameShapeInParallel(lhs, rhs) { a, b, out, n in for i in 0..<n { (out + i).initialize(to: a[i] / b[i]) } }
      ?? broadcasting(lhs, rhs, /)
  }

  @inlinable
  public static prefix func - (operand: Tensor) -> Tensor {
    Tensor(shape: operand.shape, scalars: operand.scalars.map { -$0 })
  }

  @inlinable
  @derivative(of: +)
  static func _vjpAdd(lhs: Tensor, rhs: Tensor)
    -> (value: Tensor, pullback: (Tensor) -> (Tensor, Tensor))
  {
    let (lhsShape, rhsShape) = (lhs.shape, rhs.shape)
    return (lhs + rhs, { v in (v.unbroadcast(to: lhsShape), v.unbroadcast(to: rhsShape)) })
  }

  @inlinable
  @derivative(of: -)
  static func _vjpSubtract(lhs: Tensor, rhs: Tensor)
    -> (value: Tensor, pullback: (Tensor) -> (Tensor, Tensor))
  {
    let (lhsShape, rhsShape) = (lhs.shape, rhs.shape)
    return (lhs - rhs, { v in (v.unbroadcast(to: lhsShape), (-v).unbroadcast(to: rhsShape)) })
  }

  @inlinable
  @derivative(of: *)
  static func _vjpMultiply(lhs: Tensor, rhs: Tensor)
    -> (value: Tensor, pullback: (Tensor) -> (Tensor, Tensor))
  {
    (lhs * rhs, { v in ((v * rhs).unbroadcast(to: lhs.shape), (v * lhs).unbroadcast(to: rhs.shape)) })
  }

  // Products and quotients often have one operand that is not differentiated (a weight held
  // fixed, a constant): these derivatives with respect to one operand skip the other's
  // gradient, an array the size of the result.

  @inlinable
  @derivative(of: *, wrt: lhs)
  static func _vjpMultiplyLeft(lhs: Tensor, rhs: Tensor) -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    let lhsShape = lhs.shape
    return (lhs * rhs, { v in (v * rhs).unbroadcast(to: lhsShape) })
  }

  @inlinable
  @derivative(of: *, wrt: rhs)
  static func _vjpMultiplyRight(lhs: Tensor, rhs: Tensor) -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    let rhsShape = rhs.shape
    return (lhs * rhs, { v in (v * lhs).unbroadcast(to: rhsShape) })
  }

  @inlinable
  @derivative(of: /, wrt: lhs)
  static func _vjpDivideLeft(lhs: Tensor, rhs: Tensor) -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    let lhsShape = lhs.shape
    return (lhs / rhs, { v in (v / rhs).unbroadcast(to: lhsShape) })
  }

  @inlinable
  @derivative(of: /)
  static func _vjpDivide(lhs: Tensor, rhs: Tensor)
    -> (value: Tensor, pullback: (Tensor) -> (Tensor, Tensor))
  {
    let quotient = lhs / rhs
    return (quotient, { v in
      let dLhs = v / rhs
      return (dLhs.unbroadcast(to: lhs.shape), (-dLhs * quotient).unbroadcast(to: rhs.shape))
    })
  }

  @inlinable
  @derivative(of: -)
  static func _vjpNegate(operand: Tensor) -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    (-operand, { v in -v })
  }
}

/// Arithmetic between a tensor and a scalar, composed from the tensor operations.
extension Tensor {
  @inlinable @differentiable(reverse)
  public static func + (lhs: Tensor, rhs: Scalar) -> Tensor { lhs + Tensor(rhs) }
  @inlinable @differentiable(reverse)
  public static func - (lhs: Tensor, rhs: Scalar) -> Tensor { lhs - Tensor(rhs) }
  @inlinable @differentiable(reverse)
  public static func * (lhs: Tensor, rhs: Scalar) -> Tensor { lhs * Tensor(rhs) }
  @inlinable @differentiable(reverse)
  public static func * (lhs: Scalar, rhs: Tensor) -> Tensor { Tensor(lhs) * rhs }
  @inlinable @differentiable(reverse)
  public static func / (lhs: Tensor, rhs: Scalar) -> Tensor { lhs / Tensor(rhs) }
}

extension Tensor {
  @inlinable
  @derivative(of: init(_:))
  static func _vjpInit(_ scalar: Scalar) -> (value: Tensor, pullback: (Tensor) -> Scalar) {
    (Tensor(scalar), { v in v.scalars.reduce(0, +) })
  }
}
