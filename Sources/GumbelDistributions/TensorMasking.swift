import _Differentiation
import GumbelTensor

/// Masking and gathering, the two operations the distributions need beyond GumbelTensor.
extension Tensor {
  /// This tensor with the elements where `mask` is true replaced by `value`; those elements
  /// receive no gradient. Used to keep `-infinity` out of the arithmetic of masked categories.
  ///
  /// The mask is row-major like the tensor and repeats when it is shorter (a mask for logits
  /// `[K]` applies to every row of samples `[N, K]`).
  /// - Precondition: `mask.count` divides `scalarCount`.
  @inlinable
  public func replacing(where mask: [Bool], with value: Scalar) -> Tensor {
    precondition(!mask.isEmpty ? scalarCount % mask.count == 0 : scalarCount == 0, "mask of \(mask.count) does not tile \(shape)")
    return Tensor(shape: shape, scalars: scalars.indices.map { mask[$0 % mask.count] ? value : scalars[$0] })
  }

  /// For each row `r`, the element in column `columns[r]`: shape `[..., K]` becomes `[...]`.
  @inlinable
  public func picking(columns: [Int]) -> Tensor {
    let k = columnCount
    return Tensor(shape: Array(shape.dropLast()), scalars: columns.enumerated().map { scalars[$0 * k + $1] })
  }

  @inlinable
  @derivative(of: replacing, wrt: self)
  func _vjpReplacing(where mask: [Bool], with value: Scalar) -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    let shape = self.shape
    return (replacing(where: mask, with: value), { v in
      v.unbroadcast(to: shape).replacing(where: mask, with: 0)
    })
  }

  @inlinable
  @derivative(of: picking, wrt: self)
  func _vjpPicking(columns: [Int]) -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    let (shape, k) = (self.shape, columnCount)
    let value = picking(columns: columns)
    return (value, { v in
      let v = v.unbroadcast(to: value.shape)
      var gradient = [Scalar](repeating: 0, count: shape.reduce(1, *))
      for (r, column) in columns.enumerated() { gradient[r * k + column] = v.scalars[r] }
      return Tensor(shape: shape, scalars: gradient)
    })
  }
}

extension Tensor {
  /// Which elements are `-infinity` (masked categories).
  @inlinable
  public var maskedElements: [Bool] { scalars.map { $0 == -.infinity } }
}
