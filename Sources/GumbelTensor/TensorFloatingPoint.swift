import _Differentiation
import GumbelKernels
import RealModule

/// The scalar types a ``Tensor`` holds: `Float` and `Double`.
public protocol TensorFloatingPoint: BinaryFloatingPoint, Real, Differentiable, Sendable
where TangentVector == Self {
  /// Replaces each element of `buffer` by its exponential and returns their sum: the inner
  /// loop of the softmax. `Float` uses the eight-lane ``VectorMath/exp(_:)`` (a last partial
  /// group is padded, so an element's value does not depend on its position); `Double` the
  /// scalar `exp`.
  static func exponentiateReturningSum(_ buffer: UnsafeMutableBufferPointer<Self>) -> Self
}

extension Float: TensorFloatingPoint {
  @inlinable
  public static func exponentiateReturningSum(_ buffer: UnsafeMutableBufferPointer<Float>) -> Float {
    guard let base = buffer.baseAddress else { return 0 }
    let raw = UnsafeMutableRawPointer(base)
    let n = buffer.count
    var sums = SIMD8<Float>()
    var i = 0
    while i + 8 <= n {
      let e = VectorMath.exp(raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self))
      raw.storeBytes(of: e, toByteOffset: 4 * i, as: SIMD8<Float>.self)
      sums += e
      i += 8
    }
    if i < n {
      var x = SIMD8<Float>(repeating: -.infinity)
      for lane in 0..<(n - i) { x[lane] = base[i + lane] }
      let e = VectorMath.exp(x)
      for lane in 0..<(n - i) { base[i + lane] = e[lane] }
      sums += e
    }
    return sums.sum()
  }
}

extension Double: TensorFloatingPoint {
  @inlinable
  public static func exponentiateReturningSum(_ buffer: UnsafeMutableBufferPointer<Double>) -> Double {
    var total: Double = 0
    for i in buffer.indices {
      buffer[i] = .exp(buffer[i])
      total += buffer[i]
    }
    return total
  }
}
