import _Differentiation
import GumbelKernels
import RealModule

/// The scalar types a ``Tensor`` holds: `Float` and `Double`.
///
/// Besides the arithmetic, each type supplies the three inner loops of the softmax, which
/// `Float` runs eight lanes at a time and `Double` one element at a time.
public protocol TensorFloatingPoint: BinaryFloatingPoint, Real, Differentiable, Sendable
where TangentVector == Self {
  /// The index of the largest element of a non-empty `buffer` (the first of equal ones), for
  /// buffers without NaN.
  static func indexOfMaximum(_ buffer: UnsafeBufferPointer<Self>) -> Int

  /// Replaces each element of `buffer` by its exponential. An element's result does not
  /// depend on its position or on the buffer's length (`Float` uses the eight-lane
  /// ``VectorMath/exp(_:)`` and pads a last partial group).
  static func exponentiate(_ buffer: UnsafeMutableBufferPointer<Self>)

  /// The sum of `buffer`'s elements in a fixed order: `Float` adds element `i` into lane
  /// `i % 8` of eight partial sums and then adds the lanes; `Double` adds from first to last.
  static func sumInLaneOrder(_ buffer: UnsafeBufferPointer<Self>) -> Self
}

extension Float: TensorFloatingPoint {
  @inlinable
  public static func indexOfMaximum(_ buffer: UnsafeBufferPointer<Float>) -> Int {
    let n = buffer.count
    guard n >= 8, let base = buffer.baseAddress else { return scalarIndexOfMaximum(buffer) }
    // The maximum eight lanes at a time (the last group overlaps the one before it, which
    // does not change a maximum), then the first element equal to it.
    let raw = UnsafeRawPointer(base)
    var best = raw.loadUnaligned(as: SIMD8<Float>.self)
    var i = 8
    while i + 8 <= n {
      best = VectorMath.maximum(best, raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self))
      i += 8
    }
    if i < n { best = VectorMath.maximum(best, raw.loadUnaligned(fromByteOffset: 4 * (n - 8), as: SIMD8<Float>.self)) }
    // The lanes' maximum, written out: `SIMD.max()` is a generic call.
    var m = best[0]
    for lane in 1..<8 { m = Swift.max(m, best[lane]) }
    for k in 0..<n where base[k] == m { return k }
    return scalarIndexOfMaximum(buffer)
  }

  @inlinable
  public static func exponentiate(_ buffer: UnsafeMutableBufferPointer<Float>) {
    guard let base = buffer.baseAddress else { return }
    let raw = UnsafeMutableRawPointer(base)
    let n = buffer.count
    var i = 0
    while i + 8 <= n {
      let e = VectorMath.exp(raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self))
      raw.storeBytes(of: e, toByteOffset: 4 * i, as: SIMD8<Float>.self)
      i += 8
    }
    if i < n {
      var x = SIMD8<Float>(repeating: -.infinity)
      for lane in 0..<(n - i) { x[lane] = base[i + lane] }
      let e = VectorMath.exp(x)
      for lane in 0..<(n - i) { base[i + lane] = e[lane] }
    }
  }

  @inlinable
  public static func sumInLaneOrder(_ buffer: UnsafeBufferPointer<Float>) -> Float {
    guard let base = buffer.baseAddress else { return 0 }
    let raw = UnsafeRawPointer(base)
    let n = buffer.count
    var sums = SIMD8<Float>()
    var i = 0
    while i + 8 <= n {
      sums += raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
      i += 8
    }
    if i < n {
      var x = SIMD8<Float>()
      for lane in 0..<(n - i) { x[lane] = base[i + lane] }
      sums += x
    }
    return sums.sum()
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
