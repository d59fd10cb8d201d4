import _Differentiation
import GumbelKernels

/// The affine map of a dense layer, `input weight + bias`: `[B, I] x [I, O] + [O]` gives `[B, O]`,
/// like `x @ w + b` in JAX.
///
/// One operation rather than ``matmul(_:_:)`` followed by a broadcast `+`, so the bias is added
/// and its gradient (the column sums of the upstream tangent) computed in single passes.
///
/// The derivative is `d input = v weight^T`, `d weight = input^T v`, `d bias = sum_rows v`.
///
/// - Precondition: `input` is `[B, I]`, `weight` is `[I, O]` and `bias` is `[O]`.
@inlinable
public func affine<Scalar>(_ input: Tensor<Scalar>, _ weight: Tensor<Scalar>, _ bias: Tensor<Scalar>) -> Tensor<Scalar> {
  precondition(weight.rank == 2 && bias.shape == [weight.shape[1]], "bias \(bias.shape) does not fit weight \(weight.shape)")
  return MatrixMultiply.product(input, weight).addingRowVector(bias)
}

@inlinable
@derivative(of: affine)
func _vjpAffine<Scalar>(_ input: Tensor<Scalar>, _ weight: Tensor<Scalar>, _ bias: Tensor<Scalar>)
  -> (value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> (Tensor<Scalar>, Tensor<Scalar>, Tensor<Scalar>))
{
  let value = affine(input, weight, bias)
  return (value, { v in
    let v = v.unbroadcast(to: value.shape)
    return (MatrixMultiply.product(v, weight, transposeRhs: true),
            MatrixMultiply.product(input, v, transposeLhs: true),
            v.columnSums())
  })
}

/// The derivative with respect to the parameters alone (the input a constant, as for a network's
/// first layer), which skips `v weight^T`.
@inlinable
@derivative(of: affine, wrt: (weight, bias))
func _vjpAffineParameters<Scalar>(_ input: Tensor<Scalar>, _ weight: Tensor<Scalar>, _ bias: Tensor<Scalar>)
  -> (value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> (Tensor<Scalar>, Tensor<Scalar>))
{
  let value = affine(input, weight, bias)
  return (value, { v in
    let v = v.unbroadcast(to: value.shape)
    return (MatrixMultiply.product(input, v, transposeLhs: true), v.columnSums())
  })
}

extension Tensor {
  /// `self[i, j] + row[j]`: a matrix plus a row vector (``affine(_:_:_:)``'s bias).
  @inlinable
  func addingRowVector(_ row: Tensor) -> Tensor {
    let columns = row.scalarCount
    precondition(rank == 2 && shape[1] == columns, "cannot add a row of \(columns) to \(shape)")
    return Tensor(shape: shape, scalars: Kernels.addingRowVector(scalars, row.scalars))
  }

  /// The sums of a matrix's columns: `[B, O]` gives `[O]` (the bias's gradient).
  @inlinable
  func columnSums() -> Tensor {
    precondition(rank == 2, "column sums need a matrix, not \(shape)")
    return Tensor(shape: [shape[1]], scalars: Kernels.columnSums(scalars, columns: shape[1]))
  }
}
