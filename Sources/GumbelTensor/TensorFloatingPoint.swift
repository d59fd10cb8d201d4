import _Differentiation
import GumbelKernels
import RealModule

/// The scalar types a ``Tensor`` holds: `Float` and `Double`.
///
/// Besides the arithmetic, each type supplies the inner loops of the softmax and of its
/// derivative, which `Float` runs eight lanes at a time and `Double` one element at a time.
public protocol TensorFloatingPoint: BinaryFloatingPoint, Real, Differentiable, Sendable
where TangentVector == Self {
  /// The index of the largest element of a non-empty `buffer` (the first of equal ones), for
  /// buffers without NaN.
  static func indexOfMaximum(_ buffer: UnsafeBufferPointer<Self>) -> Int

  /// Replaces each element of `buffer`, which is at most 0 or NaN (a softmax's shifted logits
  /// `(x - max x) / temperature`), by its exponential. An element's result does not depend on
  /// its position or on the buffer's length (`Float` uses the eight-lane
  /// ``VectorMath/expOfNonPositive(_:)`` and pads a last partial group).
  static func exponentiate(_ buffer: UnsafeMutableBufferPointer<Self>)

  /// The sum of `buffer`'s elements in a fixed order: `Float` adds each full group of eight
  /// into eight partial sums, adds those, then the remaining elements one by one; `Double`
  /// adds from first to last.
  static func sumInLaneOrder(_ buffer: UnsafeBufferPointer<Self>) -> Self

  /// ``sumInLaneOrder(_:)`` of `selected.count` rows of `columns` elements that are `+0` or
  /// `-0` except one per row, `selected[r]` at column `indices[r]`, from those alone.
  ///
  /// The same bits as the sum of every element: each running sum starts at `+0` and can never
  /// become `-0` (in round-to-nearest, `x + -x` is `+0`), so adding a zero of either sign leaves
  /// it as it is, and only the order in which the selected elements reach each running sum
  /// matters.
  static func sumInLaneOrder(selected: UnsafeBufferPointer<Self>, at indices: UnsafeBufferPointer<Int32>, columns: Int) -> Self

  /// Whether every element of `buffer` is finite (neither infinite nor NaN).
  static func allFinite(_ buffer: UnsafeBufferPointer<Self>) -> Bool

  /// One row of the softmax's pullback, shared by `Tensor.softmax`'s derivative and the fused
  /// Gumbel-softmax kernels: for `y = softmax(x / temperature)` of a row `x` of `count`
  /// elements whose largest is `maximum`, and an upstream `v`, writes
  /// `dx_k = dz_k / temperature` with `dz_k = y_k (v_k - <v, y>)`, and returns the row's
  /// temperature gradient `-(sum_k dz_k z_k) / temperature` for `z = (x - maximum) / temperature`
  /// (the sum first, then one division).
  /// Elements with `dz_k = 0` or an infinite `z_k` (masked categories) add nothing to it. `dx`
  /// may be `y`: each element of `y` is read before the same element of `dx` is written.
  static func softmaxPullbackRow(
    y: UnsafePointer<Self>, x: UnsafePointer<Self>, upstream v: UnsafePointer<Self>, count k: Int,
    maximum m: Self, temperature: Self, into dx: UnsafeMutablePointer<Self>
  ) -> Self

  /// ``indexOfMaximum(_:)`` of each of `rows` consecutive rows of `columns` (at least 1)
  /// elements, written to `argmax`.
  static func indexOfMaximumRows(
    _ base: UnsafePointer<Self>, rows: Int, columns: Int, into argmax: UnsafeMutablePointer<Int32>)

  /// The kernel of ``Tensor/softmaxRowsInPlace(_:rows:columns:temperature:argmax:)``: each of
  /// `rows` consecutive rows of `columns` (at least 1) elements replaced by its softmax at
  /// `temperature`, and its argmax written to `argmax` if given.
  static func softmaxRowsInPlace(
    _ base: UnsafeMutablePointer<Self>, rows: Int, columns: Int, temperature: Self, argmax: UnsafeMutablePointer<Int32>?)

  /// ``softmaxPullbackRow(y:x:upstream:count:maximum:temperature:into:)`` for each of `rows`
  /// consecutive rows of `columns` logits `x`, whose largest elements are at `argmax` (the
  /// first on ties), and the upstream `v`: the kernel of the fused Gumbel-softmax pullback.
  /// The softmax `y` of each row is read from `sample`, or, if `sample` is `nil`, first
  /// recomputed into `dx` as ``Tensor/softmaxRows(of:into:rows:columns:temperature:argmax:)``
  /// computes it (the same bits). Returns the rows' temperature gradients added in row order.
  static func softmaxPullbackRows(
    x: UnsafePointer<Self>, sample: UnsafePointer<Self>?, upstream v: UnsafePointer<Self>,
    argmax: UnsafePointer<Int32>, rows: Int, columns k: Int, temperature: Self, into dx: UnsafeMutablePointer<Self>
  ) -> Self

  /// Writes `(source[i] - maximum) / temperature` to `destination[i]` for `i < count`: a
  /// softmax row's tempered, max-shifted logits. `destination` may be `source`.
  static func temperedShift(
    _ source: UnsafePointer<Self>, into destination: UnsafeMutablePointer<Self>, count: Int, maximum: Self,
    temperature: Self)

  /// Divides each of the `count` elements of `row` by their ``sumInLaneOrder(_:)``: the last
  /// step of a softmax row.
  static func divideBySum(_ row: UnsafeMutablePointer<Self>, count: Int)
}

extension TensorFloatingPoint {
  /// Row by row.
  @inlinable @inline(__always)
  public static func indexOfMaximumRows(
    _ base: UnsafePointer<Self>, rows: Int, columns k: Int, into argmax: UnsafeMutablePointer<Int32>
  ) {
    indexOfMaximumRowsInSwift(base, rows: rows, columns: k, into: argmax)
  }

  /// ``indexOfMaximumRows(_:rows:columns:into:)`` row by row, with ``indexOfMaximum(_:)``
  /// (which `Float` runs in C for long rows).
  @inlinable @inline(__always)
  public static func indexOfMaximumRowsInSwift(
    _ base: UnsafePointer<Self>, rows: Int, columns k: Int, into argmax: UnsafeMutablePointer<Int32>
  ) {
    for r in 0..<rows {
      argmax[r] = Int32(truncatingIfNeeded: indexOfMaximum(UnsafeBufferPointer(start: base + r * k, count: k)))
    }
  }

  /// With the row kernels.
  @inlinable @inline(__always)
  public static func softmaxRowsInPlace(
    _ base: UnsafeMutablePointer<Self>, rows: Int, columns k: Int, temperature: Self, argmax: UnsafeMutablePointer<Int32>?
  ) {
    softmaxRowsInPlaceInSwift(base, rows: rows, columns: k, temperature: temperature, argmax: argmax)
  }

  /// ``softmaxRowsInPlace(_:rows:columns:temperature:argmax:)`` with the row kernels (which
  /// `Float` runs in C for long rows): each row's maximum and `z = (x - max) / temperature`;
  /// `exp` over the whole block at once (so short rows still fill the vector lanes); each
  /// row's sum and the division.
  @inlinable @inline(__always)
  public static func softmaxRowsInPlaceInSwift(
    _ base: UnsafeMutablePointer<Self>, rows: Int, columns k: Int, temperature: Self, argmax: UnsafeMutablePointer<Int32>?
  ) {
    for r in 0..<rows {
      let row = base + r * k
      let best = indexOfMaximum(UnsafeBufferPointer(start: row, count: k))
      temperedShift(row, into: row, count: k, maximum: row[best], temperature: temperature)
      argmax?[r] = Int32(truncatingIfNeeded: best)
    }
    Tensor<Self>.normalizedExponentialsInPlace(base, rows: rows, columns: k)
  }

  /// Row by row, with the row kernels.
  @inlinable @inline(__always)
  public static func softmaxPullbackRows(
    x: UnsafePointer<Self>, sample: UnsafePointer<Self>?, upstream v: UnsafePointer<Self>,
    argmax: UnsafePointer<Int32>, rows: Int, columns k: Int, temperature: Self, into dx: UnsafeMutablePointer<Self>
  ) -> Self {
    softmaxPullbackRowsInSwift(
      x: x, sample: sample, upstream: v, argmax: argmax, rows: rows, columns: k, temperature: temperature, into: dx)
  }

  /// ``softmaxPullbackRows(x:sample:upstream:argmax:rows:columns:temperature:into:)`` row by
  /// row, with the row kernels (which `Float` runs in C for long rows).
  @inlinable @inline(__always)
  public static func softmaxPullbackRowsInSwift(
    x: UnsafePointer<Self>, sample: UnsafePointer<Self>?, upstream v: UnsafePointer<Self>,
    argmax: UnsafePointer<Int32>, rows: Int, columns k: Int, temperature: Self, into dx: UnsafeMutablePointer<Self>
  ) -> Self {
    // Without a sample, the softmax is recomputed into dx: each row's pullback reads its y
    // before writing dx over it.
    let y = sample ?? UnsafePointer(dx)
    if sample == nil {
      Tensor<Self>.softmaxRows(of: x, into: dx, rows: rows, columns: k, temperature: temperature, argmax: argmax)
    }
    var total: Self = 0
    for r in 0..<rows {
      let o = r * k
      total += softmaxPullbackRow(
        y: y + o, x: x + o, upstream: v + o, count: k, maximum: x[o + Int(argmax[r])], temperature: temperature,
        into: dx + o)
    }
    return total
  }

  /// One element at a time.
  @inlinable @inline(__always)
  public static func temperedShift(
    _ source: UnsafePointer<Self>, into destination: UnsafeMutablePointer<Self>, count: Int, maximum: Self,
    temperature: Self
  ) {
    temperedShiftInSwift(source, into: destination, count: count, maximum: maximum, temperature: temperature)
  }

  /// One element at a time.
  @inlinable @inline(__always)
  public static func divideBySum(_ row: UnsafeMutablePointer<Self>, count: Int) {
    divideBySumInSwift(row, count: count)
  }

  /// ``temperedShift(_:into:count:maximum:temperature:)`` one element at a time.
  @inlinable @inline(__always)
  public static func temperedShiftInSwift(
    _ source: UnsafePointer<Self>, into destination: UnsafeMutablePointer<Self>, count: Int, maximum: Self,
    temperature: Self
  ) {
    for j in 0..<count { destination[j] = (source[j] - maximum) / temperature }
  }

  /// ``divideBySum(_:count:)`` one element at a time, after ``sumInLaneOrder(_:)``.
  @inlinable @inline(__always)
  public static func divideBySumInSwift(_ row: UnsafeMutablePointer<Self>, count: Int) {
    let total = sumInLaneOrder(UnsafeBufferPointer(start: row, count: count))
    for j in 0..<count { row[j] /= total }
  }
}

extension Float: TensorFloatingPoint {
  /// One pass, eight lanes at a time, in two running maxima (even and odd groups of eight, so
  /// that the comparisons do not wait on each other). Each lane keeps its largest value and
  /// where that value first appeared (a later value replaces it only when strictly larger);
  /// the answer is the first position among the lanes that hold the overall maximum. A last
  /// partial group is padded with `-infinity`. An infinite or NaN maximum (a row of masked
  /// categories, or an infinite logit) goes to the scalar search.
  ///
  /// With ``AVX2/handles(count:)``, the same search runs in ``AVX2/indexOfMaximum(_:count:)``.
  @inlinable
  public static func indexOfMaximum(_ buffer: UnsafeBufferPointer<Float>) -> Int {
    guard AVX2.handles(count: buffer.count), let base = buffer.baseAddress else { return indexOfMaximumInSwift(buffer) }
    return AVX2.indexOfMaximum(base, count: buffer.count) ?? scalarIndexOfMaximum(buffer)
  }

  /// ``indexOfMaximum(_:)`` in Swift, whatever the processor.
  @inlinable
  public static func indexOfMaximumInSwift(_ buffer: UnsafeBufferPointer<Float>) -> Int {
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

  @inlinable
  public static func exponentiate(_ buffer: UnsafeMutableBufferPointer<Float>) {
    guard let base = buffer.baseAddress else { return }
    if AVX2.handles(count: buffer.count) {
      AVX2.expOfNonPositiveInPlace(base, count: buffer.count)
    } else {
      exponentiateInSwift(base, count: buffer.count)
    }
  }

  /// ``exponentiate(_:)`` in Swift, whatever the processor.
  @inlinable
  public static func exponentiateInSwift(_ base: UnsafeMutablePointer<Float>, count n: Int) {
    var i = 0
    while i + 8 <= n {
      VectorMath.store(VectorMath.expOfNonPositive(VectorMath.load(base + i)), to: base + i)
      i += 8
    }
    if i < n {
      VectorMath.store(VectorMath.expOfNonPositive(VectorMath.load(base + i, count: n - i, padding: -.infinity)), to: base + i, count: n - i)
    }
  }

  /// Full groups of eight are added lane by lane and the lanes by ``VectorMath/sum(_:)``; the
  /// last `count % 8` elements are then added one by one. With ``AVX2/handles(count:)``,
  /// ``AVX2/sumInLaneOrder(_:count:)`` adds in the same order.
  @inlinable
  public static func sumInLaneOrder(_ buffer: UnsafeBufferPointer<Float>) -> Float {
    guard AVX2.handles(count: buffer.count), let base = buffer.baseAddress else { return sumInLaneOrderInSwift(buffer) }
    return AVX2.sumInLaneOrder(base, count: buffer.count)
  }

  /// ``sumInLaneOrder(_:)`` in Swift, whatever the processor.
  @inlinable
  public static func sumInLaneOrderInSwift(_ buffer: UnsafeBufferPointer<Float>) -> Float {
    guard let base = buffer.baseAddress else { return 0 }
    let n = buffer.count
    var sums = SIMD8<Float>()
    var i = 0
    while i + 8 <= n {
      sums += VectorMath.load(base + i)
      i += 8
    }
    var total = VectorMath.sum(sums)
    while i < n {
      total += base[i]
      i += 1
    }
    return total
  }

  /// The selected elements in the lanes that ``sumInLaneOrder(_:)`` adds them to (lane
  /// `i % 8` for an element `i` in the full groups of eight), then the rest one by one.
  @inlinable
  public static func sumInLaneOrder(
    selected: UnsafeBufferPointer<Float>, at indices: UnsafeBufferPointer<Int32>, columns k: Int
  ) -> Float {
    let fullGroups = selected.count * k / 8 * 8
    var sums = (Float(0), Float(0), Float(0), Float(0), Float(0), Float(0), Float(0), Float(0))
    var r = 0
    withUnsafeMutableBytes(of: &sums) { sums in
      // The running sums as eight floats in memory: a lane chosen at run time, without a branch.
      let sums = sums.baseAddress!.assumingMemoryBound(to: Float.self)
      while r < selected.count {
        let i = r * k + Int(indices[r])
        if i >= fullGroups { break }
        sums[i % 8] += selected[r]
        r += 1
      }
    }
    var total = VectorMath.sum(SIMD8(sums.0, sums.1, sums.2, sums.3, sums.4, sums.5, sums.6, sums.7))
    while r < selected.count {
      total += selected[r]
      r += 1
    }
    return total
  }

  /// With ``AVX2/handles(count:)``, ``AVX2/allFinite(_:count:)``; else eight lanes at a time,
  /// and a pass over 4,096 elements before each check.
  @inlinable
  public static func allFinite(_ buffer: UnsafeBufferPointer<Float>) -> Bool {
    guard let base = buffer.baseAddress else { return true }
    let n = buffer.count
    if AVX2.handles(count: n) { return AVX2.allFinite(base, count: n) }
    var i = 0
    while i + 8 <= n {
      var nonFinite = SIMD8<UInt32>()
      let end = Swift.min(n - n % 8, i + 4096)
      while i < end {
        nonFinite |= VectorMath.nonFiniteMask(VectorMath.load(base + i))
        i += 8
      }
      if nonFinite != SIMD8() { return false }
    }
    while i < n {
      if !base[i].isFinite { return false }
      i += 1
    }
    return true
  }

  /// With ``AVX2/handles(count:)`` for the whole block, in one call of
  /// ``AVX2/indexOfMaximumRows(_:rows:columns:into:)``.
  @inlinable
  public static func indexOfMaximumRows(
    _ base: UnsafePointer<Float>, rows: Int, columns k: Int, into argmax: UnsafeMutablePointer<Int32>
  ) {
    if AVX2.handles(count: rows * k) {
      AVX2.indexOfMaximumRows(base, rows: rows, columns: k, into: argmax)
    } else {
      indexOfMaximumRowsInSwift(base, rows: rows, columns: k, into: argmax)
    }
  }

  /// With ``AVX2/handles(count:)`` for the whole block, in one call of
  /// ``AVX2/softmaxRowsInPlace(_:rows:columns:temperature:argmax:)``.
  @inlinable
  public static func softmaxRowsInPlace(
    _ base: UnsafeMutablePointer<Float>, rows: Int, columns k: Int, temperature: Float, argmax: UnsafeMutablePointer<Int32>?
  ) {
    if AVX2.handles(count: rows * k) {
      AVX2.softmaxRowsInPlace(base, rows: rows, columns: k, temperature: temperature, argmax: argmax)
    } else {
      softmaxRowsInPlaceInSwift(base, rows: rows, columns: k, temperature: temperature, argmax: argmax)
    }
  }

  /// With ``AVX2/handles(count:)`` for the whole block, in one call of
  /// ``AVX2/softmaxPullbackRows(x:sample:upstream:argmax:rows:columns:temperature:scratch:into:)``,
  /// which keeps the recomputed rows' tempered shifted logits for the temperature gradient
  /// instead of computing them again.
  @inlinable
  public static func softmaxPullbackRows(
    x: UnsafePointer<Float>, sample: UnsafePointer<Float>?, upstream v: UnsafePointer<Float>,
    argmax: UnsafePointer<Int32>, rows: Int, columns k: Int, temperature: Float, into dx: UnsafeMutablePointer<Float>
  ) -> Float {
    guard AVX2.handles(count: rows * k) else {
      return softmaxPullbackRowsInSwift(
        x: x, sample: sample, upstream: v, argmax: argmax, rows: rows, columns: k, temperature: temperature, into: dx)
    }
    return withUnsafeTemporaryAllocation(of: Float.self, capacity: sample == nil ? rows * k : 0) { scratch in
      AVX2.softmaxPullbackRows(
        x: x, sample: sample, upstream: v, argmax: argmax, rows: rows, columns: k, temperature: temperature,
        scratch: scratch.baseAddress, into: dx)
    }
  }

  /// With ``AVX2/handles(count:)``, ``AVX2/shiftAndScale(_:into:count:maximum:temperature:)``.
  @inlinable
  public static func temperedShift(
    _ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>, count: Int, maximum: Float,
    temperature: Float
  ) {
    if AVX2.handles(count: count) {
      AVX2.shiftAndScale(source, into: destination, count: count, maximum: maximum, temperature: temperature)
    } else {
      temperedShiftInSwift(source, into: destination, count: count, maximum: maximum, temperature: temperature)
    }
  }

  /// With ``AVX2/handles(count:)``, ``AVX2/divideBySum(_:count:)``.
  @inlinable
  public static func divideBySum(_ row: UnsafeMutablePointer<Float>, count: Int) {
    if AVX2.handles(count: count) {
      AVX2.divideBySum(row, count: count)
    } else {
      divideBySumInSwift(row, count: count)
    }
  }

  /// Eight elements at a time, the last `count % 8` one by one (vectors padded element by
  /// element cost more than they save); the dot product and the temperature gradient are
  /// summed as in ``sumInLaneOrder(_:)``. With
  /// ``AVX2/handles(count:)``, ``AVX2/softmaxPullbackRow(y:x:upstream:count:maximum:temperature:into:)``
  /// computes the same bits.
  @inlinable
  public static func softmaxPullbackRow(
    y: UnsafePointer<Float>, x: UnsafePointer<Float>, upstream v: UnsafePointer<Float>, count k: Int,
    maximum m: Float, temperature: Float, into dx: UnsafeMutablePointer<Float>
  ) -> Float {
    guard AVX2.handles(count: k) else {
      return softmaxPullbackRowInSwift(y: y, x: x, upstream: v, count: k, maximum: m, temperature: temperature, into: dx)
    }
    return AVX2.softmaxPullbackRow(y: y, x: x, upstream: v, count: k, maximum: m, temperature: temperature, into: dx)
  }

  /// ``softmaxPullbackRow(y:x:upstream:count:maximum:temperature:into:)`` in Swift, whatever
  /// the processor.
  @inlinable
  public static func softmaxPullbackRowInSwift(
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
}

extension Double: TensorFloatingPoint {
  @inlinable
  public static func indexOfMaximum(_ buffer: UnsafeBufferPointer<Double>) -> Int {
    scalarIndexOfMaximum(buffer)
  }

  @inlinable
  public static func exponentiate(_ buffer: UnsafeMutableBufferPointer<Double>) {
    for i in buffer.indices { buffer[i] = .exp(buffer[i]) }
  }

  @inlinable
  public static func sumInLaneOrder(_ buffer: UnsafeBufferPointer<Double>) -> Double {
    var total: Double = 0
    for x in buffer { total += x }
    return total
  }

  @inlinable
  public static func sumInLaneOrder(
    selected: UnsafeBufferPointer<Double>, at indices: UnsafeBufferPointer<Int32>, columns: Int
  ) -> Double {
    sumInLaneOrder(selected)
  }

  @inlinable
  public static func allFinite(_ buffer: UnsafeBufferPointer<Double>) -> Bool {
    buffer.allSatisfy(\.isFinite)
  }

  @inlinable
  public static func softmaxPullbackRow(
    y: UnsafePointer<Double>, x: UnsafePointer<Double>, upstream v: UnsafePointer<Double>, count k: Int,
    maximum m: Double, temperature: Double, into dx: UnsafeMutablePointer<Double>
  ) -> Double {
    var dot: Double = 0
    for j in 0..<k { dot += v[j] * y[j] }
    return softmaxPullbackElements(
      0..<k, y: y, x: x, upstream: v, dot: dot, maximum: m, temperature: temperature, into: dx, startingFrom: 0)
  }
}

/// Elements `range` of a softmax pullback row, one at a time, given the row's `dot = <v, y>`:
/// writes `dx_j = dz_j / temperature` for `dz_j = y_j (v_j - dot)`, and returns the row's
/// temperature gradient `-(sum + sum_j dz_j z_j) / temperature` with
/// `z_j = (x_j - maximum) / temperature`, skipping `dz_j = 0` and infinite `z_j` (masked
/// categories); `sum` is the row's other elements' part of the sum. (One division per row,
/// not per element.)
@inlinable @inline(__always)
func softmaxPullbackElements<Scalar: BinaryFloatingPoint>(
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

/// The index of the first largest element of a non-empty buffer, one comparison at a time.
@inlinable
func scalarIndexOfMaximum<Scalar: Comparable>(_ buffer: UnsafeBufferPointer<Scalar>) -> Int {
  guard var m = buffer.first else { return 0 }
  var best = 0
  for k in 1..<buffer.count where buffer[k] > m {
    m = buffer[k]
    best = k
  }
  return best
}
