import RealModule
import CGumbelKernels

/// The sums in a fixed order (so that every path and every thread count gives the same bits)
/// and the check that floats are finite.
extension Kernels {
  /// The sum of `buffer`'s elements in a fixed order: `Float` adds each full group of eight
  /// into eight partial sums, adds those, then the remaining elements one by one; other types
  /// add from first to last.
  @inlinable @inline(__always)
  package static func sumInLaneOrder<Scalar: KernelScalar>(_ buffer: UnsafeBufferPointer<Scalar>) -> Scalar {
    if Scalar.self == Float.self { return kernelCast(sumInLaneOrder(buffer.kernelCast(to: Float.self))) }
    if Scalar.self == Double.self { return kernelCast(sumInOrder(buffer.kernelCast(to: Double.self))) }
    return sumInOrder(buffer)
  }

  /// From first to last.
  @inlinable
  package static func sumInOrder<Scalar: KernelScalar>(_ buffer: UnsafeBufferPointer<Scalar>) -> Scalar {
    var total: Scalar = 0
    for x in buffer { total += x }
    return total
  }

  /// `Float`'s form: ``sumInLaneOrderInC(_:count:)`` when ``KernelPath/runsC(count:)``, else
  /// ``sumInLaneOrderInSwift(_:)``.
  @inlinable
  package static func sumInLaneOrder(_ buffer: UnsafeBufferPointer<Float>) -> Float {
    guard KernelPath.runsC(count: buffer.count), let base = buffer.baseAddress else { return sumInLaneOrderInSwift(buffer) }
    return sumInLaneOrderInC(base, count: buffer.count)
  }

  /// Full groups of eight are added lane by lane and the lanes by ``VectorMath/sum(_:)``; the
  /// last `count % 8` elements are then added one by one.
  @inlinable
  package static func sumInLaneOrderInSwift(_ buffer: UnsafeBufferPointer<Float>) -> Float {
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

  /// The C form of ``sumInLaneOrderInSwift(_:)``.
  ///
  /// - Precondition: ``KernelPath/usesC``.
  @usableFromInline
  package static func sumInLaneOrderInC(_ x: UnsafePointer<Float>, count: Int) -> Float {
    gumbel_kernel_sum_in_lane_order(x, Int64(count))
  }

  /// ``sumInLaneOrder(_:)-(UnsafeBufferPointer<Scalar>)`` of `selected.count` rows of `columns`
  /// elements that are `+0` or `-0` except one per row, `selected[r]` at column `indices[r]`,
  /// from those alone.
  ///
  /// The same bits as the sum of every element: each running sum starts at `+0` and can never
  /// become `-0` (in round-to-nearest, `x + -x` is `+0`), so adding a zero of either sign leaves
  /// it as it is, and only the order in which the selected elements reach each running sum
  /// matters.
  @inlinable @inline(__always)
  package static func sumInLaneOrder<Scalar: KernelScalar>(
    selected: UnsafeBufferPointer<Scalar>, at indices: UnsafeBufferPointer<Int32>, columns k: Int
  ) -> Scalar {
    if Scalar.self == Float.self {
      return kernelCast(sumInLaneOrder(selected: selected.kernelCast(to: Float.self), at: indices, columns: k))
    }
    if Scalar.self == Double.self { return kernelCast(sumInOrder(selected.kernelCast(to: Double.self))) }
    return sumInOrder(selected)
  }

  /// `Float`'s form: the selected elements in the lanes that
  /// ``sumInLaneOrder(_:)-(UnsafeBufferPointer<Float>)`` adds them to (lane `i % 8` for an
  /// element `i` in the full groups of eight), then the rest one by one.
  @inlinable
  package static func sumInLaneOrder(
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

  /// Whether every element of `buffer` is finite (neither infinite nor NaN).
  @inlinable @inline(__always)
  package static func allFinite<Scalar: KernelScalar>(_ buffer: UnsafeBufferPointer<Scalar>) -> Bool {
    if Scalar.self == Float.self { return allFinite(buffer.kernelCast(to: Float.self)) }
    if Scalar.self == Double.self { return buffer.kernelCast(to: Double.self).allSatisfy(\.isFinite) }
    return buffer.allSatisfy(\.isFinite)
  }

  /// `Float`'s form: ``allFiniteInC(_:count:)`` when ``KernelPath/runsC(count:)``; else eight
  /// lanes at a time, and a pass over 4,096 elements before each check.
  @inlinable
  package static func allFinite(_ buffer: UnsafeBufferPointer<Float>) -> Bool {
    guard let base = buffer.baseAddress else { return true }
    let n = buffer.count
    if KernelPath.runsC(count: n) { return allFiniteInC(base, count: n) }
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

  /// The C form of ``allFinite(_:)-(UnsafeBufferPointer<Float>)`` (AVX-512 where
  /// ``KernelPath/usesAVX512``).
  ///
  /// - Precondition: ``KernelPath/usesC``.
  @usableFromInline
  package static func allFiniteInC(_ x: UnsafePointer<Float>, count: Int) -> Bool {
    gumbel_kernel_all_finite(x, Int64(count)) != 0
  }
}
