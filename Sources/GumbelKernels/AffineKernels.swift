/// The loops of a dense layer's affine map `input weight + bias` around its matrix product: the
/// bias added to every row, and the bias's gradient, the column sums of the upstream tangent.
///
/// Each runs as concrete `Float` or `Double` code (generic code that the optimiser does not
/// specialise would go through witness tables for every element). There is no C form: both are
/// one pass over memory, and each element is added in the same order on every path.
extension Kernels {
  /// `matrix[i, j] + row[j]` for a row-major matrix of `row.count` columns.
  @inlinable
  package static func addingRowVector<Scalar: KernelScalar>(_ matrix: [Scalar], _ row: [Scalar]) -> [Scalar] {
    if Scalar.self == Float.self {
      return unsafeBitCast(addRow(unsafeBitCast(matrix, to: [Float].self), unsafeBitCast(row, to: [Float].self)), to: [Scalar].self)
    }
    if Scalar.self == Double.self {
      return unsafeBitCast(addRow(unsafeBitCast(matrix, to: [Double].self), unsafeBitCast(row, to: [Double].self)), to: [Scalar].self)
    }
    return addRow(matrix, row)
  }

  /// The sums of the columns of a row-major matrix of `columns` columns, each added from the
  /// first row to the last: `[B, O]` gives `[O]`.
  @inlinable
  package static func columnSums<Scalar: KernelScalar>(_ matrix: [Scalar], columns: Int) -> [Scalar] {
    if Scalar.self == Float.self {
      return unsafeBitCast(sumRows(unsafeBitCast(matrix, to: [Float].self), columns: columns), to: [Scalar].self)
    }
    if Scalar.self == Double.self {
      return unsafeBitCast(sumRows(unsafeBitCast(matrix, to: [Double].self), columns: columns), to: [Scalar].self)
    }
    return sumRows(matrix, columns: columns)
  }

  @usableFromInline @inline(__always)
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

  @usableFromInline @inline(__always)
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
