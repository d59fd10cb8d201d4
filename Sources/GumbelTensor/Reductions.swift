import _Differentiation
import GumbelKernels
import RealModule

/// Sums and means, over all elements or along the last axis, and their derivatives.
extension Tensor {
  /// The sum of all elements, added in a fixed
  /// order (for `Float`, eight running sums; more accurate than one, and not waiting on each
  /// addition). A tensor whose `ElementPattern` gives its sum without reading every element
  /// (a product with a one-hot tensor) is summed from the pattern, with the same bits.
  @inlinable
  public func sum() -> Scalar {
    if isPatterned, let total = pattern.sumInLaneOrder(count: scalarCount, columns: columnCount) { return total }
    return scalars.withUnsafeBufferPointer { Kernels.sumInLaneOrder($0) }
  }

  /// The mean of all elements.
  @inlinable
  public func mean() -> Scalar { sum() / Scalar(scalarCount) }

  /// The sum of each row: shape `[..., K]` becomes `[...]`.
  @inlinable
  public func sumAlongLastAxis() -> Tensor {
    let columns = columnCount
    return Tensor(shape: Array(shape.dropLast()), scalars: (0..<rowCount).map { r in
      scalars[(r * columns)..<((r + 1) * columns)].reduce(0, +)
    })
  }

  /// `log(sum_k exp(x_k))` of each row, computed stably as `m + log(sum_k exp(x_k - m))` with
  /// `m` the row maximum. A row of `-infinity` gives `-infinity`.
  @inlinable
  public func logSumExp() -> Tensor {
    let columns = columnCount
    return Tensor(shape: Array(shape.dropLast()), scalars: (0..<rowCount).map { r in
      let row = scalars[(r * columns)..<((r + 1) * columns)]
      let m = row.max() ?? -.infinity
      guard m.isFinite else { return m }
      return m + Scalar.log(row.reduce(0) { $0 + Scalar.exp($1 - m) })
    })
  }

  /// This tensor with each row replaced by copies of the matching element of `rowValues`.
  @inlinable
  func broadcastRows(_ rowValues: [Scalar]) -> Tensor {
    let columns = columnCount
    return Tensor(shape: shape, scalars: (0..<scalarCount).map { rowValues[$0 / columns] })
  }

  @inlinable
  @derivative(of: sum)
  func _vjpSum() -> (value: Scalar, pullback: (Scalar) -> Tensor) {
    let shape = self.shape
    return (sum(), { v in Tensor(repeating: v, shape: shape) })
  }

  @inlinable
  @derivative(of: mean)
  func _vjpMean() -> (value: Scalar, pullback: (Scalar) -> Tensor) {
    let shape = self.shape
    let count = Scalar(scalarCount)
    return (mean(), { v in Tensor(repeating: v / count, shape: shape) })
  }

  @inlinable
  @derivative(of: sumAlongLastAxis)
  func _vjpSumAlongLastAxis() -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    let value = sumAlongLastAxis()
    return (value, { [self] v in broadcastRows(v.unbroadcast(to: value.shape).scalars) })
  }

  @inlinable
  @derivative(of: logSumExp)
  func _vjpLogSumExp() -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    let value = logSumExp()
    let weights = softmax()
    return (value, { v in weights * weights.broadcastRows(v.unbroadcast(to: value.shape).scalars) })
  }
}
