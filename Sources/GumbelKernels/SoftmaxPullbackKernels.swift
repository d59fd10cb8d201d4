import RealModule
import CGumbelKernels

/// The softmax's pullback, one row or a block of rows at a time.
///
/// For `y = softmax(z)` with `z = (x - max x) / temperature` and an upstream `v`:
/// `dz_k = y_k (v_k - <v, y>)`, `dx_k = dz_k / temperature`, and the temperature gradient
/// `-(sum_k dz_k z_k) / temperature` (the sum first, then one division). Elements with
/// `dz_k = 0` or an infinite `z_k` (masked categories) add nothing to it, so `0 * infinity`
/// never becomes NaN.
extension Kernels {
  /// One row of the softmax's pullback, shared by `Tensor.softmax`'s derivative and the fused
  /// Gumbel-softmax kernels: for `y = softmax(x / temperature)` of a row `x` of `count`
  /// elements whose largest is `maximum`, and an upstream `v`, writes `dx` and returns the
  /// row's temperature gradient. `dx` may be `y`: each element of `y` is read before the same
  /// element of `dx` is written.
  @inlinable @inline(__always)
  package static func softmaxPullbackRow<Scalar: KernelScalar>(
    y: UnsafePointer<Scalar>, x: UnsafePointer<Scalar>, upstream v: UnsafePointer<Scalar>, count k: Int,
    maximum m: Scalar, temperature: Scalar, into dx: UnsafeMutablePointer<Scalar>
  ) -> Scalar {
    if Scalar.self == Float.self {
      return kernelCast(softmaxPullbackRow(
        y: y.kernelCast(to: Float.self), x: x.kernelCast(to: Float.self), upstream: v.kernelCast(to: Float.self),
        count: k, maximum: kernelCast(m, to: Float.self), temperature: kernelCast(temperature, to: Float.self),
        into: dx.kernelCast(to: Float.self)))
    }
    if Scalar.self == Double.self {
      return kernelCast(softmaxPullbackRowInSwift(
        y: y.kernelCast(to: Double.self), x: x.kernelCast(to: Double.self), upstream: v.kernelCast(to: Double.self),
        count: k, maximum: kernelCast(m, to: Double.self), temperature: kernelCast(temperature, to: Double.self),
        into: dx.kernelCast(to: Double.self)))
    }
    return softmaxPullbackRowInSwift(y: y, x: x, upstream: v, count: k, maximum: m, temperature: temperature, into: dx)
  }

  /// One element at a time.
  @inlinable
  package static func softmaxPullbackRowInSwift<Scalar: KernelScalar>(
    y: UnsafePointer<Scalar>, x: UnsafePointer<Scalar>, upstream v: UnsafePointer<Scalar>, count k: Int,
    maximum m: Scalar, temperature: Scalar, into dx: UnsafeMutablePointer<Scalar>
  ) -> Scalar {
    var dot: Scalar = 0
    for j in 0..<k { dot += v[j] * y[j] }
    return softmaxPullbackElements(
      0..<k, y: y, x: x, upstream: v, dot: dot, maximum: m, temperature: temperature, into: dx, startingFrom: 0)
  }

  /// `Float`'s form: ``softmaxPullbackRowInC(y:x:upstream:count:maximum:temperature:into:)``
  /// when ``KernelPath/runsC(count:)``, else
  /// ``softmaxPullbackRowInSwift(y:x:upstream:count:maximum:temperature:into:)-(UnsafePointer<Float>,_,_,_,_,_,_)``.
  @inlinable
  package static func softmaxPullbackRow(
    y: UnsafePointer<Float>, x: UnsafePointer<Float>, upstream v: UnsafePointer<Float>, count k: Int,
    maximum m: Float, temperature: Float, into dx: UnsafeMutablePointer<Float>
  ) -> Float {
    guard KernelPath.runsC(count: k) else {
      return softmaxPullbackRowInSwift(y: y, x: x, upstream: v, count: k, maximum: m, temperature: temperature, into: dx)
    }
    return softmaxPullbackRowInC(y: y, x: x, upstream: v, count: k, maximum: m, temperature: temperature, into: dx)
  }

  /// Eight elements at a time, the last `count % 8` one by one (vectors padded element by
  /// element cost more than they save); the dot product and the temperature gradient are
  /// summed as in ``sumInLaneOrder(_:)-(UnsafeBufferPointer<Float>)``.
  @inlinable
  package static func softmaxPullbackRowInSwift(
    y: UnsafePointer<Float>, x: UnsafePointer<Float>, upstream v: UnsafePointer<Float>, count k: Int,
    maximum m: Float, temperature: Float, into dx: UnsafeMutablePointer<Float>
  ) -> Float {
    let full = k - k % 8
    var dots = SIMD8<Float>()
    for i in stride(from: 0, to: full, by: 8) { dots += VectorMath.load(v + i) * VectorMath.load(y + i) }
    var dot = VectorMath.sum(dots)
    for j in full..<k { dot += v[j] * y[j] }
    let dotLanes = SIMD8<Float>(repeating: dot)
    let tau = SIMD8<Float>(repeating: temperature), maximum = SIMD8<Float>(repeating: m)
    var terms = SIMD8<Float>()
    for i in stride(from: 0, to: full, by: 8) {
      let dz = VectorMath.load(y + i) * (VectorMath.load(v + i) - dotLanes)
      VectorMath.store(dz / tau, to: dx + i)
      let z = (VectorMath.load(x + i) - maximum) / tau
      // Lanes with dz = 0 or an infinite z (masked categories) add nothing.
      let skipped = VectorMath.zeroMask(dz) | VectorMath.nonFiniteMask(z)
      terms += VectorMath.select(SIMD8(), where: skipped, otherwise: dz * z)
    }
    return softmaxPullbackElements(
      full..<k, y: y, x: x, upstream: v, dot: dot, maximum: m, temperature: temperature, into: dx,
      startingFrom: VectorMath.sum(terms))
  }

  /// The C form of `Float`'s
  /// ``softmaxPullbackRowInSwift(y:x:upstream:count:maximum:temperature:into:)-(UnsafePointer<Float>,_,_,_,_,_,_)``.
  ///
  /// - Precondition: ``KernelPath/usesC``.
  @usableFromInline
  package static func softmaxPullbackRowInC(
    y: UnsafePointer<Float>, x: UnsafePointer<Float>, upstream v: UnsafePointer<Float>, count k: Int,
    maximum m: Float, temperature: Float, into dx: UnsafeMutablePointer<Float>
  ) -> Float {
    gumbel_kernel_softmax_pullback_row(y, x, v, Int64(k), m, temperature, dx)
  }

  /// Elements `range` of a softmax pullback row, one at a time, given the row's `dot = <v, y>`:
  /// writes `dx_j = dz_j / temperature` for `dz_j = y_j (v_j - dot)`, and returns the row's
  /// temperature gradient `-(sum + sum_j dz_j z_j) / temperature` with
  /// `z_j = (x_j - maximum) / temperature`, skipping `dz_j = 0` and infinite `z_j` (masked
  /// categories); `sum` is the row's other elements' part of the sum. (One division per row,
  /// not per element.)
  @inlinable @inline(__always)
  package static func softmaxPullbackElements<Scalar: BinaryFloatingPoint>(
    _ range: Range<Int>, y: UnsafePointer<Scalar>, x: UnsafePointer<Scalar>, upstream v: UnsafePointer<Scalar>,
    dot: Scalar, maximum m: Scalar, temperature: Scalar, into dx: UnsafeMutablePointer<Scalar>,
    startingFrom sum: Scalar
  ) -> Scalar {
    var sum = sum
    for j in range {
      let dz = y[j] * (v[j] - dot)
      (dx + j).initialize(to: dz / temperature)
      guard dz != 0 else { continue }
      let z = (x[j] - m) / temperature
      if z.isFinite { sum += dz * z }
    }
    return -sum / temperature
  }

  /// The pullback of each of `rows` consecutive rows of `columns` logits `x`, whose largest
  /// elements are at `argmax` (the first on ties), for the upstream `v`: the kernel of the
  /// fused Gumbel-softmax pullback. The softmax `y` of each row is read from `sample`, or, if
  /// `sample` is `nil`, first recomputed into `dx` as
  /// ``softmaxRows(of:into:rows:columns:temperature:argmax:)`` computes it (the same bits).
  /// Returns the rows' temperature gradients added in row order.
  @inlinable @inline(__always)
  package static func softmaxPullbackRows<Scalar: KernelScalar>(
    x: UnsafePointer<Scalar>, sample: UnsafePointer<Scalar>?, upstream v: UnsafePointer<Scalar>,
    argmax: UnsafePointer<Int32>, rows: Int, columns k: Int, temperature: Scalar, into dx: UnsafeMutablePointer<Scalar>
  ) -> Scalar {
    if Scalar.self == Float.self {
      return kernelCast(softmaxPullbackRows(
        x: x.kernelCast(to: Float.self), sample: sample?.kernelCast(to: Float.self), upstream: v.kernelCast(to: Float.self),
        argmax: argmax, rows: rows, columns: k, temperature: kernelCast(temperature, to: Float.self),
        into: dx.kernelCast(to: Float.self)))
    }
    if Scalar.self == Double.self {
      return kernelCast(softmaxPullbackRowsInSwift(
        x: x.kernelCast(to: Double.self), sample: sample?.kernelCast(to: Double.self), upstream: v.kernelCast(to: Double.self),
        argmax: argmax, rows: rows, columns: k, temperature: kernelCast(temperature, to: Double.self),
        into: dx.kernelCast(to: Double.self)))
    }
    return softmaxPullbackRowsInSwift(
      x: x, sample: sample, upstream: v, argmax: argmax, rows: rows, columns: k, temperature: temperature, into: dx)
  }

  /// `Float`'s form: with ``KernelPath/runsC(count:)`` for the whole block, one call of
  /// ``softmaxPullbackRowsInC(x:sample:upstream:argmax:rows:columns:temperature:scratch:into:)``,
  /// which keeps the recomputed rows' tempered shifted logits for the temperature gradient
  /// instead of computing them again.
  @inlinable
  package static func softmaxPullbackRows(
    x: UnsafePointer<Float>, sample: UnsafePointer<Float>?, upstream v: UnsafePointer<Float>,
    argmax: UnsafePointer<Int32>, rows: Int, columns k: Int, temperature: Float, into dx: UnsafeMutablePointer<Float>
  ) -> Float {
    guard KernelPath.runsC(count: rows * k) else {
      return softmaxPullbackRowsInSwift(
        x: x, sample: sample, upstream: v, argmax: argmax, rows: rows, columns: k, temperature: temperature, into: dx)
    }
    return withUnsafeTemporaryAllocation(of: Float.self, capacity: sample == nil ? rows * k : 0) { scratch in
      softmaxPullbackRowsInC(
        x: x, sample: sample, upstream: v, argmax: argmax, rows: rows, columns: k, temperature: temperature,
        scratch: scratch.baseAddress, into: dx)
    }
  }

  /// Row by row, with the row kernels (which `Float` runs in C for long rows).
  @inlinable @inline(__always)
  package static func softmaxPullbackRowsInSwift<Scalar: KernelScalar>(
    x: UnsafePointer<Scalar>, sample: UnsafePointer<Scalar>?, upstream v: UnsafePointer<Scalar>,
    argmax: UnsafePointer<Int32>, rows: Int, columns k: Int, temperature: Scalar, into dx: UnsafeMutablePointer<Scalar>
  ) -> Scalar {
    // Without a sample, the softmax is recomputed into dx: each row's pullback reads its y
    // before writing dx over it.
    let y = sample ?? UnsafePointer(dx)
    if sample == nil {
      softmaxRows(of: x, into: dx, rows: rows, columns: k, temperature: temperature, argmax: argmax)
    }
    var total: Scalar = 0
    for r in 0..<rows {
      let o = r * k
      total += softmaxPullbackRow(
        y: y + o, x: x + o, upstream: v + o, count: k, maximum: x[o + Int(argmax[r])], temperature: temperature,
        into: dx + o)
    }
    return total
  }

  /// The C form of `Float`'s
  /// ``softmaxPullbackRows(x:sample:upstream:argmax:rows:columns:temperature:into:)-(UnsafePointer<Float>,_,_,_,_,_,_,_)``:
  /// with `sample` `nil`, the rows' tempered shifted logits are kept in `scratch`
  /// (`rows * columns` floats).
  ///
  /// - Precondition: ``KernelPath/usesC``; `sample` or `scratch` is given.
  @usableFromInline
  package static func softmaxPullbackRowsInC(
    x: UnsafePointer<Float>, sample: UnsafePointer<Float>?, upstream v: UnsafePointer<Float>,
    argmax: UnsafePointer<Int32>, rows: Int, columns k: Int, temperature: Float,
    scratch: UnsafeMutablePointer<Float>?, into dx: UnsafeMutablePointer<Float>
  ) -> Float {
    precondition(sample != nil || scratch != nil, "a recomputed softmax needs scratch space")
    return gumbel_kernel_softmax_pullback_rows(x, sample, v, argmax, Int64(rows), Int64(k), temperature, scratch, dx)
  }
}
