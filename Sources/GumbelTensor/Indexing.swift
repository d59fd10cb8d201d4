import GumbelKernels
import _Differentiation

/// Reading elements, changing shape, and the non-differentiable argmax and one-hot.
extension Tensor {
  /// The element at a row-major position.
  @inlinable
  public func scalar(at index: Int) -> Scalar { scalars[index] }

  /// The same elements with another shape of the same size.
  @inlinable
  public func reshaped(to newShape: [Int]) -> Tensor { Tensor(shape: newShape, scalars: scalars) }

  /// The index of the largest element of each row (the first one on ties), like `jnp.argmax(x, -1)`.
  /// Not differentiable: it is a step function.
  @inlinable
  public func argmax() -> [Int] {
    let columns = columnCount
    // One comparison at a time, through one buffer: reading `scalars` inside the loop
    // retained and released the array at every comparison (5.6% of a run's evaluation).
    return scalars.withUnsafeBufferPointer { x in
      (0..<rowCount).map { r in
        Kernels.scalarIndexOfMaximum(UnsafeBufferPointer(rebasing: x[(r * columns)..<((r + 1) * columns)]))
      }
    }
  }

  /// A tensor of this shape with 1 at each row's ``argmax()`` and 0 elsewhere.
  @inlinable
  public func oneHotArgmax() -> Tensor {
    let columns = columnCount
    var out = [Scalar](repeating: 0, count: scalarCount)
    for (r, k) in argmax().enumerated() { out[r * columns + k] = 1 }
    return Tensor(shape: shape, scalars: out)
  }

  @inlinable
  @derivative(of: scalar(at:))
  func _vjpScalar(at index: Int) -> (value: Scalar, pullback: (Scalar) -> Tensor) {
    let shape = self.shape
    return (scalars[index], { v in
      var gradient = [Scalar](repeating: 0, count: shape.reduce(1, *))
      gradient[index] = v
      return Tensor(shape: shape, scalars: gradient)
    })
  }

  @inlinable
  @derivative(of: reshaped)
  func _vjpReshaped(to newShape: [Int]) -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    let shape = self.shape
    return (reshaped(to: newShape), { v in v.unbroadcast(to: newShape).reshaped(to: shape) })
  }
}
