import RealModule
import CGumbelKernels

/// The softmax rows: `softmax(x / temperature)` of each row of a block, and its steps.
///
/// For a row `x`, `y_k = exp(z_k) / sum_j exp(z_j)` with `z = (x - max x) / temperature`:
/// subtracting the maximum keeps every `z_k <= 0`, so nothing overflows, and a logit of
/// `-infinity` gets probability exactly 0.
extension Kernels {
  /// Replaces each of `rows` consecutive rows `x` of `columns` elements at `base` by
  /// `softmax(x / temperature)`, and writes the index of each row's largest element (the first
  /// on ties) to `argmax` if given: the kernel shared by `Tensor.softmax` and the fused
  /// Gumbel-softmax samplers, so that both give the same bits.
  ///
  /// Three passes over the rows, meant for a block that fits in cache: the maximum of each row
  /// and `z = (x - max) / temperature`; `exp` over the whole block at once (so short rows still
  /// fill the vector lanes); each row's sum and the division. `Float` runs them in one call to
  /// C for a block of ``KernelPath/minimumCCount`` elements or more.
  @inlinable @inline(__always)
  package static func softmaxRowsInPlace<Scalar: KernelScalar>(
    _ base: UnsafeMutablePointer<Scalar>, rows: Int, columns k: Int, temperature: Scalar,
    argmax: UnsafeMutablePointer<Int32>?
  ) {
    guard rows > 0, k > 0 else { return }
    if Scalar.self == Float.self {
      softmaxRowsInPlace(
        base.kernelCast(to: Float.self), rows: rows, columns: k, temperature: kernelCast(temperature), argmax: argmax)
    } else if Scalar.self == Double.self {
      softmaxRowsInPlaceInSwift(
        base.kernelCast(to: Double.self), rows: rows, columns: k, temperature: kernelCast(temperature), argmax: argmax)
    } else {
      softmaxRowsInPlaceInSwift(base, rows: rows, columns: k, temperature: temperature, argmax: argmax)
    }
  }

  /// `Float`'s form: with ``KernelPath/runsC(count:)`` for the whole block, one call of
  /// ``softmaxRowsInPlaceInC(_:rows:columns:temperature:argmax:)``.
  @inlinable
  package static func softmaxRowsInPlace(
    _ base: UnsafeMutablePointer<Float>, rows: Int, columns k: Int, temperature: Float, argmax: UnsafeMutablePointer<Int32>?
  ) {
    if KernelPath.runsC(count: rows * k) {
      softmaxRowsInPlaceInC(base, rows: rows, columns: k, temperature: temperature, argmax: argmax)
    } else {
      softmaxRowsInPlaceInSwift(base, rows: rows, columns: k, temperature: temperature, argmax: argmax)
    }
  }

  /// The three passes with the row kernels (which `Float` runs in C for long rows).
  @inlinable @inline(__always)
  package static func softmaxRowsInPlaceInSwift<Scalar: KernelScalar>(
    _ base: UnsafeMutablePointer<Scalar>, rows: Int, columns k: Int, temperature: Scalar, argmax: UnsafeMutablePointer<Int32>?
  ) {
    for r in 0..<rows {
      let row = base + r * k
      let best = indexOfMaximum(UnsafeBufferPointer(start: row, count: k))
      temperedShift(row, into: row, count: k, maximum: row[best], temperature: temperature)
      argmax?[r] = Int32(truncatingIfNeeded: best)
    }
    normalizedExponentialsInPlace(base, rows: rows, columns: k)
  }

  /// The C form of `Float`'s
  /// ``softmaxRowsInPlace(_:rows:columns:temperature:argmax:)-(UnsafeMutablePointer<Float>,_,_,_,_)``.
  ///
  /// - Precondition: ``KernelPath/usesC``, `columns >= 1`.
  @usableFromInline
  package static func softmaxRowsInPlaceInC(
    _ x: UnsafeMutablePointer<Float>, rows: Int, columns k: Int, temperature: Float, argmax: UnsafeMutablePointer<Int32>?
  ) {
    precondition(k >= 1, "rows need at least one element")
    gumbel_kernel_softmax_rows_in_place(x, Int64(rows), Int64(k), temperature, argmax)
  }

  /// ``softmaxRowsInPlace(_:rows:columns:temperature:argmax:)-(UnsafeMutablePointer<Scalar>,_,_,_,_)``
  /// of rows whose largest elements are already known (`argmax`, the first on ties), read from
  /// `source` and written to `destination`: the same values bit for bit, without the search for
  /// the maximum or a copy. The straight-through pullback uses it to recompute the soft sample
  /// of a hard draw.
  @inlinable @inline(__always)
  package static func softmaxRows<Scalar: KernelScalar>(
    of source: UnsafePointer<Scalar>, into destination: UnsafeMutablePointer<Scalar>, rows: Int, columns k: Int,
    temperature: Scalar, argmax: UnsafePointer<Int32>
  ) {
    guard rows > 0, k > 0 else { return }
    for r in 0..<rows {
      let x = source + r * k
      temperedShift(x, into: destination + r * k, count: k, maximum: x[Int(argmax[r])], temperature: temperature)
    }
    normalizedExponentialsInPlace(destination, rows: rows, columns: k)
  }

  /// Replaces each row `z` by `exp(z) / sum_k exp(z_k)`: `exp` over the whole block at once,
  /// then each row's sum and the division (the last passes of the softmax kernels).
  @inlinable @inline(__always)
  package static func normalizedExponentialsInPlace<Scalar: KernelScalar>(
    _ base: UnsafeMutablePointer<Scalar>, rows: Int, columns k: Int
  ) {
    exponentiate(UnsafeMutableBufferPointer(start: base, count: rows * k))
    for r in 0..<rows { divideBySum(base + r * k, count: k) }
  }

  /// Writes `(source[i] - maximum) / temperature` to `destination[i]` for `i < count`: a
  /// softmax row's tempered, max-shifted logits. `destination` may be `source`.
  @inlinable @inline(__always)
  package static func temperedShift<Scalar: KernelScalar>(
    _ source: UnsafePointer<Scalar>, into destination: UnsafeMutablePointer<Scalar>, count: Int, maximum: Scalar,
    temperature: Scalar
  ) {
    if Scalar.self == Float.self {
      temperedShift(
        source.kernelCast(to: Float.self), into: destination.kernelCast(to: Float.self), count: count,
        maximum: kernelCast(maximum), temperature: kernelCast(temperature))
    } else {
      temperedShiftInSwift(source, into: destination, count: count, maximum: maximum, temperature: temperature)
    }
  }

  /// `Float`'s form: ``temperedShiftInC(_:into:count:maximum:temperature:)`` when
  /// ``KernelPath/runsC(count:)``.
  @inlinable
  package static func temperedShift(
    _ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>, count: Int, maximum: Float,
    temperature: Float
  ) {
    if KernelPath.runsC(count: count) {
      temperedShiftInC(source, into: destination, count: count, maximum: maximum, temperature: temperature)
    } else {
      temperedShiftInSwift(source, into: destination, count: count, maximum: maximum, temperature: temperature)
    }
  }

  /// One element at a time.
  @inlinable @inline(__always)
  package static func temperedShiftInSwift<Scalar: KernelScalar>(
    _ source: UnsafePointer<Scalar>, into destination: UnsafeMutablePointer<Scalar>, count: Int, maximum: Scalar,
    temperature: Scalar
  ) {
    for j in 0..<count { destination[j] = (source[j] - maximum) / temperature }
  }

  /// The C form of ``temperedShiftInSwift(_:into:count:maximum:temperature:)`` for `Float`.
  ///
  /// - Precondition: ``KernelPath/usesC``.
  @usableFromInline
  package static func temperedShiftInC(
    _ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>, count: Int, maximum: Float,
    temperature: Float
  ) {
    gumbel_kernel_shift_and_scale(source, destination, Int64(count), maximum, temperature)
  }

  /// Divides each of the `count` elements of `row` by their
  /// ``sumInLaneOrder(_:)-(UnsafeBufferPointer<Scalar>)``: the last step of a softmax row.
  @inlinable @inline(__always)
  package static func divideBySum<Scalar: KernelScalar>(_ row: UnsafeMutablePointer<Scalar>, count: Int) {
    if Scalar.self == Float.self {
      divideBySum(row.kernelCast(to: Float.self), count: count)
    } else {
      divideBySumInSwift(row, count: count)
    }
  }

  /// `Float`'s form: ``divideBySumInC(_:count:)`` when ``KernelPath/runsC(count:)``.
  @inlinable
  package static func divideBySum(_ row: UnsafeMutablePointer<Float>, count: Int) {
    if KernelPath.runsC(count: count) {
      divideBySumInC(row, count: count)
    } else {
      divideBySumInSwift(row, count: count)
    }
  }

  /// One element at a time, after the sum.
  @inlinable @inline(__always)
  package static func divideBySumInSwift<Scalar: KernelScalar>(_ row: UnsafeMutablePointer<Scalar>, count: Int) {
    let total = sumInLaneOrder(UnsafeBufferPointer(start: row, count: count))
    for j in 0..<count { row[j] /= total }
  }

  /// The C form of ``divideBySumInSwift(_:count:)`` for `Float`.
  ///
  /// - Precondition: ``KernelPath/usesC``.
  @usableFromInline
  package static func divideBySumInC(_ row: UnsafeMutablePointer<Float>, count: Int) {
    gumbel_kernel_divide_by_sum(row, Int64(count))
  }
}
