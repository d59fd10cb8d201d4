import RealModule
import CGumbelKernels

/// The argmax kernels: the index of the first largest element of a row, or of each row of a
/// block.
extension Kernels {
  /// The index of the largest element of a non-empty `buffer` (the first of equal ones), for
  /// buffers without NaN.
  @inlinable @inline(__always)
  package static func indexOfMaximum<Scalar: KernelScalar>(_ buffer: UnsafeBufferPointer<Scalar>) -> Int {
    if Scalar.self == Float.self { return indexOfMaximum(buffer.kernelCast(to: Float.self)) }
    if Scalar.self == Double.self { return scalarIndexOfMaximum(buffer.kernelCast(to: Double.self)) }
    return scalarIndexOfMaximum(buffer)
  }

  /// `Float`'s form: ``indexOfMaximumInC(_:count:)`` when ``KernelPath/runsC(count:)``, else
  /// ``indexOfMaximumInSwift(_:)``; a row whose maximum is infinite or NaN goes to the scalar
  /// search.
  @inlinable
  package static func indexOfMaximum(_ buffer: UnsafeBufferPointer<Float>) -> Int {
    guard KernelPath.runsC(count: buffer.count), let base = buffer.baseAddress else { return indexOfMaximumInSwift(buffer) }
    return indexOfMaximumInC(base, count: buffer.count) ?? scalarIndexOfMaximum(buffer)
  }

  /// ``indexOfMaximum(_:)-(UnsafeBufferPointer<Float>)`` in Swift, whatever the processor: one
  /// pass, eight lanes at a time, in two running maxima (even and odd groups of eight, so
  /// that the comparisons do not wait on each other). Each lane keeps its largest value and
  /// where that value first appeared (a later value replaces it only when strictly larger);
  /// the answer is the first position among the lanes that hold the overall maximum. A last
  /// partial group is padded with `-infinity`. An infinite or NaN maximum (a row of masked
  /// categories, or an infinite logit) goes to the scalar search.
  @inlinable
  package static func indexOfMaximumInSwift(_ buffer: UnsafeBufferPointer<Float>) -> Int {
    let n = buffer.count
    guard n >= 16, let base = buffer.baseAddress else { return scalarIndexOfMaximum(buffer) }
    typealias Positions = SIMD8<UInt32>
    let lanes = Positions(0, 1, 2, 3, 4, 5, 6, 7)
    var best0 = VectorMath.load(base), best1 = VectorMath.load(base + 8)
    var at0 = lanes, at1 = lanes &+ 8
    // Keeps `x` and its positions in the lanes where it is strictly larger than `best`: for
    // finite values, those where `best - x` is negative and `best != x` (`-0 - +0` is `-0`, and
    // an equal later value must not take the place of the first).
    @inline(__always) func update(_ best: inout VectorMath.Lanes, _ at: inout Positions, _ x: VectorMath.Lanes, from i: Int) {
      let larger = VectorMath.signMask(best - x) & ~VectorMath.equalMask(best, x)
      best = VectorMath.select(x, where: larger, otherwise: best)
      at = (Positions(repeating: UInt32(truncatingIfNeeded: i)) &+ lanes) & larger | at & ~larger
    }
    var i = 16
    while i + 16 <= n {
      update(&best0, &at0, VectorMath.load(base + i), from: i)
      update(&best1, &at1, VectorMath.load(base + i + 8), from: i + 8)
      i += 16
    }
    if i + 8 <= n {
      update(&best0, &at0, VectorMath.load(base + i), from: i)
      i += 8
    }
    if i < n { update(&best1, &at1, VectorMath.load(base + i, count: n - i, padding: -.infinity), from: i) }
    let m = VectorMath.maximum(of: VectorMath.maximum(best0, best1))
    guard m.isFinite else { return scalarIndexOfMaximum(buffer) }
    var first = n
    for lane in 0..<8 {
      if best0[lane] == m { first = Swift.min(first, Int(at0[lane])) }
      if best1[lane] == m { first = Swift.min(first, Int(at1[lane])) }
    }
    return first
  }

  /// The C form of ``indexOfMaximumInSwift(_:)`` for `count` (at least 16) floats at `x`, or
  /// `nil` if the largest is infinite or NaN.
  ///
  /// - Precondition: ``KernelPath/usesC``, `count >= 16`.
  @usableFromInline
  package static func indexOfMaximumInC(_ x: UnsafePointer<Float>, count: Int) -> Int? {
    let index = gumbel_kernel_index_of_maximum(x, Int64(count))
    return index < 0 ? nil : Int(index)
  }

  /// The index of the first largest element of a non-empty buffer, one comparison at a time.
  @inlinable
  package static func scalarIndexOfMaximum<Scalar: Comparable>(_ buffer: UnsafeBufferPointer<Scalar>) -> Int {
    guard var m = buffer.first else { return 0 }
    var best = 0
    for k in 1..<buffer.count where buffer[k] > m {
      m = buffer[k]
      best = k
    }
    return best
  }

  /// ``indexOfMaximum(_:)-(UnsafeBufferPointer<Scalar>)`` of each of `rows` consecutive rows of
  /// `columns` (at least 1) elements at `base`, written to `argmax`.
  @inlinable @inline(__always)
  package static func indexOfMaximumRows<Scalar: KernelScalar>(
    _ base: UnsafePointer<Scalar>, rows: Int, columns k: Int, into argmax: UnsafeMutablePointer<Int32>
  ) {
    if Scalar.self == Float.self {
      indexOfMaximumRows(base.kernelCast(to: Float.self), rows: rows, columns: k, into: argmax)
    } else if Scalar.self == Double.self {
      indexOfMaximumRowsInSwift(base.kernelCast(to: Double.self), rows: rows, columns: k, into: argmax)
    } else {
      indexOfMaximumRowsInSwift(base, rows: rows, columns: k, into: argmax)
    }
  }

  /// `Float`'s form: with ``KernelPath/runsC(count:)`` for the whole block, one call of
  /// ``indexOfMaximumRowsInC(_:rows:columns:into:)``.
  @inlinable
  package static func indexOfMaximumRows(
    _ base: UnsafePointer<Float>, rows: Int, columns k: Int, into argmax: UnsafeMutablePointer<Int32>
  ) {
    if KernelPath.runsC(count: rows * k) {
      indexOfMaximumRowsInC(base, rows: rows, columns: k, into: argmax)
    } else {
      indexOfMaximumRowsInSwift(base, rows: rows, columns: k, into: argmax)
    }
  }

  /// The rows one by one, with ``indexOfMaximum(_:)-(UnsafeBufferPointer<Scalar>)`` (which
  /// `Float` runs in C for long rows).
  @inlinable @inline(__always)
  package static func indexOfMaximumRowsInSwift<Scalar: KernelScalar>(
    _ base: UnsafePointer<Scalar>, rows: Int, columns k: Int, into argmax: UnsafeMutablePointer<Int32>
  ) {
    for r in 0..<rows {
      argmax[r] = Int32(truncatingIfNeeded: indexOfMaximum(UnsafeBufferPointer(start: base + r * k, count: k)))
    }
  }

  /// The C form of `Float`'s ``indexOfMaximumRows(_:rows:columns:into:)-(UnsafePointer<Float>,_,_,_)``.
  ///
  /// - Precondition: ``KernelPath/usesC``, `columns >= 1`.
  @usableFromInline
  package static func indexOfMaximumRowsInC(
    _ x: UnsafePointer<Float>, rows: Int, columns k: Int, into argmax: UnsafeMutablePointer<Int32>
  ) {
    precondition(k >= 1, "rows need at least one element")
    gumbel_kernel_index_of_maximum_rows(x, Int64(rows), Int64(k), argmax)
  }
}
