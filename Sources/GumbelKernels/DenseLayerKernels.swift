/// The loops of a dense layer around its matrix product: the bias added to each row (for
/// `AffineKernels.addingRowVector`; the layers' forward passes add it in the product's kernel),
/// the ReLU's mask on the upstream tangent, and the bias gradient (the column sums).
///
/// Concrete `Float` code, not inlinable: a caller in another module makes one call per layer
/// and the loop runs compiled for `Float` with eight lanes at a time. (The same loops moved
/// here as `@inlinable` generic code made a VAE epoch about 15% slower.) Each element gets the
/// operations of the scalar form in the same order, so results are those of
/// `x + b` and of adding the rows one after another, bit for bit.
extension Kernels {
  /// `matrix[i, j] = matrix[i, j] + row[j]`, in place, for a row-major `[rows, columns]` matrix.
  @usableFromInline
  package static func addRow(_ row: UnsafePointer<Float>, to matrix: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
    forEachRow(matrix, rows: rows, columns: columns) { x, j in x + VectorMath.load(row + j) } scalar: { x, j in x + row[j] }
  }

  /// `out[i] = output[i] > 0 ? upstream[i] : 0`: the pullback of a ReLU whose output (`+0` or
  /// positive, never NaN) is `output`. `out` may be `upstream` itself.
  @usableFromInline
  package static func maskByPositive(
    _ upstream: UnsafePointer<Float>, output: UnsafePointer<Float>, count: Int, into out: UnsafeMutablePointer<Float>
  ) {
    var i = 0
    while i + 8 <= count {
      let kept = ~VectorMath.zeroMask(VectorMath.load(output + i))
      let v = VectorMath.load(upstream + i)
      VectorMath.store(VectorMath.Lanes(bitPattern: v.bitPattern & kept), to: out + i)
      i += 8
    }
    while i < count {
      out[i] = output[i] > 0 ? upstream[i] : 0
      i += 1
    }
  }

  /// `sums[j] = sum_i matrix[i, j]` for a row-major `[rows, columns]` matrix, each sum from the
  /// first row to the last (eight columns side by side).
  @usableFromInline
  package static func columnSums(_ matrix: UnsafePointer<Float>, rows: Int, columns: Int, into sums: UnsafeMutablePointer<Float>) {
    sums.initialize(repeating: 0, count: columns)
    var j = 0
    while j + 8 <= columns {
      var s = VectorMath.Lanes()
      for i in 0..<rows { s += VectorMath.load(matrix + i * columns + j) }
      VectorMath.store(s, to: sums + j)
      j += 8
    }
    if j < columns {
      for i in 0..<rows {
        let x = matrix + i * columns
        for c in j..<columns { sums[c] += x[c] }
      }
    }
  }

  /// `x` where it is greater than 0, else `+0` (also for NaN): `max(x, 0)` of the cross-entropy.
  @inline(__always)
  static func rectified(_ x: VectorMath.Lanes) -> VectorMath.Lanes {
    let dropped = VectorMath.signMask(x) | VectorMath.zeroMask(x) | VectorMath.notANumberMask(x)
    return VectorMath.Lanes(bitPattern: x.bitPattern & ~dropped)
  }

  /// Applies `vector` to each full group of eight elements of every row (with the column of
  /// its first element) and `scalar` to the rest of the row.
  @inline(__always)
  static func forEachRow(
    _ matrix: UnsafeMutablePointer<Float>, rows: Int, columns: Int,
    _ vector: (VectorMath.Lanes, Int) -> VectorMath.Lanes, scalar: (Float, Int) -> Float
  ) {
    for i in 0..<rows {
      let x = matrix + i * columns
      var j = 0
      while j + 8 <= columns {
        VectorMath.store(vector(VectorMath.load(x + j), j), to: x + j)
        j += 8
      }
      while j < columns {
        x[j] = scalar(x[j], j)
        j += 1
      }
    }
  }
}
