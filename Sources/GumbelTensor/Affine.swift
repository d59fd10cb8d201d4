import _Differentiation

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
  return AffineKernels.addingRowVector(MatrixMultiply.product(input, weight), bias)
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
            AffineKernels.columnSums(v))
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
    return (MatrixMultiply.product(input, v, transposeLhs: true), AffineKernels.columnSums(v))
  })
}

/// The loops of ``affine(_:_:_:)``, run as concrete `Float` or `Double` code (generic code that
/// the optimiser does not specialise would go through witness tables for every element).
public enum AffineKernels {
  /// `matrix[i, j] + row[j]`.
  public static func addingRowVector<Scalar: TensorFloatingPoint>(_ matrix: Tensor<Scalar>, _ row: Tensor<Scalar>) -> Tensor<Scalar> {
    let columns = row.scalarCount
    precondition(matrix.rank == 2 && matrix.shape[1] == columns, "cannot add a row of \(columns) to \(matrix.shape)")
    let out: [Scalar]
    if Scalar.self == Float.self {
      out = unsafeBitCast(addRow(unsafeBitCast(matrix.scalars, to: [Float].self), unsafeBitCast(row.scalars, to: [Float].self)), to: [Scalar].self)
    } else if Scalar.self == Double.self {
      out = unsafeBitCast(addRow(unsafeBitCast(matrix.scalars, to: [Double].self), unsafeBitCast(row.scalars, to: [Double].self)), to: [Scalar].self)
    } else {
      out = addRow(matrix.scalars, row.scalars)
    }
    return Tensor(shape: matrix.shape, scalars: out)
  }

  /// The sum of the rows of a matrix: `[B, O]` gives `[O]`.
  public static func columnSums<Scalar: TensorFloatingPoint>(_ matrix: Tensor<Scalar>) -> Tensor<Scalar> {
    precondition(matrix.rank == 2, "column sums need a matrix, not \(matrix.shape)")
    let columns = matrix.shape[1]
    let sums: [Scalar]
    if Scalar.self == Float.self {
      sums = unsafeBitCast(sumRows(unsafeBitCast(matrix.scalars, to: [Float].self), columns: columns), to: [Scalar].self)
    } else if Scalar.self == Double.self {
      sums = unsafeBitCast(sumRows(unsafeBitCast(matrix.scalars, to: [Double].self), columns: columns), to: [Scalar].self)
    } else {
      sums = sumRows(matrix.scalars, columns: columns)
    }
    return Tensor(shape: [columns], scalars: sums)
  }

  @inline(__always)
  static func addRow<T: BinaryFloatingPoint>(_ matrix: [T], _ row: [T]) -> [T] {
    let columns = row.count
    return [T](unsafeUninitializedCapacity: matrix.count) { out, initialized in
      matrix.withUnsafeBufferPointer { x in
        row.withUnsafeBufferPointer { b in
          var i = 0
          while i < x.count {
            for j in 0..<columns { (out.baseAddress! + i + j).initialize(to: x[i + j] + b[j]) }
            i += columns
          }
        }
      }
      initialized = matrix.count
    }
  }

  @inline(__always)
  static func sumRows<T: BinaryFloatingPoint>(_ matrix: [T], columns: Int) -> [T] {
    var sums = [T](repeating: 0, count: columns)
    matrix.withUnsafeBufferPointer { x in
      sums.withUnsafeMutableBufferPointer { sums in
        var i = 0
        while i < x.count {
          for j in 0..<columns { sums[j] += x[i + j] }
          i += columns
        }
      }
    }
    return sums
  }
}
