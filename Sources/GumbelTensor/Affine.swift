import _Differentiation
import GumbelKernels

/// The affine map of a dense layer, `input weight + bias`: `[B, I] x [I, O] + [O]` gives `[B, O]`,
/// like `x @ w + b` in JAX.
///
/// One operation rather than ``matmul(_:_:)`` followed by a broadcast `+`, so the bias is added
/// by the product's kernel as it stores the output, and its gradient (the column sums of the
/// upstream tangent) computed in one pass.
///
/// The derivative is `d input = v weight^T`, `d weight = input^T v`, `d bias = sum_rows v`.
///
/// - Precondition: `input` is `[B, I]`, `weight` is `[I, O]` and `bias` is `[O]`.
@inlinable
public func affine<Scalar>(_ input: Tensor<Scalar>, _ weight: Tensor<Scalar>, _ bias: Tensor<Scalar>) -> Tensor<Scalar> {
  MatrixMultiply.product(input, weight, addingRow: bias, relu: false)
}

@inlinable
@derivative(of: affine)
func _vjpAffine<Scalar>(_ input: Tensor<Scalar>, _ weight: Tensor<Scalar>, _ bias: Tensor<Scalar>)
  -> (value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> (Tensor<Scalar>, Tensor<Scalar>, Tensor<Scalar>))
{
  let value = affine(input, weight, bias)
  return (value, { v in
    let v = v.unbroadcast(to: value.shape)
    let (dWeight, dBias) = denseParameterGradients(input: input, upstream: v)
    return (MatrixMultiply.product(v, weight, transposeRhs: true), dWeight, dBias)
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
  return (value, { v in denseParameterGradients(input: input, upstream: v.unbroadcast(to: value.shape)) })
}

/// The gradients of a dense layer's weight and bias, `(input^T v, sum_rows v)`, for the upstream
/// tangent `v` of its affine map (after an activation's mask): the part of the pullbacks of
/// ``affine(_:_:_:)`` and ``affineReLU(_:_:_:)`` that they share.
@inlinable
func denseParameterGradients<Scalar>(input: Tensor<Scalar>, upstream v: Tensor<Scalar>) -> (Tensor<Scalar>, Tensor<Scalar>) {
  (MatrixMultiply.product(input, v, transposeLhs: true), AffineKernels.columnSums(v))
}

/// The loops of ``affine(_:_:_:)`` and ``affineReLU(_:_:_:)`` around their products (whose
/// forward passes add the bias and apply the ReLU in the product's kernel). `Float`
/// runs the concrete kernels of `GumbelKernels` (`DenseLayerKernels.swift`), eight lanes at a
/// time; other types run the generic loops below, which the compiler specialises for `Double`.
public enum AffineKernels {
  /// `matrix[i, j] + row[j]`.
  public static func addingRowVector<Scalar: TensorFloatingPoint>(_ matrix: Tensor<Scalar>, _ row: Tensor<Scalar>) -> Tensor<Scalar> {
    var out = matrix
    add(row, to: &out)
    return out
  }

  static func add<Scalar: TensorFloatingPoint>(_ row: Tensor<Scalar>, to matrix: inout Tensor<Scalar>) {
    let columns = row.scalarCount
    precondition(matrix.rank == 2 && matrix.shape[1] == columns, "cannot add a row of \(columns) to \(matrix.shape)")
    let rows = matrix.shape[0]
    row.scalars.withUnsafeBufferPointer { b in
      matrix.withUnsafeMutableScalars { x in
        guard let x = x.baseAddress, let b = b.baseAddress else { return }
        if Scalar.self == Float.self {
          let (x, b) = (x.kernelCast(to: Float.self), b.kernelCast(to: Float.self))
          Kernels.addRow(b, to: x, rows: rows, columns: columns)
        } else {
          for i in 0..<rows {
            for j in 0..<columns {
              x[i * columns + j] = x[i * columns + j] + b[j]
            }
          }
        }
      }
    }
  }

  /// `output[i] > 0 ? upstream[i] : 0`: the pullback of a ReLU whose output is `output`.
  @usableFromInline
  package static func maskedByPositive<Scalar: TensorFloatingPoint>(_ upstream: Tensor<Scalar>, output: Tensor<Scalar>) -> Tensor<Scalar> {
    precondition(upstream.shape == output.shape, "upstream \(upstream.shape) does not match output \(output.shape)")
    let count = output.scalarCount
    let masked = upstream.scalars.withUnsafeBufferPointer { v in
      output.scalars.withUnsafeBufferPointer { y in
        [Scalar](unsafeUninitializedCapacity: count) { out, initialized in
          if Scalar.self == Float.self, let v = v.baseAddress, let y = y.baseAddress, let o = out.baseAddress {
            Kernels.maskByPositive(v.kernelCast(to: Float.self), output: y.kernelCast(to: Float.self), count: count,
                                   into: o.kernelCast(to: Float.self))
          } else {
            for i in 0..<count { (out.baseAddress! + i).initialize(to: y[i] > 0 ? v[i] : 0) }
          }
          initialized = count
        }
      }
    }
    return Tensor(shape: output.shape, scalars: masked)
  }

  /// The sum of the rows of a matrix: `[B, O]` gives `[O]`, each sum from the first row to the
  /// last.
  public static func columnSums<Scalar: TensorFloatingPoint>(_ matrix: Tensor<Scalar>) -> Tensor<Scalar> {
    precondition(matrix.rank == 2, "column sums need a matrix, not \(matrix.shape)")
    let (rows, columns) = (matrix.shape[0], matrix.shape[1])
    let sums = matrix.scalars.withUnsafeBufferPointer { x in
      [Scalar](unsafeUninitializedCapacity: columns) { sums, initialized in
        if Scalar.self == Float.self, let x = x.baseAddress, let s = sums.baseAddress {
          Kernels.columnSums(x.kernelCast(to: Float.self), rows: rows, columns: columns, into: s.kernelCast(to: Float.self))
        } else {
          sums.initialize(repeating: 0)
          for i in 0..<rows {
            for j in 0..<columns { sums[j] += x[i * columns + j] }
          }
        }
        initialized = columns
      }
    }
    return Tensor(shape: [columns], scalars: sums)
  }
}
