import _Differentiation
import GumbelKernels

/// The matrix product of `lhs` (`[M, K]`) and `rhs` (`[K, N]`): a `[M, N]` tensor with
/// `out[i, j] = sum_k lhs[i, k] * rhs[k, j]`, like `jnp.matmul` on two matrices.
///
/// The product runs on Accelerate's `cblas_sgemm`/`cblas_dgemm` where Accelerate exists (Apple
/// platforms), and otherwise on a cache-blocked SIMD kernel, written in Swift, which needs no
/// system library. Each element of the result is always summed in the same order,
/// so the result does not depend on the number of threads.
///
/// The derivative is `d lhs = v rhs^T` and `d rhs = lhs^T v` for an upstream `v`.
///
/// - Complexity: O(M N K).
/// - Precondition: both tensors have rank 2 and `lhs.shape[1] == rhs.shape[0]`.
@inlinable
public func matmul<Scalar>(_ lhs: Tensor<Scalar>, _ rhs: Tensor<Scalar>) -> Tensor<Scalar> {
  MatrixMultiply.product(lhs, rhs)
}

@inlinable
@derivative(of: matmul)
func _vjpMatmul<Scalar>(_ lhs: Tensor<Scalar>, _ rhs: Tensor<Scalar>)
  -> (value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> (Tensor<Scalar>, Tensor<Scalar>))
{
  let value = MatrixMultiply.product(lhs, rhs)
  return (value, { v in
    let v = v.unbroadcast(to: value.shape)
    return (MatrixMultiply.product(v, rhs, transposeRhs: true),
            MatrixMultiply.product(lhs, v, transposeLhs: true))
  })
}

/// The derivative with respect to `rhs` alone (`lhs` a constant, such as a batch of inputs),
/// which skips the product `v rhs^T`.
@inlinable
@derivative(of: matmul, wrt: rhs)
func _vjpMatmulRhs<Scalar>(_ lhs: Tensor<Scalar>, _ rhs: Tensor<Scalar>)
  -> (value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> Tensor<Scalar>)
{
  let value = MatrixMultiply.product(lhs, rhs)
  return (value, { v in MatrixMultiply.product(lhs, v.unbroadcast(to: value.shape), transposeLhs: true) })
}

extension Tensor {
  /// The transpose of a matrix: `[M, N]` becomes `[N, M]`.
  ///
  /// - Precondition: rank 2.
  @inlinable
  public func transposed() -> Tensor {
    precondition(rank == 2, "transposed() needs a matrix, not shape \(shape)")
    return Tensor(shape: [shape[1], shape[0]], scalars: Kernels.transpose(scalars, rows: shape[0], columns: shape[1]))
  }

  @inlinable
  @derivative(of: transposed)
  func _vjpTransposed() -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    let value = transposed()
    return (value, { v in v.unbroadcast(to: value.shape).transposed() })
  }
}

/// The matrix product of tensors; its kernel is `Kernels.matrixProduct` (GumbelKernels).
public enum MatrixMultiply {
  /// Which implementation runs the products: `"accelerate"` or `"swift-simd"`.
  public static var backend: String { Kernels.matrixProductBackend }

  /// `lhs^(T?) rhs^(T?)` for rank-2 tensors, transposing either operand first when asked.
  @inlinable
  public static func product<Scalar>(
    _ lhs: Tensor<Scalar>, _ rhs: Tensor<Scalar>, transposeLhs: Bool = false, transposeRhs: Bool = false
  ) -> Tensor<Scalar> {
    precondition(lhs.rank == 2 && rhs.rank == 2, "matmul needs two matrices, not shapes \(lhs.shape) and \(rhs.shape)")
    let (m, k) = transposeLhs ? (lhs.shape[1], lhs.shape[0]) : (lhs.shape[0], lhs.shape[1])
    let (k2, n) = transposeRhs ? (rhs.shape[1], rhs.shape[0]) : (rhs.shape[0], rhs.shape[1])
    precondition(k == k2, "matmul shapes \(lhs.shape)\(transposeLhs ? "^T" : "") and \(rhs.shape)\(transposeRhs ? "^T" : "") do not match")
    let a = transposeLhs ? Kernels.transpose(lhs.scalars, rows: lhs.shape[0], columns: lhs.shape[1]) : lhs.scalars
    let b = transposeRhs ? Kernels.transpose(rhs.scalars, rows: rhs.shape[0], columns: rhs.shape[1]) : rhs.scalars
    return Tensor(shape: [m, n], scalars: Kernels.matrixProduct(a, b, m: m, n: n, k: k))
  }
}
