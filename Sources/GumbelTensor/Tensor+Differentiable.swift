import _Differentiation

extension Tensor: AdditiveArithmetic {
  /// The scalar 0, which broadcasts to any shape.
  @inlinable
  public static var zero: Tensor { Tensor(0) }
}

extension Tensor: Differentiable {
  /// A tensor is its own tangent: gradients have the shape of the tensor (or are ``zero``).
  public typealias TangentVector = Tensor

  @inlinable
  public mutating func move(by offset: Tensor) {
    self = self + offset
  }
}
