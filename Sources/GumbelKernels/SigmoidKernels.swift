import RealModule

/// The logistic function `sigmoid(x) = 1 / (1 + e^-x)` of a buffer, and its pullback.
///
/// Scalar loops with the scalar type's own `exp`: every element is the same bits as the scalar
/// formula below. There is no C or vector form; what the kernels add is speed for generic callers
/// (a bit estimator in another module that the compiler did not specialise): the entry points
/// compare `Scalar.self` with `Float.self` and `Double.self` once per buffer and then run the one
/// Swift loop specialised for that type, instead of protocol calls and value witnesses for every
/// element.
extension Kernels {
  /// `1 / (1 + e^-x)` for `x >= 0` and `e^x / (1 + e^x)` below: no overflow for any `x`.
  @inlinable @inline(__always)
  package static func sigmoid<Scalar: KernelScalar>(_ x: Scalar) -> Scalar {
    if x >= 0 { return 1 / (1 + Scalar.exp(-x)) }
    let e = Scalar.exp(x)
    return e / (1 + e)
  }

  /// `out[i] = sigmoid(x[i])`.
  @inlinable @inline(__always)
  package static func sigmoid<Scalar: KernelScalar>(_ x: UnsafeBufferPointer<Scalar>, into out: UnsafeMutablePointer<Scalar>) {
    if Scalar.self == Float.self {
      sigmoidInSwift(x.kernelCast(to: Float.self), into: out.kernelCast(to: Float.self))
    } else if Scalar.self == Double.self {
      sigmoidInSwift(x.kernelCast(to: Double.self), into: out.kernelCast(to: Double.self))
    } else {
      sigmoidInSwift(x, into: out)
    }
  }

  @inlinable
  package static func sigmoidInSwift<Scalar: KernelScalar>(_ x: UnsafeBufferPointer<Scalar>, into out: UnsafeMutablePointer<Scalar>) {
    for i in x.indices { out[i] = sigmoid(x[i]) }
  }

  /// `out[i] = v[i] y[i] (1 - y[i])` for `y = sigmoid(x)`: the pullback of the logistic
  /// function, from its value.
  @inlinable @inline(__always)
  package static func sigmoidPullback<Scalar: KernelScalar>(
    value y: UnsafeBufferPointer<Scalar>, upstream v: UnsafePointer<Scalar>, into out: UnsafeMutablePointer<Scalar>
  ) {
    if Scalar.self == Float.self {
      sigmoidPullbackInSwift(value: y.kernelCast(to: Float.self), upstream: v.kernelCast(to: Float.self), into: out.kernelCast(to: Float.self))
    } else if Scalar.self == Double.self {
      sigmoidPullbackInSwift(value: y.kernelCast(to: Double.self), upstream: v.kernelCast(to: Double.self), into: out.kernelCast(to: Double.self))
    } else {
      sigmoidPullbackInSwift(value: y, upstream: v, into: out)
    }
  }

  @inlinable
  package static func sigmoidPullbackInSwift<Scalar: KernelScalar>(
    value y: UnsafeBufferPointer<Scalar>, upstream v: UnsafePointer<Scalar>, into out: UnsafeMutablePointer<Scalar>
  ) {
    for i in y.indices { out[i] = v[i] * y[i] * (1 - y[i]) }
  }
}
