import _Differentiation
import RealModule

/// Element-wise elementary functions and their derivatives.
extension Tensor {
  /// `e^x` for each element.
  @inlinable
  public func exp() -> Tensor { Tensor(shape: shape, scalars: scalars.map { Scalar.exp($0) }) }

  /// The natural logarithm of each element.
  @inlinable
  public func log() -> Tensor { Tensor(shape: shape, scalars: scalars.map { Scalar.log($0) }) }

  /// The square of each element.
  @inlinable @differentiable(reverse)
  public func squared() -> Tensor { self * self }

  @inlinable
  @derivative(of: exp)
  func _vjpExp() -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    let value = exp()
    return (value, { v in (v * value).unbroadcast(to: value.shape) })
  }

  @inlinable
  @derivative(of: log)
  func _vjpLog() -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    (log(), { [self] v in (v / self).unbroadcast(to: shape) })
  }
}
