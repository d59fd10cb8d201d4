import _Differentiation
import GumbelKernels

/// The matrix product of `lhs` (`[M, K]`) and `rhs` (`[K, N]`): a `[M, N]` tensor with
/// `out[i, j] = sum_k lhs[i, k] * rhs[k, j]`, like `jnp.matmul` on two matrices.
///
/// `Float` products run on packed, register-blocked C kernels for AVX2 with FMA or AVX-512F
/// where the processor has them (each element the fused multiply-add chain over `k` in order,
/// the same bits on both), and otherwise on a cache-blocked SIMD kernel in Swift; nothing needs a
/// system library ("Kernels.md" in `Guides/` has the paths). On one path the result does not
/// depend on the number of threads; across paths, results agree within the classic error bound
/// of a sum of `K` products (``MatrixMultiply``).
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
///
/// Guarantees: on one kernel path, the same bits for any number of threads. Across paths
/// (``backend``), each element's error is within `gamma_k sum_p |lhs[i, p]| |rhs[p, j]|`,
/// `gamma_k = k u / (1 - k u)` for the unit roundoff `u` (Higham, *Accuracy and Stability of
/// Numerical Algorithms*, eq. 3.13), so two paths differ by at most twice that.
public enum MatrixMultiply {
  /// Which implementation runs `Float` products: `"avx512f"`, `"avx2-fma"`, `"swift-simd"`,
  /// `"accelerate"`, or `"blas:"` and the library the environment variable `GUMBEL_BLAS` named.
  /// (`Double` products run on the Swift kernel.)
  public static var backend: String { Kernels.matrixProductBackend }

  /// `lhs^(T?) rhs^(T?)` for rank-2 tensors. A transposed operand is read in place (on the C
  /// kernels) rather than copied.
  @inlinable
  public static func product<Scalar>(
    _ lhs: Tensor<Scalar>, _ rhs: Tensor<Scalar>, transposeLhs: Bool = false, transposeRhs: Bool = false
  ) -> Tensor<Scalar> {
    precondition(lhs.rank == 2 && rhs.rank == 2, "matmul needs two matrices, not shapes \(lhs.shape) and \(rhs.shape)")
    let (m, k) = transposeLhs ? (lhs.shape[1], lhs.shape[0]) : (lhs.shape[0], lhs.shape[1])
    let (k2, n) = transposeRhs ? (rhs.shape[1], rhs.shape[0]) : (rhs.shape[0], rhs.shape[1])
    precondition(k == k2, "matmul shapes \(lhs.shape)\(transposeLhs ? "^T" : "") and \(rhs.shape)\(transposeRhs ? "^T" : "") do not match")
    return Tensor(shape: [m, n], scalars: Kernels.matrixProduct(lhs.scalars, rhs.scalars, m: m, n: n, k: k,
                                                                transposeA: transposeLhs, transposeB: transposeRhs))
  }

  /// `relu?(lhs rhs + bias)` for a matrix `lhs` (`[M, K]`), `rhs` (`[K, N]`) and a row `bias`
  /// (`[N]`): a dense layer's forward pass, the bias and the ReLU applied by the product's kernel
  /// as it stores each tile (`x + bias[j]`, then `x > 0 ? x : 0`, each rounded as written).
  @inlinable
  package static func product<Scalar>(_ lhs: Tensor<Scalar>, _ rhs: Tensor<Scalar>, addingRow bias: Tensor<Scalar>, relu: Bool) -> Tensor<Scalar> {
    precondition(lhs.rank == 2 && rhs.rank == 2 && lhs.shape[1] == rhs.shape[0] && bias.shape == [rhs.shape[1]],
                 "shapes \(lhs.shape), \(rhs.shape) and bias \(bias.shape) do not make a dense layer")
    let (m, k, n) = (lhs.shape[0], lhs.shape[1], rhs.shape[1])
    return Tensor(shape: [m, n], scalars: Kernels.matrixProduct(lhs.scalars, rhs.scalars, m: m, n: n, k: k,
                                                                bias: bias.scalars, relu: relu))
  }
}
