import _Differentiation

/// The straight-through operation: one value forward, another's gradient backward.
extension Tensor {
  /// `hard` in the forward pass, with the gradient of `soft` in the backward pass.
  ///
  /// This is the straight-through trick of Bengio, Léonard & Courville (2013), usually written
  /// `hard - stop_gradient(soft) + soft`. As one operation its value is exactly `hard` (the
  /// sum above can be off by a rounding error) and its pullback passes the upstream tangent to
  /// `soft` unchanged.
  ///
  /// - Precondition: `hard` and `soft` have the same shape.
  @inlinable
  public static func straightThrough(_ hard: Tensor, gradientFrom soft: Tensor) -> Tensor {
    precondition(hard.shape == soft.shape, "straight-through shapes \(hard.shape) and \(soft.shape) differ")
    return hard
  }

  @inlinable
  @derivative(of: straightThrough, wrt: soft)
  static func _vjpStraightThrough(_ hard: Tensor, gradientFrom soft: Tensor)
    -> (value: Tensor, pullback: (Tensor) -> Tensor)
  {
    (straightThrough(hard, gradientFrom: soft), { v in v.unbroadcast(to: soft.shape) })
  }
}

/// The straight-through operation on scalars.
@inlinable
public func straightThrough<Scalar: TensorFloatingPoint>(_ hard: Scalar, gradientFrom soft: Scalar) -> Scalar {
  hard
}

@inlinable
@derivative(of: straightThrough, wrt: soft)
func _vjpStraightThrough<Scalar: TensorFloatingPoint>(_ hard: Scalar, gradientFrom soft: Scalar)
  -> (value: Scalar, pullback: (Scalar) -> Scalar)
{
  (hard, { v in v })
}
