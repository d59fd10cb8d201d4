import RealModule
import CGumbelKernels

/// The exponential of a buffer of a softmax's shifted logits, all at most 0.
extension Kernels {
  /// Replaces each element of `buffer`, which is at most 0 or NaN (a softmax's shifted logits
  /// `(x - max x) / temperature`), by its exponential. An element's result does not depend on
  /// its position or on the buffer's length (`Float` uses the eight-lane
  /// ``VectorMath/expOfNonPositive(_:)`` and pads a last partial group).
  @inlinable @inline(__always)
  package static func exponentiate<Scalar: KernelScalar>(_ buffer: UnsafeMutableBufferPointer<Scalar>) {
    if Scalar.self == Float.self {
      exponentiate(buffer.kernelCast(to: Float.self))
    } else if Scalar.self == Double.self {
      exponentiateInSwift(buffer.kernelCast(to: Double.self))
    } else {
      exponentiateInSwift(buffer)
    }
  }

  /// One element at a time, with `Scalar.exp`.
  @inlinable
  package static func exponentiateInSwift<Scalar: KernelScalar>(_ buffer: UnsafeMutableBufferPointer<Scalar>) {
    for i in buffer.indices { buffer[i] = .exp(buffer[i]) }
  }

  /// `Float`'s form: ``exponentiateInC(_:count:)`` when ``KernelPath/runsC(count:)``, else
  /// ``exponentiateInSwift(_:count:)``.
  @inlinable
  package static func exponentiate(_ buffer: UnsafeMutableBufferPointer<Float>) {
    guard let base = buffer.baseAddress else { return }
    if KernelPath.runsC(count: buffer.count) {
      exponentiateInC(base, count: buffer.count)
    } else {
      exponentiateInSwift(base, count: buffer.count)
    }
  }

  /// ``VectorMath/expOfNonPositive(_:)`` eight lanes at a time, a last partial group padded
  /// with `-infinity`.
  @inlinable
  package static func exponentiateInSwift(_ base: UnsafeMutablePointer<Float>, count n: Int) {
    var i = 0
    while i + 8 <= n {
      VectorMath.store(VectorMath.expOfNonPositive(VectorMath.load(base + i)), to: base + i)
      i += 8
    }
    if i < n {
      VectorMath.store(VectorMath.expOfNonPositive(VectorMath.load(base + i, count: n - i, padding: -.infinity)), to: base + i, count: n - i)
    }
  }

  /// The C form of ``exponentiateInSwift(_:count:)`` (AVX-512 where ``KernelPath/usesAVX512``).
  ///
  /// - Precondition: ``KernelPath/usesC``.
  @usableFromInline
  package static func exponentiateInC(_ data: UnsafeMutablePointer<Float>, count: Int) {
    gumbel_kernel_exp_of_non_positive_in_place(data, Int64(count))
  }
}
